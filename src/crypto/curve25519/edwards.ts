/**
 * @module crypto/curve25519/edwards
 * The group edwards25519 of RFC 8032 §5.1 (-x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)) in
 * extended coordinates (Hisil, Wong, Carter, Dawson, "Twisted Edwards Curves Revisited", 2008,
 * §3: x = X/Z, y = Y/Z, x*y = T/Z), with:
 *
 * - point decoding and encoding (RFC 8032 §5.1.2, §5.1.3), strict: non-canonical y rejected;
 * - `scalarMultBase`: [k]B in constant time with a precomputed table of 32 x 8 multiples of the
 *   base point, read by scanning every entry (radix-16 signed digits, as in ref10's
 *   ge_scalarmult_base); used for Ed25519 keys and signatures and for X25519 public keys;
 * - `doubleScalarMultVartime`: [a]P + [b]B for verification, variable time (public inputs
 *   only), with width-5 NAF for P and width-7 NAF over a static table for B.
 *
 * Formula scales (see field.ts) are noted where they approach the limit of 16.
 */
import { add, carry, copy, cswap, equal, fe, fromBytes, fromHexLE, invert, isOdd, isZero, mul, neg, pow2523, setSmall, sqr, sub, toBytes, type Fe } from './field.ts';

/** A point in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, T = XY/Z. All carried. */
export interface Point {
  readonly X: Fe;
  readonly Y: Fe;
  readonly Z: Fe;
  readonly T: Fe;
}

/** A point prepared as the second operand of an addition: (Y + X, Y - X, Z, 2d T), carried. */
interface Cached {
  readonly yPlusX: Fe;
  readonly yMinusX: Fe;
  readonly Z: Fe;
  readonly t2d: Fe;
}

/** An affine point prepared for mixed addition (Z = 1): (y + x, y - x, 2d x y), carried. */
interface Affine {
  readonly yPlusX: Fe;
  readonly yMinusX: Fe;
  readonly xy2d: Fe;
}

/** A new point, the identity (0 : 1 : 1 : 0). */
export function point(): Point {
  const p = { X: fe(), Y: fe(), Z: fe(), T: fe() };
  setIdentity(p);
  return p;
}

/** `p = ` the identity. */
function setIdentity(p: Point): void {
  setSmall(p.X, 0);
  setSmall(p.Y, 1);
  setSmall(p.Z, 1);
  setSmall(p.T, 0);
}

/** `out = p`. */
function copyPoint(out: Point, p: Point): void {
  copy(out.X, p.X);
  copy(out.Y, p.Y);
  copy(out.Z, p.Z);
  copy(out.T, p.T);
}

/** `out = -p`. */
export function negate(out: Point, p: Point): void {
  neg(out.X, p.X);
  copy(out.Y, p.Y);
  copy(out.Z, p.Z);
  neg(out.T, p.T);
}

/**
 * RFC 8032 §5.1.3 decoding, strict: y must be canonical (< p), x^2 = (y^2 - 1) / (d y^2 + 1)
 * must have a root, and x = 0 with the sign bit set is refused. Returns false (leaving `out`
 * unspecified) for an invalid encoding. Variable time: encodings are public.
 */
export function decodePoint(out: Point, bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const { y, u, v, v3, x, t } = DECODE;
  fromBytes(y, bytes);
  // 1. y < p: the canonical encoding of y must be the input with bit 255 cleared.
  toBytes(CANON, y);
  for (let i = 0; i < 31; i++) if (CANON[i] !== bytes[i]) return false;
  if (CANON[31] !== (bytes[31]! & 0x7f)) return false;
  // 2. u = y^2 - 1, v = d y^2 + 1; x = u v^3 (u v^7)^((p-5)/8).
  sqr(u, y);
  mul(v, u, D);
  sub(u, u, ONE);
  add(v, v, ONE);
  carry(u);
  carry(v);
  sqr(v3, v);
  mul(v3, v3, v); // v^3
  sqr(x, v3);
  mul(x, x, v); // v^7
  mul(x, x, u); // u v^7
  pow2523(x, x);
  mul(x, x, v3);
  mul(x, x, u);
  // 3. v x^2 = u: x is a root; v x^2 = -u: x * sqrt(-1) is; otherwise there is none.
  sqr(t, x);
  mul(t, t, v);
  if (!equal(t, u)) {
    add(t, t, u);
    if (!isZero(t)) return false;
    mul(x, x, SQRT_M1);
  }
  // 4. x = 0 with x_0 = 1 is invalid; otherwise pick the root whose parity is x_0.
  const sign = bytes[31]! >>> 7;
  if (sign === 1 && isZero(x)) return false;
  if (isOdd(x) !== sign) neg(x, x);
  copy(out.X, x);
  copy(out.Y, y);
  setSmall(out.Z, 1);
  mul(out.T, x, y);
  return true;
}

