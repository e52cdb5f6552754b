/**
 * @module crypto/p256/limbs
 * The number representation under P-256's field (mod p) and scalar (mod n) arithmetic: an
 * integer as twelve 22-bit limbs in a `Float64Array`, least significant first,
 * value = Σ limb[i]·2^(22·i) (264 bits of room for 256-bit numbers).
 *
 * Why doubles: V8 multiplies and adds doubles in registers at full speed, and a product of two
 * limbs of at most 2^21 in magnitude (42 bits) summed twelve times stays far below 2^53, where
 * every integer is exact. So a 256×256-bit product is 144 exact float multiply-adds with no
 * carry handling. The limbs are always integers. A carry is split off by rounding x·2^-22 to
 * the nearest integer with the 1.5·2^52 trick (`ROUND + y − ROUND`): scaling by a power of two
 * is exact, and adding 1.5·2^52 leaves no fraction bits, so the result is exact for
 * |x| < 2^73 and costs two additions. Rounding (not flooring) leaves *balanced* limbs in
 * [−2^21, 2^21], which halves every bound downstream; it measured 18% faster than `Math.floor`.
 *
 * Limbs may be negative and larger than 2^21 between operations ("weight", see `field.ts`).
 * A *normalized* number (floor-based, for encoding and comparisons) has limbs 0..10 in
 * [0, 2^22) and the sign and the rest in limb 11; each integer has exactly one normalized form.
 *
 * Side channels: nothing here branches on or indexes by a limb value. The loops run a fixed
 * number of times, selection is arithmetic (`a + bit·(b − a)`), and the sign of a normalized
 * number is read with an integer conversion, not a comparison.
 */

/** Limbs per number. */
export const LIMBS = 12;
/** 2^22, the limb radix. */
export const RADIX = 0x400000;
/** 2^-22 (exact: a power of two). */
export const INV_RADIX: number = 1 / RADIX;
/** 1.5·2^52: `ROUND + y − ROUND` rounds y (|y| < 2^51) to the nearest integer, exactly. */
export const ROUND: number = 1.5 * 2 ** 52;
/**
 * 1.5·2^74: `x + ROUND_TO_RADIX − ROUND_TO_RADIX` rounds x (|x| < 2^73) to the nearest multiple
 * of 2^22 in two additions (doubles near 1.5·2^74 are 2^22 apart), so x minus that is x's
 * balanced low limb.
 */
export const ROUND_TO_RADIX: number = 1.5 * 2 ** 74;
const LIMB_MASK = RADIX - 1;

/** A 12-limb number (a field element or a scalar, by context). */
export type Limbs = Float64Array;

/** A zeroed number. */
export function newLimbs(): Limbs {
  return new Float64Array(LIMBS);
}

/** The normalized limbs of a non-negative constant (module set-up only; never a secret). */
export function limbsOf(x: bigint): Limbs {
  const out = newLimbs();
  for (let i = 0; i < LIMBS; i++) {
    out[i] = Number(x & BigInt(LIMB_MASK));
    x >>= 22n;
  }
  if (x !== 0n) throw new RangeError('limbsOf: constant does not fit 264 bits');
  return out;
}

/** Reads 32 big-endian bytes at `offset` into normalized limbs (value < 2^256). */
export function limbsFromBytes(out: Limbs, bytes: Uint8Array, offset: number): void {
  let acc = 0;
  let accBits = 0;
  let limb = 0;
  for (let j = offset + 31; j >= offset; j--) {
    acc |= (bytes[j] as number) << accBits;
    accBits += 8;
    if (accBits >= 22) {
      out[limb++] = acc & LIMB_MASK;
      acc >>>= 22;
      accBits -= 22;
    }
  }
  out[limb] = acc; // limb 11: the top 14 bits
}

