/**
 * @module crypto/noble/aes-gcm
 * AES-GCM (NIST SP 800-38D) with its per-key work done once: the AES round keys and the GHASH
 * subkey H = AES_K(0^128) are computed when the traffic key is installed, not per record
 * (@noble/ciphers' one-shot `gcm(key, nonce)` redoes both, and builds a GHASH table, on every
 * call). The AES block function and key expansion are @noble/ciphers' (its `unsafe` export);
 * GHASH is ours (`ghash.ts`, constant-time). Records are encrypted and decrypted in place.
 * Only the 96-bit IV of TLS (RFC 8446 §5.3) is supported: J0 = IV ‖ 0^31 ‖ 1 (SP 800-38D §7.1).
 */
import { unsafe } from '@noble/ciphers/aes.js';
import type { AeadCore } from './aead-core.ts';
import { Ghash } from './ghash.ts';

const { expandKeyLE, encrypt: aesBlock } = unsafe;

/** AES-128-GCM or AES-256-GCM (by key length) under one key. */
export class AesGcm implements AeadCore {
  /** AES round keys (FIPS 197 §5.2), as @noble/ciphers lays them out. */
  private readonly roundKeys: Uint32Array;
  private readonly ghash: Ghash;
  /** The expected tag while opening. */
  private readonly expected = new Uint8Array(16);

  /** @param key 16 or 32 bytes */
  constructor(key: Uint8Array) {
    this.roundKeys = expandKeyLE(key);
    // SP 800-38D §6.4: H = CIPH_K(0^128).
    const h = aesBlock(this.roundKeys, 0, 0, 0, 0);
    const hBytes = new Uint8Array(16);
    const v = new DataView(hBytes.buffer);
    v.setUint32(0, h.s0, true);
    v.setUint32(4, h.s1, true);
    v.setUint32(8, h.s2, true);
    v.setUint32(12, h.s3, true);
    this.ghash = new Ghash(hBytes);
    hBytes.fill(0);
  }

  sealSlot(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, offset: number, len: number): void {
    const body = buf.subarray(offset, offset + len);
    // SP 800-38D §7.1: C = GCTR_K(inc32(J0), P), then T = GCTR_K(J0, GHASH_H(A, C)).
    this.ctr(nonce, body, body);
    this.tag(nonce, aad, body, buf, offset + len);
  }

  openTo(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, dst: Uint8Array): boolean {
    const len = ciphertext.length - 16;
    const body = ciphertext.subarray(0, len);
    // SP 800-38D §7.2: the tag is checked before anything is decrypted, so a forgery leaves
    // the bytes as they were.
    const expected = this.expected;
    this.tag(nonce, aad, body, expected, 0);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= (expected[i] as number) ^ (ciphertext[len + i] as number);
    expected.fill(0);
    if (diff !== 0) return false;
    this.ctr(nonce, body, dst);
    return true;
  }

  /** GCTR_K(inc32(J0), ·): `dst` = `src` XOR the key stream from counter 2 (may be the same bytes). */
  private ctr(nonce: Uint8Array, src: Uint8Array, dst: Uint8Array): void {
    const len = src.length;
    const n = new DataView(nonce.buffer, nonce.byteOffset, 12);
    const n0 = n.getUint32(0, true);
    const n1 = n.getUint32(4, true);
    const n2 = n.getUint32(8, true);
    const s = new DataView(src.buffer, src.byteOffset, len);
    const d = new DataView(dst.buffer, dst.byteOffset, len);
    const xk = this.roundKeys;
    let counter = 2;
    let i = 0;
    for (; i + 16 <= len; i += 16) {
      const k = aesBlock(xk, n0, n1, n2, counterWord(counter++));
      d.setUint32(i, s.getUint32(i, true) ^ k.s0, true);
      d.setUint32(i + 4, s.getUint32(i + 4, true) ^ k.s1, true);
      d.setUint32(i + 8, s.getUint32(i + 8, true) ^ k.s2, true);
      d.setUint32(i + 12, s.getUint32(i + 12, true) ^ k.s3, true);
    }
    if (i < len) {
      const k = aesBlock(xk, n0, n1, n2, counterWord(counter));
      const words = [k.s0, k.s1, k.s2, k.s3];
      for (let j = 0; i + j < len; j++) {
        d.setUint8(i + j, s.getUint8(i + j) ^ (((words[j >> 2] as number) >>> (8 * (j & 3))) & 0xff));
      }
    }
  }

  /** T = GHASH_H(A, C) XOR CIPH_K(J0), written into `out` at `offset` (SP 800-38D §7.1 steps 5-6). */
  private tag(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, out: Uint8Array, offset: number): void {
    const g = this.ghash;
    g.reset();
    g.update(aad);
    g.update(ciphertext);
    g.finish(aad.length, ciphertext.length, out, offset);
    const n = new DataView(nonce.buffer, nonce.byteOffset, 12);
    const k = aesBlock(this.roundKeys, n.getUint32(0, true), n.getUint32(4, true), n.getUint32(8, true), counterWord(1));
    const t = new DataView(out.buffer, out.byteOffset + offset, 16);
    t.setUint32(0, t.getUint32(0, true) ^ k.s0, true);
    t.setUint32(4, t.getUint32(4, true) ^ k.s1, true);
    t.setUint32(8, t.getUint32(8, true) ^ k.s2, true);
    t.setUint32(12, t.getUint32(12, true) ^ k.s3, true);
  }
}

/**
 * The last word of the counter block IV ‖ [counter]_32 (big-endian), as the little-endian word
 * @noble/ciphers' block function reads: the counter's bytes swapped.
 */
function counterWord(counter: number): number {
  return ((counter & 0xff) << 24) | ((counter & 0xff00) << 8) | ((counter >>> 8) & 0xff00) | (counter >>> 24);
}
