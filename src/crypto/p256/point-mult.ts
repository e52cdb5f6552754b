/**
 * @module crypto/p256/point-mult
 * k·P for a secret k in [1, n − 1] and a peer's point P (the ECDH shared secret): a fixed window
 * of 5 bits over the signed digits of `digits.ts`, left to right — 51 × (5 doublings + 1
 * addition) after the top digit — in Jacobian coordinates (`jacobian.ts`), with a table of
 * 1·P … 16·P computed per call.
 *
 * Constant time: the same doublings and additions for every k; each window scans all 16 table
 * entries by arithmetic masking, negates by multiplying by ±1, always adds, and chooses the
 * result with masked selects driven by 0/1 flags computed from the digits.
 *
 * Why the incomplete Jacobian addition is safe here. Write M_w = Σ_{i≥w} d_i·32^(i−w) for the
 * value of the digits from w up. Before window w adds d = d_w, the accumulator holds a·P with
 * a = 32·M_{w+1}, and the sum is M_w·P. The signed digits satisfy |Σ_{i<w} d_i·32^i| < 0.52·32^w,
 * so 0 ≤ M_w < n for every w when k < n. The addition a·P + d·P is exceptional when a ≡ ±d
 * (mod n):
 *   - a ≡ −d means M_w ≡ 0, so M_w = 0 and a = −d; a is a multiple of 32 and |d| ≤ 16, so
 *     a = d = 0: both operands are the identity;
 *   - a ≡ d means M_w − 2d ≡ 0 with M_w − 2d in [−32, n + 32), so a = d (again a = d = 0) or
 *     a = n + d with d < 0 (as M_w = n + 2d < n); then n + d ≡ 0 mod 32, d ≡ −n ≡ −17 mod 32,
 *     impossible for d in [−15, 16].
 * So the only exceptional cases are "the accumulator is the identity" (every digit so far was
 * zero) and "d = 0", both known from the digits: the flag `accumulatorIsIdentity` and
 * `equalBit(magnitude, 0)` select the right result. Table entries j·P = (j − 1)·P + P are never
 * exceptional for 3 ≤ j ≤ 16 < n. The tests run scalars 1, 2, n − 1, n − 2, 2^256 − n and
 * others next to noble.
 */
import { DIGITS, digitMagnitude, digitSign, equalBit, signedDigits, WINDOW_ENTRIES } from './digits.ts';
import { FIELD_ONE, fieldScale, type FieldElement } from './field.ts';
import {
  JACOBIAN_IDENTITY,
  jacobianAdd,
  jacobianAddAffine,
  jacobianCopy,
  jacobianDouble,
  jacobianSelect,
  newJacobian,
  type JacobianPoint,
} from './jacobian.ts';

/** table[j] = (j + 1)·P. */
const table: readonly JacobianPoint[] = Array.from({ length: WINDOW_ENTRIES }, newJacobian);
const digits = new Int32Array(DIGITS);
const entry = newJacobian();
const sum = newJacobian();

/**
 * entry = table[magnitude − 1] (all zero for magnitude 0), scanning every entry; the limbs
 * accumulate in locals.
 */
function lookup(magnitude: number): void {
  let x0 = 0, x1 = 0, x2 = 0, x3 = 0, x4 = 0, x5 = 0;
  let x6 = 0, x7 = 0, x8 = 0, x9 = 0, x10 = 0, x11 = 0;
  let y0 = 0, y1 = 0, y2 = 0, y3 = 0, y4 = 0, y5 = 0;
  let y6 = 0, y7 = 0, y8 = 0, y9 = 0, y10 = 0, y11 = 0;
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0, z4 = 0, z5 = 0;
  let z6 = 0, z7 = 0, z8 = 0, z9 = 0, z10 = 0, z11 = 0;
  for (let j = 0; j < WINDOW_ENTRIES; j++) {
    const take = equalBit(magnitude, j + 1);
    const p = table[j] as JacobianPoint;
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

/**
 * `out = k·P` for the affine point P = (x, y) (a point of the curve) and k given as 32
 * big-endian bytes in [1, n − 1]. For k = 0, `out` is the identity (1 : 1 : 0).
 */
export function mulPoint(out: JacobianPoint, x: FieldElement, y: FieldElement, k: Uint8Array): void {
  const first = table[0] as JacobianPoint;
  first.x.set(x);
  first.y.set(y);
  first.z.set(FIELD_ONE);
  jacobianCopy(table[1] as JacobianPoint, first);
  jacobianDouble(table[1] as JacobianPoint);
  for (let j = 2; j < WINDOW_ENTRIES; j++) {
    jacobianCopy(table[j] as JacobianPoint, table[j - 1] as JacobianPoint);
    jacobianAddAffine(table[j] as JacobianPoint, x, y);
  }
  signedDigits(digits, k);
  jacobianCopy(out, JACOBIAN_IDENTITY);
  let accumulatorIsIdentity = 1;
  for (let w = DIGITS - 1; w >= 0; w--) {
    if (w < DIGITS - 1) for (let i = 0; i < 5; i++) jacobianDouble(out);
    const d = digits[w] as number;
    const magnitude = digitMagnitude(d);
    const digitIsZero = equalBit(magnitude, 0);
    lookup(magnitude);
    fieldScale(entry.y, entry.y, 1 + 2 * digitSign(d)); // −(X : Y : Z) = (X : −Y : Z)
    jacobianCopy(sum, out);
    jacobianAdd(sum, entry);
    jacobianSelect(sum, sum, out, digitIsZero); // a zero digit adds nothing
    jacobianSelect(out, sum, entry, accumulatorIsIdentity); // identity + entry = entry
    accumulatorIsIdentity &= digitIsZero;
  }
  // Only k ≡ 0 leaves the identity: make it (1 : 1 : 0) whatever the arithmetic left there.
  jacobianSelect(out, out, JACOBIAN_IDENTITY, accumulatorIsIdentity);
}
