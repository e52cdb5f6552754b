/**
 * @module crypto/curve25519/scalar
 * Integers modulo the order of the Ed25519 base point, L = 2^252 + c with
 * c = 27742317777372353535851937790883648493 (RFC 8032 §5.1), for signing: reducing a SHA-512
 * output (RFC 8032 §5.1.6 steps 2 and 4) and S = (r + k s) mod L (step 5).
 *
 * Numbers are held as 21-bit limbs in float64 (products of two limbs stay below 2^42, column
 * sums below 2^46, all exact). Reduction folds the limbs above 2^252 back with
 * 2^252 = -c (mod L), top limb first, then brings the result into [0, L) with two conditional
 * subtractions. The secret scalars (the nonce r and the key s) go through the same fixed
 * sequence of float operations whatever their value: no branch and no index depends on them.
 */

/** RFC 8032 §5.1.6 steps 2 and 4: a 64-byte little-endian integer (a SHA-512 output) mod L. */
export function scalarReduce(wide: Uint8Array): Uint8Array {
  const x = new Float64Array(WIDE_LIMBS);
  load(x, wide, WIDE_LIMBS);
  return reduce(x);
}

/** RFC 8032 §5.1.6 step 5: (a * b + c) mod L for 32-byte little-endian a, b, c. */
export function scalarMulAdd(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const al = new Float64Array(NARROW_LIMBS), bl = new Float64Array(NARROW_LIMBS), cl = new Float64Array(NARROW_LIMBS);
  load(al, a, NARROW_LIMBS);
  load(bl, b, NARROW_LIMBS);
  load(cl, c, NARROW_LIMBS);
  const x = new Float64Array(WIDE_LIMBS);
  for (let i = 0; i < NARROW_LIMBS; i++) {
    x[i] = x[i]! + cl[i]!;
    for (let j = 0; j < NARROW_LIMBS; j++) x[i + j] = x[i + j]! + al[i]! * bl[j]!;
  }
  return reduce(x);
}

/** RFC 8032 §5.1.7 step 1: whether the 32-byte little-endian `s` is below L. Variable time. */
export function isCanonicalScalar(s: Uint8Array): boolean {
  if (s.length !== 32) return false;
  for (let i = 31; i >= 0; i--) {
    if (s[i]! !== L_BYTES[i]!) return s[i]! < L_BYTES[i]!;
  }
  return false; // s = L
}

/** Limb k of `out` = bits 21k .. 21k+20 of the little-endian `bytes` (0 past the end). */
function load(out: Float64Array, bytes: Uint8Array, limbs: number): void {
  for (let k = 0; k < limbs; k++) {
    const bit = 21 * k, i = bit >>> 3;
    const word = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);
    out[k] = (word >>> (bit & 7)) & MASK21;
  }
}

/**
 * Reduces a non-negative integer below 2^525 held in 25 limbs (each below 2^46) mod L and
 * returns its 32-byte encoding.
 */
function reduce(x: Float64Array): Uint8Array {
  // 1. Normalise: limbs 0..23 into [0, 2^21), the rest into limb 24 (below 2^9).
  floorCarry(x, 0, WIDE_LIMBS - 1);
  // 2. Fold limb i (weight 2^(21 i) = 2^(21 (i-12)) 2^252 = -c 2^(21 (i-12))) down, top first.
  //    After each fold limbs i-12 .. i-2 are carried into [0, 2^21) and limb i-1, the next to
  //    fold, ends in [-1, 2^21]; so every product q * C[j] stays below 2^43.
  for (let i = WIDE_LIMBS - 1; i >= 12; i--) {
    const q = x[i]!;
    x[i] = 0;
    for (let j = 0; j < C.length; j++) x[i - 12 + j] = x[i - 12 + j]! - q * C[j]!;
    floorCarry(x, i - 12, i - 1);
  }
  // 3. Now V = sum of limbs 0..11 lies in [-2^231, 2^252 + 2^231). W = V + L is in (0, 2L);
  //    subtracting L when W >= L, twice, leaves W in [0, L).
  const w = x.subarray(0, 12);
  for (let k = 0; k < 12; k++) w[k] = w[k]! + L_LIMBS[k]!;
  floorCarry(w, 0, 11);
  conditionalSubtractL(w);
  conditionalSubtractL(w);
  // 4. Pack limbs 0..11 (each below 2^21, the value below 2^253) into 32 bytes.
  const out = new Uint8Array(32);
  let acc = 0, bits = 0, o = 0;
  for (let k = 0; k < 12; k++) {
    acc |= w[k]! << bits;
    bits += 21;
    while (bits >= 8 && o < 32) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (o < 32) out[o] = acc & 0xff;
  return out;
}

/** `w -= L` when w >= L (12 carried limbs), by computing w - L and keeping it if non-negative. */
function conditionalSubtractL(w: Float64Array): void {
  const t = SUB_SCRATCH;
  for (let k = 0; k < 12; k++) t[k] = w[k]! - L_LIMBS[k]!;
  floorCarry(t, 0, 11);
  const keep = 1 - ((t[11]! | 0) >>> 31); // 1 when w - L >= 0
  for (let k = 0; k < 12; k++) w[k] = w[k]! + keep * (t[k]! - w[k]!);
}

/** Floor carries from limb `from` up to limb `to` - 1 (each into [0, 2^21)); limb `to` keeps the rest. */
function floorCarry(x: Float64Array, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const v = x[k]!;
    const carry = Math.floor(v * 2 ** -21);
    x[k] = v - carry * 2 ** 21;
    x[k + 1] = x[k + 1]! + carry;
  }
}

const MASK21 = (1 << 21) - 1;
/** 64-byte inputs need 25 limbs (525 bits); 32-byte operands 13 (273 bits). */
const WIDE_LIMBS = 25;
const NARROW_LIMBS = 13;
/** c = L - 2^252 in 21-bit limbs (c < 2^125). */
const C: readonly number[] = [1430509, 1626855, 1442968, 997804, 1960495, 683900];
/** L in 12 limbs: c in limbs 0..5, 2^252 = 2^21 * 2^231 in limb 11. */
const L_LIMBS: readonly number[] = [...C, 0, 0, 0, 0, 0, 2 ** 21];
/** L as 32 little-endian bytes. */
const L_BYTES: readonly number[] = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
const SUB_SCRATCH = new Float64Array(12);
