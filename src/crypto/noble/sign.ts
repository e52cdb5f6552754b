/**
 * @module crypto/noble/sign
 * Signature schemes of RFC 8446 §4.2.3 on @noble/curves, our Curve25519 arithmetic
 * (`src/crypto/curve25519/`), our P-256 (`src/crypto/p256/`) and our bigint RSA
 * (`src/crypto/rsa/`): ECDSA P-256/SHA-256, P-384/SHA-384 and P-521/SHA-512 (DER
 * ECDSA-Sig-Value), Ed25519 and Ed448 (RFC 8032, empty context), RSASSA-PSS with rsaEncryption
 * keys (rsa_pss_rsae_*) and with id-RSASSA-PSS keys (rsa_pss_pss_*, within the key's
 * restriction), and RSASSA-PKCS1-v1_5 for certificate signatures only.
 */
import { ed448 } from '@noble/curves/ed448.js';
import { p384, p521 } from '@noble/curves/nist.js';
import { SignatureScheme } from '../../protocol/registry.ts';
import { ed25519PrivateKey, ed25519Sign, ed25519Verify } from '../curve25519/index.ts';
import { p256IsValidPrivateKey, p256PublicKey, p256Sign, p256Verify } from '../p256/index.ts';
import type { EcCurve, HashAlgorithm, HashName, PrivateKey, PublicKey, RandomSource, RsaPssKeyRestriction, SigningKey } from '../provider.ts';
import { checkRsaPrivateKey, rsaModulusBits, rsaPkcs1Verify, rsaPssSign, rsaPssVerify } from '../rsa/index.ts';
import { nobleHash } from './hash.ts';

/** Schemes the noble provider verifies, in preference order (RFC 8446 §4.2.3). */
export const NOBLE_VERIFY_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ecdsa_secp521r1_sha512,
  SignatureScheme.ed25519,
  SignatureScheme.ed448,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pss_pss_sha256,
  SignatureScheme.rsa_pss_pss_sha384,
  SignatureScheme.rsa_pss_pss_sha512,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];

/**
 * Imports `key` for signing. The key is checked once here (scalar range, lengths).
 * @throws Error when the key is malformed or of an unsupported type
 */
export function nobleSigningKey(key: PrivateKey): SigningKey {
  switch (key.type) {
    case 'ec': {
      const curve = EC_CURVES[key.curve];
      const d = key.d.slice();
      if (!curve.isValidPrivateKey(d)) throw new Error(`signingKey: invalid ${key.curve} private scalar`);
      return {
        schemes: [curve.scheme],
        publicKey: { type: 'ec', curve: key.curve, point: curve.publicKey(d) },
        sign(s: number, message: Uint8Array): Uint8Array {
          checkScheme(this.schemes, s);
          // RFC 8446 §4.2.3: ECDSA signatures are DER-encoded ECDSA-Sig-Value; RFC 6979
          // deterministic nonces, low-S (accepted by every verifier).
          return curve.sign(d, message);
        },
      };
    }
    case 'ed25519': {
      if (key.seed.length !== ED25519_LEN) throw new Error('signingKey: Ed25519 seed must be 32 bytes');
      // RFC 8032 §5.1.5: the seed is expanded (hashed, clamped, A computed) once per key.
      const expanded = ed25519PrivateKey(key.seed, SHA512);
      return {
        schemes: [SignatureScheme.ed25519],
        publicKey: { type: 'ed25519', key: expanded.publicKey },
        sign(s: number, message: Uint8Array): Uint8Array {
          checkScheme(this.schemes, s);
          return ed25519Sign(expanded, message, SHA512);
        },
      };
    }
    case 'ed448': {
      if (key.seed.length !== ED448_LEN) throw new Error(`signingKey: Ed448 private key must be ${ED448_LEN} bytes`);
      const seed = key.seed.slice();
      return {
        schemes: [SignatureScheme.ed448],
        publicKey: { type: 'ed448', key: ed448.getPublicKey(seed) },
        sign(s: number, message: Uint8Array): Uint8Array {
          checkScheme(this.schemes, s);
          // RFC 8446 §4.2.3: pure Ed448 (RFC 8032 §5.2), empty context.
          return ed448.sign(message, seed);
        },
      };
    }
    case 'rsa': {
      const schemes = rsaPssSchemesFor(key.n, key.pss);
      if (schemes.length === 0) throw new Error('signingKey: RSA modulus too small for RSA-PSS');
      checkRsaPrivateKey(key);
      return {
        schemes,
        publicKey: rsaPublicKeyOf(key),
        sign(s: number, message: Uint8Array, random: RandomSource): Uint8Array {
          checkScheme(this.schemes, s);
          // RFC 8446 §4.2.3: RSASSA-PSS, MGF1 with the same hash, salt length = digest length,
          // salt from `random` (rsa_pss_rsae_* and rsa_pss_pss_* sign alike).
          return rsaPssSign(nobleHash(RSA_PSS_HASH[s] as HashName), key, message, random);
        },
      };
    }
    default:
      throw new Error('signingKey: unsupported key type');
  }
}