/** RFC 8032 §5.1.2 encoding: y with the parity of x in bit 255. */
export function encodePoint(p: Point): Uint8Array {
  const { x, y, zInv } = ENCODE;
  invert(zInv, p.Z);
  mul(x, p.X, zInv);
  mul(y, p.Y, zInv);
  const out = new Uint8Array(32);
  toBytes(out, y);
  out[31] = out[31]! | (isOdd(x) << 7);
  return out;
}

/** Whether `p` is the identity: X = 0 and Y = Z. Constant time in the value. */
export function isIdentity(p: Point): boolean {
  return isZero(p.X) && equal(p.Y, p.Z);
}

/**
 * `out = 2p` (dbl-2008-hwcd with a = -1): A = X^2, B = Y^2, C = 2 Z^2, H = A + B,
 * E = H - (X + Y)^2, G = A - B, F = C + G; X3 = E F, Y3 = G H, T3 = E H, Z3 = F G.
 * Scales: E 3, F 4, G 2, H 2, so E F = 12 <= 16. With `needT` false, T3 is not computed (left
 * stale): for a doubling followed by another doubling, which does not read T.
 */
export function double(out: Point, p: Point, needT: boolean): void {
  const { a, b, c, e, f, g, h } = TMP;
  sqr(a, p.X);
  sqr(b, p.Y);
  sqr(c, p.Z);
  add(c, c, c);
  add(e, p.X, p.Y);
  sqr(e, e);
  add(h, a, b);
  sub(e, h, e);
  sub(g, a, b);
  add(f, c, g);
  mul(out.X, e, f);
  mul(out.Y, g, h);
  if (needT) mul(out.T, e, h);
  mul(out.Z, f, g);
}

/**
 * `out = p + q` (add-2008-hwcd-3 with a = -1, k = 2d): A = (Y1 - X1)(Y2 - X2),
 * B = (Y1 + X1)(Y2 + X2), C = T1 2d T2, D = 2 Z1 Z2, E = B - A, F = D - C, G = D + C,
 * H = B + A. Scales: E 2, F 3, G 3, H 2, so F G = 9. With `subtract`, adds -q instead.
 */
function addCached(out: Point, p: Point, q: Cached, subtract: boolean): void {
  const { a, b, c, d, e, f, g, h } = TMP;
  sub(a, p.Y, p.X);
  mul(a, a, subtract ? q.yPlusX : q.yMinusX);
  add(b, p.Y, p.X);
  mul(b, b, subtract ? q.yMinusX : q.yPlusX);
  mul(c, p.T, q.t2d);
  if (subtract) neg(c, c);
  mul(d, p.Z, q.Z);
  add(d, d, d);
  sub(e, b, a);
  sub(f, d, c);
  add(g, d, c);
  add(h, b, a);
  finish(out, e, f, g, h);
}

/** `out = p - q`. */
export function subtractPoint(out: Point, p: Point, q: Point): void {
  toCached(CACHED_TMP, q);
  addCached(out, p, CACHED_TMP, true);
}

/** `out = p + q` for an affine q (Z2 = 1, so D = 2 Z1; otherwise as `addCached`). */
function addAffine(out: Point, p: Point, q: Affine): void {
  const { a, b, c, d, e, f, g, h } = TMP;
  sub(a, p.Y, p.X);
  mul(a, a, q.yMinusX);
  add(b, p.Y, p.X);
  mul(b, b, q.yPlusX);
  mul(c, p.T, q.xy2d);
  add(d, p.Z, p.Z);
  sub(e, b, a);
  sub(f, d, c);
  add(g, d, c);
  add(h, b, a);
  finish(out, e, f, g, h);
}

/** The common end of the HWCD formulas: X3 = E F, Y3 = G H, T3 = E H, Z3 = F G. */
function finish(out: Point, e: Fe, f: Fe, g: Fe, h: Fe): void {
  mul(out.X, e, f);
  mul(out.Y, g, h);
  mul(out.T, e, h);
  mul(out.Z, f, g);
}

