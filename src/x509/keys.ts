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
 *   PrivateKeyInfo ::= SEQUENCE {
 *     version                   Version,
 *     privateKeyAlgorithm       AlgorithmIdentifier,
 *     privateKey                OCTET STRING,
 *     attributes           [0]  IMPLICIT Attributes OPTIONAL }
 *   ECPrivateKey ::= SEQUENCE {
 *     version        INTEGER { ecPrivkeyVer1(1) },
 *     privateKey     OCTET STRING,
 *     parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
 *     publicKey  [1] BIT STRING OPTIONAL }
 *   CurvePrivateKey ::= OCTET STRING
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { ECParameters, ECPrivateKey } from '@peculiar/asn1-ecc';
import { RSAPrivateKey } from '@peculiar/asn1-rsa';
import { concat, equalBytes } from '../bytes/bytes.ts';
import type { CryptoProvider, PrivateKey, PublicKey } from '../crypto/provider.ts';
import { isAcceptedRsaPublicExponent } from '../protocol/limits.ts';
import { DerTag, encodeTlv, integerContents, readChildren, readSingle, stripLeadingZeros } from './der.ts';
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
  let algorithm: AlgorithmIdentifier;
  let inner: Uint8Array;
  switch (key.type) {
    case 'ec': {
      const size = CURVE_SIZE[key.curve];
      algorithm = new AlgorithmIdentifier({
        algorithm: OID.ecPublicKey,
        parameters: toArrayBuffer(new Uint8Array(AsnConvert.serialize(new ECParameters({ namedCurve: CURVE_OID[key.curve] })))),
      });
      // RFC 5915 §3: privateKey is the fixed-length big-endian d; parameters may be omitted in PKCS#8.
      inner = new Uint8Array(
        AsnConvert.serialize(new ECPrivateKey({ version: 1, privateKey: new OctetString(leftPad(key.d, size)) })),
      );
      break;
    }
    case 'ed25519':
      algorithm = new AlgorithmIdentifier({ algorithm: OID.ed25519 });
      // RFC 8410 §7: privateKey holds CurvePrivateKey, itself an OCTET STRING.
      inner = encodeTlv(DerTag.OCTET_STRING, key.seed);
      break;
    case 'rsa': {
      algorithm = new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null });
      const int = (b: Uint8Array): ArrayBuffer => toArrayBuffer(integerContents(b));
      inner = new Uint8Array(
        AsnConvert.serialize(
          new RSAPrivateKey({
            version: 0,
            modulus: int(key.n),
            publicExponent: int(key.e),
            privateExponent: int(key.d),
            prime1: int(key.p),
            prime2: int(key.q),
            exponent1: int(key.dp),
            exponent2: int(key.dq),
            coefficient: int(key.qi),
          }),
        ),
      );
      break;
    }
  }
  const info = new PrivateKeyInfo({ version: 0, privateKeyAlgorithm: algorithm, privateKey: new OctetString(inner) });
  return new Uint8Array(AsnConvert.serialize(info));
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

/** RFC 5208 §5 PrivateKeyInfo → PrivateKey. */
function parsePkcs8(der: Uint8Array): PrivateKey {
  return wrapErrors('PKCS#8', () => {
    readSingle(der, DerTag.SEQUENCE, 'PrivateKeyInfo');
    const info = AsnConvert.parse(der, PrivateKeyInfo);
    const alg = info.privateKeyAlgorithm;
    const inner = octets(info.privateKey);
    switch (alg.algorithm) {
      case OID.ecPublicKey: {
        if (!(alg.parameters instanceof ArrayBuffer)) throw new Error('EC key without curve parameters');
        const params = AsnConvert.parse(alg.parameters, ECParameters);
        return parseEcPrivateKey(inner, curveOf(params));
      }
      case OID.ed25519: {
        // RFC 8410 §3: the parameters MUST be absent.
        if (alg.parameters !== undefined && alg.parameters !== null) throw new Error('Ed25519 key with parameters');
        const seed = readSingle(inner, DerTag.OCTET_STRING, 'CurvePrivateKey').value;
        if (seed.length !== 32) throw new Error(`Ed25519 seed is ${seed.length} bytes, expected 32`);
        return { type: 'ed25519', seed: seed.slice() };
      }
      case OID.rsaEncryption:
        return parseRsaPrivateKey(inner);
      default:
        throw new Error(`unsupported key algorithm ${alg.algorithm}`);
    }
  });
}

/** RFC 5915 §3 ECPrivateKey; `curve` comes from the PKCS#8 AlgorithmIdentifier when wrapped. */
function parseEcPrivateKey(der: Uint8Array, curve: 'P-256' | 'P-384' | undefined): PrivateKey {
  readSingle(der, DerTag.SEQUENCE, 'ECPrivateKey');
  const k = AsnConvert.parse(der, ECPrivateKey);
  if (k.version !== 1) throw new Error(`ECPrivateKey version ${k.version}, expected 1`);
  const own = k.parameters === undefined ? undefined : curveOf(k.parameters);
  if (curve !== undefined && own !== undefined && own !== curve) throw new Error('curve parameters disagree');
  const c = curve ?? own;
  if (c === undefined) throw new Error('EC key without curve parameters');
  const d = octets(k.privateKey);
  const size = CURVE_SIZE[c];
  if (d.length === 0 || stripLeadingZeros(d).length > size) throw new Error(`EC private key has a bad length ${d.length}`);
  return { type: 'ec', curve: c, d: leftPad(d, size) };
}

/**
 * RFC 8017 §A.1.2 RSAPrivateKey (two-prime only), with a public exponent within
 * protocol/limits.ts's bound (odd, 3 <= e < 2^33), the rule every RSA key here obeys.
 */
function parseRsaPrivateKey(der: Uint8Array): PrivateKey {
  readSingle(der, DerTag.SEQUENCE, 'RSAPrivateKey');
  const k = AsnConvert.parse(der, RSAPrivateKey);
  if (k.version !== 0 || k.otherPrimeInfos !== undefined) throw new Error('multi-prime RSA keys are not supported');
  const u = (b: ArrayBuffer): Uint8Array => stripLeadingZeros(new Uint8Array(b));
  const e = u(k.publicExponent);
  if (!isAcceptedRsaPublicExponent(e)) throw new Error('RSA public exponent out of range (must be odd, 3 <= e < 2^33)');
  return {
    type: 'rsa',
    n: u(k.modulus),
    e,
    d: u(k.privateExponent),
    p: u(k.prime1),
    q: u(k.prime2),
    dp: u(k.exponent1),
    dq: u(k.exponent2),
    qi: u(k.coefficient),
  };
}

function curveOf(params: ECParameters): 'P-256' | 'P-384' {
  if (params.namedCurve === CURVE_OID['P-256']) return 'P-256';
  if (params.namedCurve === CURVE_OID['P-384']) return 'P-384';
  throw new Error(`unsupported EC curve ${params.namedCurve ?? '(not a named curve)'}`);
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

function octets(os: OctetString): Uint8Array {
  return new Uint8Array(os.buffer, os.byteOffset, os.byteLength);
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.slice().buffer;
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
