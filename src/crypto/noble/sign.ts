/**
 * @module crypto/noble/sign
 * Signature schemes of RFC 8446 §4.2.3 on @noble/curves, our Curve25519 arithmetic
 * (`src/crypto/curve25519/`), our P-256 (`src/crypto/p256/`) and our bigint RSA
 * (`src/crypto/rsa/`): ECDSA P-256/SHA-256 and P-384/SHA-384 (DER ECDSA-Sig-Value), Ed25519
 * (RFC 8032), RSASSA-PSS with rsaEncryption keys, and RSASSA-PKCS1-v1_5 for certificate
 * signatures only.
 */
import { p384 } from '@noble/curves/nist.js';
import { SignatureScheme } from '../../protocol/registry.ts';
import { ed25519PrivateKey, ed25519Sign, ed25519Verify } from '../curve25519/index.ts';
import { p256IsValidPrivateKey, p256PublicKey, p256Sign, p256Verify } from '../p256/index.ts';
import type { HashAlgorithm, HashName, PrivateKey, PublicKey, RandomSource, SigningKey } from '../provider.ts';
import { checkRsaPrivateKey, rsaModulusBits, rsaPkcs1Verify, rsaPssSign, rsaPssVerify } from '../rsa/index.ts';
import { nobleHash } from './hash.ts';

/** Schemes the noble provider verifies, in preference order (RFC 8446 §4.2.3). */
export const NOBLE_VERIFY_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ed25519,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
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
    case 'rsa': {
      const schemes = rsaPssSchemesFor(key.n);
      if (schemes.length === 0) throw new Error('signingKey: RSA modulus too small for RSA-PSS');
      checkRsaPrivateKey(key);
      return {
        schemes,
        publicKey: { type: 'rsa', n: key.n, e: key.e },
        sign(s: number, message: Uint8Array, random: RandomSource): Uint8Array {
          checkScheme(this.schemes, s);
          // RFC 8446 §4.2.3: RSASSA-PSS, salt length = digest length, salt from `random`.
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
      case SignatureScheme.ecdsa_secp384r1_sha384: {
        if (key.type !== 'ec' || EC_CURVES[key.curve].scheme !== scheme) return false;
        return EC_CURVES[key.curve].verify(nobleHash(CERTIFICATE_ECDSA_HASH[scheme] as HashName), key.point, message, signature);
      }
      case SignatureScheme.ed25519:
        if (key.type !== 'ed25519' || key.key.length !== ED25519_LEN || signature.length !== 2 * ED25519_LEN) return false;
        // RFC 8032 §5.1.7 strict verification, the rules of noble's zip215: false (see ed25519.ts).
        return ed25519Verify(key.key, message, signature, SHA512);
      case SignatureScheme.rsa_pss_rsae_sha256:
      case SignatureScheme.rsa_pss_rsae_sha384:
      case SignatureScheme.rsa_pss_rsae_sha512:
        if (key.type !== 'rsa') return false;
        return rsaPssVerify(nobleHash(RSA_PSS_HASH[scheme] as HashName), key, message, signature);
      case SignatureScheme.rsa_pkcs1_sha256:
      case SignatureScheme.rsa_pkcs1_sha384:
      case SignatureScheme.rsa_pkcs1_sha512:
        if (key.type !== 'rsa') return false;
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
 * The RSA-PSS schemes a modulus can produce: RFC 8017 §9.1.1 needs
 * emLen >= hLen + sLen + 2 with sLen = hLen (RFC 8446 §4.2.3), emLen = ceil((modBits - 1) / 8).
 * A 1024-bit key (as in RFC 8448) therefore cannot sign with SHA-512.
 */
export function rsaPssSchemesFor(n: Uint8Array): number[] {
  const emLen = Math.ceil((rsaModulusBits(n) - 1) / 8);
  const out: number[] = [];
  for (const [scheme, hLen] of RSA_PSS_HASH_LEN) if (emLen >= 2 * hLen + 2) out.push(scheme);
  return out;
}

/** @throws Error when `scheme` is not one this key produces (a caller bug, not a peer error) */
function checkScheme(schemes: readonly number[], scheme: number): void {
  if (!schemes.includes(scheme)) throw new Error(`sign: scheme 0x${scheme.toString(16)} does not fit this key`);
}

const ED25519_LEN = 32;
const SHA512 = nobleHash('sha512');

/** ECDSA on one curve with its TLS scheme: P-256 is ours (`src/crypto/p256/`), P-384 noble's. */
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

const EC_CURVES: { readonly [K in 'P-256' | 'P-384']: EcdsaCurve } = {
  'P-256': {
    scheme: SignatureScheme.ecdsa_secp256r1_sha256,
    isValidPrivateKey: p256IsValidPrivateKey,
    publicKey: p256PublicKey,
    sign: (d, message) => p256Sign(SHA256, d, message),
    verify: (hash, point, message, signature) => p256Verify(hash, point, message, signature),
  },
  'P-384': {
    scheme: SignatureScheme.ecdsa_secp384r1_sha384,
    isValidPrivateKey: (d) => p384.utils.isValidSecretKey(d),
    publicKey: (d) => p384.getPublicKey(d, false),
    sign: (d, message) => p384.sign(message, d, { prehash: true, format: 'der' }),
    verify: (hash, point, message, signature) => p384.verify(signature, hash.digest(message), point, { prehash: false, format: 'der', lowS: false }),
  },
};

/** In certificates, an ECDSA scheme → the hash it stands for (`verifyCertificateSignature`). */
export const CERTIFICATE_ECDSA_HASH: Readonly<Record<number, HashName>> = {
  [SignatureScheme.ecdsa_secp256r1_sha256]: 'sha256',
  [SignatureScheme.ecdsa_secp384r1_sha384]: 'sha384',
  [SignatureScheme.ecdsa_secp521r1_sha512]: 'sha512',
};

/** RSA-PSS (rsaEncryption key) scheme → hash. */
export const RSA_PSS_HASH: Readonly<Record<number, HashName>> = {
  [SignatureScheme.rsa_pss_rsae_sha256]: 'sha256',
  [SignatureScheme.rsa_pss_rsae_sha384]: 'sha384',
  [SignatureScheme.rsa_pss_rsae_sha512]: 'sha512',
};

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
];
