/**
 * @module crypto/noble/chacha20-poly1305
 * ChaCha20-Poly1305 (RFC 8439 §2.8) sealing and opening in place, on our ChaCha20 (§2.4,
 * `chacha20.ts`) and Poly1305 (§2.5, `poly1305.ts`); @noble/ciphers' one-shot
 * `chacha20poly1305` is the test oracle. Per key there is only the key's words to keep: the
 * Poly1305 key is drawn from the key stream of each nonce (§2.6). What this saves over the
 * one-shot is the copies (the record is encrypted where it lies, and opened into the buffer the
 * caller chooses), byte-wise XOR at unaligned offsets and most of Poly1305's time.
 */
import type { AeadCore } from './aead-core.ts';
import { ChaCha20 } from './chacha20.ts';
import { Poly1305 } from './poly1305.ts';

export class ChaCha20Poly1305 implements AeadCore {
  private readonly cipher: ChaCha20;
  /** The one-time Poly1305 key of the current nonce (RFC 8439 §2.6). */
  private readonly macKey = new Uint8Array(32);
  /** The expected tag while opening. */
  private readonly expected = new Uint8Array(16);
  private readonly mac = new Poly1305();
  /** The last Poly1305 block: le64(len(AAD)) ‖ le64(len(ciphertext)). */
  private readonly lengths = new Uint8Array(16);

  /** @param key 32 bytes */
  constructor(key: Uint8Array) {
    this.cipher = new ChaCha20(key);
  }

  sealSlot(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, offset: number, len: number): void {
    const body = buf.subarray(offset, offset + len);
    // RFC 8439 §2.8: the plaintext is encrypted with block counters from 1; block 0 gave the
    // Poly1305 key.
    this.cipher.xor(nonce, 1, body, body);
    this.tag(nonce, aad, body, buf.subarray(offset + len, offset + len + 16));
  }

  openTo(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, dst: Uint8Array): boolean {
    const len = ciphertext.length - 16;
    const body = ciphertext.subarray(0, len);
    const expected = this.expected;
    this.tag(nonce, aad, body, expected);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= (expected[i] as number) ^ (ciphertext[len + i] as number);
    expected.fill(0);
    if (diff !== 0) return false;
    this.cipher.xor(nonce, 1, body, dst);
    return true;
  }

  /**
   * RFC 8439 §2.8: Poly1305 under the nonce's one-time key over
   * AAD ‖ pad16 ‖ ciphertext ‖ pad16 ‖ le64(len(AAD)) ‖ le64(len(ciphertext)).
   */
  private tag(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, out: Uint8Array): void {
    const macKey = this.macKey;
    this.cipher.xor(nonce, 0, ZEROS, macKey);
    const mac = this.mac;
    mac.start(macKey);
    macKey.fill(0);
    mac.update(aad);
    mac.update(ciphertext);
    const v = new DataView(this.lengths.buffer);
    v.setUint32(0, aad.length, true);
    v.setUint32(8, ciphertext.length, true);
    mac.update(this.lengths);
    mac.finish(out, 0);
  }
}

const ZEROS = new Uint8Array(32);