/** `out = ` p prepared for `addCached`. */
function toCached(out: Cached, p: Point): void {
  add(out.yPlusX, p.Y, p.X);
  carry(out.yPlusX);
  sub(out.yMinusX, p.Y, p.X);
  carry(out.yMinusX);
  copy(out.Z, p.Z);
  mul(out.t2d, p.T, D2);
}

// ---------------------------------------------------------------------------------------------
// [k]B, constant time

/**
 * `out = [k]B` for a 32-byte little-endian scalar k < 2^255 (a clamped Ed25519 or X25519
 * scalar, or a scalar reduced mod L), in constant time: k is written as 64 signed radix-16
 * digits e_i in [-8, 8], k = sum e_i 16^i; then [k]B = 16 * sum_odd + sum_even, where each sum
 * adds one table entry e_i * 256^floor(i/2) * B per digit. Every lookup reads all 8 entries of
 * its row; the digit only decides, arithmetically, which one is kept and whether it is negated.
 */
export function scalarMultBase(out: Point, k: Uint8Array): void {
  const digits = DIGITS;
  for (let i = 0; i < 32; i++) {
    digits[2 * i] = k[i]! & 15;
    digits[2 * i + 1] = (k[i]! >>> 4) & 15;
  }
  // Recenter each digit from [0, 15] to [-8, 7] plus a carry into the next; the top digit
  // ends in [0, 8] because k < 2^255.
  let c = 0;
  for (let i = 0; i < 63; i++) {
    const x = digits[i]! + c;
    c = (x + 8) >> 4;
    digits[i] = x - (c << 4);
  }
  digits[63] = digits[63]! + c;
  const table = baseTable();
  setIdentity(out);
  for (let i = 1; i < 64; i += 2) {
    selectBase(SELECTED, table, i >>> 1, digits[i]!);
    addAffine(out, out, SELECTED);
  }
  double(out, out, false);
  double(out, out, false);
  double(out, out, false);
  double(out, out, true);
  for (let i = 0; i < 64; i += 2) {
    selectBase(SELECTED, table, i >>> 1, digits[i]!);
    addAffine(out, out, SELECTED);
  }
}

/**
 * `out = digit * 256^row * B` from the table, digit in [-8, 8], in constant time: each
 * coordinate is the sum over all eight entries of the row of weight * entry, with weight 1 for
 * the entry |digit| and 0 for the others (all 0, plus the identity (1, 1, 0), for digit 0); a
 * negative digit then swaps y + x with y - x and negates 2dxy (-(x, y) = (-x, y)).
 */
function selectBase(out: Affine, table: Float64Array, row: number, digit: number): void {
  const negative = digit >>> 31; // 1 when digit < 0
  const abs = digit - ((-negative & digit) << 1);
  const weights = WEIGHTS;
  for (let j = 0; j < 8; j++) weights[j] = ((abs ^ (j + 1)) - 1) >>> 31; // 1 when abs === j + 1
  const identity = (abs - 1) >>> 31; // 1 when abs === 0
  const rowBase = row * 8 * AFFINE_SIZE;
  for (let c = 0; c < 3; c++) {
    const dst = c === 0 ? out.yPlusX : c === 1 ? out.yMinusX : out.xy2d;
    for (let i = 0; i < 12; i++) {
      let at = rowBase + c * 12 + i;
      let v = 0;
      for (let j = 0; j < 8; j++, at += AFFINE_SIZE) v += weights[j]! * table[at]!;
      dst[i] = v;
    }
  }
  out.yPlusX[0] = out.yPlusX[0]! + identity;
  out.yMinusX[0] = out.yMinusX[0]! + identity;
  cswap(out.yPlusX, out.yMinusX, negative);
  const sign = 1 - 2 * negative;
  for (let i = 0; i < 12; i++) out.xy2d[i] = out.xy2d[i]! * sign;
}

/** Lazily built: row i holds j * 256^i * B for j = 1..8, as Affine triples. */
let BASE_TABLE: Float64Array | undefined;

