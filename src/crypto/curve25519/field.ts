/**
 * @module crypto/curve25519/field
 * Arithmetic in GF(p), p = 2^255 - 19 (RFC 7748 §4.1), the field under both X25519 and
 * Ed25519, on twelve float64 limbs in radix 2^21.25: the idea of Bernstein's original
 * Curve25519 software (2006), limbs that are multiples of 2^ceil(r i) held in floating point,
 * with r = 25.5 there (64-bit x87 significands) and 21.25 here (53-bit doubles). Chosen by
 * measurement in V8: an X25519 ladder on these limbs took about 0.3 of the CPU time of
 * tweetnacl's 16 limbs of 16 bits, 0.4 of 15 limbs of 17 bits, and 0.5 of the same 12 limbs
 * kept as small integers (shifted at every product); bench/curve25519.ts compares it with
 * @noble/curves and OpenSSL.
 *
 * Representation. An element is a `Float64Array` of 12 limbs; limb k holds an integer multiple
 * of 2^POS[k] with POS[k] = ceil(255 k / 12), stored at its true size (so limb 3 of 2^70 is the
 * double 2^70, not 64). The element is the plain sum of its limbs, taken mod p. Limbs are
 * signed. Because each limb carries its own exponent, a product a_i * b_j lands at its true
 * position without any shifting, and a product that reaches 2^255 or beyond folds back through
 * 2^255 = 19 (mod p) by one multiplication with 19 * 2^-255.
 *
 * Exactness. Every value is an integer multiple of 2^POS[k] well inside the 53-bit significand,
 * so every addition and multiplication below is exact (no rounding ever happens); the bounds
 * are these, and test/unit/crypto/curve25519/field.test.ts checks them column by column:
 *
 * - A *carried* element (what `mul`, `sqr`, `mulSmall`, `carry` and `fromBytes` return) has
 *   |limb k| <= 2^(POS[k+1] - 1), limb 1 up to 2^(POS[2] - 1) + 2^37.
 * - The *scale* of an element is how many times a carried bound its largest limb reaches: the
 *   sum or difference of two carried elements has scale 2, of three scale 3, and so on.
 * - `mul(a, b)` is exact when scale(a) * scale(b) <= 16; `sqr(a)` when scale(a) <= 4;
 *   `mulSmall(a, n)` when scale(a) * n < 2^28. Callers keep to this (the formulas in
 *   x25519.ts and edwards.ts note the scales).
 *
 * Side channels: no branch and no memory index depends on a limb value. Floating-point
 * addition and multiplication take the same time for all normal doubles on x86-64 and ARMv8;
 * the limbs are integers times powers of two between 2^-255 and 2^310, never subnormal.
 * Selections (`cswap`, `cmov`) are arithmetic (`x + bit * (y - x)`). A JIT promises nothing
 * more; see docs/07-security-notes.md §1.
 */

/** A field element: 12 float64 limbs, limb k an integer multiple of 2^POS[k]. */
export type Fe = Float64Array;

/** Number of limbs. */
export const LIMBS = 12;

/** A new element, zero. */
export function fe(): Fe {
  return new Float64Array(LIMBS);
}

/** `out = a`. */
export function copy(out: Fe, a: Fe): void {
  out.set(a);
}

/** `out = n` for a small non-negative integer `n < 2^22`. */
export function setSmall(out: Fe, n: number): void {
  out.fill(0);
  out[0] = n;
}

/** `out = a + b` (scales add). */
export function add(out: Fe, a: Fe, b: Fe): void {
  out[0] = a[0]! + b[0]!;
  out[1] = a[1]! + b[1]!;
  out[2] = a[2]! + b[2]!;
  out[3] = a[3]! + b[3]!;
  out[4] = a[4]! + b[4]!;
  out[5] = a[5]! + b[5]!;
  out[6] = a[6]! + b[6]!;
  out[7] = a[7]! + b[7]!;
  out[8] = a[8]! + b[8]!;
  out[9] = a[9]! + b[9]!;
  out[10] = a[10]! + b[10]!;
  out[11] = a[11]! + b[11]!;
}

