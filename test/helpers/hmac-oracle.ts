/**
 * @module hmac-oracle
 * The readable oracle of src/crypto/sha256/hmac.ts: HMAC-SHA-256 as RFC 2104 §2 writes it and
 * HKDF-Expand as RFC 5869 §2.3 writes it, over node:crypto's SHA-256 (OpenSSL), with no saved
 * state and no shared buffer. The node provider used exactly this (through `createHmac`) before
 * issue 9 moved its HMAC-SHA-256 to TypeScript.
 */
import { createHash } from 'node:crypto';

const B = 64;

/** RFC 2104 §2: H(K XOR opad, H(K XOR ipad, text)), K hashed first when longer than B. */
export function oracleHmacSha256(key: Uint8Array, text: Uint8Array): Uint8Array {
  const k = key.length > B ? createHash('sha256').update(key).digest() : key;
  const ipad = Uint8Array.from({ length: B }, (_, i) => (k[i] ?? 0) ^ 0x36);
  const opad = Uint8Array.from({ length: B }, (_, i) => (k[i] ?? 0) ^ 0x5c);
  const inner = createHash('sha256').update(ipad).update(text).digest();
  return new Uint8Array(createHash('sha256').update(opad).update(inner).digest());
}

/** RFC 5869 §2.3: T(0) = empty, T(i) = HMAC(PRK, T(i-1) | info | i), OKM = first L octets of T(1) | T(2) | ... */
export function oracleHkdfExpandSha256(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  let t: Uint8Array = new Uint8Array(0);
  let okm: Uint8Array = new Uint8Array(0);
  for (let i = 1; okm.length < length; i++) {
    t = oracleHmacSha256(prk, new Uint8Array([...t, ...info, i]));
    okm = new Uint8Array([...okm, ...t]);
  }
  return okm.slice(0, length);
}
