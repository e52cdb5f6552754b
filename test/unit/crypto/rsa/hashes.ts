/**
 * @module test/rsa/hashes
 * A minimal `HashAlgorithm` for the RSA tests built directly on @noble/hashes, so these tests do
 * not depend on the noble provider. Only `digest` and `outputLen` matter to RSA; the rest is
 * filled in for type completeness.
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import type { HashAlgorithm, HashName, IncrementalHash } from '../../../../src/crypto/provider.ts';

/** The part of a noble hash this wrapper uses. */
interface NobleHash {
  (msg: Uint8Array): Uint8Array;
  readonly outputLen: number;
  create(): NobleState;
}
interface NobleState {
  update(d: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleState;
}

function make(name: HashName, h: NobleHash): HashAlgorithm {
  const wrap = (inner: NobleState): IncrementalHash => ({
    update: (d) => void inner.update(d),
    digest: () => inner.digest(),
    clone: () => wrap(inner.clone()),
  });
  return {
    name,
    outputLen: h.outputLen,
    digest: (d) => h(d),
    create: () => wrap(h.create()),
    hmac: (k, d) => hmac(sha(name), k, d),
    hmacKey: (k) => {
      const key = k.slice();
      return { mac: (d) => hmac(sha(name), key, d), expand: (info, len) => expand(sha(name), key, info, len) };
    },
    hkdfExtract: (salt, ikm) => extract(sha(name), ikm, salt),
    hkdfExpand: (prk, info, len) => expand(sha(name), prk, info, len),
  };
}

export const SHA256: HashAlgorithm = make('sha256', sha256);
export const SHA384: HashAlgorithm = make('sha384', sha384);
export const SHA512: HashAlgorithm = make('sha512', sha512);
export const HASHES: readonly HashAlgorithm[] = [SHA256, SHA384, SHA512];

function sha(name: HashName): typeof sha256 | typeof sha384 | typeof sha512 {
  return name === 'sha256' ? sha256 : name === 'sha384' ? sha384 : sha512;
}