/** `out = a - b` (scales add; limbs are signed, so no multiple of p is needed). */
export function sub(out: Fe, a: Fe, b: Fe): void {
  out[0] = a[0]! - b[0]!;
  out[1] = a[1]! - b[1]!;
  out[2] = a[2]! - b[2]!;
  out[3] = a[3]! - b[3]!;
  out[4] = a[4]! - b[4]!;
  out[5] = a[5]! - b[5]!;
  out[6] = a[6]! - b[6]!;
  out[7] = a[7]! - b[7]!;
  out[8] = a[8]! - b[8]!;
  out[9] = a[9]! - b[9]!;
  out[10] = a[10]! - b[10]!;
  out[11] = a[11]! - b[11]!;
}

/** `out = -a` (same scale). */
export function neg(out: Fe, a: Fe): void {
  for (let i = 0; i < LIMBS; i++) out[i] = -a[i]!;
}

/**
 * `out = a * b mod p`, carried. Schoolbook product scanning: column k collects a_i * b_j with
 * i + j = k, and with i + j = k + 12 through c_j = b_j * 19 * 2^-255 (2^255 = 19 mod p).
 * Requires scale(a) * scale(b) <= 16.
 */
export function mul(out: Fe, a: Fe, b: Fe): void {
  const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!, a4 = a[4]!, a5 = a[5]!;
  const a6 = a[6]!, a7 = a[7]!, a8 = a[8]!, a9 = a[9]!, a10 = a[10]!, a11 = a[11]!;
  const b0 = b[0]!, b1 = b[1]!, b2 = b[2]!, b3 = b[3]!, b4 = b[4]!, b5 = b[5]!;
  const b6 = b[6]!, b7 = b[7]!, b8 = b[8]!, b9 = b[9]!, b10 = b[10]!, b11 = b[11]!;
  const c1 = WRAP * b1, c2 = WRAP * b2, c3 = WRAP * b3, c4 = WRAP * b4, c5 = WRAP * b5, c6 = WRAP * b6;
  const c7 = WRAP * b7, c8 = WRAP * b8, c9 = WRAP * b9, c10 = WRAP * b10, c11 = WRAP * b11;
  let t0 = a0 * b0 + a1 * c11 + a2 * c10 + a3 * c9 + a4 * c8 + a5 * c7 + a6 * c6 + a7 * c5 + a8 * c4 + a9 * c3 + a10 * c2 + a11 * c1;
  let t1 = a0 * b1 + a1 * b0 + a2 * c11 + a3 * c10 + a4 * c9 + a5 * c8 + a6 * c7 + a7 * c6 + a8 * c5 + a9 * c4 + a10 * c3 + a11 * c2;
  let t2 = a0 * b2 + a1 * b1 + a2 * b0 + a3 * c11 + a4 * c10 + a5 * c9 + a6 * c8 + a7 * c7 + a8 * c6 + a9 * c5 + a10 * c4 + a11 * c3;
  let t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * c11 + a5 * c10 + a6 * c9 + a7 * c8 + a8 * c7 + a9 * c6 + a10 * c5 + a11 * c4;
  let t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + a5 * c11 + a6 * c10 + a7 * c9 + a8 * c8 + a9 * c7 + a10 * c6 + a11 * c5;
  let t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + a6 * c11 + a7 * c10 + a8 * c9 + a9 * c8 + a10 * c7 + a11 * c6;
  let t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0 + a7 * c11 + a8 * c10 + a9 * c9 + a10 * c8 + a11 * c7;
  let t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0 + a8 * c11 + a9 * c10 + a10 * c9 + a11 * c8;
  let t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0 + a9 * c11 + a10 * c10 + a11 * c9;
  let t9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0 + a10 * c11 + a11 * c10;
  let t10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0 + a11 * c11;
  let t11 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
  // carry(), inlined: V8 does not inline into a function this large, and the copy saves 10%
  // of the instructions of an X25519 (callgrind).
  let h: number;
  h = t0 + R1 - R1; t0 -= h; t1 += h;
  h = t1 + R2 - R2; t1 -= h; t2 += h;
  h = t2 + R3 - R3; t2 -= h; t3 += h;
  h = t3 + R4 - R4; t3 -= h; t4 += h;
  h = t4 + R5 - R5; t4 -= h; t5 += h;
  h = t5 + R6 - R6; t5 -= h; t6 += h;
  h = t6 + R7 - R7; t6 -= h; t7 += h;
  h = t7 + R8 - R8; t7 -= h; t8 += h;
  h = t8 + R9 - R9; t8 -= h; t9 += h;
  h = t9 + R10 - R10; t9 -= h; t10 += h;
  h = t10 + R11 - R11; t10 -= h; t11 += h;
  h = t11 + R12 - R12; t11 -= h; t0 += WRAP * h;
  h = t0 + R1 - R1; t0 -= h; t1 += h;
  out[0] = t0; out[1] = t1; out[2] = t2; out[3] = t3; out[4] = t4; out[5] = t5;
  out[6] = t6; out[7] = t7; out[8] = t8; out[9] = t9; out[10] = t10; out[11] = t11;
}