/** Writes normalized limbs of a value in [0, 2^256) as 32 big-endian bytes at `offset`. */
export function limbsToBytes(a: Limbs, out: Uint8Array, offset: number): void {
  let acc = 0;
  let accBits = 0;
  let limb = 0;
  for (let j = offset + 31; j >= offset; j--) {
    if (accBits < 8) {
      acc |= (a[limb++] as number) << accBits;
      accBits += 22;
    }
    out[j] = acc & 0xff;
    acc >>>= 8;
    accBits -= 8;
  }
}

/** Normalizes `a` into `out` (same integer value): limbs 0..10 in [0, 2^22), limb 11 signed. */
export function normalize(out: Limbs, a: Limbs): void {
  let c = 0;
  for (let i = 0; i < LIMBS - 1; i++) {
    const x = (a[i] as number) + c;
    c = Math.floor(x * INV_RADIX);
    out[i] = x - c * RADIX;
  }
  out[LIMBS - 1] = (a[LIMBS - 1] as number) + c;
}

/**
 * Carries once from each limb to the next, in place and keeping the value: limbs 0..10 end in
 * [−2^21 − c, 2^21 + c] where c is the carry-in (at most w/2 + 1 for limbs of weight w). The
 * carries are independent of each other (no serial chain); limb 11 keeps its carry-in.
 */
export function carry(a: Limbs): void {
  const a0 = a[0] as number, c0 = ROUND + a0 * INV_RADIX - ROUND;
  const a1 = a[1] as number, c1 = ROUND + a1 * INV_RADIX - ROUND;
  const a2 = a[2] as number, c2 = ROUND + a2 * INV_RADIX - ROUND;
  const a3 = a[3] as number, c3 = ROUND + a3 * INV_RADIX - ROUND;
  const a4 = a[4] as number, c4 = ROUND + a4 * INV_RADIX - ROUND;
  const a5 = a[5] as number, c5 = ROUND + a5 * INV_RADIX - ROUND;
  const a6 = a[6] as number, c6 = ROUND + a6 * INV_RADIX - ROUND;
  const a7 = a[7] as number, c7 = ROUND + a7 * INV_RADIX - ROUND;
  const a8 = a[8] as number, c8 = ROUND + a8 * INV_RADIX - ROUND;
  const a9 = a[9] as number, c9 = ROUND + a9 * INV_RADIX - ROUND;
  const a10 = a[10] as number, c10 = ROUND + a10 * INV_RADIX - ROUND;
  a[0] = a0 - c0 * RADIX;
  a[1] = a1 - c1 * RADIX + c0;
  a[2] = a2 - c2 * RADIX + c1;
  a[3] = a3 - c3 * RADIX + c2;
  a[4] = a4 - c4 * RADIX + c3;
  a[5] = a5 - c5 * RADIX + c4;
  a[6] = a6 - c6 * RADIX + c5;
  a[7] = a7 - c7 * RADIX + c6;
  a[8] = a8 - c8 * RADIX + c7;
  a[9] = a9 - c9 * RADIX + c8;
  a[10] = a10 - c10 * RADIX + c9;
  a[11] = (a[11] as number) + c10;
}

/** 1 when the normalized number `a` is negative, else 0 (its top limb is far below 2^31). */
function negativeBit(a: Limbs): number {
  return ((a[LIMBS - 1] as number) | 0) >>> 31;
}

// The limb-wise helpers below are written out: V8 runs a 12-iteration loop over typed arrays
// about four times slower, and the point formulas call them about twenty times per operation.

/** `out = bit ? b : a` for `bit` in {0, 1}, without a branch. */
export function select(out: Limbs, a: Limbs, b: Limbs, bit: number): void {
  const a0 = a[0] as number, a1 = a[1] as number, a2 = a[2] as number, a3 = a[3] as number;
  const a4 = a[4] as number, a5 = a[5] as number, a6 = a[6] as number, a7 = a[7] as number;
  const a8 = a[8] as number, a9 = a[9] as number, a10 = a[10] as number, a11 = a[11] as number;
  out[0] = a0 + bit * ((b[0] as number) - a0); out[1] = a1 + bit * ((b[1] as number) - a1);
  out[2] = a2 + bit * ((b[2] as number) - a2); out[3] = a3 + bit * ((b[3] as number) - a3);
  out[4] = a4 + bit * ((b[4] as number) - a4); out[5] = a5 + bit * ((b[5] as number) - a5);
  out[6] = a6 + bit * ((b[6] as number) - a6); out[7] = a7 + bit * ((b[7] as number) - a7);
  out[8] = a8 + bit * ((b[8] as number) - a8); out[9] = a9 + bit * ((b[9] as number) - a9);
  out[10] = a10 + bit * ((b[10] as number) - a10); out[11] = a11 + bit * ((b[11] as number) - a11);
}