/**
 * Verifies `signature` under `scheme` and `key`. Never throws: a malformed signature or key, an
 * unknown scheme, or a scheme that does not fit the key (RFC 8446 §4.2.3 binds ECDSA schemes to
 * one curve) all yield false. ECDSA accepts high-S signatures, as OpenSSL does.
 */
export function nobleVerify(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (scheme) {
      case SignatureScheme.ecdsa_secp256r1_sha256:
      case SignatureScheme.ecdsa_secp384r1_sha384:
      case SignatureScheme.ecdsa_secp521r1_sha512: {
        if (key.type !== 'ec' || EC_CURVES[key.curve].scheme !== scheme) return false;
        return EC_CURVES[key.curve].verify(nobleHash(CERTIFICATE_ECDSA_HASH[scheme] as HashName), key.point, message, signature);
      }
      case SignatureScheme.ed25519:
        if (key.type !== 'ed25519' || key.key.length !== ED25519_LEN || signature.length !== 2 * ED25519_LEN) return false;
        // RFC 8032 §5.1.7 strict verification, the rules of noble's zip215: false (see ed25519.ts).
        return ed25519Verify(key.key, message, signature, SHA512);
      case SignatureScheme.ed448:
        if (key.type !== 'ed448' || key.key.length !== ED448_LEN || signature.length !== 2 * ED448_LEN) return false;
        return ed448.verify(signature, message, key.key);
      case SignatureScheme.rsa_pss_rsae_sha256:
      case SignatureScheme.rsa_pss_rsae_sha384:
      case SignatureScheme.rsa_pss_rsae_sha512:
      case SignatureScheme.rsa_pss_pss_sha256:
      case SignatureScheme.rsa_pss_pss_sha384:
      case SignatureScheme.rsa_pss_pss_sha512:
        if (key.type !== 'rsa' || !rsaSchemeFitsKey(scheme, key.pss)) return false;
        return rsaPssVerify(nobleHash(RSA_PSS_HASH[scheme] as HashName), key, message, signature);
      case SignatureScheme.rsa_pkcs1_sha256:
      case SignatureScheme.rsa_pkcs1_sha384:
      case SignatureScheme.rsa_pkcs1_sha512:
        // RFC 4055 §1.2: an id-RSASSA-PSS key is for RSASSA-PSS only.
        if (key.type !== 'rsa' || key.pss !== undefined) return false;
        return rsaPkcs1Verify(nobleHash(RSA_PKCS1_HASH[scheme] as HashName), key, message, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * `CryptoProvider.verifyCertificateSignature`: ECDSA schemes stand for their hash on the key's
 * curve (a digest longer than the group order is cut to its leftmost bits, SEC 1 §4.1.4 step 5);
 * other schemes as `nobleVerify`.
 */
export function nobleVerifyCertificateSignature(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const hash = CERTIFICATE_ECDSA_HASH[scheme];
  if (hash === undefined) return nobleVerify(scheme, key, message, signature);
  if (key.type !== 'ec') return false;
  try {
    return EC_CURVES[key.curve].verify(nobleHash(hash), key.point, message, signature);
  } catch {
    return false;
  }
}

/**
 * The RSA-PSS schemes a key can produce: rsa_pss_rsae_* for an rsaEncryption key, rsa_pss_pss_*
 * for an id-RSASSA-PSS key (only its hash when restricted), RFC 8446 §4.2.3; and of those only
 * what the modulus allows: RFC 8017 §9.1.1 needs emLen >= hLen + sLen + 2 with sLen = hLen,
 * emLen = ceil((modBits - 1) / 8). A 1024-bit key (as in RFC 8448) cannot sign with SHA-512.
 */
export function rsaPssSchemesFor(n: Uint8Array, pss?: RsaPssKeyRestriction): number[] {
  const emLen = Math.ceil((rsaModulusBits(n) - 1) / 8);
  const out: number[] = [];
  for (const [scheme, hLen] of RSA_PSS_HASH_LEN) {
    if (emLen >= 2 * hLen + 2 && rsaSchemeFitsKey(scheme, pss)) out.push(scheme);
  }
  return out;
}

/**
 * RFC 8446 §4.2.3: rsa_pss_rsae_* needs an rsaEncryption key, rsa_pss_pss_* an id-RSASSA-PSS key,
 * whose parameters, when present, fix the hash (RFC 4055 §3.1; "the parameters in the signature
 * MUST be identical to those in the public key").
 */
export function rsaSchemeFitsKey(scheme: number, pss: RsaPssKeyRestriction | undefined): boolean {
  const hash = RSA_PSS_HASH[scheme];
  if (hash === undefined) return false;
  if (RSA_PSS_PSS_SCHEMES.includes(scheme)) return pss !== undefined && (pss.hash === undefined || pss.hash === hash);
  return pss === undefined;
}

/** The public half of an RSA private key, with its id-RSASSA-PSS restriction. */
function rsaPublicKeyOf(key: PrivateKey & { readonly type: 'rsa' }): PublicKey {
  return key.pss === undefined ? { type: 'rsa', n: key.n, e: key.e } : { type: 'rsa', n: key.n, e: key.e, pss: key.pss };
}

/** @throws Error when `scheme` is not one this key produces (a caller bug, not a peer error) */
function checkScheme(schemes: readonly number[], scheme: number): void {
  if (!schemes.includes(scheme)) throw new Error(`sign: scheme 0x${scheme.toString(16)} does not fit this key`);
}

const ED25519_LEN = 32;
/** RFC 8032 §5.2.5: Ed448 private and public keys are 57 bytes, signatures 114. */
const ED448_LEN = 57;
const SHA512 = nobleHash('sha512');

/** ECDSA on one curve with its TLS scheme: P-256 is ours (`src/crypto/p256/`), P-384 and P-521 noble's. */
interface EcdsaCurve {
  readonly scheme: number;
  readonly isValidPrivateKey: (d: Uint8Array) => boolean;
  /** Uncompressed public key (SEC 1 §2.3.3). */
  readonly publicKey: (d: Uint8Array) => Uint8Array;
  /** DER signature with an RFC 6979 nonce, low S. */
  readonly sign: (d: Uint8Array, message: Uint8Array) => Uint8Array;
  /** ECDSA with `hash` (any SHA-2: certificates may pair any); any S in [1, n − 1] (as OpenSSL); false for anything malformed. */
  readonly verify: (hash: HashAlgorithm, point: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

const SHA256 = nobleHash('sha256');

/** An EcdsaCurve on a @noble/curves Weierstrass curve (RFC 6979 nonces, its curve's RFC 8446 hash). */
function nobleEcdsa(curve: typeof p384 | typeof p521, scheme: number): EcdsaCurve {
  return {
    scheme,
    isValidPrivateKey: (d) => curve.utils.isValidSecretKey(d),
    publicKey: (d) => curve.getPublicKey(d, false),
    sign: (d, message) => curve.sign(message, d, { prehash: true, format: 'der' }),
    verify: (hash, point, message, signature) => curve.verify(signature, hash.digest(message), point, { prehash: false, format: 'der', lowS: false }),
  };
}

const EC_CURVES: { readonly [K in EcCurve]: EcdsaCurve } = {
  'P-256': {
    scheme: SignatureScheme.ecdsa_secp256r1_sha256,
    isValidPrivateKey: p256IsValidPrivateKey,
    publicKey: p256PublicKey,
    sign: (d, message) => p256Sign(SHA256, d, message),
    verify: (hash, point, message, signature) => p256Verify(hash, point, message, signature),
  },
  'P-384': nobleEcdsa(p384, SignatureScheme.ecdsa_secp384r1_sha384),
  'P-521': nobleEcdsa(p521, SignatureScheme.ecdsa_secp521r1_sha512),
};

/** In certificates, an ECDSA scheme → the hash it stands for (`verifyCertificateSignature`). */
export const CERTIFICATE_ECDSA_HASH: Readonly<Record<number, HashName>> = {
  [SignatureScheme.ecdsa_secp256r1_sha256]: 'sha256',
  [SignatureScheme.ecdsa_secp384r1_sha384]: 'sha384',
  [SignatureScheme.ecdsa_secp521r1_sha512]: 'sha512',
};

/** RSA-PSS scheme (rsaEncryption or id-RSASSA-PSS key) → hash. */
export const RSA_PSS_HASH: Readonly<Record<number, HashName>> = {
  [SignatureScheme.rsa_pss_rsae_sha256]: 'sha256',
  [SignatureScheme.rsa_pss_rsae_sha384]: 'sha384',
  [SignatureScheme.rsa_pss_rsae_sha512]: 'sha512',
  [SignatureScheme.rsa_pss_pss_sha256]: 'sha256',
  [SignatureScheme.rsa_pss_pss_sha384]: 'sha384',
  [SignatureScheme.rsa_pss_pss_sha512]: 'sha512',
};

/** RFC 8446 §4.2.3: the schemes for RSASSA-PSS keys (id-RSASSA-PSS in the certificate). */
export const RSA_PSS_PSS_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pss_pss_sha256,
  SignatureScheme.rsa_pss_pss_sha384,
  SignatureScheme.rsa_pss_pss_sha512,
];

/** RSASSA-PKCS1-v1_5 scheme → hash (certificates only, RFC 8446 §4.2.3). */
export const RSA_PKCS1_HASH: Readonly<Record<number, HashName>> = {
  [SignatureScheme.rsa_pkcs1_sha256]: 'sha256',
  [SignatureScheme.rsa_pkcs1_sha384]: 'sha384',
  [SignatureScheme.rsa_pkcs1_sha512]: 'sha512',
};

const RSA_PSS_HASH_LEN: readonly (readonly [number, number])[] = [
  [SignatureScheme.rsa_pss_rsae_sha256, 32],
  [SignatureScheme.rsa_pss_rsae_sha384, 48],
  [SignatureScheme.rsa_pss_rsae_sha512, 64],
  [SignatureScheme.rsa_pss_pss_sha256, 32],
  [SignatureScheme.rsa_pss_pss_sha384, 48],
  [SignatureScheme.rsa_pss_pss_sha512, 64],
];
