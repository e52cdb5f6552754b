/**
 * @module crypto/noble/ghash
 * GHASH, the authenticator of AES-GCM (NIST SP 800-38D §6.4), keyed once per AES key and run
 * in constant time: no table, no branch and no memory index depends on the key or the data.
 *
 * A GF(2^128) product is a carry-less 128×128-bit multiplication followed by a reduction modulo
 * x^128 + x^7 + x^2 + x + 1. The carry-less product is built from 32×32-bit integer multiplies
 * (`Math.imul`) on operands whose set bits are four apart, so that the carries of the integer
 * multiply never reach a bit that is kept; Karatsuba turns the 16 word products into 9, and
 * bit-reversed operands give the high halves that `Math.imul` (low 32 bits only) does not
 * return. This is the method of BearSSL's `ghash_ctmul32` (Thomas Pornin); it beats
 * @noble/ciphers' table-driven GHASH in V8 (bench/record.ts) besides being table-free.
 *
 * Bit order (SP 800-38D §6.3): a block's first bit is the coefficient of x^0. Words here are the
 * block's big-endian 32-bit words, `y3` (bytes 0-3) down to `y0` (bytes 12-15); read as one
 * 128-bit integer they hold the coefficients in reverse order (x^0 is the top bit), so an integer
 * carry-less product of two of them is the reflected polynomial product, one bit short.
 */

/** Carry-less 32×32 multiplication, the low 32 bits of the 63-bit product. */
function clmulLow(x: number, y: number): number {
  const x0 = x & 0x11111111;
  const x1 = x & 0x22222222;
  const x2 = x & 0x44444444;
  const x3 = x & 0x88888888;
  const y0 = y & 0x11111111;
  const y1 = y & 0x22222222;
  const y2 = y & 0x44444444;
  const y3 = y & 0x88888888;
  // Each product of "holey" operands sums at most 8 terms into a 4-bit slot: no carry leaves
  // its slot, so the bit kept from each slot is the XOR of its terms.
  const z0 = (Math.imul(x0, y0) ^ Math.imul(x1, y3) ^ Math.imul(x2, y2) ^ Math.imul(x3, y1)) & 0x11111111;
  const z1 = (Math.imul(x0, y1) ^ Math.imul(x1, y0) ^ Math.imul(x2, y3) ^ Math.imul(x3, y2)) & 0x22222222;
  const z2 = (Math.imul(x0, y2) ^ Math.imul(x1, y1) ^ Math.imul(x2, y0) ^ Math.imul(x3, y3)) & 0x44444444;
  const z3 = (Math.imul(x0, y3) ^ Math.imul(x1, y2) ^ Math.imul(x2, y1) ^ Math.imul(x3, y0)) & 0x88888888;
  return z0 | z1 | z2 | z3;
}

/** The 32 bits of `x` in reverse order. */
function rev32(x: number): number {
  x = ((x & 0x55555555) << 1) | ((x >>> 1) & 0x55555555);
  x = ((x & 0x33333333) << 2) | ((x >>> 2) & 0x33333333);
  x = ((x & 0x0f0f0f0f) << 4) | ((x >>> 4) & 0x0f0f0f0f);
  x = ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff);
  return (x << 16) | (x >>> 16);
}

/**
 * GHASH under one hash subkey H. `update` absorbs whole blocks and zero-pads the last one, so
 * each call is one of GCM's padded segments (SP 800-38D §7.1: A, then C, then the lengths).
 * `reset` starts a new message under the same key.
 */
export class Ghash {
  // H's words and their Karatsuba sums, plain and bit-reversed: fixed per key.
  private readonly h0: number;
  private readonly h1: number;
  private readonly h2: number;
  private readonly h3: number;
  private readonly r0: number;
  private readonly r1: number;
  private readonly r2: number;
  private readonly r3: number;
  /** The running value Y, as four words (see the module note for the order). */
  private y0 = 0;
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;
  /** The zero-padded last block of a segment. */
  private readonly tail = new Uint8Array(16);
  private readonly tailView = new DataView(this.tail.buffer);

