/**
 * @module crypto/noble/chacha20
 * The ChaCha20 stream cipher of RFC 8439 §2.4 (the block function of §2.3), keyed once, XORing
 * the key stream straight into buffers at any byte offset. @noble/ciphers' `chacha20` is as fast
 * on 4-byte-aligned buffers but falls back to byte-by-byte XOR on the others, and a TLS record's
 * payload starts 5 bytes into its header; here words are read and written through a DataView,
 * whatever the alignment (bench/record.ts). ARX only: constant-time by construction.
 */

export class ChaCha20 {
  /** The key as eight little-endian words (RFC 8439 §2.3: state words 4-11). */
  private readonly k: Int32Array;
  /** Key stream of a last, partial block. */
  private readonly block = new Uint8Array(64);
  private readonly blockView = new DataView(this.block.buffer);

  /** @param key 32 bytes */
  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('chacha20: key must be 32 bytes');
    const v = new DataView(key.buffer, key.byteOffset, 32);
    this.k = Int32Array.from({ length: 8 }, (_, i) => v.getInt32(4 * i, true));
  }

  /**
   * `dst` = `src` XOR the key stream of `nonce` (12 bytes) from block `counter` on (RFC 8439
   * §2.4); `src` and `dst` have the same length and may be the same bytes.
   */
  xor(nonce: Uint8Array, counter: number, src: Uint8Array, dst: Uint8Array): void {
    const len = src.length;
    const n = new DataView(nonce.buffer, nonce.byteOffset, 12);
    const n0 = n.getInt32(0, true);
    const n1 = n.getInt32(4, true);
    const n2 = n.getInt32(8, true);
    const s = new DataView(src.buffer, src.byteOffset, len);
    const d = new DataView(dst.buffer, dst.byteOffset, len);
    const k = this.k;
    const k0 = k[0] as number;
    const k1 = k[1] as number;
    const k2 = k[2] as number;
    const k3 = k[3] as number;
    const k4 = k[4] as number;
    const k5 = k[5] as number;
    const k6 = k[6] as number;
    const k7 = k[7] as number;
    const block = this.block;
    for (let off = 0; off < len; off += 64, counter++) {
      // RFC 8439 §2.3: constants, key, block counter, nonce.
      let x0 = SIGMA0;
      let x1 = SIGMA1;
      let x2 = SIGMA2;
      let x3 = SIGMA3;
      let x4 = k0;
      let x5 = k1;
      let x6 = k2;
      let x7 = k3;
      let x8 = k4;
      let x9 = k5;
      let x10 = k6;
      let x11 = k7;
      let x12 = counter | 0;
      let x13 = n0;
      let x14 = n1;
      let x15 = n2;
      for (let i = 0; i < 10; i++) {
        // §2.3: a column round, then a diagonal round, of quarter rounds (§2.1).
        x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
        x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
        x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
        x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
        x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
        x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
        x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
        x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
        x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
        x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
        x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
        x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
        x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
        x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
        x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
        x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
        x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
        x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
        x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
        x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
        x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
        x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
        x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
        x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
        x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
        x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
        x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
        x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
        x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
        x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
        x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
        x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
      }
      // §2.3: add the input state back in.
      x0 = (x0 + SIGMA0) | 0;
      x1 = (x1 + SIGMA1) | 0;
      x2 = (x2 + SIGMA2) | 0;
      x3 = (x3 + SIGMA3) | 0;
      x4 = (x4 + k0) | 0;
      x5 = (x5 + k1) | 0;
      x6 = (x6 + k2) | 0;
      x7 = (x7 + k3) | 0;
      x8 = (x8 + k4) | 0;
      x9 = (x9 + k5) | 0;
      x10 = (x10 + k6) | 0;
      x11 = (x11 + k7) | 0;
      x12 = (x12 + counter) | 0;
      x13 = (x13 + n0) | 0;
      x14 = (x14 + n1) | 0;
      x15 = (x15 + n2) | 0;
      if (off + 64 <= len) {
        d.setInt32(off, s.getInt32(off, true) ^ x0, true);
        d.setInt32(off + 4, s.getInt32(off + 4, true) ^ x1, true);
        d.setInt32(off + 8, s.getInt32(off + 8, true) ^ x2, true);
        d.setInt32(off + 12, s.getInt32(off + 12, true) ^ x3, true);
        d.setInt32(off + 16, s.getInt32(off + 16, true) ^ x4, true);
        d.setInt32(off + 20, s.getInt32(off + 20, true) ^ x5, true);
        d.setInt32(off + 24, s.getInt32(off + 24, true) ^ x6, true);
        d.setInt32(off + 28, s.getInt32(off + 28, true) ^ x7, true);
        d.setInt32(off + 32, s.getInt32(off + 32, true) ^ x8, true);
        d.setInt32(off + 36, s.getInt32(off + 36, true) ^ x9, true);
        d.setInt32(off + 40, s.getInt32(off + 40, true) ^ x10, true);
        d.setInt32(off + 44, s.getInt32(off + 44, true) ^ x11, true);
        d.setInt32(off + 48, s.getInt32(off + 48, true) ^ x12, true);
        d.setInt32(off + 52, s.getInt32(off + 52, true) ^ x13, true);
        d.setInt32(off + 56, s.getInt32(off + 56, true) ^ x14, true);
        d.setInt32(off + 60, s.getInt32(off + 60, true) ^ x15, true);
      } else {
        // The last, partial block (§2.4: the key stream is truncated).
        const b = this.blockView;
        b.setInt32(0, x0, true);
        b.setInt32(4, x1, true);
        b.setInt32(8, x2, true);
        b.setInt32(12, x3, true);
        b.setInt32(16, x4, true);
        b.setInt32(20, x5, true);
        b.setInt32(24, x6, true);
        b.setInt32(28, x7, true);
        b.setInt32(32, x8, true);
        b.setInt32(36, x9, true);
        b.setInt32(40, x10, true);
        b.setInt32(44, x11, true);
        b.setInt32(48, x12, true);
        b.setInt32(52, x13, true);
        b.setInt32(56, x14, true);
        b.setInt32(60, x15, true);
        for (let i = off; i < len; i++) d.setUint8(i, s.getUint8(i) ^ (block[i - off] as number));
        block.fill(0);
      }
    }
  }
}

/** RFC 8439 §2.3: "expand 32-byte k" as four little-endian words. */
const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;
