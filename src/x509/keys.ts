/**
 * @module keys
 * Private-key files for the engine's certified keys: PKCS#8 PrivateKeyInfo (RFC 5208 §5; EC per
 * RFC 5915 §3 / RFC 5480 on P-256, P-384, P-521, Ed25519 and Ed448 per RFC 8410 §7, RSA per
 * RFC 8017 §A.1.2 under rsaEncryption or id-RSASSA-PSS, RFC 4055 §3.1), SEC1 "EC PRIVATE
 * KEY" (RFC 5915 §3) and PKCS#1 "RSA PRIVATE KEY" (RFC 8017 §A.1.2), as PEM (RFC 7468) or DER.
 * Encrypted keys: RFC 5958 §3 EncryptedPrivateKeyInfo with RFC 8018 PBES2 (pbes2.ts), decrypted
 * with a `passphrase` through the provider's optional `passwordBased` primitives.
 * These are configuration inputs, so failures are plain Errors, not TlsErrors.
 *
 *   EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 *
 *   PrivateKeyInfo ::= SEQUENCE {           -- RFC 5958 §2 OneAsymmetricKey: version v2 (1) adds publicKey
 *     version                   Version,
 *     privateKeyAlgorithm       AlgorithmIdentifier,
 *     privateKey                OCTET STRING,
 *     attributes           [0]  IMPLICIT Attributes OPTIONAL,
 *     publicKey            [1]  IMPLICIT BIT STRING OPTIONAL }  -- v2 only
 *   ECPrivateKey ::= SEQUENCE {
 *     version        INTEGER { ecPrivkeyVer1(1) },
 *     privateKey     OCTET STRING,
 *     parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
 *     publicKey  [1] BIT STRING OPTIONAL }
 *   CurvePrivateKey ::= OCTET STRING
 *   RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1,
 *     maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1, saltLength [2] INTEGER DEFAULT 20,
 *     trailerField [3] INTEGER DEFAULT 1 }
 *   RSAPrivateKey ::= SEQUENCE { version (0: two-prime), modulus, publicExponent, privateExponent,
 *     prime1, prime2, exponent1, exponent2, coefficient INTEGER, otherPrimeInfos OPTIONAL }
 * All read and written with the strict DER walker of der.ts.
 */
import { concat, equalBytes } from '../bytes/bytes.ts';
import type { CryptoProvider, EcCurve, PrivateKey, PublicKey, RsaPssKeyRestriction } from '../crypto/provider.ts';
import { isAcceptedRsaPublicExponent } from '../protocol/limits.ts';
import {
  algorithm,
  DerTag,
  encodeOid,
  encodeSequence,
  encodeSmallInteger,
  encodeTlv,
  expectTag,
  integerContents,
  oidToText,
  readChildren,
  readSingle,
  smallInteger,
  stripLeadingZeros,
  type Tlv,
} from './der.ts';
import { rsaPssParamsHash } from './certificate.ts';
import type { KdfBudget } from './kdf-budget.ts';
import { decryptPbes2 } from './pbes2.ts';
import { CURVE_OID, CURVE_SIZE, MGF1_OID, OID, PSS_HASHES } from './oids.ts';
import { pemDecode, pemTextOf } from './pem.ts';

/** Options of `parsePrivateKey`. */
export interface PrivateKeyOptions {
  /** The passphrase of an encrypted PKCS#8 key (a string is UTF-8 encoded, as OpenSSL does). */
  readonly passphrase?: string | Uint8Array;
  /** Supplies PBKDF2/scrypt/AES-CBC (`passwordBased`) for encrypted keys. */
  readonly provider?: CryptoProvider;
  /** The key-derivation work bound to charge (kdf-budget.ts): a PKCS#12 file shares one across its parts; a fresh one by default. */
  readonly kdfBudget?: KdfBudget;
}

/**
 * Parses a private key from PEM text (PKCS#8 "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE
 * KEY", "RSA PRIVATE KEY"; the first key block is used, other blocks such as "EC PARAMETERS" are
 * skipped) or DER (PKCS#8 PrivateKeyInfo or EncryptedPrivateKeyInfo).
 * @throws Error naming the problem when the key is malformed, of an unsupported type, or
 *   encrypted and the passphrase is missing or wrong
 * @example const key = parsePrivateKey(readFileSync('server.key', 'utf8'), { passphrase: 'secret', provider: nobleProvider });
 */
