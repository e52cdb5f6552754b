/**
 * @module crypto/noble/hash
 * SHA-256/384/512 (FIPS 180-4) with HMAC (RFC 2104) and HKDF-Extract/Expand (RFC 5869 §2.2,
 * §2.3) on @noble/hashes. These are the `Hash`, `HMAC` and `HKDF` functions of the TLS 1.3 key
 * schedule (RFC 8446 §7.1).
 */
import { _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm, HashName, HmacKey, IncrementalHash } from '../provider.ts';

/** The hash algorithm `name` backed by @noble/hashes (one shared immutable object per name). */
export function nobleHash(name: HashName): HashAlgorithm {
  return HASHES[name];
}

type NobleHashFn = typeof sha256 | typeof sha384 | typeof sha512;
type NobleHashInstance = ReturnType<NobleHashFn['create']>;

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

/**
 * HMAC and HKDF go through an `HmacKey` (`nobleHmacKey`): noble's HMAC with the key's hashed pad
 * blocks kept, so the key schedule's several derivations from one secret hash them once.
 */
function makeHash(name: HashName, fn: NobleHashFn): HashAlgorithm {
  const keyed = (key: Uint8Array): HmacKey => nobleHmacKey(fn, key);
  return {
    name,
    outputLen: fn.outputLen,
    digest: (data: Uint8Array): Uint8Array => fn(data),
    create: (): IncrementalHash => wrapIncremental(fn.create()),
    hmac: (key: Uint8Array, data: Uint8Array): Uint8Array => hmac(fn, key, data),
    hmacKey: keyed,
    // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt means HashLen zeros, which
    // HMAC treats identically (keys are zero-padded to the block size).
    hkdfExtract: (salt: Uint8Array, ikm: Uint8Array): Uint8Array => keyed(salt).mac(ikm),
    // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), L <= 255 * HashLen.
    hkdfExpand: (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => keyed(prk).expand(info, length),
  };
}

/**
 * An HmacKey on noble's HMAC: the key's two hashed pad blocks, copied into one scratch HMAC for
 * each message (`_cloneInto`, as noble's own HKDF-Expand does; `clone()` allocates and costs more).
 */
function nobleHmacKey(fn: NobleHashFn, key: Uint8Array): HmacKey {
  const prepared = new _HMAC<NobleHashInstance>(fn, key);
  let scratch: _HMAC<NobleHashInstance> | undefined;
  const start = (): _HMAC<NobleHashInstance> => (scratch = prepared._cloneInto(scratch));
  return {
    mac: (data: Uint8Array): Uint8Array => start().update(data).digest(),
    expand: (info: Uint8Array, length: number): Uint8Array =>
      hkdfExpandWith(fn.outputLen, length, (previous, counter) => start().update(previous).update(info).update(counter).digest()),
  };
}

/**
 * RFC 5869 §2.3 HKDF-Expand over an HMAC under PRK: T(0) = empty, T(i) = HMAC-Hash(PRK,
 * T(i-1) | info | i), OKM = the first L octets of T(1) | T(2) | ... `macOf(T(i-1), i)` computes
 * one T(i), with the caller's info.
 * @throws RangeError unless 0 <= L <= 255 * HashLen
 */
export function hkdfExpandWith(
  outputLen: number,
  length: number,
  macOf: (previous: Uint8Array, counter: Uint8Array) => Uint8Array,
): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > 255 * outputLen) {
    throw new RangeError(`hkdfExpand: length must be 0..${255 * outputLen}`);
  }
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let off = 0, i = 1; off < length; off += outputLen, i++) {
    counter[0] = i;
    t = macOf(t, counter);
    out.set(t.subarray(0, Math.min(outputLen, length - off)), off);
  }
  return out;
}

const HASHES: { readonly [K in HashName]: HashAlgorithm } = {
  sha256: makeHash('sha256', sha256),
  sha384: makeHash('sha384', sha384),
  sha512: makeHash('sha512', sha512),
};
