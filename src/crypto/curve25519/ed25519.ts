/**
 * @module crypto/curve25519/ed25519
 * Ed25519 (RFC 8032 §5.1, pure, no context) over edwards.ts and scalar.ts. SHA-512 is passed in
 * (the provider's), so this folder needs no hash library.
 *
 * Verification follows RFC 8032 §5.1.7 with the same rules as @noble/curves' strict mode
 * (`zip215: false`), which the pure provider used before: A and R must be canonical,
 * decodable encodings; S < L; a small-order public key A is refused; and the cofactored
 * equation [8][S]B = [8]R + [8][k]A is checked.
 */
import type { HashAlgorithm } from '../provider.ts';
import { decodePoint, double, doubleScalarMultVartime, encodePoint, isIdentity, negate, point, scalarMultBase, subtractPoint, type Point } from './edwards.ts';
import { isCanonicalScalar, scalarMulAdd, scalarReduce } from './scalar.ts';

/** An expanded Ed25519 private key (RFC 8032 §5.1.5), computed once per key. */
export interface Ed25519PrivateKey {
  /** The 32-byte public key A. */
  readonly publicKey: Uint8Array;
  /** The clamped secret scalar s, 32 bytes little-endian. */
  readonly scalar: Uint8Array;
  /** The second half of SHA-512(seed), hashed into every nonce. */
  readonly prefix: Uint8Array;
}

/**
 * RFC 8032 §5.1.5 key generation from a 32-byte seed: h = SHA-512(seed); s = the first half
 * with bits 0-2 and 255 cleared and bit 254 set; A = [s]B.
 * @throws RangeError when `seed` is not 32 bytes
 */
export function ed25519PrivateKey(seed: Uint8Array, sha512: HashAlgorithm): Ed25519PrivateKey {
  if (seed.length !== 32) throw new RangeError('ed25519: seed must be 32 bytes');
  const h = sha512.digest(seed);
  const scalar = h.slice(0, 32);
  scalar[0] = scalar[0]! & 248;
  scalar[31] = (scalar[31]! & 127) | 64;
  const a = point();
  scalarMultBase(a, scalar);
  return { publicKey: encodePoint(a), scalar, prefix: h.slice(32, 64) };
}

/**
 * RFC 8032 §5.1.6 signing: r = SHA-512(prefix || M) mod L, R = [r]B,
 * k = SHA-512(R || A || M) mod L, S = (r + k s) mod L; the signature is R || S.
 */
export function ed25519Sign(key: Ed25519PrivateKey, message: Uint8Array, sha512: HashAlgorithm): Uint8Array {
  const r = scalarReduce(hashOf(sha512, key.prefix, message));
  const rPoint = point();
  scalarMultBase(rPoint, r);
  const rBytes = encodePoint(rPoint);
  const k = scalarReduce(hashOf(sha512, rBytes, key.publicKey, message));
  const signature = new Uint8Array(64);
  signature.set(rBytes, 0);
  signature.set(scalarMulAdd(k, key.scalar, r), 32);
  return signature;
}

/**
 * RFC 8032 §5.1.7 verification (rules in the module comment). Never throws: any malformed input
 * gives false. Variable time: every input is public.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, sha512: HashAlgorithm): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const rBytes = signature.subarray(0, 32);
  const s = signature.subarray(32, 64);
  // Step 1: decode A and R (canonical y, a square root exists, no "negative zero"), S < L.
  const a = point();
  const r = point();
  if (!decodePoint(a, publicKey) || !decodePoint(r, rBytes) || !isCanonicalScalar(s)) return false;
  // A key of small order (8A = 0) verifies forged signatures on some messages: refused, as by
  // noble in strict mode.
  if (isSmallOrder(a)) return false;
  // Step 2: k = SHA-512(R || A || M) mod L, over the bytes as received.
  const k = scalarReduce(hashOf(sha512, rBytes, publicKey, message));
  // Step 3: [8]([S]B - [k]A - R) = 0.
  const check = point();
  negate(a, a);
  doubleScalarMultVartime(check, k, a, s);
  subtractPoint(check, check, r);
  return isSmallOrder(check);
}

/** Whether [8]p is the identity (p lies in the torsion subgroup). */
function isSmallOrder(p: Point): boolean {
  const t = point();
  double(t, p, false);
  double(t, t, false);
  double(t, t, false);
  return isIdentity(t);
}

/** SHA-512 of the concatenation of `parts`. */
function hashOf(sha512: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = sha512.create();
  for (const part of parts) h.update(part);
  return h.digest();
}
