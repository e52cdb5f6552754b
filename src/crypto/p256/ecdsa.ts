/**
 * @module crypto/p256/ecdsa
 * ECDSA over P-256 (FIPS 186-5 §6.4.1–6.4.2, SEC 1 §4.1.3–4.1.4) with DER signatures
 * (RFC 8446 §4.2.3). Signing takes its nonce from RFC 6979 (deterministic: the same key and
 * message give the same signature) and returns the low-S form s ≤ (n − 1)/2, as the noble
 * signer this replaces did. Verification accepts any r, s in [1, n − 1]: TLS 1.3 takes ECDSA
 * as specified and has no low-S rule (OpenSSL accepts high S too).
 *
 * Side channels: signing handles d and k only through constant-time code (`base-mult.ts`,
 * `scalar.ts`; k^-1 by a fixed exponentiation). The loop that redraws k on a zero r or s, and
 * the range check of each candidate, branch on events of probability ~2^-128 and ~2^-32.
 * Verification is variable time (public inputs).
 */
import type { HashAlgorithm } from '../provider.ts';
import { fromHex, toHex } from '../../bytes/bytes.ts';
import { mulBase } from './base-mult.ts';
import { decodeEcdsaSignature, encodeEcdsaSignature } from './der.ts';
import { mulDoubleVartime } from './double-mult.ts';
import { P, fieldEquals, fieldFromBytes, fieldMul, fieldToBytes, newField, type FieldElement } from './field.ts';
import { jacobianToAffine, newJacobian } from './jacobian.ts';
import { decodePoint, type AffinePoint } from './point.ts';
import { bits2int32, rfc6979Candidates } from './rfc6979.ts';
import {
  N,
  newScalar,
  scalarAdd,
  scalarCanonical,
  scalarFromBytes,
  scalarFromBytesReduced,
  scalarInvert,
  scalarIsValidNonZero,
  scalarIsZero,
  scalarMul,
  scalarToBytes,
  scalarToLowS,
  scalarToMontgomery,
} from './scalar.ts';

/** More candidates than this means a broken hash: each one fails with probability ~2^-32. */
const MAX_NONCE_CANDIDATES = 64;

const z = newScalar();
const d = newScalar();
const k = newScalar();
const r = newScalar();
const s = newScalar();
const t = newScalar();
const noncePoint = newJacobian();
const x = newField();

/**
 * Signs a message digest with the private key `key` (32 bytes, valid: see
 * `p256IsValidPrivateKey`), the RFC 6979 nonce drawn with HMAC over `hash` (the hash that made
 * `digest`).
 * @returns r and s, 32 big-endian bytes each
 */
function ecdsaSignDigest(hash: HashAlgorithm, key: Uint8Array, digest: Uint8Array): { r: Uint8Array; s: Uint8Array } {
  // SEC 1 §4.1.3 step 5: e = bits2int(H) (reduced mod n for bits2octets, RFC 6979 §2.3.4).
  scalarFromBytesReduced(z, bits2int32(digest), 0);
  const h1 = new Uint8Array(32);
  scalarToBytes(z, h1, 0);
  scalarFromBytes(t, key, 0);
  scalarToMontgomery(d, t); // d·R
  const next = rfc6979Candidates(hash, key, h1);
  for (let i = 0; i < MAX_NONCE_CANDIDATES; i++) {
    const candidate = next();
    // RFC 6979 §3.2 step h.3: k = bits2int(T) must be in [1, n − 1].
    scalarFromBytes(k, candidate, 0);
    if (!scalarIsValidNonZero(k)) continue;
    // SEC 1 §4.1.3 steps 1–4: R = k·G, r = x_R mod n, r ≠ 0.
    mulBase(noncePoint, candidate);
    jacobianToAffine(x, undefined, noncePoint);
    const rBytes = new Uint8Array(32);
    fieldToBytes(x, rBytes, 0);
    scalarFromBytesReduced(r, rBytes, 0);
    if (scalarIsZero(r)) continue;
    // Step 6: s = k^-1 (e + r·d) mod n. Montgomery products: (r · dR)/R = r·d, then
    // ((e + r·d) · k^-1·R)/R = s, each a plain value in (−n, n) before `scalarCanonical`.
    scalarToMontgomery(t, k);
    scalarInvert(t, t); // k^-1·R
    scalarMul(s, r, d);
    scalarAdd(s, s, z); // w3
    scalarMul(s, s, t);
    scalarCanonical(s, s);
    if (scalarIsZero(s)) continue;
    scalarToLowS(s);
    scalarToBytes(r, rBytes, 0);
    const sBytes = new Uint8Array(32);
    scalarToBytes(s, sBytes, 0);
    return { r: rBytes, s: sBytes };
  }
  throw new Error('p256: no valid ECDSA nonce (broken hash function)');
}