export function parsePrivateKey(input: string | Uint8Array, options: PrivateKeyOptions = {}): PrivateKey {
  if (typeof input !== 'string') {
    const pem = pemTextOf(input);
    if (pem !== undefined) return parsePrivateKey(pem, options);
  }
  if (typeof input !== 'string') return isEncryptedInfo(input) ? parseEncryptedPkcs8(input, options) : parsePkcs8(input);
  const blocks = pemDecode(input);
  for (const b of blocks) {
    switch (b.label) {
      case 'PRIVATE KEY':
        return parsePkcs8(b.der);
      case 'EC PRIVATE KEY':
        return wrapErrors('EC PRIVATE KEY', () => parseEcPrivateKey(b.der, undefined));
      case 'RSA PRIVATE KEY':
        return wrapErrors('RSA PRIVATE KEY', () => parseRsaPrivateKey(b.der));
      case 'ENCRYPTED PRIVATE KEY':
        return parseEncryptedPkcs8(b.der, options);
      default:
        continue;
    }
  }
  throw new Error(`key: no private key block found (labels: ${blocks.map((b) => b.label).join(', ') || 'none'})`);
}


/** RFC 5958 §3 EncryptedPrivateKeyInfo with PBES2 (RFC 8018 §6.2) → PrivateKey. */
function parseEncryptedPkcs8(der: Uint8Array, options: PrivateKeyOptions): PrivateKey {
  const { passphrase, provider, kdfBudget } = options;
  if (passphrase === undefined) throw new Error('key: the private key is encrypted; pass a passphrase');
  const pb = provider?.passwordBased;
  if (pb === undefined) throw new Error('key: decrypting a private key needs a provider with passwordBased primitives');
  const password = typeof passphrase === 'string' ? new TextEncoder().encode(passphrase) : passphrase;
  const plain = wrapErrors('ENCRYPTED PRIVATE KEY', () => {
    const [alg, data, ...extra] = readChildren(readSingle(der, DerTag.SEQUENCE, 'EncryptedPrivateKeyInfo').value, 'EncryptedPrivateKeyInfo');
    if (alg === undefined || data?.tag !== DerTag.OCTET_STRING || extra.length > 0) throw new Error('malformed EncryptedPrivateKeyInfo');
    return decryptPbes2(alg, data.value, password, pb, kdfBudget);
  });
  try {
    return parsePkcs8(plain);
  } catch (e) {
    throw new Error('key: ENCRYPTED PRIVATE KEY: wrong passphrase or corrupt key', { cause: e });
  }
}

/** True when `der` is an EncryptedPrivateKeyInfo (its first element is a SEQUENCE, not the INTEGER version). */
function isEncryptedInfo(der: Uint8Array): boolean {
  try {
    return readChildren(readSingle(der, DerTag.SEQUENCE, 'key').value, 'key')[0]?.tag === DerTag.SEQUENCE;
  } catch {
    return false;
  }
}


/** Encodes `key` as PKCS#8 PrivateKeyInfo DER (EC keys without the optional public key). */
export function encodePrivateKeyPkcs8(key: PrivateKey): Uint8Array {
  let algorithmId: Uint8Array;
  let inner: Uint8Array;
  switch (key.type) {
    case 'ec':
      algorithmId = encodeSequence(encodeOid(OID.ecPublicKey), encodeOid(CURVE_OID[key.curve]));
      // RFC 5915 §3: privateKey is the fixed-length big-endian d; parameters may be omitted in PKCS#8.
      inner = encodeSequence(encodeSmallInteger(1), encodeTlv(DerTag.OCTET_STRING, leftPad(key.d, CURVE_SIZE[key.curve])));
      break;
    case 'ed25519':
    case 'ed448':
      algorithmId = encodeSequence(encodeOid(OID[key.type]));
      // RFC 8410 §7: privateKey holds CurvePrivateKey, itself an OCTET STRING.
      inner = encodeTlv(DerTag.OCTET_STRING, key.seed);
      break;
    case 'rsa': {
      algorithmId = key.pss === undefined
        ? encodeSequence(encodeOid(OID.rsaEncryption), encodeTlv(DerTag.NULL, new Uint8Array(0)))
        : encodeSequence(encodeOid(OID.rsassaPss), ...rsaPssParamsDer(key.pss));
      const int = (b: Uint8Array): Uint8Array => encodeTlv(DerTag.INTEGER, integerContents(b));
      inner = encodeSequence(
        encodeSmallInteger(0),
        ...[key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qi].map(int),
      );
      break;
    }
  }
  return encodeSequence(encodeSmallInteger(0), algorithmId, encodeTlv(DerTag.OCTET_STRING, inner));
}

