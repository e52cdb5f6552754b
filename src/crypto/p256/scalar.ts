/**
 * @module crypto/p256/scalar
 * Arithmetic modulo the P-256 group order n (FIPS 186-5 / SP 800-186 §3.2.1.3), for ECDSA:
 * s = k^-1·(z + r·d) when signing, u1 = z·s^-1 and u2 = r·s^-1 when verifying. Montgomery form
 * with R = 2^264 on the limbs of `limbs.ts`, like `field.ts`, with the same weights and rule:
 * `scalarMul` needs w_a·w_b ≤ 128 and returns weight 1. Plain scalars read from bytes have
 * normalized limbs in [0, 2^22): weight 2.
 *
 * n = 2^256 − 2^224 + 2^192 − 2^128 + L with L < 2^128, so a reduction step adds m·L (six
 * limbs) and four shifted copies of m for the sparse part. The reduction extras reach 2^45.6 per
 * column: 12·128·2^42 + 2^45.6 is still below 2^53. The schoolbook columns are those of
 * `field.ts`, written out again on purpose: one product routine for both, writing the 23 columns
 * to a scratch array that each reduction reads back, cost 3-5% per multiplication (142-148 ns
 * inline against 150-154 ns, 300,000 products per round, 9 interleaved rounds in one process,
 * median, three runs on the loaded 2-core machine, 2026-12-07), and `fieldMul`/`fieldSqr` are
 * the hot path of every P-256 key exchange and signature. Only the reductions differ (n is not
 * sparse like p).
 *
 * Side channels: as `field.ts`, every function runs the same operations whatever the values;
 * `scalarInvert` uses a fixed chain (the exponent n − 2 is public).
 */
import {
  addLimbs,
  INV_RADIX,
  ROUND,
  ROUND_TO_RADIX,
  canonicalize,
  limbsFromBytes,
  limbsOf,
  limbsToBytes,
  newLimbs,
  normalize,
  RADIX,
  select,
  subLimbs,
  subtractIfNotLess,
  zeroBit,
  type Limbs,
} from './limbs.ts';

/** A scalar: plain (canonical, in [0, n)) or in Montgomery form, as each function says. */
export type Scalar = Limbs;

/** The group order n. */
export const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const MONTGOMERY_R = 2n ** 264n;
const L_PART = N - (2n ** 256n - 2n ** 224n + 2n ** 192n - 2n ** 128n);

const N_LIMBS = limbsOf(N);
const HALF_N_LIMBS = limbsOf(N >> 1n);
const R2 = limbsOf((MONTGOMERY_R * MONTGOMERY_R) % N);
const [L0, L1, L2, L3, L4, L5] = Array.from(limbsOf(L_PART).subarray(0, 6)) as [number, number, number, number, number, number];
/** −n^-1 mod 2^22, the Montgomery factor of a limb. */
const N_PRIME = Number((2n ** 22n - modInverse22(N & (2n ** 22n - 1n))) % 2n ** 22n);

/** The inverse of an odd `x` modulo 2^22 (Newton iteration; module set-up only). */
function modInverse22(x: bigint): bigint {
  let y = 1n;
  for (let i = 0; i < 5; i++) y = (y * (2n - x * y)) & (2n ** 22n - 1n);
  return y;
}

/** A new zero scalar. */
export function newScalar(): Scalar {
  return newLimbs();
}

