/**
 * @module crypto/noble/poly1305
 * Poly1305 (RFC 8439 §2.5) as the ChaCha20-Poly1305 AEAD uses it (§2.8): every segment is
 * zero-padded to a 16-byte boundary, so every block is a full one and gets the 2^128 bit. It is
 * faster in V8 than @noble/ciphers' Poly1305 (16-bit limbs, 100 integer products and a serial
 * carry chain per block; bench/record.ts): the accumulator and r are six 22-bit limbs held in
 * float64, 36 products per block, each sum of products below 2^52 so every operation is exact,
 * and the carries are rounded in parallel.
 *
 * Constant time: no branch or memory index depends on the key or the data; the arithmetic is
 * float64 add/multiply/floor on integers (never subnormal), whose timing does not depend on the
 * values on the CPUs V8 runs on, and int32 bit operations; the final reduction selects with
 * masks.
 *
 * Limbs: h = h0 + h1·2^22 + h2·2^44 + h3·2^66 + h4·2^88 + h5·2^110. Since 2^130 ≡ 5 (mod p,
 * p = 2^130 - 5), a product's part at 2^132 and above folds back times 4·5 = 20.
 */

const LIMB = 2 ** 22;
const INV_LIMB = 2 ** -22;
/**
 * x + ROUND - ROUND is x rounded to the nearest multiple of 2^22, exactly, for |x| < 2^73:
 * ROUND sits where the float64 spacing is 2^22 (1.5·2^74).
 */
const ROUND = 3 * 2 ** 73;
/** A carry out of the top limb, scaled back to limb 0: 2^132 ≡ 4·5 (mod 2^130 - 5). */
const WRAP = 20 * INV_LIMB;

export class Poly1305 {
  private h0 = 0;
  private h1 = 0;
  private h2 = 0;
  private h3 = 0;
  private h4 = 0;
  private h5 = 0;
  private r0 = 0;
  private r1 = 0;
  private r2 = 0;
  private r3 = 0;
  private r4 = 0;
  private r5 = 0;
  /** The 128-bit s of the one-time key, as four little-endian words. */
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The zero-padded last block of a segment. */
  private readonly tail = new Uint8Array(16);
  /** The accumulator's limbs while `finish` reduces them. */
  private readonly limbs = new Float64Array(6);
  private readonly tailView = new DataView(this.tail.buffer);

  /**
   * Starts a message under a one-time key (32 bytes): r = the first 16 bytes, clamped
   * (RFC 8439 §2.5 "r &= 0xffffffc0ffffffc0ffffffc0fffffff"), s = the last 16.
   */
  start(key: Uint8Array): void {
    const v = new DataView(key.buffer, key.byteOffset, 32);
    const t0 = v.getUint32(0, true) & 0x0fffffff;
    const t1 = v.getUint32(4, true) & 0x0ffffffc;
    const t2 = v.getUint32(8, true) & 0x0ffffffc;
    const t3 = v.getUint32(12, true) & 0x0ffffffc;
    this.r0 = t0 & 0x3fffff;
    this.r1 = (t0 >>> 22) | ((t1 & 0xfff) << 10);
    this.r2 = (t1 >>> 12) | ((t2 & 0x3) << 20);
    this.r3 = (t2 >>> 2) & 0x3fffff;
    this.r4 = (t2 >>> 24) | ((t3 & 0x3fff) << 8);
    this.r5 = t3 >>> 14;
    this.s0 = v.getUint32(16, true);
    this.s1 = v.getUint32(20, true);
    this.s2 = v.getUint32(24, true);
    this.s3 = v.getUint32(28, true);
    this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = this.h5 = 0;
  }

  /** Absorbs `data` zero-padded to a multiple of 16 bytes (RFC 8439 §2.8 pad16). */
  update(data: Uint8Array): void {
    const whole = data.length & ~15;
    if (whole > 0) this.blocks(new DataView(data.buffer, data.byteOffset, whole), whole);
    if (whole < data.length) {
      this.tail.fill(0);
      this.tail.set(data.subarray(whole));
      this.blocks(this.tailView, 16);
    }
  }