/**
 * Verifies (r, s) on a digest under the public point `q` (SEC 1 §4.1.4). Variable time.
 */
function ecdsaVerifyDigest(q: AffinePoint, digest: Uint8Array, rBytes: Uint8Array, sBytes: Uint8Array): boolean {
  // Step 1: r, s in [1, n − 1].
  const rInt = bytesToBigInt(rBytes);
  const sInt = bytesToBigInt(sBytes);
  if (rInt === 0n || rInt >= N || sInt === 0n || sInt >= N) return false;
  // Steps 2–4: e = bits2int(H) mod n; u1 = e·s^-1, u2 = r·s^-1. Every value is public, so
  // bigint arithmetic and a variable-time inversion (measured at half the cost of the
  // constant-time one) are fine here.
  const w = inverseModNVartime(sInt);
  const u1 = bigIntToBytes32((bytesToBigInt(bits2int32(digest)) * w) % N);
  const u2 = bigIntToBytes32((rInt * w) % N);
  // Step 5: R = u1·G + u2·Q, not the identity.
  const sum = mulDoubleVartime(u1, u2, q);
  if (sum === undefined) return false;
  // Steps 6–8: x_R mod n = r, i.e. x_R ∈ {r, r + n} (r + n only when below p), compared as
  // num ≡ candidate·den so that no inversion is needed.
  if (matchesX(sum.num, sum.den, rBytes)) return true;
  const rPlusN = rInt + N;
  return rPlusN < P && matchesX(sum.num, sum.den, bigIntToBytes32(rPlusN));
}

function bytesToBigInt(b: Uint8Array): bigint {
  return BigInt('0x' + (toHex(b) || '0'));
}

function bigIntToBytes32(x: bigint): Uint8Array {
  return fromHex(x.toString(16).padStart(64, '0'));
}

/** a^-1 mod n for a in [1, n − 1] by the extended Euclidean algorithm: variable time. */
function inverseModNVartime(a: bigint): bigint {
  let [r0, r1] = [N, a];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return t0 < 0n ? t0 + N : t0;
}

const candidateX = newField();
const scaled = newField();

/** x_R = num/den equals the integer in `xBytes` (below p), tested as num ≡ x·den. */
function matchesX(num: FieldElement, den: FieldElement, xBytes: Uint8Array): boolean {
  fieldFromBytes(candidateX, xBytes, 0);
  fieldMul(scaled, candidateX, den); // 1·1
  return fieldEquals(scaled, num) === 1;
}

/**
 * ECDSA signature of `message` under `hash` (RFC 8446 §4.2.3: ecdsa_secp256r1_sha256 uses
 * SHA-256), DER encoded.
 * @throws RangeError when `key` is not a valid private key
 */
export function p256Sign(hash: HashAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  if (key.length !== 32 || (scalarFromBytes(t, key, 0), !scalarIsValidNonZero(t))) throw new RangeError('p256: invalid private key');
  const { r: rBytes, s: sBytes } = ecdsaSignDigest(hash, key, hash.digest(message));
  return encodeEcdsaSignature(rBytes, sBytes);
}

/**
 * Verifies a DER ECDSA signature of `message` under `hash` and a SEC 1 public key (uncompressed
 * or compressed). Never throws: any malformed input is simply false.
 */
export function p256Verify(hash: HashAlgorithm, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const q = decodePoint(publicKey);
  const sig = decodeEcdsaSignature(signature);
  if (q === undefined || sig === undefined) return false;
  return ecdsaVerifyDigest(q, hash.digest(message), sig.r, sig.s);
}
