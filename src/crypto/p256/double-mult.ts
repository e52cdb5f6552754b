/**
 * @module crypto/p256/double-mult
 * u1·G + u2·Q for ECDSA verification (SEC 1 §4.1.4 step 5), where u1, u2 and Q are all public:
 * Straus's interleaved multiplication ("Shamir's trick") over width-w NAFs, sharing one chain of
 * 256 doublings — width 8 for G, from a lazily built table of the 64 odd multiples 1·G … 127·G
 * (affine), and width 5 for Q, from 1·Q … 15·Q computed per call (Jacobian).
 *
 * Variable time by design (public inputs only), in Jacobian coordinates (`jacobian.ts`) without
 * per-step exceptional checks: if the final Z is 0, the sum is the identity or some step met an
 * exceptional case (P ± P), and the result is recomputed the slow way: u1·G and u2·Q apart
 * (`base-mult.ts`, `point-mult.ts`, exact for every scalar below n) and added with the complete
 * formula of `point.ts`, which is right for every pair of points. Honest signatures never take
 * that path; Wycheproof's edge cases do.
 */
import { mulBase } from './base-mult.ts';
import { FIELD_ONE, fieldCarry, fieldConstant, fieldIsZero, fieldMul, fieldScale, fieldSqr, newField, type FieldElement } from './field.ts';
import { jacobianAdd, jacobianAddAffine, jacobianDouble, newJacobian, type JacobianPoint } from './jacobian.ts';
import { LIMBS } from './limbs.ts';
import {
  GX,
  GY,
  newPoint,
  pointAdd,
  pointDouble,
  pointSetAffine,
  pointsToAffine,
  type AffinePoint,
  type ProjectivePoint,
} from './point.ts';
import { mulPoint } from './point-mult.ts';

/** x-coordinate of a point as a fraction: x = num / den (den = Z² in Jacobian, Z projective). */
export interface XFraction {
  readonly num: FieldElement;
  readonly den: FieldElement;
}

const G_WIDTH = 8;
const Q_WIDTH = 5;
/** Signed digits of a 256-bit number in width-w NAF: at most 257. */
const NAF_LEN = 257;

let gTable: Float64Array | undefined;

/** (2j + 1)·G for j = 0 … 63, affine. */
function buildGTable(): Float64Array {
  const g = newPoint();
  pointSetAffine(g, fieldConstant(GX), fieldConstant(GY));
  const twoG = newPoint();
  pointDouble(twoG, g);
  const points: ProjectivePoint[] = [g];
  for (let j = 1; j < 1 << (G_WIDTH - 2); j++) {
    const next = newPoint();
    pointAdd(next, points[j - 1] as ProjectivePoint, twoG);
    points.push(next);
  }
  return pointsToAffine(points);
}

/**
 * Writes the width-w NAF of the 32-byte big-endian `k` into `out` (k = Σ out[i]·2^i, each
 * digit zero or odd with |digit| < 2^(w−1), any w consecutive digits with at most one nonzero).
 * @returns the index of the highest nonzero digit plus one (0 for k = 0)
 */
export function wnaf(out: Int8Array, k: Uint8Array, w: number): number {
  const bits = new Uint8Array(NAF_LEN + w + 1);
  for (let i = 0; i < 256; i++) bits[i] = ((k[31 - (i >> 3)] as number) >> (i & 7)) & 1;
  out.fill(0);
  let top = 0;
  for (let i = 0; i < NAF_LEN; ) {
    if (bits[i] === 0) {
      i++;
      continue;
    }
    let v = 0;
    for (let j = 0; j < w; j++) {
      v += (bits[i + j] as number) << j;
      bits[i + j] = 0;
    }
    if (v >= 1 << (w - 1)) {
      // Take v − 2^w and carry 2^w into the bits above the window.
      v -= 1 << w;
      let p = i + w;
      while (bits[p] === 1) bits[p++] = 0;
      bits[p] = 1;
    }
    out[i] = v;
    top = i + 1;
    i += w;
  }
  return top;
}