/**
 * `out = a^2 mod p`, carried: `mul(out, a, a)` with each cross product computed once and
 * doubled (d_i = 2 a_i, w_i = a_i * 19 * 2^-255, v_i = 2 w_i). Requires scale(a) <= 4.
 */
export function sqr(out: Fe, a: Fe): void {
  const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!, a4 = a[4]!, a5 = a[5]!;
  const a6 = a[6]!, a7 = a[7]!, a8 = a[8]!, a9 = a[9]!, a10 = a[10]!, a11 = a[11]!;
  const d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, d3 = 2 * a3, d4 = 2 * a4, d5 = 2 * a5;
  const w6 = WRAP * a6, w7 = WRAP * a7, w8 = WRAP * a8, w9 = WRAP * a9, w10 = WRAP * a10, w11 = WRAP * a11;
  const v7 = 2 * w7, v8 = 2 * w8, v9 = 2 * w9, v10 = 2 * w10, v11 = 2 * w11;
  let t0 = a0 * a0 + a1 * v11 + a2 * v10 + a3 * v9 + a4 * v8 + a5 * v7 + a6 * w6;
  let t1 = d0 * a1 + a2 * v11 + a3 * v10 + a4 * v9 + a5 * v8 + a6 * v7;
  let t2 = d0 * a2 + a1 * a1 + a3 * v11 + a4 * v10 + a5 * v9 + a6 * v8 + a7 * w7;
  let t3 = d0 * a3 + d1 * a2 + a4 * v11 + a5 * v10 + a6 * v9 + a7 * v8;
  let t4 = d0 * a4 + d1 * a3 + a2 * a2 + a5 * v11 + a6 * v10 + a7 * v9 + a8 * w8;
  let t5 = d0 * a5 + d1 * a4 + d2 * a3 + a6 * v11 + a7 * v10 + a8 * v9;
  let t6 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + a7 * v11 + a8 * v10 + a9 * w9;
  let t7 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + a8 * v11 + a9 * v10;
  let t8 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + a9 * v11 + a10 * w10;
  let t9 = d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + a10 * v11;
  let t10 = d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + a11 * w11;
  let t11 = d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6;
  // carry(), inlined: V8 does not inline into a function this large, and the copy saves 10%
  // of the instructions of an X25519 (callgrind).
  let h: number;
  h = t0 + R1 - R1; t0 -= h; t1 += h;
  h = t1 + R2 - R2; t1 -= h; t2 += h;
  h = t2 + R3 - R3; t2 -= h; t3 += h;
  h = t3 + R4 - R4; t3 -= h; t4 += h;
  h = t4 + R5 - R5; t4 -= h; t5 += h;
  h = t5 + R6 - R6; t5 -= h; t6 += h;
  h = t6 + R7 - R7; t6 -= h; t7 += h;
  h = t7 + R8 - R8; t7 -= h; t8 += h;
  h = t8 + R9 - R9; t8 -= h; t9 += h;
  h = t9 + R10 - R10; t9 -= h; t10 += h;
  h = t10 + R11 - R11; t10 -= h; t11 += h;
  h = t11 + R12 - R12; t11 -= h; t0 += WRAP * h;
  h = t0 + R1 - R1; t0 -= h; t1 += h;
  out[0] = t0; out[1] = t1; out[2] = t2; out[3] = t3; out[4] = t4; out[5] = t5;
  out[6] = t6; out[7] = t7; out[8] = t8; out[9] = t9; out[10] = t10; out[11] = t11;
}

