/**
 * @module crypto/p256/field
 * Arithmetic modulo the P-256 prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1 (FIPS 186-5 / SP 800-186
 * §3.2.1.3), in Montgomery form with R = 2^264 on the 12 × 22-bit limbs of `limbs.ts`: an element
 * x is stored as x·R mod p, and `fieldMul(a, b)` returns a·b·R^-1.
 *
 * Montgomery reduction is cheap for this p: p ≡ −1 mod 2^22, so the per-limb factor is just the
 * low limb (−p^-1 ≡ 1 mod 2^22), and adding that multiple of p touches five limbs only, at the
 * positions of the terms of p (2^96 = limb 4 shifted 8 bits, 2^192 = limb 8 ≪ 16,
 * 2^224 = limb 10 ≪ 4, 2^256 = limb 11 ≪ 14). The multiplication is written out (144 products,
 * 78 for squaring) because V8 keeps the locals in registers; a loop over a scratch array measured
 * four times slower, and so `fieldMul` and `fieldSqr` each carry their own copy of the
 * reduction lines (a shared reduction routine costs a store and load of 24 columns).
 *
 * Weights (exactness): elements are not kept reduced. An element has *weight* w when every limb
 * satisfies |limb| ≤ w·2^21 and its value |x| ≤ w·2^256. `fieldMul`/`fieldSqr` return weight 1
 * (balanced limbs from the rounding carries; value within a·b/R ± p/2), `fieldAdd`/`fieldSub`
 * return the sum of the weights, `fieldScale` by k multiplies it by |k|, and `fieldCarry`
 * brings any weight up to 16 back to 2. **fieldMul needs w_a·w_b ≤ 128, fieldSqr w ≤ 11**:
 * then a product column is at most 12·128·2^42 + 2^37.3 (reduction) < 2^53, so every float
 * operation is exact, and the result's value stays within 128·2^512/R + p/2 < 2^256, so weight
 * 1 is closed under multiplication. Callers note the weight of each operand in a comment and
 * carry an operand that would exceed the bound; `test/unit/crypto/p256/field.test.ts`
 * multiplies at the bound.
 *
 * Side channels: every function runs the same operations whatever the values (no branch, no
 * index depends on them), except those named `…Vartime`, which are for public values only.
 */
import {
  addLimbs,
  INV_RADIX,
  ROUND,
  canonicalize,
  carry,
  limbsFromBytes,
  limbsOf,
  limbsToBytes,
  newLimbs,
  RADIX,
  scaleLimbs,
  subLimbs,
  subtractIfNotLess,
  zeroBit,
  type Limbs,
} from './limbs.ts';

/** A field element in Montgomery form (weight as stated by its producer). */
export type FieldElement = Limbs;

/** The prime p. */
export const P: bigint = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const MONTGOMERY_R = 2n ** 264n;

const P_LIMBS = limbsOf(P);
/** R² mod p: `fieldMul(x, R2)` converts a plain x into Montgomery form. */
const R2 = limbsOf((MONTGOMERY_R * MONTGOMERY_R) % P);
/** Plain 1: `fieldMul(x, PLAIN_ONE)` converts out of Montgomery form. */
const PLAIN_ONE = limbsOf(1n);

/** Returns the Montgomery form of a constant (module set-up only). */
export function fieldConstant(x: bigint): FieldElement {
  return limbsOf((((x % P) + P) % P) * MONTGOMERY_R % P);
}

/** 1 in Montgomery form. */
export const FIELD_ONE: FieldElement = fieldConstant(1n);

/** A new zero element. */
export function newField(): FieldElement {
  return newLimbs();
}

