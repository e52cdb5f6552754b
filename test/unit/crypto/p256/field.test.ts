/**
 * P-256 field and scalar arithmetic (src/crypto/p256/field.ts, scalar.ts, limbs.ts) against
 * `bigint`: Montgomery products and squares on random and edge values and at the weight bound
 * the point formulas rely on (w_a·w_b = 128, exact only if no float rounding happens), the carry,
 * inversion, square roots, canonical encoding, and the scalar helpers ECDSA uses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  P,
  fieldCarry,
  fieldConstant,
  fieldFromBytes,
  fieldInvert,
  fieldIsZero,
  fieldMul,
  fieldSqr,
  fieldSqrt,
  fieldToBytes,
  newField,
} from '../../../../src/crypto/p256/field.ts';
import { LIMBS, limbsOf } from '../../../../src/crypto/p256/limbs.ts';
import {
  N,
  newScalar,
  scalarCanonical,
  scalarFromBytes,
  scalarFromBytesReduced,
  scalarInvert,
  scalarIsValidNonZero,
  scalarMul,
  scalarSqr,
  scalarToBytes,
  scalarToLowS,
  scalarToMontgomery,
} from '../../../../src/crypto/p256/scalar.ts';

const R = 2n ** 264n;
const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}
const R_INV_P = inverse(R, P);
const R_INV_N = inverse(R, N);

/** The integer a limb array stands for (limbs may be negative or oversized). */
function valueOf(a: Float64Array): bigint {
  let x = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) x = x * 2n ** 22n + BigInt(a[i] as number);
  return x;
}
const toBytes32 = (x: bigint): Uint8Array => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
const fromBytes32 = (b: Uint8Array): bigint => BigInt('0x' + Buffer.from(b).toString('hex'));
/** An element given by its limbs (for weight tests). */
const limbsFrom = (limbs: readonly number[]): Float64Array => Float64Array.from(limbs);
/** Largest |limb| of `a`, in units of 2^21. */
const weightOf = (a: Float64Array): number => Math.max(...Array.from(a, (l) => Math.abs(l))) / 2 ** 21;

const EDGE = [0n, 1n, 2n, 3n, P - 1n, P - 2n, 2n ** 255n, 2n ** 224n, 2n ** 128n - 1n, (P - 1n) / 2n];
const fieldValue = fc.oneof(fc.constantFrom(...EDGE), fc.bigInt({ min: 0n, max: P - 1n }));

