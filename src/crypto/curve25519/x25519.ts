/**
 * @module crypto/curve25519/x25519
 * The X25519 function of RFC 7748 §5: the Montgomery ladder on u-coordinates, constant time in
 * the scalar, over the float64 field of field.ts. The public key for the base point u = 9 is
 * computed on the birationally equivalent Edwards curve with the fixed-base table instead
 * (RFC 7748 §4.1 map u = (1 + y) / (1 - y)), which gives the same bytes about three times
 * faster.
 */
import { add, carry, copy, cswap, encode, fe, fromBytes, invert, mul, mulSmall, setSmall, sqr, sub } from './field.ts';
import { point, scalarMultBase } from './edwards.ts';

/**
 * RFC 7748 §5 X25519(k, u): the scalar is clamped (§5 decodeScalar25519), the top bit of u is
 * masked and a non-canonical u (>= p) taken mod p (§5 decodeUCoordinate). Returns the 32-byte
 * u-coordinate of k * u; the caller checks for the all-zero result (RFC 7748 §6.1).
 * @throws RangeError when `scalar` or `u` is not 32 bytes
 */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  if (scalar.length !== 32 || u.length !== 32) throw new RangeError('x25519: scalar and u must be 32 bytes');
  const k = clampScalar(scalar);
  const { x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb } = LADDER;
  fromBytes(x1, u);
  setSmall(x2, 1);
  setSmall(z2, 0);
  copy(x3, x1);
  setSmall(z3, 1);
  let swap = 0;
  for (let t = 254; t >= 0; t--) {
    const kt = (k[t >>> 3]! >>> (t & 7)) & 1;
    swap ^= kt;
    cswap(x2, x3, swap);
    cswap(z2, z3, swap);
    swap = kt;
    // RFC 7748 §5 ladder step (scales in brackets: carried values are 1).
    add(a, x2, z2); // A = x_2 + z_2 [2]
    sqr(aa, a); // AA = A^2
    sub(b, x2, z2); // B = x_2 - z_2 [2]
    sqr(bb, b); // BB = B^2
    sub(e, aa, bb); // E = AA - BB [2]
    add(c, x3, z3); // C = x_3 + z_3 [2]
    sub(d, x3, z3); // D = x_3 - z_3 [2]
    mul(da, d, a); // DA = D * A
    mul(cb, c, b); // CB = C * B
    add(x3, da, cb);
    sqr(x3, x3); // x_3 = (DA + CB)^2
    sub(z3, da, cb);
    sqr(z3, z3);
    mul(z3, x1, z3); // z_3 = x_1 * (DA - CB)^2
    mul(x2, aa, bb); // x_2 = AA * BB
    mulSmall(z2, e, A24);
    add(z2, aa, z2); // AA + a24 * E [2]
    mul(z2, e, z2); // z_2 = E * (AA + a24 * E)
  }
  cswap(x2, x3, swap);
  cswap(z2, z3, swap);
  // x_2 * z_2^(p-2): z_2 = 0 (a low-order u) gives 0, as the RFC's formula does.
  invert(z2, z2);
  mul(x2, x2, z2);
  return encode(x2);
}

/**
 * RFC 7748 §6.1 public key X25519(k, 9), computed as [k]B on edwards25519 and mapped to
 * u = (Z + Y) / (Z - Y). Z - Y = 0 only for the identity, and a clamped k (a multiple of 8 in
 * [2^254, 2^255)) is never a multiple of the group order L, so [k]B is never the identity.
 * @throws RangeError when `scalar` is not 32 bytes
 */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  if (scalar.length !== 32) throw new RangeError('x25519: scalar must be 32 bytes');
  const p = BASE_RESULT;
  scalarMultBase(p, clampScalar(scalar));
  const { x1: num, x2: den } = LADDER;
  add(num, p.Z, p.Y);
  sub(den, p.Z, p.Y);
  carry(den);
  invert(den, den);
  mul(num, num, den);
  return encode(num);
}

/** RFC 7748 §5 decodeScalar25519: clear bits 0, 1, 2 and 255, set bit 254. */
function clampScalar(scalar: Uint8Array): Uint8Array {
  const k = scalar.slice();
  k[0] = k[0]! & 248;
  k[31] = (k[31]! & 127) | 64;
  return k;
}

/** RFC 7748 §5: a24 = (486662 - 2) / 4 for curve25519, used with AA as in the RFC's formula. */
const A24 = 121665;

const BASE_RESULT = point();
const LADDER = {
  x1: fe(), x2: fe(), z2: fe(), x3: fe(), z3: fe(),
  a: fe(), aa: fe(), b: fe(), bb: fe(), e: fe(), c: fe(), d: fe(), da: fe(), cb: fe(),
};