/** True when two public keys are the same key (integers compared without leading zeros). */
export function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  if (a.type === 'ec' && b.type === 'ec') return a.curve === b.curve && equalBytes(a.point, b.point);
  if ((a.type === 'ed25519' && b.type === 'ed25519') || (a.type === 'ed448' && b.type === 'ed448')) return equalBytes(a.key, b.key);
  if (a.type === 'rsa' && b.type === 'rsa') {
    // An id-RSASSA-PSS key is another key than the rsaEncryption key with the same n and e, and
    // one restricted to another hash (RFC 4055 §1.2).
    if (a.pss?.hash !== b.pss?.hash || (a.pss === undefined) !== (b.pss === undefined)) return false;
    return (
      equalBytes(stripLeadingZeros(a.n), stripLeadingZeros(b.n)) &&
      equalBytes(stripLeadingZeros(a.e), stripLeadingZeros(b.e))
    );
  }
  return false;
}

/** RFC 5208 §5 PrivateKeyInfo (RFC 5958 §2 OneAsymmetricKey) → PrivateKey. */
function parsePkcs8(der: Uint8Array): PrivateKey {
  return wrapErrors('PKCS#8', () => {
    const [versionTlv, algTlv, keyTlv, ...optional] = readChildren(readSingle(der, DerTag.SEQUENCE, 'PrivateKeyInfo').value, 'PrivateKeyInfo');
    const version = smallInteger(versionTlv);
    if (version !== 0 && version !== 1) throw new Error('PrivateKeyInfo version must be 0 (or 1, RFC 5958)');
    // Optional [0] attributes, then (v2 only) [1] publicKey: each at most once, in order.
    const allowed = version === 1 ? [0xa0, 0x81] : [0xa0];
    let next = 0;
    for (const t of optional) {
      const at = allowed.indexOf(t.tag, next);
      if (at < 0) throw new Error(`unexpected element (tag 0x${t.tag.toString(16)}) in PrivateKeyInfo`);
      next = at + 1;
    }
    if (algTlv === undefined) throw new Error('PrivateKeyInfo without an algorithm');
    const [oid, params] = algorithm(algTlv);
    const inner = expectTag(keyTlv, DerTag.OCTET_STRING).value;
    switch (oid) {
      case OID.ecPublicKey:
        if (params === undefined) throw new Error('EC key without curve parameters');
        return parseEcPrivateKey(inner, curveOf(params));
      case OID.ed25519:
      case OID.ed448: {
        const [type, name, len] = oid === OID.ed25519 ? (['ed25519', 'Ed25519', 32] as const) : (['ed448', 'Ed448', 57] as const);
        // RFC 8410 §3: the parameters MUST be absent.
        if (params !== undefined) throw new Error(`${name} key with parameters`);
        const seed = readSingle(inner, DerTag.OCTET_STRING, 'CurvePrivateKey').value;
        if (seed.length !== len) throw new Error(`${name} private key is ${seed.length} bytes, expected ${len}`);
        return { type, seed: seed.slice() };
      }
      case OID.rsaEncryption:
        // RFC 8017 §A.1: parameters NULL (absent is tolerated, as OpenSSL does).
        if (params !== undefined && (params.tag !== DerTag.NULL || params.value.length !== 0)) throw new Error('RSA key with parameters other than NULL');
        return parseRsaPrivateKey(inner);
      case OID.rsassaPss: {
        // RFC 4055 §3.1: absent parameters leave the key unrestricted; present ones restrict it,
        // accepted only in a shape TLS 1.3 can use (certificate.ts rsaPssParamsHash; the SHA-1
        // DEFAULTs included, no TLS 1.3 signature could honour anything else).
        const hash = params === undefined ? undefined : rsaPssParamsHash(params);
        if (params !== undefined && hash === undefined) {
          throw new Error('RSASSA-PSS key parameters other than SHA-2 with MGF1 of the same hash and salt = hash length (RFC 8446 §4.2.3)');
        }
        return { ...parseRsaPrivateKey(inner), pss: hash === undefined ? {} : { hash } } as PrivateKey;
      }
      default:
        throw new Error(`unsupported key algorithm ${oid}`);
    }
  });
}