/** `out = a·b` (Montgomery product). Needs weight(a)·weight(b) ≤ 128; returns weight 1. */
export function fieldMul(out: FieldElement, a: FieldElement, b: FieldElement): void {
  const a0 = a[0] as number, a1 = a[1] as number, a2 = a[2] as number, a3 = a[3] as number, a4 = a[4] as number, a5 = a[5] as number;
  const a6 = a[6] as number, a7 = a[7] as number, a8 = a[8] as number, a9 = a[9] as number, a10 = a[10] as number, a11 = a[11] as number;
  const b0 = b[0] as number, b1 = b[1] as number, b2 = b[2] as number, b3 = b[3] as number, b4 = b[4] as number, b5 = b[5] as number;
  const b6 = b[6] as number, b7 = b[7] as number, b8 = b[8] as number, b9 = b[9] as number, b10 = b[10] as number, b11 = b[11] as number;
  let t0 = a0 * b0;
  let t1 = a0 * b1 + a1 * b0;
  let t2 = a0 * b2 + a1 * b1 + a2 * b0;
  let t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  let t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  let t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  let t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  let t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  let t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  let t9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  let t10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  let t11 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
  let t12 = a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1;
  let t13 = a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2;
  let t14 = a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3;
  let t15 = a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4;
  let t16 = a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5;
  let t17 = a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6;
  let t18 = a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7;
  let t19 = a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8;
  let t20 = a9 * b11 + a10 * b10 + a11 * b9;
  let t21 = a10 * b11 + a11 * b10;
  let t22 = a11 * b11;
  let t23 = 0;
  let c: number, m: number;
  c = ROUND + t0 * INV_RADIX - ROUND; m = t0 - c * RADIX; t1 += c; t4 += m * 0x100; t8 += m * 0x10000; t10 -= m * 0x10; t11 += m * 0x4000;
  c = ROUND + t1 * INV_RADIX - ROUND; m = t1 - c * RADIX; t2 += c; t5 += m * 0x100; t9 += m * 0x10000; t11 -= m * 0x10; t12 += m * 0x4000;
  c = ROUND + t2 * INV_RADIX - ROUND; m = t2 - c * RADIX; t3 += c; t6 += m * 0x100; t10 += m * 0x10000; t12 -= m * 0x10; t13 += m * 0x4000;
  c = ROUND + t3 * INV_RADIX - ROUND; m = t3 - c * RADIX; t4 += c; t7 += m * 0x100; t11 += m * 0x10000; t13 -= m * 0x10; t14 += m * 0x4000;
  c = ROUND + t4 * INV_RADIX - ROUND; m = t4 - c * RADIX; t5 += c; t8 += m * 0x100; t12 += m * 0x10000; t14 -= m * 0x10; t15 += m * 0x4000;
  c = ROUND + t5 * INV_RADIX - ROUND; m = t5 - c * RADIX; t6 += c; t9 += m * 0x100; t13 += m * 0x10000; t15 -= m * 0x10; t16 += m * 0x4000;
  c = ROUND + t6 * INV_RADIX - ROUND; m = t6 - c * RADIX; t7 += c; t10 += m * 0x100; t14 += m * 0x10000; t16 -= m * 0x10; t17 += m * 0x4000;
  c = ROUND + t7 * INV_RADIX - ROUND; m = t7 - c * RADIX; t8 += c; t11 += m * 0x100; t15 += m * 0x10000; t17 -= m * 0x10; t18 += m * 0x4000;
  c = ROUND + t8 * INV_RADIX - ROUND; m = t8 - c * RADIX; t9 += c; t12 += m * 0x100; t16 += m * 0x10000; t18 -= m * 0x10; t19 += m * 0x4000;
  c = ROUND + t9 * INV_RADIX - ROUND; m = t9 - c * RADIX; t10 += c; t13 += m * 0x100; t17 += m * 0x10000; t19 -= m * 0x10; t20 += m * 0x4000;
  c = ROUND + t10 * INV_RADIX - ROUND; m = t10 - c * RADIX; t11 += c; t14 += m * 0x100; t18 += m * 0x10000; t20 -= m * 0x10; t21 += m * 0x4000;
  c = ROUND + t11 * INV_RADIX - ROUND; m = t11 - c * RADIX; t12 += c; t15 += m * 0x100; t19 += m * 0x10000; t21 -= m * 0x10; t22 += m * 0x4000;
  c = ROUND + t12 * INV_RADIX - ROUND; out[0] = t12 - c * RADIX; t13 += c;
  c = ROUND + t13 * INV_RADIX - ROUND; out[1] = t13 - c * RADIX; t14 += c;
  c = ROUND + t14 * INV_RADIX - ROUND; out[2] = t14 - c * RADIX; t15 += c;
  c = ROUND + t15 * INV_RADIX - ROUND; out[3] = t15 - c * RADIX; t16 += c;
  c = ROUND + t16 * INV_RADIX - ROUND; out[4] = t16 - c * RADIX; t17 += c;
  c = ROUND + t17 * INV_RADIX - ROUND; out[5] = t17 - c * RADIX; t18 += c;
  c = ROUND + t18 * INV_RADIX - ROUND; out[6] = t18 - c * RADIX; t19 += c;
  c = ROUND + t19 * INV_RADIX - ROUND; out[7] = t19 - c * RADIX; t20 += c;
  c = ROUND + t20 * INV_RADIX - ROUND; out[8] = t20 - c * RADIX; t21 += c;
  c = ROUND + t21 * INV_RADIX - ROUND; out[9] = t21 - c * RADIX; t22 += c;
  c = ROUND + t22 * INV_RADIX - ROUND; out[10] = t22 - c * RADIX; t23 += c;
  out[11] = t23;
}