/** `out = a^(2^n)`: `n >= 1` squarings. */
function sqrN(out: Fe, a: Fe, n: number): void {
  sqr(out, a);
  for (let i = 1; i < n; i++) sqr(out, out);
}

/** `out = a * n mod p`, carried, for a small integer `n` (scale(a) * |n| < 2^28). */
export function mulSmall(out: Fe, a: Fe, n: number): void {
  for (let i = 0; i < LIMBS; i++) out[i] = a[i]! * n;
  carry(out);
}

/**
 * Carries `t` in place: limb k is rounded to its share below 2^POS[k+1] (round to nearest, so
 * |limb| <= 2^(POS[k+1] - 1)) and the rest moves up; what leaves limb 11 is a multiple of
 * 2^255 and comes back into limb 0 times 19 * 2^-255; limb 0 is then carried once more.
 * The rounding is `(x + R) - R` with R = 1.5 * 2^(52 + POS[k+1]): adding R puts x in the
 * binade whose unit is 2^POS[k+1], and IEEE 754 round-to-nearest does the division, without
 * a branch. Needs |limb k| < 2^(51 + POS[k+1]); any mul/sqr column and any sum of scale < 2^28
 * is far below that.
 */
export function carry(t: Fe): void {
  let t0 = t[0]!, t1 = t[1]!, t2 = t[2]!, t3 = t[3]!, t4 = t[4]!, t5 = t[5]!;
  let t6 = t[6]!, t7 = t[7]!, t8 = t[8]!, t9 = t[9]!, t10 = t[10]!, t11 = t[11]!;
  let h: number;
  h = t0 + R1 - R1; t0 -= h; t1 += h;
  h = t1 + R2 - R2; t1 -= h; t2 += h;
  h = t2 + R3 - R3; t2 -= h; t3 += h;
  h = t3 + R4 - R4; t3 -= h; t4 += h;
  h = t4 + R5 - R5; t4 -= h; t5 += h;
  h = t5 + R6 - R6; t5 -= h; t6 += h;
  h = t6 + R7 - R7; t6 -= h; t7 += h;
  h = t7 + R8 - R8; t7 -= h; t8 += h;
  h = t8 + R9 - R9; t8 -= h; t9 += h;
  h = t9 + R10 - R10; t9 -= h; t10 += h;
  h = t10 + R11 - R11; t10 -= h; t11 += h;
  h = t11 + R12 - R12; t11 -= h; t0 += WRAP * h;
  h = t0 + R1 - R1; t0 -= h; t1 += h;
  t[0] = t0; t[1] = t1; t[2] = t2; t[3] = t3; t[4] = t4; t[5] = t5;
  t[6] = t6; t[7] = t7; t[8] = t8; t[9] = t9; t[10] = t10; t[11] = t11;
}

/**
 * Constant-time conditional swap (RFC 7748 §5 `cswap`): swaps `a` and `b` when `bit` is 1,
 * leaves them when it is 0, with the same operations either way.
 */
export function cswap(a: Fe, b: Fe, bit: number): void {
  for (let i = 0; i < LIMBS; i++) {
    const x = a[i]!, y = b[i]!;
    const d = bit * (y - x);
    a[i] = x + d;
    b[i] = y - d;
  }
}

/** Constant-time conditional move: `out = a` when `bit` is 1, unchanged when 0. */
export function cmov(out: Fe, a: Fe, bit: number): void {
  for (let i = 0; i < LIMBS; i++) {
    const x = out[i]!;
    out[i] = x + bit * (a[i]! - x);
  }
}

