/**
 * @module _hash
 * A minimal `HashAlgorithm` over @noble/hashes for the key-schedule tests, independent of the
 * providers under src/crypto (so these tests can run before, and check, those providers).
 */
import { extract, expand } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm, HashName, IncrementalHash } from '../../../src/crypto/provider.ts';

const FNS = { sha256, sha384, sha512 } as const;

/** A noble-backed `HashAlgorithm` for `name`. */
export function testHash(name: HashName): HashAlgorithm {
  const fn = FNS[name];
  const wrap = (h: ReturnType<typeof fn.create>): IncrementalHash => ({
    update: (d) => void h.update(d),
    digest: () => h.digest(),
    clone: () => wrap(h.clone()),
  });
  return {
    name,
    outputLen: fn.outputLen,
    digest: (d) => fn(d),
    create: () => wrap(fn.create()),
    hmac: (k, d) => hmac(fn, k, d),
    hmacKey: (k) => {
      const key = k.slice();
      return { mac: (d) => hmac(fn, key, d), expand: (info, len) => expand(fn, key, info, len) };
    },
    hkdfExtract: (salt, ikm) => extract(fn, ikm, salt),
    hkdfExpand: (prk, info, len) => expand(fn, prk, info, len),
  };
}