describe('P-256 field arithmetic (Montgomery, 12 × 22-bit limbs)', () => {
  it('fieldMul is a·b·R^-1 mod p with a weight-1 result, on random and edge values', () => {
    fc.assert(
      fc.property(fieldValue, fieldValue, (a, b) => {
        const out = newField();
        fieldMul(out, limbsOf(a), limbsOf(b));
        expect(mod(valueOf(out), P)).toBe(mod(a * b * R_INV_P, P));
        expect(weightOf(out)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('fieldSqr equals fieldMul(a, a), and an output may alias the input', () => {
    fc.assert(
      fc.property(fieldValue, (a) => {
        const sq = limbsOf(a);
        fieldSqr(sq, sq);
        const mul = newField();
        fieldMul(mul, limbsOf(a), limbsOf(a));
        expect(mod(valueOf(sq), P)).toBe(mod(valueOf(mul), P));
        expect(mod(valueOf(sq), P)).toBe(mod(a * a * R_INV_P, P));
      }),
      { numRuns: 300 },
    );
  });

  // The bound in field.ts: |limb| ≤ w·2^21 and |value| ≤ w·2^256, with w_a·w_b ≤ 128. All limbs
  // at the same extreme make every product column as large as it can be.
  const extreme = (w: number, sign: 1 | -1): Float64Array => {
    const limbs = new Array<number>(LIMBS).fill(sign * w * 2 ** 21);
    limbs[LIMBS - 1] = sign * (w * 2 ** 14 - 2 ** 8); // keeps |value| ≤ w·2^256
    return limbsFrom(limbs);
  };
  it.each([
    [1, 128],
    [2, 64],
    [8, 16],
    [16, 8],
    [128, 1],
  ])('fieldMul stays exact at the weight bound: weights %i × %i', (wa, wb) => {
    for (const [sa, sb] of [[1, 1], [1, -1], [-1, -1]] as const) {
      const a = extreme(wa, sa);
      const b = extreme(wb, sb);
      expect(Math.abs(Number(valueOf(a)))).toBeLessThanOrEqual(wa * 2 ** 256);
      const out = newField();
      fieldMul(out, a, b);
      expect(mod(valueOf(out), P)).toBe(mod(valueOf(a) * valueOf(b) * R_INV_P, P));
      expect(weightOf(out)).toBeLessThanOrEqual(1);
      expect(Math.abs(Number(valueOf(out)))).toBeLessThanOrEqual(2 ** 256);
    }
  });

  it('fieldSqr stays exact at weight 11', () => {
    for (const sign of [1, -1] as const) {
      const a = extreme(11, sign);
      const out = newField();
      fieldSqr(out, a);
      expect(mod(valueOf(out), P)).toBe(mod(valueOf(a) ** 2n * R_INV_P, P));
    }
  });

  it('fieldCarry brings weight 16 back to 2 without changing the element', () => {
    for (const sign of [1, -1] as const) {
      const a = extreme(16, sign);
      const before = valueOf(a);
      fieldCarry(a);
      expect(mod(valueOf(a), P)).toBe(mod(before, P));
      expect(weightOf(a)).toBeLessThanOrEqual(2);
      expect(Math.abs(Number(valueOf(a)))).toBeLessThanOrEqual(2 ** 256);
    }
  });

  it('fieldFromBytes/fieldToBytes round-trip every canonical value and refuse p and above', () => {
    fc.assert(
      fc.property(fieldValue, (x) => {
        const e = newField();
        expect(fieldFromBytes(e, toBytes32(x), 0)).toBe(1);
        expect(mod(valueOf(e), P)).toBe(mod(x * R, P));
        const out = new Uint8Array(32);
        fieldToBytes(e, out, 0);
        expect(fromBytes32(out)).toBe(x);
      }),
      { numRuns: 300 },
    );
    for (const x of [P, P + 1n, 2n ** 256n - 1n]) expect(fieldFromBytes(newField(), toBytes32(x), 0)).toBe(0);
  });

  it('fieldToBytes is canonical for representatives that are negative or above p', () => {
    for (const [x, k] of [[0n, 1n], [0n, -1n], [5n, 1n], [P - 1n, -1n], [12345n, 2n]] as const) {
      const e = limbsOf(mod(x * R, P));
      const shifted = limbsOf(0n);
      for (let i = 0; i < LIMBS; i++) shifted[i] = (e[i] as number) + Number(k) * ((limbsOf(P)[i] as number));
      const out = new Uint8Array(32);
      fieldToBytes(shifted, out, 0);
      expect(fromBytes32(out)).toBe(x);
      expect(fieldIsZero(shifted)).toBe(x === 0n ? 1 : 0);
    }
  });

  it('fieldInvert gives a·a^-1 = 1, and 0 for 0', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: P - 1n }), (x) => {
        const e = fieldConstant(x);
        const inv = newField();
        fieldInvert(inv, e);
        const out = new Uint8Array(32);
        fieldToBytes(inv, out, 0);
        expect(fromBytes32(out)).toBe(inverse(x, P));
      }),
      { numRuns: 30 },
    );
    const zero = newField();
    fieldInvert(zero, fieldConstant(0n));
    expect(fieldIsZero(zero)).toBe(1);
  });

  it('fieldSqrt finds a root of every square and reports non-squares', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: P - 1n }), (x) => {
        const root = newField();
        expect(fieldSqrt(root, fieldConstant(mod(x * x, P)))).toBe(1);
        const out = new Uint8Array(32);
        fieldToBytes(root, out, 0);
        expect([x, mod(-x, P)]).toContain(fromBytes32(out));
      }),
      { numRuns: 20 },
    );
    // −1 is not a square mod p (p ≡ 3 mod 4).
    expect(fieldSqrt(newField(), fieldConstant(P - 1n))).toBe(0);
  });
});