  /** @param h the hash subkey H = AES_K(0^128), 16 bytes */
  constructor(h: Uint8Array) {
    if (h.length !== 16) throw new RangeError('ghash: H must be 16 bytes');
    const v = new DataView(h.buffer, h.byteOffset, 16);
    this.h3 = v.getUint32(0);
    this.h2 = v.getUint32(4);
    this.h1 = v.getUint32(8);
    this.h0 = v.getUint32(12);
    this.r0 = rev32(this.h0);
    this.r1 = rev32(this.h1);
    this.r2 = rev32(this.h2);
    this.r3 = rev32(this.h3);
  }

  /** Y = 0: a new message under the same key. */
  reset(): void {
    this.y0 = this.y1 = this.y2 = this.y3 = 0;
  }

  /** Absorbs `data` as 16-byte blocks, the last one zero-padded (one GCM segment). */
  update(data: Uint8Array): void {
    const whole = data.length & ~15;
    if (whole > 0) this.blocks(new DataView(data.buffer, data.byteOffset, whole), whole);
    if (whole < data.length) {
      this.tail.fill(0);
      this.tail.set(data.subarray(whole));
      this.blocks(this.tailView, 16);
    }
  }

  /**
   * Absorbs the final block [len(A)]_64 ‖ [len(C)]_64, the lengths in bits (SP 800-38D §7.1
   * step 5), and writes GHASH's 16-byte result into `out` at `offset`.
   */
  finish(aadLen: number, dataLen: number, out: Uint8Array, offset: number): void {
    const t = this.tailView;
    t.setUint32(0, Math.floor(aadLen / 2 ** 29));
    t.setUint32(4, (aadLen * 8) >>> 0);
    t.setUint32(8, Math.floor(dataLen / 2 ** 29));
    t.setUint32(12, (dataLen * 8) >>> 0);
    this.blocks(t, 16);
    const o = new DataView(out.buffer, out.byteOffset + offset, 16);
    o.setUint32(0, this.y3);
    o.setUint32(4, this.y2);
    o.setUint32(8, this.y1);
    o.setUint32(12, this.y0);
  }

