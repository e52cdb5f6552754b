/**
 * @module crypto/p256/point
 * Points of P-256 (y² = x³ − 3x + b over GF(p), prime order n; SP 800-186 §3.2.1.3) in
 * homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, the identity (0 : 1 : 0),
 * with the *complete* formulas of Renes, Costello and Batina, "Complete addition formulas for
 * prime order elliptic curves" (EUROCRYPT 2016, eprint 2015/1060), Algorithms 4 and 6 for
 * a = −3. Complete means one formula gives the right sum for every pair of points — P + P,
 * P + (−P), the identity on either side. They cost about half again as much as the Jacobian
 * formulas of `jacobian.ts`, so they serve where an exceptional case cannot be ruled out or
 * speed does not matter: building the precomputed tables of G, and the verification fallback
 * of `double-mult.ts`.
 *
 * Weights (see `field.ts`): point coordinates have weight ≤ 2; every function here accepts that
 * and returns it. Each line below notes the weight of what it computes ("w3") and each product
 * the product of its operand weights, which must stay ≤ 128 (squares: weight ≤ 11).
 *
 * Also the SEC 1 point encodings (§2.3.3, §2.3.4) with the curve-membership check.
 */
import {
  FIELD_ONE,
  fieldAdd,
  fieldConstant,
  fieldEquals,
  fieldFromBytes,
  fieldInvert,
  fieldMul,
  fieldCarry,
  fieldScale,
  fieldSqr,
  fieldSqrt,
  fieldSub,
  fieldToBytes,
  newField,
  type FieldElement,
} from './field.ts';
import { LIMBS } from './limbs.ts';

/** A point in projective coordinates (coordinates of weight ≤ 2). */
export interface ProjectivePoint {
  readonly x: FieldElement;
  readonly y: FieldElement;
  readonly z: FieldElement;
}

/** A point in affine coordinates (x, y), never the identity. */
export interface AffinePoint {
  readonly x: FieldElement;
  readonly y: FieldElement;
}

/** The curve coefficient b (SP 800-186 §3.2.1.3). */
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
/** The base point G. */
export const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
export const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

const CURVE_B = fieldConstant(B);
const THREE = fieldConstant(3n);

/** A new point (all coordinates zero: not a valid point until set). */
export function newPoint(): ProjectivePoint {
  return { x: newField(), y: newField(), z: newField() };
}

/** `out = p`. */
export function pointCopy(out: ProjectivePoint, p: ProjectivePoint): void {
  out.x.set(p.x);
  out.y.set(p.y);
  out.z.set(p.z);
}

/** `out` = (x : y : 1). */
export function pointSetAffine(out: ProjectivePoint, x: FieldElement, y: FieldElement): void {
  out.x.set(x);
  out.y.set(y);
  out.z.set(FIELD_ONE);
}

// Temporaries of the formulas (the functions below never call each other).
const xx = newField();
const yy = newField();
const zz = newField();
const xyPairs = newField();
const yzPairs = newField();
const xzPairs = newField();
const bz3 = newField();
const bxz3 = newField();
const yyPlus = newField();
const yyMinus = newField();
const xx3MinusZz3 = newField();
const s1 = newField();
const s2 = newField();
const t = newField();

