/**
 * @module crypto/noble/password-based
 * PBKDF2 (RFC 8018 §5.2), scrypt (RFC 7914) and AES-CBC decryption for encrypted PKCS#8 keys,
 * on @noble/hashes and @noble/ciphers.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { PasswordBasedCrypto } from '../provider.ts';

export const noblePasswordBased: PasswordBasedCrypto = {
  pbkdf2: (hash, password, salt, iterations, dkLen) => pbkdf2(HASHES[hash], password, salt, { c: iterations, dkLen }),
  scrypt: (password, salt, n, r, p, dkLen) => scrypt(password, salt, { N: n, r, p, dkLen, maxmem: 2 ** 31 }),
  aesCbcDecrypt: (key, iv, ciphertext) => cbc(key, iv).decrypt(ciphertext),
};

/** SHA-1 for OCSP identifiers (provider.ts `sha1`); here because PBKDF2 already brings it in. */
export const nobleSha1 = (data: Uint8Array): Uint8Array => sha1(data);

const HASHES = { sha1, sha256, sha384, sha512 } as const;