/** `out = a^(p-2) = 1/a` (Fermat; 0 maps to 0), carried. Requires scale(a) <= 4. */
export function invert(out: Fe, a: Fe): void {
  const { t0, t1 } = powChain(a);
  // a^(2^255 - 21) = (a^(2^250 - 1))^(2^5) * a^11
  sqrN(t1, t1, 5);
  mul(out, t1, t0);
}

/** `out = a^((p-5)/8) = a^(2^252 - 3)`, the exponent of the square root in RFC 8032 §5.1.3. */
export function pow2523(out: Fe, a: Fe): void {
  const { t1 } = powChain(a);
  // a^(2^252 - 3) = (a^(2^250 - 1))^4 * a
  sqrN(t1, t1, 2);
  mul(out, t1, a);
}

/**
 * The shared start of both exponentiations (the addition chain of curve25519-donna and ref10):
 * returns t0 = a^11 and t1 = a^(2^250 - 1). 250 squarings and 11 multiplications.
 */
function powChain(a: Fe): { t0: Fe; t1: Fe } {
  const { c0: t0, c1: t1, c2: t2, c3: t3 } = CHAIN;
  sqr(t0, a); // a^2
  sqrN(t1, t0, 2); // a^8
  mul(t1, a, t1); // a^9
  mul(t0, t0, t1); // a^11
  sqr(t2, t0); // a^22
  mul(t1, t1, t2); // a^31 = a^(2^5 - 1)
  sqrN(t2, t1, 5);
  mul(t1, t2, t1); // a^(2^10 - 1)
  sqrN(t2, t1, 10);
  mul(t2, t2, t1); // a^(2^20 - 1)
  sqrN(t3, t2, 20);
  mul(t2, t3, t2); // a^(2^40 - 1)
  sqrN(t2, t2, 10);
  mul(t1, t2, t1); // a^(2^50 - 1)
  sqrN(t2, t1, 50);
  mul(t2, t2, t1); // a^(2^100 - 1)
  sqrN(t3, t2, 100);
  mul(t2, t3, t2); // a^(2^200 - 1)
  sqrN(t2, t2, 50);
  mul(t1, t2, t1); // a^(2^250 - 1)
  return { t0, t1 };
}

/**
 * Reads 32 little-endian bytes as a field element, carried. Bit 255 is ignored (RFC 7748 §5
 * masks it for X25519; RFC 8032 §5.1.3 takes it as the sign of x). Values in [p, 2^255) are
 * accepted and act as their residue; callers that need canonical input compare `toBytes`.
 */
export function fromBytes(out: Fe, bytes: Uint8Array): void {
  for (let k = 0; k < LIMBS; k++) {
    // Limb k is bits POS[k] .. POS[k+1]-1 (at most 22 bits, so within one 32-bit window);
    // the last limb ends at bit 254, which leaves bit 255 out.
    const lo = POS[k]!, i = lo >>> 3;
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (i + 3 < 32 ? bytes[i + 3]! << 24 : 0);
    out[k] = ((word >>> (lo & 7)) & ((1 << (POS[k + 1]! - lo)) - 1)) * UNIT[k]!;
  }
  carry(out);
}

/**
 * Writes the canonical encoding of `a` (its residue in [0, p), 32 bytes little-endian). `a` may
 * be uncarried up to scale 4 (`equal` passes a difference).
 */