/** `out = a²`. Needs weight(a) ≤ 11; returns weight 1. */
export function fieldSqr(out: FieldElement, a: FieldElement): void {
  const a0 = a[0] as number, a1 = a[1] as number, a2 = a[2] as number, a3 = a[3] as number, a4 = a[4] as number, a5 = a[5] as number;
  const a6 = a[6] as number, a7 = a[7] as number, a8 = a[8] as number, a9 = a[9] as number, a10 = a[10] as number, a11 = a[11] as number;
  let t0 = a0 * a0;
  let t1 = 2 * a0 * a1;
  let t2 = 2 * a0 * a2 + a1 * a1;
  let t3 = 2 * (a0 * a3 + a1 * a2);
  let t4 = 2 * (a0 * a4 + a1 * a3) + a2 * a2;
  let t5 = 2 * (a0 * a5 + a1 * a4 + a2 * a3);
  let t6 = 2 * (a0 * a6 + a1 * a5 + a2 * a4) + a3 * a3;
  let t7 = 2 * (a0 * a7 + a1 * a6 + a2 * a5 + a3 * a4);
  let t8 = 2 * (a0 * a8 + a1 * a7 + a2 * a6 + a3 * a5) + a4 * a4;
  let t9 = 2 * (a0 * a9 + a1 * a8 + a2 * a7 + a3 * a6 + a4 * a5);
  let t10 = 2 * (a0 * a10 + a1 * a9 + a2 * a8 + a3 * a7 + a4 * a6) + a5 * a5;
  let t11 = 2 * (a0 * a11 + a1 * a10 + a2 * a9 + a3 * a8 + a4 * a7 + a5 * a6);
  let t12 = 2 * (a1 * a11 + a2 * a10 + a3 * a9 + a4 * a8 + a5 * a7) + a6 * a6;
  let t13 = 2 * (a2 * a11 + a3 * a10 + a4 * a9 + a5 * a8 + a6 * a7);
  let t14 = 2 * (a3 * a11 + a4 * a10 + a5 * a9 + a6 * a8) + a7 * a7;
  let t15 = 2 * (a4 * a11 + a5 * a10 + a6 * a9 + a7 * a8);
  let t16 = 2 * (a5 * a11 + a6 * a10 + a7 * a9) + a8 * a8;
  let t17 = 2 * (a6 * a11 + a7 * a10 + a8 * a9);
  let t18 = 2 * (a7 * a11 + a8 * a10) + a9 * a9;
  let t19 = 2 * (a8 * a11 + a9 * a10);
  let t20 = 2 * a9 * a11 + a10 * a10;
  let t21 = 2 * a10 * a11;
  let t22 = a11 * a11;
  let t23 = 0;
  let c: number, m: number;
  c = ROUND + t0 * INV_RADIX - ROUND; m = t0 - c * RADIX; t1 += c; t4 += m * 0x100; t8 += m * 0x10000; t10 -= m * 0x10; t11 += m * 0x4000;
  c = ROUND + t1 * INV_RADIX - ROUND; m = t1 - c * RADIX; t2 += c; t5 += m * 0x100; t9 += m * 0x10000; t11 -= m * 0x10; t12 += m * 0x4000;
  c = ROUND + t2 * INV_RADIX - ROUND; m = t2 - c * RADIX; t3 += c; t6 += m * 0x100; t10 += m * 0x10000; t12 -= m * 0x10; t13 += m * 0x4000;
  c = ROUND + t3 * INV_RADIX - ROUND; m = t3 - c * RADIX; t4 += c; t7 += m * 0x100; t11 += m * 0x10000; t13 -= m * 0x10; t14 += m * 0x4000;
  c = ROUND + t4 * INV_RADIX - ROUND; m = t4 - c * RADIX; t5 += c; t8 += m * 0x100; t12 += m * 0x10000; t14 -= m * 0x10; t15 += m * 0x4000;
  c = ROUND + t5 * INV_RADIX - ROUND; m = t5 - c * RADIX; t6 += c; t9 += m * 0x100; t13 += m * 0x10000; t15 -= m * 0x10; t16 += m * 0x4000;
  c = ROUND + t6 * INV_RADIX - ROUND; m = t6 - c * RADIX; t7 += c; t10 += m * 0x100; t14 += m * 0x10000; t16 -= m * 0x10; t17 += m * 0x4000;
  c = ROUND + t7 * INV_RADIX - ROUND; m = t7 - c * RADIX; t8 += c; t11 += m * 0x100; t15 += m * 0x10000; t17 -= m * 0x10; t18 += m * 0x4000;
  c = ROUND + t8 * INV_RADIX - ROUND; m = t8 - c * RADIX; t9 += c; t12 += m * 0x100; t16 += m * 0x10000; t18 -= m * 0x10; t19 += m * 0x4000;
  c = ROUND + t9 * INV_RADIX - ROUND; m = t9 - c * RADIX; t10 += c; t13 += m * 0x100; t17 += m * 0x10000; t19 -= m * 0x10; t20 += m * 0x4000;
  c = ROUND + t10 * INV_RADIX - ROUND; m = t10 - c * RADIX; t11 += c; t14 += m * 0x100; t18 += m * 0x10000; t20 -= m * 0x10; t21 += m * 0x4000;
  c = ROUND + t11 * INV_RADIX - ROUND; m = t11 - c * RADIX; t12 += c; t15 += m * 0x100; t19 += m * 0x10000; t21 -= m * 0x10; t22 += m * 0x4000;
  c = ROUND + t12 * INV_RADIX - ROUND; out[0] = t12 - c * RADIX; t13 += c;
  c = ROUND + t13 * INV_RADIX - ROUND; out[1] = t13 - c * RADIX; t14 += c;
  c = ROUND + t14 * INV_RADIX - ROUND; out[2] = t14 - c * RADIX; t15 += c;
  c = ROUND + t15 * INV_RADIX - ROUND; out[3] = t15 - c * RADIX; t16 += c;
  c = ROUND + t16 * INV_RADIX - ROUND; out[4] = t16 - c * RADIX; t17 += c;
  c = ROUND + t17 * INV_RADIX - ROUND; out[5] = t17 - c * RADIX; t18 += c;
  c = ROUND + t18 * INV_RADIX - ROUND; out[6] = t18 - c * RADIX; t19 += c;
  c = ROUND + t19 * INV_RADIX - ROUND; out[7] = t19 - c * RADIX; t20 += c;
  c = ROUND + t20 * INV_RADIX - ROUND; out[8] = t20 - c * RADIX; t21 += c;
  c = ROUND + t21 * INV_RADIX - ROUND; out[9] = t21 - c * RADIX; t22 += c;
  c = ROUND + t22 * INV_RADIX - ROUND; out[10] = t22 - c * RADIX; t23 += c;
  out[11] = t23;
}