function baseTable(): Float64Array {
  if (BASE_TABLE === undefined) {
    const points: Point[] = [];
    const rowBase = point();
    copyPoint(rowBase, BASE);
    const cached = cachedPoint();
    for (let row = 0; row < 32; row++) {
      toCached(cached, rowBase);
      const multiple = point();
      copyPoint(multiple, rowBase);
      for (let j = 1; j <= 8; j++) {
        points.push(clonePoint(multiple));
        addCached(multiple, multiple, cached, false);
      }
      for (let i = 0; i < 8; i++) double(rowBase, rowBase, true); // * 256
    }
    BASE_TABLE = affineTable(points);
  }
  return BASE_TABLE;
}

// ---------------------------------------------------------------------------------------------
// [a]P + [b]B, variable time

/**
 * `out = [a]P + [b]B` for public 32-byte little-endian scalars a, b < 2^253 (Straus's method:
 * one chain of doublings, adding table entries at the non-zero NAF digits of each scalar).
 * Variable time: only for verification, where every input is public.
 */
export function doubleScalarMultVartime(out: Point, a: Uint8Array, p: Point, b: Uint8Array): void {
  const nafA = naf(a, P_WINDOW);
  const nafB = naf(b, B_WINDOW);
  // Odd multiples P, 3P, ..., 15P.
  const pTable: Cached[] = [];
  const p2 = point();
  double(p2, p, true);
  const p2Cached = cachedPoint();
  toCached(p2Cached, p2);
  const multiple = clonePoint(p);
  for (let i = 0; i < 1 << (P_WINDOW - 2); i++) {
    const c = cachedPoint();
    toCached(c, multiple);
    pTable.push(c);
    addCached(multiple, multiple, p2Cached, false);
  }
  const bTable = oddBaseMultiples();
  let top = 255;
  while (top >= 0 && nafA[top] === 0 && nafB[top] === 0) top--;
  setIdentity(out);
  for (let i = top; i >= 0; i--) {
    const da = nafA[i]!;
    const db = nafB[i]!;
    double(out, out, da !== 0 || db !== 0 || i === 0);
    if (da !== 0) addCached(out, out, pTable[Math.abs(da) >>> 1]!, da < 0);
    if (db !== 0) addAffineSigned(out, bTable, Math.abs(db) >>> 1, db < 0);
  }
}

/** `out += ±table[index]` for the static odd-multiples-of-B table (variable time). */
function addAffineSigned(out: Point, table: Float64Array, index: number, subtract: boolean): void {
  const q = SELECTED;
  const base = index * AFFINE_SIZE;
  for (let i = 0; i < 12; i++) {
    q.yPlusX[i] = table[base + (subtract ? 12 : 0) + i]!;
    q.yMinusX[i] = table[base + (subtract ? 0 : 12) + i]!;
    q.xy2d[i] = subtract ? -table[base + 24 + i]! : table[base + 24 + i]!;
  }
  addAffine(out, out, q);
}

/**
 * Width-w non-adjacent form of a 32-byte little-endian scalar < 2^255: digits d_i, each 0 or
 * odd in (-2^(w-1), 2^(w-1)), with sum d_i 2^i = the scalar and at least w - 1 zeros after
 * each non-zero digit.
 */
function naf(scalar: Uint8Array, w: number): Int8Array {
  const out = new Int8Array(256);
  let bit = 0;
  let carryBit = 0;
  while (bit < 256) {
    if (bitsAt(scalar, bit, 1) === carryBit) {
      bit++;
      continue;
    }
    const n = Math.min(w, 256 - bit);
    let word = bitsAt(scalar, bit, n) + carryBit;
    carryBit = (word >>> (w - 1)) & 1;
    word -= carryBit << w;
    out[bit] = word;
    bit += n;
  }
  return out;
}

/** `n <= 8` bits of the little-endian `bytes` starting at bit `bit` (0 past the end). */
function bitsAt(bytes: Uint8Array, bit: number, n: number): number {
  const i = bit >>> 3;
  const word = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8);
  return (word >>> (bit & 7)) & ((1 << n) - 1);
}

/** Lazily built: B, 3B, 5B, ..., (2^(B_WINDOW-1) - 1)B as Affine triples. */
let ODD_BASE_MULTIPLES: Float64Array | undefined;