/** `out = a·b` (Montgomery product). Needs weight(a)·weight(b) ≤ 128; returns weight 1. */
export function scalarMul(out: Scalar, a: Scalar, b: Scalar): void {
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
  let c: number, lo: number, q: number, m: number;
  lo = t0 - (t0 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t1 += (t0 + m * L0) * INV_RADIX + m * L1; t2 += m * L2; t3 += m * L3; t4 += m * L4; t5 += m * (L5 - 0x40000);
  t8 += m * 0x10000; t10 -= m * 0x10; t11 += m * 0x4000;
  lo = t1 - (t1 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t2 += (t1 + m * L0) * INV_RADIX + m * L1; t3 += m * L2; t4 += m * L3; t5 += m * L4; t6 += m * (L5 - 0x40000);
  t9 += m * 0x10000; t11 -= m * 0x10; t12 += m * 0x4000;
  lo = t2 - (t2 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t3 += (t2 + m * L0) * INV_RADIX + m * L1; t4 += m * L2; t5 += m * L3; t6 += m * L4; t7 += m * (L5 - 0x40000);
  t10 += m * 0x10000; t12 -= m * 0x10; t13 += m * 0x4000;
  lo = t3 - (t3 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t4 += (t3 + m * L0) * INV_RADIX + m * L1; t5 += m * L2; t6 += m * L3; t7 += m * L4; t8 += m * (L5 - 0x40000);
  t11 += m * 0x10000; t13 -= m * 0x10; t14 += m * 0x4000;
  lo = t4 - (t4 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t5 += (t4 + m * L0) * INV_RADIX + m * L1; t6 += m * L2; t7 += m * L3; t8 += m * L4; t9 += m * (L5 - 0x40000);
  t12 += m * 0x10000; t14 -= m * 0x10; t15 += m * 0x4000;
  lo = t5 - (t5 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t6 += (t5 + m * L0) * INV_RADIX + m * L1; t7 += m * L2; t8 += m * L3; t9 += m * L4; t10 += m * (L5 - 0x40000);
  t13 += m * 0x10000; t15 -= m * 0x10; t16 += m * 0x4000;
  lo = t6 - (t6 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t7 += (t6 + m * L0) * INV_RADIX + m * L1; t8 += m * L2; t9 += m * L3; t10 += m * L4; t11 += m * (L5 - 0x40000);
  t14 += m * 0x10000; t16 -= m * 0x10; t17 += m * 0x4000;
  lo = t7 - (t7 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t8 += (t7 + m * L0) * INV_RADIX + m * L1; t9 += m * L2; t10 += m * L3; t11 += m * L4; t12 += m * (L5 - 0x40000);
  t15 += m * 0x10000; t17 -= m * 0x10; t18 += m * 0x4000;
  lo = t8 - (t8 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t9 += (t8 + m * L0) * INV_RADIX + m * L1; t10 += m * L2; t11 += m * L3; t12 += m * L4; t13 += m * (L5 - 0x40000);
  t16 += m * 0x10000; t18 -= m * 0x10; t19 += m * 0x4000;
  lo = t9 - (t9 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t10 += (t9 + m * L0) * INV_RADIX + m * L1; t11 += m * L2; t12 += m * L3; t13 += m * L4; t14 += m * (L5 - 0x40000);
  t17 += m * 0x10000; t19 -= m * 0x10; t20 += m * 0x4000;
  lo = t10 - (t10 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t11 += (t10 + m * L0) * INV_RADIX + m * L1; t12 += m * L2; t13 += m * L3; t14 += m * L4; t15 += m * (L5 - 0x40000);
  t18 += m * 0x10000; t20 -= m * 0x10; t21 += m * 0x4000;
  lo = t11 - (t11 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t12 += (t11 + m * L0) * INV_RADIX + m * L1; t13 += m * L2; t14 += m * L3; t15 += m * L4; t16 += m * (L5 - 0x40000);
  t19 += m * 0x10000; t21 -= m * 0x10; t22 += m * 0x4000;
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
export function scalarSqr(out: Scalar, a: Scalar): void {
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
  let c: number, lo: number, q: number, m: number;
  lo = t0 - (t0 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t1 += (t0 + m * L0) * INV_RADIX + m * L1; t2 += m * L2; t3 += m * L3; t4 += m * L4; t5 += m * (L5 - 0x40000);
  t8 += m * 0x10000; t10 -= m * 0x10; t11 += m * 0x4000;
  lo = t1 - (t1 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t2 += (t1 + m * L0) * INV_RADIX + m * L1; t3 += m * L2; t4 += m * L3; t5 += m * L4; t6 += m * (L5 - 0x40000);
  t9 += m * 0x10000; t11 -= m * 0x10; t12 += m * 0x4000;
  lo = t2 - (t2 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t3 += (t2 + m * L0) * INV_RADIX + m * L1; t4 += m * L2; t5 += m * L3; t6 += m * L4; t7 += m * (L5 - 0x40000);
  t10 += m * 0x10000; t12 -= m * 0x10; t13 += m * 0x4000;
  lo = t3 - (t3 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t4 += (t3 + m * L0) * INV_RADIX + m * L1; t5 += m * L2; t6 += m * L3; t7 += m * L4; t8 += m * (L5 - 0x40000);
  t11 += m * 0x10000; t13 -= m * 0x10; t14 += m * 0x4000;
  lo = t4 - (t4 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t5 += (t4 + m * L0) * INV_RADIX + m * L1; t6 += m * L2; t7 += m * L3; t8 += m * L4; t9 += m * (L5 - 0x40000);
  t12 += m * 0x10000; t14 -= m * 0x10; t15 += m * 0x4000;
  lo = t5 - (t5 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t6 += (t5 + m * L0) * INV_RADIX + m * L1; t7 += m * L2; t8 += m * L3; t9 += m * L4; t10 += m * (L5 - 0x40000);
  t13 += m * 0x10000; t15 -= m * 0x10; t16 += m * 0x4000;
  lo = t6 - (t6 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t7 += (t6 + m * L0) * INV_RADIX + m * L1; t8 += m * L2; t9 += m * L3; t10 += m * L4; t11 += m * (L5 - 0x40000);
  t14 += m * 0x10000; t16 -= m * 0x10; t17 += m * 0x4000;
  lo = t7 - (t7 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t8 += (t7 + m * L0) * INV_RADIX + m * L1; t9 += m * L2; t10 += m * L3; t11 += m * L4; t12 += m * (L5 - 0x40000);
  t15 += m * 0x10000; t17 -= m * 0x10; t18 += m * 0x4000;
  lo = t8 - (t8 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t9 += (t8 + m * L0) * INV_RADIX + m * L1; t10 += m * L2; t11 += m * L3; t12 += m * L4; t13 += m * (L5 - 0x40000);
  t16 += m * 0x10000; t18 -= m * 0x10; t19 += m * 0x4000;
  lo = t9 - (t9 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t10 += (t9 + m * L0) * INV_RADIX + m * L1; t11 += m * L2; t12 += m * L3; t13 += m * L4; t14 += m * (L5 - 0x40000);
  t17 += m * 0x10000; t19 -= m * 0x10; t20 += m * 0x4000;
  lo = t10 - (t10 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t11 += (t10 + m * L0) * INV_RADIX + m * L1; t12 += m * L2; t13 += m * L3; t14 += m * L4; t15 += m * (L5 - 0x40000);
  t18 += m * 0x10000; t20 -= m * 0x10; t21 += m * 0x4000;
  lo = t11 - (t11 + ROUND_TO_RADIX - ROUND_TO_RADIX); q = lo * N_PRIME; m = q - (q + ROUND_TO_RADIX - ROUND_TO_RADIX);
  t12 += (t11 + m * L0) * INV_RADIX + m * L1; t13 += m * L2; t14 += m * L3; t15 += m * L4; t16 += m * (L5 - 0x40000);
  t19 += m * 0x10000; t21 -= m * 0x10; t22 += m * 0x4000;
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

/** `out = a + b`; weight(out) = weight(a) + weight(b). */
export function scalarAdd(out: Scalar, a: Scalar, b: Scalar): void {
  addLimbs(out, a, b);
}

/**
 * Reads 32 big-endian bytes as a plain scalar.
 * @returns 1 when the value is below n, else 0 (then `out` holds the unreduced value)
 */
export function scalarFromBytes(out: Scalar, bytes: Uint8Array, offset: number): number {
  limbsFromBytes(out, bytes, offset);
  return subtractIfNotLess(scratch, out, N_LIMBS);
}

/**
 * Reads 32 big-endian bytes as an integer below 2^256 and reduces it mod n (one conditional
 * subtraction, as 2^256 < 2n): bits2int followed by mod n, RFC 6979 §2.3.2 and §2.3.4.
 */
export function scalarFromBytesReduced(out: Scalar, bytes: Uint8Array, offset: number): void {
  limbsFromBytes(out, bytes, offset);
  subtractIfNotLess(out, out, N_LIMBS);
}

/** Writes a plain canonical scalar as 32 big-endian bytes at `offset`. */
export function scalarToBytes(a: Scalar, out: Uint8Array, offset: number): void {
  limbsToBytes(a, out, offset);
}

/** `out` = Montgomery form of the plain scalar `a`. */
export function scalarToMontgomery(out: Scalar, a: Scalar): void {
  scalarMul(out, a, R2);
}

/**
 * `out` = the canonical value (in [0, n)) of a `scalarMul` result whose exact value lies in
 * (−n, n). As in field.ts, (a·b + M·n)/R lies within a·b/R ± n/2: a product of a plain scalar
 * (< 2^256) and a Montgomery-form one (|x| < 2^256) qualifies, and so does any product by 1.
 */
export function scalarCanonical(out: Scalar, a: Scalar): void {
  canonicalize(out, a, N_LIMBS);
}

/** 1 when the plain canonical scalar `a` is zero, else 0. */
export function scalarIsZero(a: Scalar): number {
  return zeroBit(a);
}

/**
 * Replaces a plain canonical s by n − s when s > (n − 1)/2, in constant time: the low-S form
 * (the signature (r, n − s) is equally valid, SEC 1 §4.1.4).
 */
export function scalarToLowS(s: Scalar): void {
  subLimbs(scratch, HALF_N_LIMBS, s);
  normalize(scratch, scratch);
  const high = ((scratch[11] as number) | 0) >>> 31;
  subLimbs(scratch, N_LIMBS, s);
  normalize(scratch, scratch);
  select(s, s, scratch, high);
}

/** 1 when the plain canonical scalar `a` is in [1, n − 1], else 0. */
export function scalarIsValidNonZero(a: Scalar): number {
  subLimbs(scratch, a, N_LIMBS);
  normalize(scratch, scratch);
  const belowN = ((scratch[11] as number) | 0) >>> 31;
  return belowN & (zeroBit(a) ^ 1);
}

const scratch = newScalar();
/** a^0 … a^15 for the windows of `scalarInvert` (index 0 unused: zero windows skip the product). */
const power: readonly Scalar[] = Array.from({ length: 16 }, newScalar);
const x32 = newScalar();

/**
 * `out = a^-1 = a^(n−2)` in Montgomery form (Fermat), 0 for a ≡ 0. The top 128 bits of
 * n − 2 (ffffffff 00000000 ffffffff ffffffff) come from a run of 32 ones; the low 128 bits
 * (bce6faad a7179e84 f3b9cac2 fc63254f) go by 4-bit windows over a table of a^0..a^15. The
 * exponent is public, so skipping zero windows leaks nothing.
 */
export function scalarInvert(out: Scalar, a: Scalar): void {
  (power[1] as Scalar).set(a);
  for (let i = 2; i < 16; i++) scalarMul(power[i] as Scalar, power[i - 1] as Scalar, a);
  // x32 = a^(2^32 − 1) from a^15 = a^(2^4 − 1): 4 → 8 → 16 → 32 ones.
  const r = out === a ? scratch : out;
  x32.set(power[15] as Scalar);
  for (let ones = 4; ones < 32; ones *= 2) {
    r.set(x32);
    for (let i = 0; i < ones; i++) scalarSqr(r, r);
    scalarMul(x32, r, x32);
  }
  r.set(x32);
  for (let i = 0; i < 64; i++) scalarSqr(r, r);
  scalarMul(r, r, x32); // ffffffff 00000000 ffffffff
  for (let i = 0; i < 32; i++) scalarSqr(r, r);
  scalarMul(r, r, x32); // ffffffff 00000000 ffffffff ffffffff
  for (const nibble of N_MINUS_2_LOW_NIBBLES) {
    for (let i = 0; i < 4; i++) scalarSqr(r, r);
    if (nibble !== 0) scalarMul(r, r, power[nibble] as Scalar);
  }
  if (r !== out) out.set(r);
}

/** The low 128 bits of n − 2 as 32 hex digits, most significant first. */
const N_MINUS_2_LOW_NIBBLES: readonly number[] = Array.from(
  ((N - 2n) & (2n ** 128n - 1n)).toString(16).padStart(32, '0'),
  (h) => Number.parseInt(h, 16),
);
