/**
 * @module keys
 * Private-key files for the engine's certified keys: PKCS#8 PrivateKeyInfo (RFC 5208 §5; EC per
 * RFC 5915 §3 / RFC 5480, Ed25519 per RFC 8410 §7, RSA per RFC 8017 §A.1.2), SEC1 "EC PRIVATE
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
 *   RSAPrivateKey ::= SEQUENCE { version (0: two-prime), modulus, publicExponent, privateExponent,
 *     prime1, prime2, exponent1, exponent2, coefficient INTEGER, otherPrimeInfos OPTIONAL }
 * All read and written with the strict DER walker of der.ts.
 */
import { concat, equalBytes } from '../bytes/bytes.ts';
import type { CryptoProvider, PrivateKey, PublicKey } from '../crypto/provider.ts';
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
import { decryptPbes2 } from './pbes2.ts';
import { pemDecode, pemTextOf } from './pem.ts';

/** Options of `parsePrivateKey`. */
export interface PrivateKeyOptions {
  /** The passphrase of an encrypted PKCS#8 key (a string is UTF-8 encoded, as OpenSSL does). */
  readonly passphrase?: string | Uint8Array;
  /** Supplies PBKDF2/scrypt/AES-CBC (`passwordBased`) for encrypted keys. */
  readonly provider?: CryptoProvider;
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
  const { passphrase, provider } = options;
  if (passphrase === undefined) throw new Error('key: the private key is encrypted; pass a passphrase');
  const pb = provider?.passwordBased;
  if (pb === undefined) throw new Error('key: decrypting a private key needs a provider with passwordBased primitives');
  const password = typeof passphrase === 'string' ? new TextEncoder().encode(passphrase) : passphrase;
  const plain = wrapErrors('ENCRYPTED PRIVATE KEY', () => {
    const [alg, data, ...extra] = readChildren(readSingle(der, DerTag.SEQUENCE, 'EncryptedPrivateKeyInfo').value, 'EncryptedPrivateKeyInfo');
    if (alg === undefined || data?.tag !== DerTag.OCTET_STRING || extra.length > 0) throw new Error('malformed EncryptedPrivateKeyInfo');
    return decryptPbes2(alg, data.value, password, pb);
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
      algorithmId = encodeSequence(encodeOid(OID.ed25519));
      // RFC 8410 §7: privateKey holds CurvePrivateKey, itself an OCTET STRING.
      inner = encodeTlv(DerTag.OCTET_STRING, key.seed);
      break;
    case 'rsa': {
      algorithmId = encodeSequence(encodeOid(OID.rsaEncryption), encodeTlv(DerTag.NULL, new Uint8Array(0)));
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
  if (a.type === 'ed25519' && b.type === 'ed25519') return equalBytes(a.key, b.key);
  if (a.type === 'rsa' && b.type === 'rsa') {
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
      case OID.ed25519: {
        // RFC 8410 §3: the parameters MUST be absent.
        if (params !== undefined) throw new Error('Ed25519 key with parameters');
        const seed = readSingle(inner, DerTag.OCTET_STRING, 'CurvePrivateKey').value;
        if (seed.length !== 32) throw new Error(`Ed25519 seed is ${seed.length} bytes, expected 32`);
        return { type: 'ed25519', seed: seed.slice() };
      }
      case OID.rsaEncryption:
        // RFC 8017 §A.1: parameters NULL (absent is tolerated, as OpenSSL does).
        if (params !== undefined && (params.tag !== DerTag.NULL || params.value.length !== 0)) throw new Error('RSA key with parameters other than NULL');
        return parseRsaPrivateKey(inner);
      default:
        throw new Error(`unsupported key algorithm ${oid}`);
    }
  });
}

/** RFC 5915 §3 ECPrivateKey; `curve` comes from the PKCS#8 AlgorithmIdentifier when wrapped. */
function parseEcPrivateKey(der: Uint8Array, curve: 'P-256' | 'P-384' | undefined): PrivateKey {
  const [versionTlv, keyTlv, ...optional] = readChildren(readSingle(der, DerTag.SEQUENCE, 'ECPrivateKey').value, 'ECPrivateKey');
  const version = smallInteger(versionTlv);
  if (version !== 1) throw new Error(`ECPrivateKey version ${version ?? '(not a small integer)'}, expected 1`);
  const d = expectTag(keyTlv, DerTag.OCTET_STRING).value;
  // [0] EXPLICIT ECParameters, then [1] EXPLICIT publicKey BIT STRING (not needed: derived from d).
  let own: 'P-256' | 'P-384' | undefined;
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

/** ECParameters (RFC 5480 §2.1.1): only namedCurve, P-256 or P-384. */
function curveOf(params: Tlv): 'P-256' | 'P-384' {
  if (params.tag !== DerTag.OID) throw new Error('unsupported EC curve (not a named curve)');
  const oid = oidToText(params.value);
  if (oid === CURVE_OID['P-256']) return 'P-256';
  if (oid === CURVE_OID['P-384']) return 'P-384';
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

/** Object identifiers of the key algorithms (RFC 5480 §2.1.1, RFC 8410 §3, RFC 8017 §A.1). */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;
/** RFC 5480 §2.1.1.1 named curves. */
export const CURVE_OID: { readonly 'P-256': string; readonly 'P-384': string } = {
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
};
const CURVE_SIZE = { 'P-256': 32, 'P-384': 48 } as const;
