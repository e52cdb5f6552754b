/**
 * @module crypto/p256/jacobian
 * Jacobian coordinates (X : Y : Z), x = X/Z², y = Y/Z³, the identity any point with Z = 0.
 * Doubling costs 3M + 5S here against 8M + 3S + 2m_b for the complete projective formula of
 * `point.ts`, and scalar multiplication is mostly doublings. Formulas from the Explicit-Formulas
 * Database: dbl-2001-b (a = −3), madd-2007-bl (mixed addition), add-2007-bl. Each function is
 * a fixed sequence of field operations: no branch, whatever the values.
 *
 * These formulas are *not* complete: adding P to ±P, or the identity to anything, gives Z = 0
 * (H = 0 makes Z3 = 0) instead of the sum, and Z = 0 then stays 0 through every later doubling
 * and addition. Every caller therefore shows that the case cannot arise or handles it:
 * `base-mult.ts` and `point-mult.ts` prove that, for a scalar in [1, n − 1], their only
 * exceptional additions involve the identity, and track that with a 0/1 flag computed from the
 * digits (no branch); `double-mult.ts` (verification, public inputs) checks for a final Z = 0
 * and then recomputes with the complete formulas.
 *
 * Weights (see `field.ts`): a point here has X of weight ≤ 4, Y ≤ 3, Z ≤ 2, and the affine
 * operand of `jacobianAddAffine` weight 1; each function returns that shape.
 */
import { FIELD_ONE, fieldAdd, fieldCarry, fieldInvert, fieldMul, fieldScale, fieldSqr, fieldSub, newField, type FieldElement } from './field.ts';
import { select } from './limbs.ts';

/** A point in Jacobian coordinates (X ≤ w4, Y ≤ w3, Z ≤ w2). */
export interface JacobianPoint {
  readonly x: FieldElement;
  readonly y: FieldElement;
  readonly z: FieldElement;
}

/** A new point with zero coordinates (the identity). */
export function newJacobian(): JacobianPoint {
  return { x: newField(), y: newField(), z: newField() };
}

/** The identity (1 : 1 : 0), as `base-mult.ts` and `point-mult.ts` return it. */
export const JACOBIAN_IDENTITY: JacobianPoint = { x: FIELD_ONE.slice(), y: FIELD_ONE.slice(), z: newField() };

/** `p = q`. */
export function jacobianCopy(p: JacobianPoint, q: JacobianPoint): void {
  p.x.set(q.x);
  p.y.set(q.y);
  p.z.set(q.z);
}

/** `out = bit ? b : a` for `bit` in {0, 1}, without a branch. */
export function jacobianSelect(out: JacobianPoint, a: JacobianPoint, b: JacobianPoint, bit: number): void {
  select(out.x, a.x, b.x, bit);
  select(out.y, a.y, b.y, bit);
  select(out.z, a.z, b.z, bit);
}


const delta = newField();
const gamma = newField();
const beta = newField();
const alpha = newField();
const t = newField();
const z1z1 = newField();
const z2z2 = newField();
const u1 = newField();
const u2 = newField();
const s1 = newField();
const s2 = newField();
const h = newField();
const i4 = newField();
const j = newField();
const r = newField();
const v = newField();

/** `p = 2p` (dbl-2001-b, a = −3: 3M + 5S). */
export function jacobianDouble(p: JacobianPoint): void {
  fieldSqr(delta, p.z); // Z²: w1 (2 ≤ 11)
  fieldSqr(gamma, p.y); // Y²: w1 (3)
  fieldMul(beta, p.x, gamma); // X·Y²: w1 (4·1)
  fieldSub(t, p.x, delta); // w5
  fieldAdd(alpha, p.x, delta); // w5
  fieldMul(alpha, alpha, t); // 5·5
  fieldScale(alpha, alpha, 3); // alpha = 3(X − Z²)(X + Z²): w3
  fieldMul(p.z, p.y, p.z); // Z3 = 2YZ (3·2)
  fieldScale(p.z, p.z, 2); // w2
  fieldScale(beta, beta, 4); // 4beta: w4
  fieldSqr(p.x, alpha); // w1 (3 ≤ 11)
  fieldSub(p.x, p.x, beta);
  fieldSub(p.x, p.x, beta); // X3 = alpha² − 8beta: w9
  fieldCarry(p.x); // w2
  fieldSub(t, beta, p.x); // 4beta − X3: w6
  fieldMul(t, alpha, t); // 3·6
  fieldSqr(gamma, gamma); // Y⁴: w1
  fieldScale(gamma, gamma, 8); // w8
  fieldSub(p.y, t, gamma); // Y3 = alpha(4beta − X3) − 8Y⁴: w9
  fieldCarry(p.y); // w2
}

