/**
 * The float64 field of src/crypto/curve25519/field.ts against bigint arithmetic mod
 * p = 2^255 - 19: the exactness bounds its module comment claims (worst-case column sums, proved
 * by enumeration), and every operation on random, edge and worst-case-magnitude elements
 * (fixed seeds).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add, carry, cmov, cswap, encode, equal, fe, fromBytes, invert, isOdd, isZero, LIMBS, mul, mulSmall, POS, pow2523, sqr, sub, type Fe,
} from '../../../../src/crypto/curve25519/field.ts';

const P = (1n << 255n) - 19n;
const mod = (x: bigint): bigint => ((x % P) + P) % P;

/** The integer an element stands for (the sum of its limbs), reduced mod p. */
function value(a: Fe): bigint {
  let v = 0n;
  for (const limb of a) {
    expect(Number.isInteger(limb)).toBe(true);
    v += BigInt(limb);
  }
  return mod(v);
}

function leBytes(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

function element(x: bigint): Fe {
  const a = fe();
  fromBytes(a, leBytes(x));
  return a;
}

/** The carried bound of limb k (module comment of field.ts), as a bigint. */
function carriedBound(k: number): bigint {
  return (1n << BigInt((POS[k + 1] as number) - 1)) + (k === 1 ? 1n << 37n : 0n);
}

/** An element whose limbs all sit at `scale` times the carried bound, with the given signs. */
function extreme(scale: number, signs: readonly number[]): Fe {
  const a = fe();
  for (let k = 0; k < LIMBS; k++) {
    // A multiple of 2^POS[k] at (or just under) the bound.
    const unit = 1n << BigInt(POS[k] as number);
    const m = ((BigInt(scale) * carriedBound(k)) / unit) * unit;
    a[k] = Number(m) * (signs[k] as number);
  }
  return a;
}

const fieldElement = fc.bigInt({ min: 0n, max: P - 1n });
const anyBytes = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('curve25519 field: exactness bounds', () => {
  it('has 12 limbs at POS[k] = ceil(255 k / 12), each at most 22 bits wide', () => {
    expect(POS).toEqual([0, 22, 43, 64, 85, 107, 128, 149, 170, 192, 213, 234, 255]);
    for (let k = 0; k < LIMBS; k++) expect((POS[k + 1] as number) - (POS[k] as number)).toBeLessThanOrEqual(22);
  });

  it('every mul column stays below 2^(53 + POS[k]) when scale(a) * scale(b) <= 16 (so every sum is exact)', () => {
    // Column k sums a_i b_j over i + j = k, and a_i b_j 19 2^-255 over i + j = k + 12. Work in
    // units of 2^-255 so that every term is an integer.
    for (let k = 0; k < LIMBS; k++) {
      let worst = 0n;
      for (let i = 0; i < LIMBS; i++) {
        const j = (k - i + LIMBS) % LIMBS;
        const term = carriedBound(i) * carriedBound(j);
        worst += i + j < LIMBS ? term << 255n : term * 19n;
      }
      const limit = 1n << BigInt(53 + (POS[k] as number) + 255);
      expect(16n * worst).toBeLessThan(limit);
      // And the magic-constant rounding in carry() needs the column below 2^(51 + POS[k+1]).
      expect(16n * worst).toBeLessThan(1n << BigInt(51 + (POS[k + 1] as number) + 255));
    }
  });

  it('the carried bound holds for mul output at the worst input magnitudes (limb 1 slack included)', () => {
    const rnd = fc.sample(fc.array(fc.constantFrom(-1, 1), { minLength: LIMBS, maxLength: LIMBS }), { seed: 7, numRuns: 50 });
    for (let n = 0; n < rnd.length; n += 2) {
      for (const [sa, sb] of [[4, 4], [2, 8], [1, 16], [3, 5]] as const) {
        const a = extreme(sa, rnd[n] as number[]);
        const b = extreme(sb, rnd[n + 1] as number[]);
        const out = fe();
        mul(out, a, b);
        expect(value(out)).toBe(mod(value(a) * value(b)));
        for (let k = 0; k < LIMBS; k++) expect(BigInt(Math.abs(out[k] as number))).toBeLessThanOrEqual(carriedBound(k));
      }
      const a = extreme(4, rnd[n] as number[]);
      const out = fe();
      sqr(out, a);
      expect(value(out)).toBe(mod(value(a) * value(a)));
    }
  });
});

describe('curve25519 field: operations against bigint', () => {
  it('fromBytes / encode: a round trip for canonical values, the residue for 2^255 > x >= p, bit 255 ignored', () => {
    fc.assert(
      fc.property(fieldElement, (x) => {
        expect(encode(element(x))).toEqual(leBytes(x));
      }),
      { seed: 1, numRuns: 300 },
    );
    for (const x of [0n, 1n, 18n, 19n, P - 1n, P, P + 1n, P + 18n, (1n << 255n) - 1n]) {
      expect(encode(element(x))).toEqual(leBytes(mod(x)));
    }
    const top = leBytes(5n);
    top[31] = 0x80;
    expect(encode(fromBytesOf(top))).toEqual(leBytes(5n));
  });

  it('add, sub, mul, sqr, mulSmall agree with bigint mod p', () => {
    fc.assert(
      fc.property(fieldElement, fieldElement, fc.integer({ min: 0, max: 1 << 26 }), (x, y, n) => {
        const a = element(x), b = element(y), out = fe();
        add(out, a, b);
        expect(value(out)).toBe(mod(x + y));
        sub(out, a, b);
        expect(value(out)).toBe(mod(x - y));
        mul(out, a, b);
        expect(value(out)).toBe(mod(x * y));
        sqr(out, a);
        expect(value(out)).toBe(mod(x * x));
        mulSmall(out, a, n);
        expect(value(out)).toBe(mod(x * BigInt(n)));
        // Loose inputs (scale 2 x scale 2) as the ladder makes them.
        const s = fe(), d = fe();
        add(s, a, b);
        sub(d, a, b);
        mul(out, s, d);
        expect(value(out)).toBe(mod((x + y) * (x - y)));
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it('invert gives 1/a (and 0 for 0); pow2523 gives a^(2^252 - 3)', () => {
    fc.assert(
      fc.property(fieldElement, (x) => {
        const out = fe();
        invert(out, element(x));
        expect(value(out)).toBe(x === 0n ? 0n : modPow(x, P - 2n));
        pow2523(out, element(x));
        expect(value(out)).toBe(modPow(x, (1n << 252n) - 3n));
      }),
      { seed: 3, numRuns: 40 },
    );
    const out = fe();
    invert(out, element(0n));
    expect(isZero(out)).toBe(true);
  });

  it('encode takes uncarried sums and differences (scale up to 4) to their canonical residue', () => {
    fc.assert(
      fc.property(fieldElement, fieldElement, fieldElement, fieldElement, (w, x, y, z) => {
        const s = fe(), d = fe(), t = fe();
        add(s, element(w), element(x));
        sub(d, element(y), element(z));
        expect(encode(s)).toEqual(leBytes(mod(w + x)));
        expect(encode(d)).toEqual(leBytes(mod(y - z)));
        add(t, s, d);
        expect(encode(t)).toEqual(leBytes(mod(w + x + y - z)));
        sub(t, d, s);
        expect(encode(t)).toEqual(leBytes(mod(y - z - w - x)));
      }),
      { seed: 5, numRuns: 300 },
    );
    for (const signs of [Array(LIMBS).fill(1), Array(LIMBS).fill(-1)]) {
      const a = extreme(4, signs);
      expect(encode(a)).toEqual(leBytes(value(a)));
    }
  });

  it('isZero, equal and isOdd look at the residue, not the representation', () => {
    expect(isZero(element(P))).toBe(true);
    expect(isZero(element(0n))).toBe(true);
    expect(isZero(element(1n))).toBe(false);
    expect(equal(element(P + 5n), element(5n))).toBe(true);
    expect(equal(element(6n), element(5n))).toBe(false);
    expect(isOdd(element(P + 2n))).toBe(0); // P + 2 is odd as an integer, its residue 2 is even
    expect(isOdd(element(P - 1n))).toBe(0);
    expect(isOdd(element(P - 2n))).toBe(1);
    const z = fe();
    sub(z, element(7n), element(7n + P)); // zero with non-zero limbs
    carry(z);
    expect(isZero(z)).toBe(true);
  });

  it('cswap and cmov select by a 0/1 bit', () => {
    const a = element(11n), b = element(22n);
    cswap(a, b, 0);
    expect([value(a), value(b)]).toEqual([11n, 22n]);
    cswap(a, b, 1);
    expect([value(a), value(b)]).toEqual([22n, 11n]);
    cmov(a, b, 0);
    expect(value(a)).toBe(22n);
    cmov(a, b, 1);
    expect(value(a)).toBe(11n);
  });

  it('fromBytes reads every bit pattern (random 32 bytes) as its value mod p', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        let x = 0n;
        for (let i = 31; i >= 0; i--) x = (x << 8n) | BigInt(i === 31 ? (bytes[i] as number) & 0x7f : (bytes[i] as number));
        expect(value(fromBytesOf(bytes))).toBe(mod(x));
      }),
      { seed: 4, numRuns: 300 },
    );
  });
});

function fromBytesOf(bytes: Uint8Array): Fe {
  const a = fe();
  fromBytes(a, bytes);
  return a;
}

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n, x = mod(b);
  while (e > 0n) {
    if (e & 1n) r = (r * x) % P;
    x = (x * x) % P;
    e >>= 1n;
  }
  return r;
}