/** `out = a` squared `n` times (n ≥ 1). */
function fieldSqrN(out: FieldElement, a: FieldElement, n: number): void {
  fieldSqr(out, a);
  for (let i = 1; i < n; i++) fieldSqr(out, out);
}

/** `out = a + b`; weight(out) = weight(a) + weight(b). */
export function fieldAdd(out: FieldElement, a: FieldElement, b: FieldElement): void {
  addLimbs(out, a, b);
}

/** `out = a − b`; weight(out) = weight(a) + weight(b). */
export function fieldSub(out: FieldElement, a: FieldElement, b: FieldElement): void {
  subLimbs(out, a, b);
}

/** `out = k·a` for a small integer k; weight(out) = |k|·weight(a). */
export function fieldScale(out: FieldElement, a: FieldElement, k: number): void {
  scaleLimbs(out, a, k);
}

/**
 * Brings `a` (in place) from weight ≤ 16 to weight ≤ 2, the same element mod p: one carry from
 * each limb to the next (`carry`, no serial chain), then the part of limb 11 above bit 256
 * folded back by 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 (mod p): limbs 10 (≪ 4), 8 (≪ 16), 4 (≪ 8)
 * and 0. Afterwards |limb 11| ≤ 2^13 and the folded limbs stay below 1.6·2^21.
 */
export function fieldCarry(a: FieldElement): void {
  carry(a);
  const top = a[11] as number;
  const t = ROUND + top * TWO_POW_MINUS_14 - ROUND;
  a[11] = top - t * 0x4000;
  a[0] = (a[0] as number) + t;
  a[4] = (a[4] as number) - t * 0x100;
  a[8] = (a[8] as number) - t * 0x10000;
  a[10] = (a[10] as number) + t * 0x10;
}

const TWO_POW_MINUS_14 = 2 ** -14;

