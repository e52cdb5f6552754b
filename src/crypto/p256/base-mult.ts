/**
 * @module crypto/p256/base-mult
 * k·G for a secret k in [1, n − 1] (ECDH key generation, the ECDSA nonce point) with a
 * precomputed table: for each of the 52 radix-32 windows i, the affine points j·32^i·G for
 * j = 1..16 (832 points, 160 KB, built on first use in a few milliseconds). Then
 * k·G = Σ d_i·32^i·G is 52 mixed additions in Jacobian coordinates and no doubling.
 *
 * Constant time: every window reads all 16 entries and keeps one by arithmetic masking, negates
 * by multiplying by ±1, always performs the addition, and keeps or discards it with masked
 * selects driven by 0/1 flags computed from the digits.
 *
 * Why the incomplete Jacobian addition is safe here. Before window w the accumulator holds
 * S_w·G with S_w = Σ_{i<w} d_i·32^i, |S_w| < 0.52·32^w, and adds e = d_w·32^w. The addition is
 * exceptional when S_w ≡ ±e (mod n) or an operand is the identity.
 *   - S_w ≡ 0 only for S_w = 0, that is every digit below w is zero (signed digits of this range
 *     represent 0 only one way): the flag `accumulatorIsIdentity`. A zero digit: `digitIsZero`.
 *   - For w ≤ 50 and d_w ≠ 0: |S_w ∓ e| ≤ 16.52·32^w < 2^255 < n, so S_w = ±e, impossible as
 *     |e| ≥ 32^w > |S_w|.
 *   - For w = 51 (d_51 ∈ {0, 1, 2}, e = d_51·2^255): S_51 = k − e, so S_51 ≡ −e means k ≡ 0,
 *     and S_51 ≡ e means k ≡ d_51·2^256 (mod n), i.e. k = 2^256 − n or 2·(2^256 − n); both are
 *     below 2^226, where d_51 = 0.
 * The tests run scalars 1, n − 1, 2^256 − n, its double and others next to noble.
 */
import { DIGITS, digitMagnitude, digitSign, equalBit, signedDigits, WINDOW_ENTRIES } from './digits.ts';
import { FIELD_ONE, fieldConstant, fieldScale, newField, type FieldElement } from './field.ts';
import { JACOBIAN_IDENTITY, jacobianAddAffine, jacobianCopy, jacobianSelect, newJacobian, type JacobianPoint } from './jacobian.ts';
import { LIMBS } from './limbs.ts';
import { GX, GY, newPoint, pointAdd, pointCopy, pointDouble, pointSetAffine, pointsToAffine, type ProjectivePoint } from './point.ts';

/** Doubles per table entry: x and y. */
const ENTRY = 2 * LIMBS;
const WINDOW = WINDOW_ENTRIES * ENTRY;

let table: Float64Array | undefined;

/** Builds the table: entry (i, j) = (j + 1)·32^i·G. Public data; runs once. */
function buildTable(): Float64Array {
  const points: ProjectivePoint[] = [];
  const windowBase = newPoint();
  pointSetAffine(windowBase, fieldConstant(GX), fieldConstant(GY));
  for (let i = 0; i < DIGITS; i++) {
    let multiple = newPoint();
    pointCopy(multiple, windowBase);
    points.push(multiple);
    for (let j = 1; j < WINDOW_ENTRIES; j++) {
      const next = newPoint();
      pointAdd(next, multiple, windowBase);
      points.push(next);
      multiple = next;
    }
    pointDouble(windowBase, multiple); // 32·base = 2·(16·base)
  }
  return pointsToAffine(points);
}

const digits = new Int32Array(DIGITS);
const sum = newJacobian();
/** The table entry (x, y) of the current window, also as the Jacobian point (x : y : 1). */
const entry: JacobianPoint = { x: newField(), y: newField(), z: FIELD_ONE.slice() };

/**
 * Reads entry `magnitude` (1..16) of window `w` into (x, y) by scanning all 16 entries; all
 * zero for magnitude 0. The 24 limbs accumulate in locals (a loop over the limbs with an array
 * accumulator measured several times slower).
 */
function lookup(x: FieldElement, y: FieldElement, t: Float64Array, w: number, magnitude: number): void {
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0;
  let x6 = 0, x7 = 0, x8 = 0, x9 = 0, x10 = 0, x11 = 0;
  let y0 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0, y5 = 0;
  let y6 = 0, y7 = 0, y8 = 0, y9 = 0, y10 = 0, y11 = 0;
  let off = w * WINDOW;
  for (let j = 1; j <= WINDOW_ENTRIES; j++, off += ENTRY) {
    const take = equalBit(magnitude, j);
    x0 += take * (t[off + 0] as number); x1 += take * (t[off + 1] as number); x2 += take * (t[off + 2] as number);
    x3 += take * (t[off + 3] as number); x4 += take * (t[off + 4] as number); x5 += take * (t[off + 5] as number);
    x6 += take * (t[off + 6] as number); x7 += take * (t[off + 7] as number); x8 += take * (t[off + 8] as number);
    x9 += take * (t[off + 9] as number); x10 += take * (t[off + 10] as number); x11 += take * (t[off + 11] as number);
    y0 += take * (t[off + 12] as number); y1 += take * (t[off + 13] as number); y2 += take * (t[off + 14] as number);
    y3 += take * (t[off + 15] as number); y4 += take * (t[off + 16] as number); y5 += take * (t[off + 17] as number);
    y6 += take * (t[off + 18] as number); y7 += take * (t[off + 19] as number); y8 += take * (t[off + 20] as number);
    y9 += take * (t[off + 21] as number); y10 += take * (t[off + 22] as number); y11 += take * (t[off + 23] as number);
  }
  x[0] = x0; x[1] = x1; x[2] = x2; x[3] = x3; x[4] = x4; x[5] = x5;
  x[6] = x6; x[7] = x7; x[8] = x8; x[9] = x9; x[10] = x10; x[11] = x11;
  y[0] = y0; y[1] = y1; y[2] = y2; y[3] = y3; y[4] = y4; y[5] = y5;
  y[6] = y6; y[7] = y7; y[8] = y8; y[9] = y9; y[10] = y10; y[11] = y11;
}

/**
 * `out = k·G` for a scalar k given as 32 big-endian bytes in [1, n − 1]; for k = 0, `out` is
 * the identity (1 : 1 : 0).
 */
export function mulBase(out: JacobianPoint, k: Uint8Array): void {
  const t = (table ??= buildTable());
  signedDigits(digits, k);
  jacobianCopy(out, JACOBIAN_IDENTITY);
  let accumulatorIsIdentity = 1;
  for (let w = 0; w < DIGITS; w++) {
    const d = digits[w] as number;
    const magnitude = digitMagnitude(d);
    const digitIsZero = equalBit(magnitude, 0);
    lookup(entry.x, entry.y, t, w, magnitude);
    fieldScale(entry.y, entry.y, 1 + 2 * digitSign(d)); // −(x, y) = (x, −y)
    jacobianCopy(sum, out);
    jacobianAddAffine(sum, entry.x, entry.y);
    jacobianSelect(sum, sum, out, digitIsZero); // a zero digit adds nothing
    jacobianSelect(out, sum, entry, accumulatorIsIdentity); // identity + (x, y) = (x : y : 1)
    accumulatorIsIdentity &= digitIsZero;
  }
  jacobianSelect(out, out, JACOBIAN_IDENTITY, accumulatorIsIdentity);
}