/** `out = p + q`, RCB Algorithm 4 (a = −3): 12M + 2m_b, complete. `out` may alias p or q. */
export function pointAdd(out: ProjectivePoint, p: ProjectivePoint, q: ProjectivePoint): void {
  fieldMul(xx, p.x, q.x); // w1 (2·2)
  fieldMul(yy, p.y, q.y); // w1
  fieldMul(zz, p.z, q.z); // w1
  fieldAdd(s1, p.x, p.y); // w4
  fieldAdd(s2, q.x, q.y); // w4
  fieldMul(xyPairs, s1, s2); // 4·4
  fieldSub(xyPairs, xyPairs, xx);
  fieldSub(xyPairs, xyPairs, yy); // X1Y2 + X2Y1: w3
  fieldAdd(s1, p.y, p.z);
  fieldAdd(s2, q.y, q.z);
  fieldMul(yzPairs, s1, s2);
  fieldSub(yzPairs, yzPairs, yy);
  fieldSub(yzPairs, yzPairs, zz); // Y1Z2 + Y2Z1: w3
  fieldAdd(s1, p.x, p.z);
  fieldAdd(s2, q.x, q.z);
  fieldMul(xzPairs, s1, s2);
  fieldSub(xzPairs, xzPairs, xx);
  fieldSub(xzPairs, xzPairs, zz); // X1Z2 + X2Z1: w3
  fieldMul(t, CURVE_B, zz); // w1
  fieldSub(bz3, xzPairs, t); // w4
  fieldCarry(bz3); // w2
  fieldScale(bz3, bz3, 3); // 3(xzPairs − b·ZZ): w6
  fieldSub(yyMinus, yy, bz3); // w7
  fieldAdd(yyPlus, yy, bz3); // w7
  fieldMul(bxz3, CURVE_B, xzPairs); // 1·3
  fieldSub(bxz3, bxz3, xx);
  fieldScale(t, zz, 3);
  fieldSub(bxz3, bxz3, t); // w5
  fieldScale(bxz3, bxz3, 3); // 3(b·xzPairs − XX − 3ZZ): w15
  fieldSub(xx3MinusZz3, xx, zz);
  fieldScale(xx3MinusZz3, xx3MinusZz3, 3); // 3(XX − ZZ): w6
  combine(out, xyPairs);
}

/**
 * The last lines of Algorithm 4 (operand weights in parentheses):
 *   X3 = yyPlus·xyPairs − yzPairs·bxz3         (7·3, 3·15)
 *   Y3 = yyPlus·yyMinus + xx3MinusZz3·bxz3      (7·7, 6·15)
 *   Z3 = yyMinus·yzPairs + xyPairs·xx3MinusZz3  (7·3, 3·6)
 * each a sum of two products: w2.
 */
function combine(out: ProjectivePoint, xy: FieldElement): void {
  fieldMul(s1, yyPlus, xy);
  fieldMul(s2, yzPairs, bxz3);
  fieldSub(out.x, s1, s2);
  fieldMul(s1, yyPlus, yyMinus);
  fieldMul(s2, xx3MinusZz3, bxz3);
  fieldAdd(out.y, s1, s2);
  fieldMul(s1, yyMinus, yzPairs);
  fieldMul(s2, xy, xx3MinusZz3);
  fieldAdd(out.z, s1, s2);
}

/** `out = 2p`, RCB Algorithm 6 (a = −3): 8M + 3S + 2m_b, exception-free. `out` may alias p. */
export function pointDouble(out: ProjectivePoint, p: ProjectivePoint): void {
  fieldSqr(xx, p.x); // w1 (w2 ≤ 11)
  fieldSqr(yy, p.y);
  fieldSqr(zz, p.z);
  fieldMul(xyPairs, p.x, p.y); // 2·2
  fieldScale(xyPairs, xyPairs, 2); // 2XY: w2
  fieldMul(xzPairs, p.x, p.z);
  fieldScale(xzPairs, xzPairs, 2); // 2XZ: w2
  fieldMul(yzPairs, p.y, p.z);
  fieldScale(yzPairs, yzPairs, 2); // 2YZ: w2
  fieldMul(bz3, CURVE_B, zz);
  fieldSub(bz3, bz3, xzPairs); // w3
  fieldScale(bz3, bz3, 3); // 3(b·ZZ − 2XZ): w9
  fieldSub(yyMinus, yy, bz3); // w10
  fieldAdd(yyPlus, yy, bz3); // w10
  fieldMul(bxz3, CURVE_B, xzPairs); // 1·2
  fieldSub(bxz3, bxz3, xx);
  fieldScale(t, zz, 3);
  fieldSub(bxz3, bxz3, t); // w5
  fieldScale(bxz3, bxz3, 3); // 3(2b·XZ − XX − 3ZZ): w15
  fieldSub(xx3MinusZz3, xx, zz);
  fieldScale(xx3MinusZz3, xx3MinusZz3, 3); // 3(XX − ZZ): w6
  fieldScale(t, yy, 4); // 4YY: w4
  // X3 = yyMinus·2XY − 2YZ·bxz3; Y3 = yyPlus·yyMinus + xx3MinusZz3·bxz3; Z3 = 2YZ·4YY.
  fieldMul(s1, yyMinus, xyPairs); // 10·2
  fieldMul(s2, yzPairs, bxz3); // 2·15
  fieldSub(out.x, s1, s2);
  fieldMul(s1, yyPlus, yyMinus); // 10·10
  fieldMul(s2, xx3MinusZz3, bxz3); // 6·15
  fieldAdd(out.y, s1, s2);
  fieldMul(out.z, yzPairs, t); // 2·4
}