  /** Writes the tag (h mod p) + s mod 2^128, 16 bytes little-endian, into `out` at `offset`. */
  finish(out: Uint8Array, offset: number): void {
    // The limbs are signed (|h| < 2^131): add 4p = 2^132 - 20 so that h >= 0, carry every limb
    // below 2^22 (h < 2^133), fold the bits at 2^130 and up back in (times 5), carry again:
    // every limb an integer below 2^22, the top one at most 2^20, h < 2p.
    const l = this.limbs;
    l[0] = this.h0 + (LIMB - 20);
    l[1] = this.h1 + (LIMB - 1);
    l[2] = this.h2 + (LIMB - 1);
    l[3] = this.h3 + (LIMB - 1);
    l[4] = this.h4 + (LIMB - 1);
    l[5] = this.h5 + (LIMB - 1);
    carryLimbs(l);
    const top = Math.floor((l[5] as number) * 2 ** -20);
    l[5] = (l[5] as number) - top * 2 ** 20;
    l[0] = (l[0] as number) + 5 * top;
    carryLimbs(l);
    let a0 = (l[0] as number) | 0;
    let a1 = (l[1] as number) | 0;
    let a2 = (l[2] as number) | 0;
    let a3 = (l[3] as number) | 0;
    let a4 = (l[4] as number) | 0;
    let a5 = (l[5] as number) | 0;
    l.fill(0);
    // g = h + 5 - 2^130; when g >= 0 (h >= p) the result is g, else h: a mask, no branch.
    let g0 = a0 + 5;
    let g1 = a1 + (g0 >>> 22);
    g0 &= 0x3fffff;
    let g2 = a2 + (g1 >>> 22);
    g1 &= 0x3fffff;
    let g3 = a3 + (g2 >>> 22);
    g2 &= 0x3fffff;
    let g4 = a4 + (g3 >>> 22);
    g3 &= 0x3fffff;
    let g5 = a5 + (g4 >>> 22) - (1 << 20);
    g4 &= 0x3fffff;
    const useG = ~(g5 >> 31); // all ones when g >= 0
    a0 = (g0 & useG) | (a0 & ~useG);
    a1 = (g1 & useG) | (a1 & ~useG);
    a2 = (g2 & useG) | (a2 & ~useG);
    a3 = (g3 & useG) | (a3 & ~useG);
    a4 = (g4 & useG) | (a4 & ~useG);
    a5 = (g5 & useG) | (a5 & ~useG);
    // The low 128 bits as four words (the limbs' bit fields do not overlap), + s mod 2^128.
    const o = new DataView(out.buffer, out.byteOffset + offset, 16);
    let t = ((a0 | (a1 << 22)) >>> 0) + this.s0;
    o.setUint32(0, t >>> 0, true);
    t = (((a1 >>> 10) | (a2 << 12)) >>> 0) + this.s1 + Math.floor(t * 2 ** -32);
    o.setUint32(4, t >>> 0, true);
    t = (((a2 >>> 20) | (a3 << 2) | (a4 << 24)) >>> 0) + this.s2 + Math.floor(t * 2 ** -32);
    o.setUint32(8, t >>> 0, true);
    t = (((a4 >>> 8) | (a5 << 14)) >>> 0) + this.s3 + Math.floor(t * 2 ** -32);
    o.setUint32(12, t >>> 0, true);
  }

  /** h = (h + block + 2^128) · r mod p for each 16-byte block of `v` (`len` a multiple of 16). */
  private blocks(v: DataView, len: number): void {
    const r0 = this.r0;
    const r1 = this.r1;
    const r2 = this.r2;
    const r3 = this.r3;
    const r4 = this.r4;
    const r5 = this.r5;
    const s1 = 20 * r1;
    const s2 = 20 * r2;
    const s3 = 20 * r3;
    const s4 = 20 * r4;
    const s5 = 20 * r5;
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    let h4 = this.h4;
    let h5 = this.h5;
    for (let off = 0; off < len; off += 16) {
      const w0 = v.getUint32(off, true);
      const w1 = v.getUint32(off + 4, true);
      const w2 = v.getUint32(off + 8, true);
      const w3 = v.getUint32(off + 12, true);
      h0 += w0 & 0x3fffff;
      h1 += (w0 >>> 22) | ((w1 & 0xfff) << 10);
      h2 += (w1 >>> 12) | ((w2 & 0x3) << 20);
      h3 += (w2 >>> 2) & 0x3fffff;
      h4 += (w2 >>> 24) | ((w3 & 0x3fff) << 8);
      h5 += (w3 >>> 14) | (1 << 18); // the 2^128 bit of a full block
      // |limbs| below 2^22.6, r limbs below 2^22 and 20·r below 2^26.4: |each sum| < 2^52.
      let d0 = h0 * r0 + h1 * s5 + h2 * s4 + h3 * s3 + h4 * s2 + h5 * s1;
      let d1 = h0 * r1 + h1 * r0 + h2 * s5 + h3 * s4 + h4 * s3 + h5 * s2;
      let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s5 + h4 * s4 + h5 * s3;
      let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s5 + h5 * s4;
      let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s5;
      let d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0;
      // Two rounds of carries, all limbs at once (a serial chain is seven times as long): each
      // limb keeps its value rounded to the nearest multiple of 2^22 removed, so limbs are
      // signed, |limb| <= 2^21 plus the carry in (below 2^30 after the first round, 2^13
      // after the second). The carry out of the top limb (2^132) comes back times 20.
      let c0 = d0 + ROUND - ROUND;
      let c1 = d1 + ROUND - ROUND;
      let c2 = d2 + ROUND - ROUND;
      let c3 = d3 + ROUND - ROUND;
      let c4 = d4 + ROUND - ROUND;
      let c5 = d5 + ROUND - ROUND;
      d0 += c5 * WRAP - c0;
      d1 += c0 * INV_LIMB - c1;
      d2 += c1 * INV_LIMB - c2;
      d3 += c2 * INV_LIMB - c3;
      d4 += c3 * INV_LIMB - c4;
      d5 += c4 * INV_LIMB - c5;
      c0 = d0 + ROUND - ROUND;
      c1 = d1 + ROUND - ROUND;
      c2 = d2 + ROUND - ROUND;
      c3 = d3 + ROUND - ROUND;
      c4 = d4 + ROUND - ROUND;
      c5 = d5 + ROUND - ROUND;
      d0 += c5 * WRAP - c0;
      d1 += c0 * INV_LIMB - c1;
      d2 += c1 * INV_LIMB - c2;
      d3 += c2 * INV_LIMB - c3;
      d4 += c3 * INV_LIMB - c4;
      d5 += c4 * INV_LIMB - c5;
      h0 = d0;
      h1 = d1;
      h2 = d2;
      h3 = d3;
      h4 = d4;
      h5 = d5;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = h4;
    this.h5 = h5;
  }
}

/** Carries limbs 0..4 into the next one, leaving each an integer below 2^22 (limb 5 keeps the rest). */
function carryLimbs(l: Float64Array): void {
  for (let i = 0; i < 5; i++) {
    const c = Math.floor((l[i] as number) * INV_LIMB);
    l[i] = (l[i] as number) - c * LIMB;
    l[i + 1] = (l[i + 1] as number) + c;
  }
}
