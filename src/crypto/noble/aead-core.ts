/**
 * @module crypto/noble/aead-core
 * What the pure provider's AEADs implement (`AesGcm`, `ChaCha20Poly1305`): keyed once, they seal
 * a plaintext where it lies and open into a buffer of the caller's choice, so the record layer
 * needs no copy either way. `aeadOf` turns one into the provider's `Aead` (RFC 5116 interface:
 * 12-byte nonce, 16-byte tag), with the argument checks in one place.
 */
import type { Aead } from '../provider.ts';

export interface AeadCore {
  /**
   * Encrypts `buf[offset, offset + len)` in place and writes the 16-byte tag right after it.
   * `nonce` is 12 bytes (checked by the caller).
   */
  sealSlot(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, offset: number, len: number): void;
  /**
   * Checks the tag of `ciphertext` (body ‖ 16-byte tag; at least 16 bytes, checked by the
   * caller) and only then decrypts the body into `dst`, which may be the body itself.
   * @returns false, with `dst` untouched, when authentication fails
   */
  openTo(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, dst: Uint8Array): boolean;
}

/** The `Aead` of one keyed core. `open` never throws on bad input: it returns undefined. */
export function aeadOf(core: AeadCore): Aead {
  const sealInto = (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, trailer: Uint8Array, out: Uint8Array, offset: number): number => {
    if (nonce.length !== AEAD_NONCE_LEN) throw new RangeError(`aead: nonce must be ${AEAD_NONCE_LEN} bytes`);
    const len = plaintext.length + trailer.length;
    if (offset + len + AEAD_TAG_LEN > out.length) throw new RangeError('aead: output too small');
    out.set(plaintext, offset);
    out.set(trailer, offset + plaintext.length);
    core.sealSlot(nonce, aad, out, offset, len);
    return len + AEAD_TAG_LEN;
  };
  const openTo = (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, inPlace: boolean): Uint8Array | undefined => {
    if (nonce.length !== AEAD_NONCE_LEN || ciphertext.length < AEAD_TAG_LEN) return undefined;
    const bodyLen = ciphertext.length - AEAD_TAG_LEN;
    const dst = inPlace ? ciphertext.subarray(0, bodyLen) : new Uint8Array(bodyLen);
    return core.openTo(nonce, aad, ciphertext, dst) ? dst : undefined;
  };
  return {
    seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
      const out = new Uint8Array(plaintext.length + AEAD_TAG_LEN);
      sealInto(nonce, aad, plaintext, EMPTY, out, 0);
      return out;
    },
    sealInto,
    open: (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) => openTo(nonce, aad, ciphertext, false),
    openInPlace: (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) => openTo(nonce, aad, ciphertext, true),
  };
}

/** RFC 8446 §5.3: every TLS 1.3 AEAD uses a 12-byte nonce; all but CCM_8 (`aead.ts`) a 16-byte tag. */
export const AEAD_NONCE_LEN = 12;
export const AEAD_TAG_LEN = 16;

const EMPTY = new Uint8Array(0);
