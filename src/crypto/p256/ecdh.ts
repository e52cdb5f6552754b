/**
 * @module crypto/p256/ecdh
 * P-256 key pairs and the ECDH shared secret (SEC 1 §3.3.1 ECDH primitive; RFC 8446 §7.4.2
 * takes the x-coordinate as the TLS shared secret). Private keys are 32 big-endian bytes in
 * [1, n − 1] (SEC 1 §3.2.1); public keys are uncompressed points (SEC 1 §2.3.3).
 */
import { fieldIsZero, fieldToBytes, newField } from './field.ts';
import { mulBase } from './base-mult.ts';
import { jacobianToAffine, newJacobian } from './jacobian.ts';
import { encodeUncompressed, decodePoint } from './point.ts';
import { mulPoint } from './point-mult.ts';
import { newScalar, scalarFromBytes, scalarIsValidNonZero } from './scalar.ts';

const PRIVATE_KEY_LEN = 32;

const scalar = newScalar();
const product = newJacobian();
const affineX = newField();
const affineY = newField();

/** True when `d` is 32 bytes encoding an integer in [1, n − 1]. */
export function p256IsValidPrivateKey(d: Uint8Array): boolean {
  if (d.length !== PRIVATE_KEY_LEN) return false;
  scalarFromBytes(scalar, d, 0);
  return scalarIsValidNonZero(scalar) === 1;
}

/**
 * The public key d·G of a private key, uncompressed (65 bytes).
 * @throws RangeError when `d` is not a valid private key
 */
export function p256PublicKey(d: Uint8Array): Uint8Array {
  if (!p256IsValidPrivateKey(d)) throw new RangeError('p256: invalid private key');
  mulBase(product, d);
  jacobianToAffine(affineX, affineY, product);
  return encodeUncompressed(affineX, affineY);
}

/**
 * The ECDH shared secret: the x-coordinate (32 bytes) of d·Q for the peer's public point Q
 * (SEC 1 encoding, uncompressed or compressed; TLS callers restrict to uncompressed).
 * @returns undefined when Q is not a valid point (bad encoding, off the curve, the identity)
 * @throws RangeError when `d` is not a valid private key
 */
export function p256SharedSecret(d: Uint8Array, peer: Uint8Array): Uint8Array | undefined {
  if (!p256IsValidPrivateKey(d)) throw new RangeError('p256: invalid private key');
  const q = decodePoint(peer);
  if (q === undefined) return undefined;
  mulPoint(product, q.x, q.y, d);
  // Unreachable for a valid point of prime order n and 0 < d < n; checked all the same.
  if (fieldIsZero(product.z)) return undefined;
  jacobianToAffine(affineX, undefined, product);
  const out = new Uint8Array(32);
  fieldToBytes(affineX, out, 0);
  return out;
}
