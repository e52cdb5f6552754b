/**
 * @module crypto/noble
 * The default, pure-JavaScript `CryptoProvider`: @noble/hashes, @noble/ciphers, @noble/curves,
 * @noble/post-quantum and our bigint RSA (`src/crypto/rsa/`). Runs unchanged in any JS runtime
 * with `globalThis.crypto.getRandomValues`; deterministic given the injected `RandomSource`.
 */
import type { CryptoProvider } from '../provider.ts';
import { nobleAead } from './aead.ts';
import { nobleHash } from './hash.ts';
import { NOBLE_GROUPS, nobleKeyExchange } from './kx.ts';
import { noblePasswordBased, nobleSha1 } from './password-based.ts';
import { randomBytes } from './random.ts';
import { NOBLE_VERIFY_SCHEMES, nobleSigningKey, nobleVerify, nobleVerifyCertificateSignature } from './sign.ts';

/**
 * The noble provider.
 * @example
 * const sha256 = nobleProvider.hash('sha256');
 * const prk = sha256.hkdfExtract(new Uint8Array(32), ikm);
 */
export const nobleProvider: CryptoProvider = {
  name: 'noble',
  hash: nobleHash,
  aead: nobleAead,
  groups: NOBLE_GROUPS,
  keyExchange: nobleKeyExchange,
  verifySchemes: NOBLE_VERIFY_SCHEMES,
  signingKey: nobleSigningKey,
  verify: nobleVerify,
  verifyCertificateSignature: nobleVerifyCertificateSignature,
  randomBytes,
  sha1: nobleSha1,
  passwordBased: noblePasswordBased,
  // AES and GHASH in JavaScript: ChaCha20-Poly1305 is about 5x faster (bench/record.ts).
  softwareAes: true,
};