/** `out = a + b` limb by limb (no carry). */
export function addLimbs(out: Limbs, a: Limbs, b: Limbs): void {
  out[0] = (a[0] as number) + (b[0] as number); out[1] = (a[1] as number) + (b[1] as number); out[2] = (a[2] as number) + (b[2] as number);
  out[3] = (a[3] as number) + (b[3] as number); out[4] = (a[4] as number) + (b[4] as number); out[5] = (a[5] as number) + (b[5] as number);
  out[6] = (a[6] as number) + (b[6] as number); out[7] = (a[7] as number) + (b[7] as number); out[8] = (a[8] as number) + (b[8] as number);
  out[9] = (a[9] as number) + (b[9] as number); out[10] = (a[10] as number) + (b[10] as number); out[11] = (a[11] as number) + (b[11] as number);
}

/** `out = a − b` limb by limb (no carry). */
export function subLimbs(out: Limbs, a: Limbs, b: Limbs): void {
  out[0] = (a[0] as number) - (b[0] as number); out[1] = (a[1] as number) - (b[1] as number); out[2] = (a[2] as number) - (b[2] as number);
  out[3] = (a[3] as number) - (b[3] as number); out[4] = (a[4] as number) - (b[4] as number); out[5] = (a[5] as number) - (b[5] as number);
  out[6] = (a[6] as number) - (b[6] as number); out[7] = (a[7] as number) - (b[7] as number); out[8] = (a[8] as number) - (b[8] as number);
  out[9] = (a[9] as number) - (b[9] as number); out[10] = (a[10] as number) - (b[10] as number); out[11] = (a[11] as number) - (b[11] as number);
}

/** `out = k·a` limb by limb. */
export function scaleLimbs(out: Limbs, a: Limbs, k: number): void {
  out[0] = (a[0] as number) * k; out[1] = (a[1] as number) * k; out[2] = (a[2] as number) * k; out[3] = (a[3] as number) * k;
  out[4] = (a[4] as number) * k; out[5] = (a[5] as number) * k; out[6] = (a[6] as number) * k; out[7] = (a[7] as number) * k;
  out[8] = (a[8] as number) * k; out[9] = (a[9] as number) * k; out[10] = (a[10] as number) * k; out[11] = (a[11] as number) * k;
}

const diff = newLimbs();

/**
 * `out = a ≥ m ? a − m : a` for normalized non-negative `a` and `m`, in constant time.
 * @returns 1 when `a < m` (nothing subtracted), else 0
 */
export function subtractIfNotLess(out: Limbs, a: Limbs, m: Limbs): number {
  subLimbs(diff, a, m);
  normalize(diff, diff);
  const less = negativeBit(diff);
  select(out, diff, a, less);
  return less;
}

/**
 * `out` = the normalized value of `a` mod m, for a value of `a` in (−m, m) and a normalized
 * modulus m > 0, in constant time: normalize, then add m when negative.
 */
export function canonicalize(out: Limbs, a: Limbs, m: Limbs): void {
  normalize(out, a);
  const negative = negativeBit(out);
  for (let i = 0; i < LIMBS; i++) out[i] = (out[i] as number) + negative * (m[i] as number);
  normalize(out, out);
}

/** 1 when every limb of normalized `a` is zero, else 0, in constant time. */
export function zeroBit(a: Limbs): number {
  let acc = 0;
  for (let i = 0; i < LIMBS; i++) acc |= a[i] as number;
  return ((acc | -acc) >>> 31) ^ 1;
}
