/**
 * @module crypto/noble/aead
 * The TLS 1.3 AEADs (RFC 8446 §5.2, RFC 5116) of the pure provider: AES-128-GCM and AES-256-GCM
 * (NIST SP 800-38D, `aes-gcm.ts`) and ChaCha20-Poly1305 (RFC 8439 §2.8, `chacha20-poly1305.ts`),
 * each keyed once per traffic key; AES-128-CCM and AES-128-CCM-8 (SP 800-38C, RFC 8446 §B.4) on
 * noble's AES (`ccm.ts`). `open` returns undefined on any failure (bad tag, short input, wrong
 * nonce length) and never throws.
 */
import { concat } from '../../bytes/bytes.ts';
import type { Aead, AeadName } from '../provider.ts';
import { AEAD_NONCE_LEN, aeadOf } from './aead-core.ts';
import { AesGcm } from './aes-gcm.ts';
import { ccmOpen, ccmSeal } from './ccm.ts';
import { ChaCha20Poly1305 } from './chacha20-poly1305.ts';

export { AEAD_NONCE_LEN, AEAD_TAG_LEN } from './aead-core.ts';

/**
 * An AEAD bound to `key`.
 * @throws RangeError when the key length does not fit the algorithm
 */
export function nobleAead(name: AeadName, key: Uint8Array): Aead {
  const keyLen = AEAD_KEY_LEN[name];
  if (key.length !== keyLen) throw new RangeError(`aead: ${name} key must be ${keyLen} bytes, got ${key.length}`);
  if (name === 'aes-128-ccm' || name === 'aes-128-ccm-8') return ccmAead(key.slice(), AEAD_TAG_LEN_OF[name]);
  return aeadOf(name === 'chacha20-poly1305' ? new ChaCha20Poly1305(key) : new AesGcm(key));
}

/** AES-128-CCM(-8) on `ccm.ts`: the whole record is formatted at once, then copied into `out`. */
function ccmAead(k: Uint8Array, tagLen: number): Aead {
  const checkNonce = (nonce: Uint8Array): void => {
    if (nonce.length !== AEAD_NONCE_LEN) throw new RangeError(`aead: nonce must be ${AEAD_NONCE_LEN} bytes`);
  };
  return {
    seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
      checkNonce(nonce);
      return ccmSeal(k, tagLen, nonce, aad, plaintext);
    },
    sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, trailer: Uint8Array, out: Uint8Array, offset: number): number {
      checkNonce(nonce);
      const sealed = ccmSeal(k, tagLen, nonce, aad, trailer.length === 0 ? plaintext : concat(plaintext, trailer));
      out.set(sealed, offset);
      return sealed.length;
    },
    open: (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined => ccmOpen(k, tagLen, nonce, aad, ciphertext),
    // ccm.ts returns a new buffer: nothing to gain in place.
    openInPlace: (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined => ccmOpen(k, tagLen, nonce, aad, ciphertext),
  };
}

/** Tag length per AEAD (RFC 5116 §5.1, §5.2; RFC 8439 §2.8; RFC 6655 §3: 8 bytes for CCM_8). */
export const AEAD_TAG_LEN_OF: { readonly [K in AeadName]: number } = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 16,
  'chacha20-poly1305': 16,
  'aes-128-ccm': 16,
  'aes-128-ccm-8': 8,
};

/** Key lengths per AEAD (RFC 5116 §5.1, §5.2; RFC 8439 §2.8; RFC 6655 §3). */
export const AEAD_KEY_LEN: { readonly [K in AeadName]: number } = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
  'aes-128-ccm': 16,
  'aes-128-ccm-8': 16,
};
