/**
 * @module crypto/p256/rfc6979
 * Deterministic ECDSA nonces, RFC 6979 §3.2, for P-256 (qlen = 256 bits, rlen = 32 bytes) with
 * HMAC over the message's hash function. The same private key and message digest always give
 * the same k, so signing needs no randomness and a weak RNG cannot leak the key.
 */
import type { HashAlgorithm } from '../provider.ts';
import { concat } from '../../bytes/bytes.ts';

/** RFC 6979 §2.3.2 bits2int for qlen = 256: the leftmost 256 bits of `b` as 32 bytes. */
export function bits2int32(b: Uint8Array): Uint8Array {
  if (b.length >= 32) return b.slice(0, 32);
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}

/**
 * The HMAC_DRBG of RFC 6979 §3.2 steps b–h, seeded with x = int2octets(d) and
 * h1 = bits2octets(H(m)), each 32 bytes. Each call of the returned function gives the next
 * candidate T (32 bytes) of step h.2; the caller turns it into k = bits2int(T) and asks for
 * another when k ∉ [1, n − 1] or the signature comes out with r = 0 or s = 0 (step h.3; also
 * §3.4 note on r, s).
 */
export function rfc6979Candidates(hash: HashAlgorithm, x: Uint8Array, h1: Uint8Array): () => Uint8Array {
  const hlen = hash.outputLen;
  let v: Uint8Array = new Uint8Array(hlen).fill(0x01); // step b
  let key: Uint8Array = new Uint8Array(hlen); // step c
  key = hash.hmac(key, concat(v, ZERO, x, h1)); // step d
  v = hash.hmac(key, v); // step e
  key = hash.hmac(key, concat(v, ONE, x, h1)); // step f
  v = hash.hmac(key, v); // step g
  let first = true;
  return (): Uint8Array => {
    if (!first) {
      // Step h.3: K = HMAC_K(V ‖ 0x00), V = HMAC_K(V).
      key = hash.hmac(key, concat(v, ZERO));
      v = hash.hmac(key, v);
    }
    first = false;
    // Step h.1–h.2: T = V ‖ V' ‖ … until at least qlen bits.
    let t: Uint8Array = new Uint8Array(0);
    while (t.length < 32) {
      v = hash.hmac(key, v);
      t = concat(t, v);
    }
    return bits2int32(t);
  };
}

const ZERO = Uint8Array.of(0x00);
const ONE = Uint8Array.of(0x01);