const scalarValue = fc.oneof(fc.constantFrom(0n, 1n, 2n, N - 1n, N - 2n, (N - 1n) / 2n, (N + 1n) / 2n), fc.bigInt({ min: 0n, max: N - 1n }));

describe('P-256 scalar arithmetic mod n', () => {
  it('scalarMul and scalarSqr are Montgomery products mod n', () => {
    fc.assert(
      fc.property(scalarValue, scalarValue, (a, b) => {
        const out = newScalar();
        scalarMul(out, limbsOf(a), limbsOf(b));
        expect(mod(valueOf(out), N)).toBe(mod(a * b * R_INV_N, N));
        expect(weightOf(out)).toBeLessThanOrEqual(1);
        scalarSqr(out, limbsOf(a));
        expect(mod(valueOf(out), N)).toBe(mod(a * a * R_INV_N, N));
      }),
      { numRuns: 300 },
    );
  });

  it('scalarMul stays exact at the weight bound (8 × 16)', () => {
    const a = limbsFrom(new Array<number>(LIMBS).fill(8 * 2 ** 21).map((l, i) => (i === LIMBS - 1 ? 8 * 2 ** 14 - 256 : l)));
    const b = limbsFrom(new Array<number>(LIMBS).fill(16 * 2 ** 21).map((l, i) => (i === LIMBS - 1 ? 16 * 2 ** 14 - 256 : l)));
    const out = newScalar();
    scalarMul(out, a, b);
    expect(mod(valueOf(out), N)).toBe(mod(valueOf(a) * valueOf(b) * R_INV_N, N));
  });

  it('to and from Montgomery form, inversion, canonical products', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), fc.bigInt({ min: 0n, max: N - 1n }), (a, b) => {
        const mont = newScalar();
        scalarToMontgomery(mont, limbsOf(a));
        const back = newScalar();
        scalarMul(back, mont, limbsOf(1n)); // out of Montgomery form
        scalarCanonical(back, back);
        expect(valueOf(back)).toBe(a);
        const inv = newScalar();
        scalarInvert(inv, mont);
        // A plain value times a Montgomery-form one is the plain product.
        const product = newScalar();
        scalarMul(product, limbsOf(b), inv);
        scalarCanonical(product, product);
        expect(valueOf(product)).toBe(mod(b * inverse(a, N), N));
      }),
      { numRuns: 20 },
    );
  });

  it('range checks and reductions: [1, n − 1], bits2int mod n, low-S', () => {
    const s = newScalar();
    for (const [x, valid] of [[0n, 0], [1n, 1], [N - 1n, 1], [N, 0], [N + 1n, 0], [2n ** 256n - 1n, 0]] as const) {
      scalarFromBytes(s, toBytes32(x), 0);
      expect(scalarIsValidNonZero(s)).toBe(valid);
    }
    for (const x of [0n, N - 1n, N, N + 5n, 2n ** 256n - 1n]) {
      scalarFromBytesReduced(s, toBytes32(x), 0);
      const out = new Uint8Array(32);
      scalarToBytes(s, out, 0);
      expect(fromBytes32(out)).toBe(mod(x, N));
    }
    const half = (N - 1n) / 2n;
    for (const x of [1n, half, half + 1n, N - 1n]) {
      scalarFromBytes(s, toBytes32(x), 0);
      scalarToLowS(s);
      expect(valueOf(s)).toBe(x > half ? N - x : x);
    }
  });
});
