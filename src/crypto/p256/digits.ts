/**
 * @module crypto/p256/digits
 * Signed radix-32 recoding of a secret scalar for the fixed-window multiplications
 * (`base-mult.ts`, `point-mult.ts`): k = Σ d_i·32^i over 52 digits d_i ∈ [−15, 16]. A signed
 * digit halves the table (16 entries, negated on use) compared with digits in [0, 31].
 *
 * Constant time: the digits are computed with the same arithmetic for every k (no branch on a
 * bit, the carry is `(v + 15) >> 5`), and `digitSign`/`digitMagnitude` are branch-free.
 */

/** Digits of a 256-bit scalar: ⌈(256 + 1)/5⌉ = 52 (the top digit absorbs the last carry). */
export const DIGITS = 52;
/** Table entries per window: the magnitudes 1..16. */
export const WINDOW_ENTRIES = 16;

/**
 * Writes the 52 signed digits of the 256-bit big-endian scalar `k` into `out`. The top digit is
 * 0, 1 or 2 (bit 255 plus a carry), so no carry leaves the top.
 */
export function signedDigits(out: Int32Array, k: Uint8Array): void {
  let carry = 0;
  for (let i = 0; i < DIGITS; i++) {
    // Bits 5i .. 5i+4 of k, from the (at most two) bytes that hold them; the positions are public.
    const bit = 5 * i;
    const low = 31 - (bit >> 3);
    const pair = (k[low] as number) | (low > 0 ? (k[low - 1] as number) << 8 : 0);
    const v = ((pair >> (bit & 7)) & 31) + carry; // 0..32
    carry = (v + 15) >> 5; // 1 when v ≥ 17
    out[i] = v - (carry << 5);
  }
}

/** −1 for a negative digit, else 0. */
export function digitSign(d: number): number {
  return d >> 31;
}

/** |d| (branch-free). */
export function digitMagnitude(d: number): number {
  const s = d >> 31;
  return (d ^ s) - s;
}

/** 1 when `a === b` for small non-negative integers (below 2^31), else 0, branch-free. */
export function equalBit(a: number, b: number): number {
  return ((a ^ b) - 1) >>> 31;
}