function oddBaseMultiples(): Float64Array {
  if (ODD_BASE_MULTIPLES === undefined) {
    const b2 = point();
    double(b2, BASE, true);
    const b2Cached = cachedPoint();
    toCached(b2Cached, b2);
    const multiple = clonePoint(BASE);
    const points: Point[] = [];
    for (let i = 0; i < 1 << (B_WINDOW - 2); i++) {
      points.push(clonePoint(multiple));
      addCached(multiple, multiple, b2Cached, false);
    }
    ODD_BASE_MULTIPLES = affineTable(points);
  }
  return ODD_BASE_MULTIPLES;
}

// ---------------------------------------------------------------------------------------------
// Table building (public points, once per process)

/** Packs points as Affine triples (y + x, y - x, 2d x y), with one shared inversion. */
function affineTable(points: readonly Point[]): Float64Array {
  const n = points.length;
  // Montgomery's trick: prefix[i] = Z_0 ... Z_i, one inversion, then walk back.
  const prefix: Fe[] = [];
  const acc = fe();
  setSmall(acc, 1);
  for (const p of points) {
    mul(acc, acc, p.Z);
    prefix.push(Float64Array.from(acc));
  }
  const inv = fe();
  invert(inv, acc);
  const table = new Float64Array(n * AFFINE_SIZE);
  const zInv = fe(), x = fe(), y = fe(), t = fe();
  for (let i = n - 1; i >= 0; i--) {
    const p = points[i]!;
    if (i > 0) mul(zInv, inv, prefix[i - 1]!);
    else copy(zInv, inv);
    mul(inv, inv, p.Z);
    mul(x, p.X, zInv);
    mul(y, p.Y, zInv);
    add(t, y, x);
    carry(t);
    table.set(t, i * AFFINE_SIZE);
    sub(t, y, x);
    carry(t);
    table.set(t, i * AFFINE_SIZE + 12);
    mul(t, x, y);
    mul(t, t, D2);
    table.set(t, i * AFFINE_SIZE + 24);
  }
  return table;
}

function clonePoint(p: Point): Point {
  return { X: Float64Array.from(p.X), Y: Float64Array.from(p.Y), Z: Float64Array.from(p.Z), T: Float64Array.from(p.T) };
}

function cachedPoint(): Cached {
  return { yPlusX: fe(), yMinusX: fe(), Z: fe(), t2d: fe() };
}

// ---------------------------------------------------------------------------------------------
// Constants (little-endian hex). A wrong digit in any of them fails the RFC 8032 §7.1 and
// Wycheproof vectors (test/unit/crypto/curve25519/ed25519.test.ts).

/** d = -121665 / 121666 (RFC 8032 §5.1). */
const D = fromHexLE('a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352');
/** 2d. */
const D2 = fromHexLE('59f1b226949bd6eb56b183829a14e00030d1f3eef2808e19e7fcdf56dcd90624');
/** sqrt(-1) = 2^((p-1)/4) (RFC 8032 §5.1.3 step 3). */
const SQRT_M1 = fromHexLE('b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b');
const ONE = fromHexLE('0100000000000000000000000000000000000000000000000000000000000000');

/** The base point B (RFC 8032 §5.1: y = 4/5, x even). */
const BASE: Point = {
  X: fromHexLE('1ad5258f602d56c9b2a7259560c72c695cdcd6fd31e2a4c0fe536ecdd3366921'),
  Y: fromHexLE('5866666666666666666666666666666666666666666666666666666666666666'),
  Z: fromHexLE('0100000000000000000000000000000000000000000000000000000000000000'),
  T: fromHexLE('a3ddb7a5b38ade6df5525177809ff0207de3ab648e4eea6665768bd70f5f8767'),
};

/** Float64 slots per Affine table entry: three field elements. */
const AFFINE_SIZE = 36;
/** NAF widths: 8 odd multiples of P built per call; 32 of B built once. */
const P_WINDOW = 5;
const B_WINDOW = 7;

// Scratch space (single-threaded, never held across calls).
const TMP = { a: fe(), b: fe(), c: fe(), d: fe(), e: fe(), f: fe(), g: fe(), h: fe() };
const DECODE = { y: fe(), u: fe(), v: fe(), v3: fe(), x: fe(), t: fe() };
const ENCODE = { x: fe(), y: fe(), zInv: fe() };
const CANON = new Uint8Array(32);
const DIGITS = new Int32Array(64);
const SELECTED: Affine = { yPlusX: fe(), yMinusX: fe(), xy2d: fe() };
const WEIGHTS = new Float64Array(8);
const CACHED_TMP = cachedPoint();