export function toBytes(out: Uint8Array, a: Fe): void {
  const t = TO_BYTES;
  // 1. Unsigned limbs: limb k in [0, 2^POS[k+1]), the overflow of limb 11 folded back twice;
  //    the value is then in [0, 2^255).
  t.set(a);
  floorCarry(t);
  floorCarry(t);
  // 2. The residue: v >= p exactly when v + 19 >= 2^255. Compute v + 19 and keep it, minus
  //    2^255, when its bit 255 is set (arithmetic select, no branch).
  const u = TO_BYTES_PLUS19;
  u.set(t);
  u[0] = u[0]! + 19;
  let over = 0;
  for (let k = 0; k < LIMBS; k++) {
    const x = u[k]! + over;
    over = Math.floor(x * INV_UNIT[k + 1]!) * UNIT[k + 1]!;
    u[k] = x - over;
  }
  const ge = over * 2 ** -255; // 1 when v >= p, else 0
  cmov(t, u, ge);
  // 3. Pack the 255 bits.
  let acc = 0, bits = 0, o = 0;
  for (let k = 0; k < LIMBS; k++) {
    acc |= (t[k]! * INV_UNIT[k]!) << bits;
    bits += POS[k + 1]! - POS[k]!;
    while (bits >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  out[31] = acc;
}

/** One pass of floor carries (limbs become non-negative, limb 11 folds into limb 0). */
function floorCarry(t: Fe): void {
  let c = 0;
  for (let k = 0; k < LIMBS; k++) {
    const x = t[k]! + c;
    c = Math.floor(x * INV_UNIT[k + 1]!) * UNIT[k + 1]!;
    t[k] = x - c;
  }
  t[0] = t[0]! + WRAP * c;
}

/** The canonical encoding of `a` as a new array. */
export function encode(a: Fe): Uint8Array {
  const out = new Uint8Array(32);
  toBytes(out, a);
  return out;
}

/** Whether `a = 0 (mod p)`. Constant time in the value. */
export function isZero(a: Fe): boolean {
  toBytes(BYTES_SCRATCH, a);
  let acc = 0;
  for (let i = 0; i < 32; i++) acc |= BYTES_SCRATCH[i]!;
  return acc === 0;
}

/** Whether `a` and `b` are the same element of GF(p). Constant time in the values. */
export function equal(a: Fe, b: Fe): boolean {
  sub(EQUAL_SCRATCH, a, b);
  return isZero(EQUAL_SCRATCH);
}

/** RFC 8032 §5.1.2: x is "negative" when its canonical residue is odd. Returns 0 or 1. */
export function isOdd(a: Fe): number {
  toBytes(BYTES_SCRATCH, a);
  return BYTES_SCRATCH[0]! & 1;
}

/** A constant from its 32-byte little-endian hex encoding. */
export function fromHexLE(hex: string): Fe {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  const out = fe();
  fromBytes(out, bytes);
  return out;
}

/** POS[k] = ceil(255 k / 12): the exponent of limb k; POS[12] = 255. */
export const POS: readonly number[] = Array.from({ length: LIMBS + 1 }, (_, k) => Math.ceil((255 * k) / LIMBS));

/** UNIT[k] = 2^POS[k] and INV_UNIT[k] = 2^-POS[k] (multiplications, never a division). */
const UNIT: readonly number[] = POS.map((e) => 2 ** e);
const INV_UNIT: readonly number[] = POS.map((e) => 2 ** -e);

/** 2^255 = 19 (mod p): what crosses 2^255 comes back multiplied by this. */
const WRAP = 19 * 2 ** -255;

// Rounding constants of `carry`: R_k = 1.5 * 2^(52 + POS[k]), for rounding to multiples of 2^POS[k].
const R1 = 1.5 * 2 ** (52 + 22);
const R2 = 1.5 * 2 ** (52 + 43);
const R3 = 1.5 * 2 ** (52 + 64);
const R4 = 1.5 * 2 ** (52 + 85);
const R5 = 1.5 * 2 ** (52 + 107);
const R6 = 1.5 * 2 ** (52 + 128);
const R7 = 1.5 * 2 ** (52 + 149);
const R8 = 1.5 * 2 ** (52 + 170);
const R9 = 1.5 * 2 ** (52 + 192);
const R10 = 1.5 * 2 ** (52 + 213);
const R11 = 1.5 * 2 ** (52 + 234);
const R12 = 1.5 * 2 ** (52 + 255);

// Scratch space (single-threaded, never held across calls).
const CHAIN = { c0: fe(), c1: fe(), c2: fe(), c3: fe() };
const TO_BYTES = fe();
const TO_BYTES_PLUS19 = fe();
const EQUAL_SCRATCH = fe();
const BYTES_SCRATCH = new Uint8Array(32);