  /** Y = (Y ⊕ X_i) · H for each 16-byte block X_i of `v` (`len` a multiple of 16). */
  private blocks(v: DataView, len: number): void {
    let y0 = this.y0;
    let y1 = this.y1;
    let y2 = this.y2;
    let y3 = this.y3;
    const h0 = this.h0;
    const h1 = this.h1;
    const h2 = this.h2;
    const h3 = this.h3;
    const h4 = h0 ^ h1;
    const h5 = h2 ^ h3;
    const h6 = h0 ^ h2;
    const h7 = h1 ^ h3;
    const h8 = h6 ^ h7;
    const r0 = this.r0;
    const r1 = this.r1;
    const r2 = this.r2;
    const r3 = this.r3;
    const r4 = r0 ^ r1;
    const r5 = r2 ^ r3;
    const r6 = r0 ^ r2;
    const r7 = r1 ^ r3;
    const r8 = r6 ^ r7;
    for (let off = 0; off < len; off += 16) {
      y3 ^= v.getUint32(off);
      y2 ^= v.getUint32(off + 4);
      y1 ^= v.getUint32(off + 8);
      y0 ^= v.getUint32(off + 12);
      // Karatsuba, two levels: (y0,y1)·(h0,h1), (y2,y3)·(h2,h3) and the product of the sums,
      // each from three word products; the same again on bit-reversed words for the high halves.
      const a4 = y0 ^ y1;
      const a5 = y2 ^ y3;
      const a6 = y0 ^ y2;
      const a7 = y1 ^ y3;
      const a8 = a6 ^ a7;
      const b0 = rev32(y0);
      const b1 = rev32(y1);
      const b2 = rev32(y2);
      const b3 = rev32(y3);
      const b4 = b0 ^ b1;
      const b5 = b2 ^ b3;
      const b6 = b0 ^ b2;
      const b7 = b1 ^ b3;
      const b8 = b6 ^ b7;
      const c0 = clmulLow(y0, h0);
      const c1 = clmulLow(y1, h1);
      const c2 = clmulLow(y2, h2);
      const c3 = clmulLow(y3, h3);
      const c6 = clmulLow(a6, h6);
      const c7 = clmulLow(a7, h7);
      const c4 = clmulLow(a4, h4) ^ c0 ^ c1;
      const c5 = clmulLow(a5, h5) ^ c2 ^ c3;
      const c8 = clmulLow(a8, h8) ^ c6 ^ c7;
      const c9 = clmulLow(b0, r0);
      const c10 = clmulLow(b1, r1);
      const c11 = clmulLow(b2, r2);
      const c12 = clmulLow(b3, r3);
      const c15 = clmulLow(b6, r6);
      const c16 = clmulLow(b7, r7);
      const c13 = clmulLow(b4, r4) ^ c9 ^ c10;
      const c14 = clmulLow(b5, r5) ^ c11 ^ c12;
      const c17 = clmulLow(b8, r8) ^ c15 ^ c16;
      // The 256-bit product (bit-reflected, so one bit short: shifted back below).
      const d0 = c0;
      const d1 = c4 ^ (rev32(c9) >>> 1);
      const d2 = c1 ^ c0 ^ c2 ^ c6 ^ (rev32(c13) >>> 1);
      const d3 = c4 ^ c5 ^ c8 ^ (rev32(c10 ^ c9 ^ c11 ^ c15) >>> 1);
      const d4 = c2 ^ c1 ^ c3 ^ c7 ^ (rev32(c13 ^ c14 ^ c17) >>> 1);
      const d5 = c5 ^ (rev32(c11 ^ c10 ^ c12 ^ c16) >>> 1);
      const d6 = c3 ^ (rev32(c14) >>> 1);
      const d7 = rev32(c12) >>> 1;
      const z0 = d0 << 1;
      const z1 = (d1 << 1) | (d0 >>> 31);
      const z2 = (d2 << 1) | (d1 >>> 31);
      const z3 = (d3 << 1) | (d2 >>> 31);
      let z4 = (d4 << 1) | (d3 >>> 31);
      let z5 = (d5 << 1) | (d4 >>> 31);
      let z6 = (d6 << 1) | (d5 >>> 31);
      let z7 = (d7 << 1) | (d6 >>> 31);
      // Reduction modulo x^128 + x^7 + x^2 + x + 1, word by word from the low end.
      z4 ^= z0 ^ (z0 >>> 1) ^ (z0 >>> 2) ^ (z0 >>> 7);
      const z3r = z3 ^ (z0 << 31) ^ (z0 << 30) ^ (z0 << 25);
      z5 ^= z1 ^ (z1 >>> 1) ^ (z1 >>> 2) ^ (z1 >>> 7);
      z4 ^= (z1 << 31) ^ (z1 << 30) ^ (z1 << 25);
      z6 ^= z2 ^ (z2 >>> 1) ^ (z2 >>> 2) ^ (z2 >>> 7);
      z5 ^= (z2 << 31) ^ (z2 << 30) ^ (z2 << 25);
      z7 ^= z3r ^ (z3r >>> 1) ^ (z3r >>> 2) ^ (z3r >>> 7);
      z6 ^= (z3r << 31) ^ (z3r << 30) ^ (z3r << 25);
      y0 = z4;
      y1 = z5;
      y2 = z6;
      y3 = z7;
    }
    this.y0 = y0;
    this.y1 = y1;
    this.y2 = y2;
    this.y3 = y3;
  }
}