/**
 * Reads a 32-byte big-endian field element into Montgomery form.
 * @returns 1 when the value is below p (canonical), else 0; `out` is then unusable
 */
export function fieldFromBytes(out: FieldElement, bytes: Uint8Array, offset: number): number {
  limbsFromBytes(out, bytes, offset);
  const below = subtractIfNotLess(scratch, out, P_LIMBS);
  fieldMul(out, out, R2);
  return below;
}

/**
 * Writes the canonical value of `a` (in [0, p)) as 32 big-endian bytes at `offset`. Needs
 * |a| < 2^264, which holds for any sum of a few `fieldMul` results (each below 2^256).
 */
export function fieldToBytes(a: FieldElement, out: Uint8Array, offset: number): void {
  // Montgomery reduction of a·1 adds M·p with |M| ≤ R/2, so (a + M·p)/R lies within
  // a/R ± p/2, inside (−p, p) for |a| < R = 2^264; adding p when negative makes it canonical.
  fieldMul(scratch, a, PLAIN_ONE);
  canonicalize(scratch, scratch, P_LIMBS);
  limbsToBytes(scratch, out, offset);
}

/** 1 when `a` ≡ 0 mod p, else 0 (constant time). Needs |a| < 2^264, as `fieldToBytes`. */
export function fieldIsZero(a: FieldElement): number {
  fieldMul(scratch, a, PLAIN_ONE);
  canonicalize(scratch, scratch, P_LIMBS);
  return zeroBit(scratch);
}

/** 1 when `a` ≡ `b` mod p, else 0 (constant time). Needs |a − b| < 2^264. */
export function fieldEquals(a: FieldElement, b: FieldElement): number {
  subLimbs(scratch2, a, b);
  return fieldIsZero(scratch2);
}

const scratch = newField();
const scratch2 = newField();
const sqrtScratch = newField();
const x2 = newField();
const x3 = newField();
const x6 = newField();
const x12 = newField();
const x15 = newField();
const x30 = newField();
const x32 = newField();

/** `x32 = a^(2^32 − 1)` and the intermediate runs of ones used by the chains below. */
function onesChain(a: FieldElement): void {
  fieldSqr(x2, a);
  fieldMul(x2, x2, a); // 2 ones
  fieldSqr(x3, x2);
  fieldMul(x3, x3, a); // 3
  fieldSqrN(x6, x3, 3);
  fieldMul(x6, x6, x3); // 6
  fieldSqrN(x12, x6, 6);
  fieldMul(x12, x12, x6); // 12
  fieldSqrN(x15, x12, 3);
  fieldMul(x15, x15, x3); // 15
  fieldSqrN(x30, x15, 15);
  fieldMul(x30, x30, x15); // 30
  fieldSqrN(x32, x30, 2);
  fieldMul(x32, x32, x2); // 32
}

/**
 * `out = a^-1 = a^(p−2)` (Fermat), 0 for a ≡ 0. A fixed chain of 255 squarings and 12
 * multiplications: p − 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd.
 */
export function fieldInvert(out: FieldElement, a: FieldElement): void {
  onesChain(a);
  const r = scratch2;
  fieldSqrN(r, x32, 32);
  fieldMul(r, r, a); // ffffffff 00000001
  fieldSqrN(r, r, 128);
  fieldMul(r, r, x32); // ffffffff 00000001 00000000 00000000 00000000 ffffffff
  fieldSqrN(r, r, 32);
  fieldMul(r, r, x32); // … ffffffff ffffffff
  fieldSqrN(r, r, 30);
  fieldMul(r, r, x30); // … ffffffff ffffffff, then thirty ones
  fieldSqrN(r, r, 2);
  fieldMul(out, r, a); // … ffffffff ffffffff fffffffd
}

/**
 * `out = a^((p+1)/4)`, a square root of a when a is a square (p ≡ 3 mod 4), with
 * (p+1)/4 = 2^254 − 2^222 + 2^190 + 2^94.
 * @returns 1 when `out`² ≡ a (a root exists), else 0
 */
export function fieldSqrt(out: FieldElement, a: FieldElement): number {
  onesChain(a);
  const r = sqrtScratch;
  fieldSqrN(r, x32, 32);
  fieldMul(r, r, a); // bits 253..222 and bit 190, shifted down by 190
  fieldSqrN(r, r, 96);
  fieldMul(r, r, a); // … and bit 94, shifted down by 94
  fieldSqrN(out, r, 94);
  fieldSqr(r, out);
  return fieldEquals(r, a);
}