const nafG = new Int8Array(NAF_LEN);
const nafQ = new Int8Array(NAF_LEN);
const acc = newJacobian();
const qTable: readonly JacobianPoint[] = Array.from({ length: 1 << (Q_WIDTH - 2) }, newJacobian);
/** The same points negated: x and z shared with `qTable`, y negated. */
const qTableNegated: readonly JacobianPoint[] = qTable.map((p) => ({ x: p.x, y: newField(), z: p.z }));
const twoQ = newJacobian();
const entryY = newField();
const fallbackG = newJacobian();
const fallbackQ = newJacobian();
const projectiveG = newPoint();
const projectiveQ = newPoint();

/** (X : Y : Z) Jacobian → (X·Z : Y : Z³) projective, the same point (identity included). */
function toProjective(out: ProjectivePoint, p: JacobianPoint): void {
  fieldMul(out.x, p.x, p.z); // 4·2
  out.y.set(p.y);
  fieldCarry(out.y); // w3 → w2
  fieldSqr(out.z, p.z);
  fieldMul(out.z, out.z, p.z); // 1·2
}

/** Fills `qTable` with (2j + 1)·Q. */
function buildQTable(q: AffinePoint): void {
  const first = qTable[0] as JacobianPoint;
  setJacobian(first, q.x, q.y);
  setJacobian(twoQ, q.x, q.y);
  jacobianDouble(twoQ);
  for (let j = 1; j < qTable.length; j++) {
    const p = qTable[j] as JacobianPoint;
    copyJacobian(p, qTable[j - 1] as JacobianPoint);
    jacobianAdd(p, twoQ);
  }
  qTable.forEach((p, j) => fieldScale((qTableNegated[j] as JacobianPoint).y, p.y, -1));
}

function setJacobian(p: JacobianPoint, x: FieldElement, y: FieldElement): void {
  p.x.set(x);
  p.y.set(y);
  p.z.set(FIELD_ONE);
}

function copyJacobian(p: JacobianPoint, q: JacobianPoint): void {
  p.x.set(q.x);
  p.y.set(q.y);
  p.z.set(q.z);
}

/**
 * u1·G + u2·Q for 32-byte big-endian u1, u2 < n and a valid point Q, as the fraction of its
 * x-coordinate; undefined when the sum is the identity. Variable time: public inputs only.
 */
export function mulDoubleVartime(u1: Uint8Array, u2: Uint8Array, q: AffinePoint): XFraction | undefined {
  const table = (gTable ??= buildGTable());
  const topG = wnaf(nafG, u1, G_WIDTH);
  const topQ = wnaf(nafQ, u2, Q_WIDTH);
  buildQTable(q);
  let started = false;
  for (let i = Math.max(topG, topQ) - 1; i >= 0; i--) {
    if (started) jacobianDouble(acc);
    const dg = nafG[i] as number;
    if (dg !== 0) {
      const off = ((Math.abs(dg) - 1) >> 1) * 2 * LIMBS;
      const x = table.subarray(off, off + LIMBS);
      entryY.set(table.subarray(off + LIMBS, off + 2 * LIMBS));
      if (dg < 0) fieldScale(entryY, entryY, -1);
      if (started) jacobianAddAffine(acc, x, entryY);
      else setJacobian(acc, x, entryY);
      started = true;
    }
    const dq = nafQ[i] as number;
    if (dq !== 0) {
      const entry = ((dq < 0 ? qTableNegated : qTable)[(Math.abs(dq) - 1) >> 1]) as JacobianPoint;
      if (started) jacobianAdd(acc, entry);
      else copyJacobian(acc, entry);
      started = true;
    }
  }
  if (!started) return undefined;
  if (!fieldIsZero(acc.z)) {
    const den = newField();
    fieldSqr(den, acc.z); // Jacobian: x = X/Z²
    return { num: acc.x.slice(), den };
  }
  // Identity or an exceptional step: recompute u1·G and u2·Q apart and add them completely.
  mulBase(fallbackG, u1);
  mulPoint(fallbackQ, q.x, q.y, u2);
  toProjective(projectiveG, fallbackG);
  toProjective(projectiveQ, fallbackQ);
  pointAdd(projectiveG, projectiveG, projectiveQ);
  if (fieldIsZero(projectiveG.z)) return undefined;
  return { num: projectiveG.x.slice(), den: projectiveG.z.slice() };
}