/** The AlgorithmIdentifier parameters for a restriction: none for an unrestricted key. */
function rsaPssParamsDer(pss: RsaPssKeyRestriction): Uint8Array[] {
  const hash = PSS_HASHES.find((h) => h.name === pss.hash);
  if (hash === undefined) return [];
  const hashAlgorithm = encodeSequence(encodeOid(hash.oid), encodeTlv(DerTag.NULL, new Uint8Array(0)));
  return [
    encodeSequence(
      encodeTlv(0xa0, hashAlgorithm),
      encodeTlv(0xa1, encodeSequence(encodeOid(MGF1_OID), hashAlgorithm)),
      encodeTlv(0xa2, encodeSmallInteger(hash.len)),
    ),
  ];
}


/** RFC 5915 §3 ECPrivateKey; `curve` comes from the PKCS#8 AlgorithmIdentifier when wrapped. */
function parseEcPrivateKey(der: Uint8Array, curve: EcCurve | undefined): PrivateKey {
  const [versionTlv, keyTlv, ...optional] = readChildren(readSingle(der, DerTag.SEQUENCE, 'ECPrivateKey').value, 'ECPrivateKey');
  const version = smallInteger(versionTlv);
  if (version !== 1) throw new Error(`ECPrivateKey version ${version ?? '(not a small integer)'}, expected 1`);
  const d = expectTag(keyTlv, DerTag.OCTET_STRING).value;
  // [0] EXPLICIT ECParameters, then [1] EXPLICIT publicKey BIT STRING (not needed: derived from d).
  let own: EcCurve | undefined;
  let next = 0;
  for (const t of optional) {
    const at = [0xa0, 0xa1].indexOf(t.tag, next);
    if (at < 0) throw new Error(`unexpected element (tag 0x${t.tag.toString(16)}) in ECPrivateKey`);
    next = at + 1;
    if (t.tag === 0xa0) own = curveOf(readSingle(t.value, t.value[0] ?? 0, 'ECParameters'));
  }
  if (curve !== undefined && own !== undefined && own !== curve) throw new Error('curve parameters disagree');
  const c = curve ?? own;
  if (c === undefined) throw new Error('EC key without curve parameters');
  const size = CURVE_SIZE[c];
  if (d.length === 0 || stripLeadingZeros(d).length > size) throw new Error(`EC private key has a bad length ${d.length}`);
  return { type: 'ec', curve: c, d: leftPad(d, size) };
}

/**
 * RFC 8017 §A.1.2 RSAPrivateKey (two-prime only), with a public exponent within
 * protocol/limits.ts's bound (odd, 3 <= e < 2^33), the rule every RSA key here obeys.
 */
function parseRsaPrivateKey(der: Uint8Array): PrivateKey {
  const [versionTlv, ...fields] = readChildren(readSingle(der, DerTag.SEQUENCE, 'RSAPrivateKey').value, 'RSAPrivateKey');
  if (smallInteger(versionTlv) !== 0 || fields.length !== 8) throw new Error('multi-prime RSA keys are not supported');
  const [n, e, d, p, q, dp, dq, qi] = fields.map(positiveInteger) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  if (!isAcceptedRsaPublicExponent(e)) throw new Error('RSA public exponent out of range (must be odd, 3 <= e < 2^33)');
  return { type: 'rsa', n, e, d, p, q, dp, dq, qi };
}

/** A positive INTEGER element's magnitude, without leading zeros. */
function positiveInteger(t: Tlv): Uint8Array {
  const v = expectTag(t, DerTag.INTEGER).value;
  if (v.length === 0 || ((v[0] as number) & 0x80) !== 0) throw new Error('RSA key with an empty or negative integer');
  return stripLeadingZeros(v);
}

/** ECParameters (RFC 5480 §2.1.1): only namedCurve, P-256, P-384 or P-521. */
function curveOf(params: Tlv): EcCurve {
  if (params.tag !== DerTag.OID) throw new Error('unsupported EC curve (not a named curve)');
  const oid = oidToText(params.value);
  for (const c of ['P-256', 'P-384', 'P-521'] as const) if (oid === CURVE_OID[c]) return c;
  throw new Error(`unsupported EC curve ${oid}`);
}

function wrapErrors<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(msg.startsWith('key: ') ? msg : `key: ${what}: ${msg}`, { cause: e });
  }
}

function leftPad(b: Uint8Array, size: number): Uint8Array {
  const s = stripLeadingZeros(b);
  return s.length >= size ? s : concat(new Uint8Array(size - s.length), s);
}

