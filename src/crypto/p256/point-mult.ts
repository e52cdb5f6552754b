/**
 * @module crypto/p256/point-mult
 * k·P for a secret k and a peer's point P (the ECDH shared secret): a fixed window of 5 bits
 * over signed digits, left to right — 51 × (5 doublings + 1 addition) after the top digit —
 * with a table of 1·P … 16·P computed per call.
 *
 * Constant time: the same doublings and additions for every k; each window scans all 16 table
 * entries (and the identity for a zero digit) by arithmetic masking and negates by multiplying
 * by ±1. The complete formulas of `point.ts` make P + P, P + (−P) and the identity ordinary
 * inputs, so no exceptional case needs a branch.
 */
import { DIGITS, digitMagnitude, digitSign, equalBit, signedDigits, WINDOW_ENTRIES } from './digits.ts';
import { FIELD_ONE, fieldScale, type FieldElement } from './field.ts';
import {
  newPoint,
  pointAdd,
  pointAddAffine,
  pointDouble,
  pointSetAffine,
  pointSetIdentity,
  type ProjectivePoint,
} from './point.ts';

/** table[j] = (j + 1)·P. */
const table: readonly ProjectivePoint[] = Array.from({ length: WINDOW_ENTRIES }, newPoint);
const digits = new Int32Array(DIGITS);
const entry = newPoint();

/**
 * entry = table[magnitude − 1], or the identity (0 : 1 : 0) for magnitude 0, scanning every
 * entry; the limbs accumulate in locals.
 */
function lookup(magnitude: number): void {
  const isIdentity = equalBit(magnitude, 0);
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0;
  let x6 = 0, x7 = 0, x8 = 0, x9 = 0, x10 = 0, x11 = 0;
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0, z4 = 0, z5 = 0;
  let z6 = 0, z7 = 0, z8 = 0, z9 = 0, z10 = 0, z11 = 0;
  let y0 = isIdentity * (FIELD_ONE[0] as number), y1 = isIdentity * (FIELD_ONE[1] as number), y2 = isIdentity * (FIELD_ONE[2] as number);
  let y3 = isIdentity * (FIELD_ONE[3] as number), y4 = isIdentity * (FIELD_ONE[4] as number), y5 = isIdentity * (FIELD_ONE[5] as number);
  let y6 = isIdentity * (FIELD_ONE[6] as number), y7 = isIdentity * (FIELD_ONE[7] as number), y8 = isIdentity * (FIELD_ONE[8] as number);
  let y9 = isIdentity * (FIELD_ONE[9] as number), y10 = isIdentity * (FIELD_ONE[10] as number), y11 = isIdentity * (FIELD_ONE[11] as number);
  for (let j = 0; j < WINDOW_ENTRIES; j++) {
    const take = equalBit(magnitude, j + 1);
    const p = table[j] as ProjectivePoint;
    const xs = p.x;
    const ys = p.y;
    const zs = p.z;
    x0 += take * (xs[0] as number); x1 += take * (xs[1] as number); x2 += take * (xs[2] as number); x3 += take * (xs[3] as number);
    x4 += take * (xs[4] as number); x5 += take * (xs[5] as number); x6 += take * (xs[6] as number); x7 += take * (xs[7] as number);
    x8 += take * (xs[8] as number); x9 += take * (xs[9] as number); x10 += take * (xs[10] as number); x11 += take * (xs[11] as number);
    y0 += take * (ys[0] as number); y1 += take * (ys[1] as number); y2 += take * (ys[2] as number); y3 += take * (ys[3] as number);
    y4 += take * (ys[4] as number); y5 += take * (ys[5] as number); y6 += take * (ys[6] as number); y7 += take * (ys[7] as number);
    y8 += take * (ys[8] as number); y9 += take * (ys[9] as number); y10 += take * (ys[10] as number); y11 += take * (ys[11] as number);
    z0 += take * (zs[0] as number); z1 += take * (zs[1] as number); z2 += take * (zs[2] as number); z3 += take * (zs[3] as number);
    z4 += take * (zs[4] as number); z5 += take * (zs[5] as number); z6 += take * (zs[6] as number); z7 += take * (zs[7] as number);
    z8 += take * (zs[8] as number); z9 += take * (zs[9] as number); z10 += take * (zs[10] as number); z11 += take * (zs[11] as number);
  }
  entry.x[0] = x0; entry.x[1] = x1; entry.x[2] = x2; entry.x[3] = x3; entry.x[4] = x4; entry.x[5] = x5;
  entry.x[6] = x6; entry.x[7] = x7; entry.x[8] = x8; entry.x[9] = x9; entry.x[10] = x10; entry.x[11] = x11;
  entry.y[0] = y0; entry.y[1] = y1; entry.y[2] = y2; entry.y[3] = y3; entry.y[4] = y4; entry.y[5] = y5;
  entry.y[6] = y6; entry.y[7] = y7; entry.y[8] = y8; entry.y[9] = y9; entry.y[10] = y10; entry.y[11] = y11;
  entry.z[0] = z0; entry.z[1] = z1; entry.z[2] = z2; entry.z[3] = z3; entry.z[4] = z4; entry.z[5] = z5;
  entry.z[6] = z6; entry.z[7] = z7; entry.z[8] = z8; entry.z[9] = z9; entry.z[10] = z10; entry.z[11] = z11;
}

/** `out = k·P` for the affine point P = (x, y) and k given as 32 big-endian bytes, k < n. */
export function mulPoint(out: ProjectivePoint, x: FieldElement, y: FieldElement, k: Uint8Array): void {
  const first = table[0] as ProjectivePoint;
  pointSetAffine(first, x, y);
  pointDouble(table[1] as ProjectivePoint, first);
  for (let j = 2; j < WINDOW_ENTRIES; j++) pointAddAffine(table[j] as ProjectivePoint, table[j - 1] as ProjectivePoint, x, y);
  signedDigits(digits, k);
  pointSetIdentity(out);
  for (let w = DIGITS - 1; w >= 0; w--) {
    if (w < DIGITS - 1) for (let i = 0; i < 5; i++) pointDouble(out, out);
    const d = digits[w] as number;
    lookup(digitMagnitude(d));
    fieldScale(entry.y, entry.y, 1 + 2 * digitSign(d));
    pointAdd(out, out, entry);
  }
}