/** SEC 1 §2.3.3 uncompressed encoding 04 ‖ X ‖ Y of an affine point. */
export function encodeUncompressed(x: FieldElement, y: FieldElement): Uint8Array {
  const out = new Uint8Array(65);
  out[0] = 0x04;
  fieldToBytes(x, out, 1);
  fieldToBytes(y, out, 33);
  return out;
}

const rhs = newField();
const lhs = newField();

/** `out = x³ − 3x + b`, the right-hand side of the curve equation. */
function curveRhs(out: FieldElement, x: FieldElement): void {
  fieldSqr(out, x);
  fieldSub(out, out, THREE); // w2
  fieldMul(out, out, x); // 2·1
  fieldAdd(out, out, CURVE_B); // w2
}

/**
 * SEC 1 §2.3.4 Octet-String-to-Elliptic-Curve-Point for P-256: uncompressed (04 ‖ X ‖ Y, 65
 * bytes) or compressed (02/03 ‖ X, 33 bytes). Rejects (undefined) every other length or prefix,
 * the identity (a single 00 byte), a coordinate ≥ p, a point off the curve (the invalid-curve
 * attack, RFC 8446 §4.2.8.2) and an X with no square root. Variable time: the input is public.
 */
export function decodePoint(bytes: Uint8Array): AffinePoint | undefined {
  const x = newField();
  const y = newField();
  if (bytes.length === 65 && bytes[0] === 0x04) {
    if (!fieldFromBytes(x, bytes, 1) || !fieldFromBytes(y, bytes, 33)) return undefined;
    curveRhs(rhs, x);
    fieldSqr(lhs, y);
    return fieldEquals(lhs, rhs) ? { x, y } : undefined;
  }
  if (bytes.length === 33 && (bytes[0] === 0x02 || bytes[0] === 0x03)) {
    if (!fieldFromBytes(x, bytes, 1)) return undefined;
    curveRhs(rhs, x);
    if (!fieldSqrt(y, rhs)) return undefined;
    // SEC 1 §2.3.4 step 2.4.2: pick the root whose parity is the prefix's low bit.
    const encoded = new Uint8Array(32);
    fieldToBytes(y, encoded, 0);
    if (((encoded[31] as number) & 1) !== ((bytes[0] as number) & 1)) fieldScale(y, y, -1);
    return { x, y };
  }
  return undefined;
}

/**
 * Converts projective points (none the identity) to affine with one inversion (Montgomery's
 * trick: invert the product of all Z, then peel off each 1/Z). Returns x ‖ y limbs per point
 * (weight 1), the layout of the precomputed tables. Used on public points only.
 */
export function pointsToAffine(points: readonly ProjectivePoint[]): Float64Array {
  const out = new Float64Array(points.length * 2 * LIMBS);
  const prefix = points.map(() => newField()); // prefix[i] = Z_0 · … · Z_i
  let acc: FieldElement = FIELD_ONE;
  points.forEach((p, i) => {
    fieldMul(prefix[i] as FieldElement, acc, p.z); // 1·2
    acc = prefix[i] as FieldElement;
  });
  const inverse = newField();
  fieldInvert(inverse, acc);
  const zInv = newField();
  const coordinate = newField();
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i] as ProjectivePoint;
    if (i > 0) fieldMul(zInv, inverse, prefix[i - 1] as FieldElement);
    else zInv.set(inverse);
    fieldMul(inverse, inverse, p.z); // now 1/(Z_0 … Z_{i−1})
    fieldMul(coordinate, p.x, zInv);
    out.set(coordinate, i * 2 * LIMBS);
    fieldMul(coordinate, p.y, zInv);
    out.set(coordinate, i * 2 * LIMBS + LIMBS);
  }
  return out;
}
