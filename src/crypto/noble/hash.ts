/**
 * @module crypto/noble/hash
 * SHA-256/384/512 (FIPS 180-4) with HMAC (RFC 2104) and HKDF-Extract/Expand (RFC 5869 §2.2,
 * §2.3) on @noble/hashes. These are the `Hash`, `HMAC` and `HKDF` functions of the TLS 1.3 key
 * schedule (RFC 8446 §7.1).
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm, HashName, HmacKey, IncrementalHash } from '../provider.ts';

/** The hash algorithm `name` backed by @noble/hashes (one shared immutable object per name). */
export function nobleHash(name: HashName): HashAlgorithm {
  return HASHES[name];
}

type NobleHashFn = typeof sha256 | typeof sha384 | typeof sha512;

/** Wraps a noble hash instance as an `IncrementalHash`. */
function wrapIncremental(h: ReturnType<NobleHashFn['create']>): IncrementalHash {
  return {
    update(data: Uint8Array): void {
      h.update(data);
    },
    digest(): Uint8Array {
      return h.digest();
    },
    clone(): IncrementalHash {
      return wrapIncremental(h.clone());
    },
  };
}

function makeHash(name: HashName, fn: NobleHashFn): HashAlgorithm {
  return {
    name,
    outputLen: fn.outputLen,
    digest: (data: Uint8Array): Uint8Array => fn(data),
    create: (): IncrementalHash => wrapIncremental(fn.create()),
    hmac: (key: Uint8Array, data: Uint8Array): Uint8Array => hmac(fn, key, data),
    hmacKey: (key: Uint8Array): HmacKey => {
      const k = key.slice();
      return { mac: (data) => hmac(fn, k, data), expand: (info, length) => expand(fn, k, info, length) };
    },
    // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt means HashLen zeros, which
    // HMAC treats identically (keys are zero-padded to the block size).
    hkdfExtract: (salt: Uint8Array, ikm: Uint8Array): Uint8Array => extract(fn, ikm, salt),
    // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), L <= 255 * HashLen.
    hkdfExpand: (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => expand(fn, prk, info, length),
  };
}

const HASHES: { readonly [K in HashName]: HashAlgorithm } = {
  sha256: makeHash('sha256', sha256),
  sha384: makeHash('sha384', sha384),
  sha512: makeHash('sha512', sha512),
};