/** `p = p + (x2, y2)` for an affine point (madd-2007-bl: 7M + 4S). */
export function jacobianAddAffine(p: JacobianPoint, x2: FieldElement, y2: FieldElement): void {
  fieldSqr(z1z1, p.z); // w1
  fieldMul(u2, x2, z1z1); // w1
  fieldMul(s2, p.z, z1z1); // 2·1
  fieldMul(s2, y2, s2); // w1
  fieldSub(h, u2, p.x); // H = U2 − X1: w5
  fieldSqr(i4, h); // HH: w1 (5 ≤ 11)
  fieldScale(i4, i4, 4); // I = 4HH: w4
  fieldMul(j, h, i4); // J = H·I (5·4)
  fieldSub(r, s2, p.y);
  fieldScale(r, r, 2); // r = 2(S2 − Y1): w8
  fieldMul(v, p.x, i4); // V = X1·I (4·4)
  fieldMul(p.z, p.z, h); // Z3 = 2·Z1·H (2·5)
  fieldScale(p.z, p.z, 2); // w2
  finish(p, p.y);
}

/** `p = p + q` (add-2007-bl: 11M + 5S). `q` is read only. */
export function jacobianAdd(p: JacobianPoint, q: JacobianPoint): void {
  fieldSqr(z1z1, p.z); // w1
  fieldSqr(z2z2, q.z); // w1
  fieldMul(u1, p.x, z2z2); // U1 = X1·Z2² (4·1)
  fieldMul(u2, q.x, z1z1); // U2 = X2·Z1²
  fieldMul(s1, q.z, z2z2); // 2·1
  fieldMul(s1, p.y, s1); // S1 = Y1·Z2³ (3·1)
  fieldMul(s2, p.z, z1z1);
  fieldMul(s2, q.y, s2); // S2 = Y2·Z1³
  fieldSub(h, u2, u1); // H: w2
  fieldScale(i4, h, 2);
  fieldSqr(i4, i4); // I = (2H)²: w1 (4 ≤ 11)
  fieldMul(j, h, i4); // J = H·I (2·1)
  fieldSub(r, s2, s1);
  fieldScale(r, r, 2); // r = 2(S2 − S1): w4
  fieldMul(v, u1, i4); // V = U1·I
  fieldMul(p.z, p.z, q.z); // 2·2
  fieldMul(p.z, p.z, h); // Z3 = 2·Z1·Z2·H (1·2)
  fieldScale(p.z, p.z, 2); // w2
  finish(p, s1);
}

/**
 * The common tail of both additions, from r, J, V and the "S1" term:
 *   X3 = r² − J − 2V                (r: w ≤ 8 ≤ 11)   → w4
 *   Y3 = r·(V − X3) − 2·S1·J        (8·5, S1 ≤ w3)     → w3
 */
function finish(p: JacobianPoint, sOne: FieldElement): void {
  fieldMul(t, sOne, j); // 3·1
  fieldScale(t, t, 2); // 2·S1·J: w2
  fieldSqr(p.x, r);
  fieldSub(p.x, p.x, j);
  fieldSub(p.x, p.x, v);
  fieldSub(p.x, p.x, v); // w4
  fieldSub(v, v, p.x); // V − X3: w5
  fieldMul(v, r, v); // 8·5
  fieldSub(p.y, v, t); // w3
}

const zInverse = newField();

/**
 * The affine coordinates (X/Z², Y/Z³) with a constant-time inversion (Fermat); `y` may be
 * omitted. The identity gives (0, 0): callers that may meet it check `fieldIsZero(p.z)`.
 */
export function jacobianToAffine(x: FieldElement, y: FieldElement | undefined, p: JacobianPoint): void {
  fieldInvert(zInverse, p.z); // 1/Z (Z: w2)
  if (y !== undefined) {
    fieldSqr(t, zInverse);
    fieldMul(t, t, zInverse); // 1/Z³
    fieldMul(y, p.y, t);
  }
  fieldSqr(zInverse, zInverse); // 1/Z²
  fieldMul(x, p.x, zInverse);
}
