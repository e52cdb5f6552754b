import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { bitLength, i2osp, modInverse, modPow, modPowPublic, os2ip } from '../../../../src/crypto/rsa/bigint.ts';
import { fromHex, toHex } from '../../../../src/bytes/bytes.ts';

/** Reference: plain right-to-left square-and-multiply, one bit at a time. */
function naiveModPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('OS2IP / I2OSP (RFC 8017 §4)', () => {
  it('OS2IP reads big-endian octets, leading zeros included', () => {
    expect(os2ip(fromHex('000102ff'))).toBe(0x0102ffn);
    expect(os2ip(new Uint8Array(0))).toBe(0n);
  });

  it('I2OSP writes exactly len octets, left-padded with zeros', () => {
    expect(toHex(i2osp(0x0102ffn, 5) as Uint8Array)).toBe('00000102ff');
    expect(toHex(i2osp(0n, 3) as Uint8Array)).toBe('000000');
    expect(i2osp(0n, 0)).toEqual(new Uint8Array(0));
  });

  it('I2OSP reports "integer too large" for x >= 256^len (RFC 8017 §4.1 step 1)', () => {
    expect(i2osp(256n ** 4n, 4)).toBeUndefined();
    expect(i2osp(256n ** 4n - 1n, 4)).toEqual(fromHex('ffffffff'));
    expect(i2osp(1n, 0)).toBeUndefined();
    expect(i2osp(-1n, 4)).toBeUndefined();
  });

  it('I2OSP(OS2IP(x), len(x)) = x for every octet string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(i2osp(os2ip(b), b.length)).toEqual(b);
      }),
    );
  });
});

describe('bitLength', () => {
  it('counts significant bits', () => {
    expect(bitLength(0n)).toBe(0);
    expect(bitLength(1n)).toBe(1);
    expect(bitLength(0x80n)).toBe(8);
    expect(bitLength(0x1ffn)).toBe(9);
    expect(bitLength(1n << 2047n)).toBe(2048);
  });
});

describe('modPow (fixed 4-bit window)', () => {
  it('agrees with bit-by-bit square-and-multiply', () => {
    const big = fc.bigInt({ min: 0n, max: (1n << 600n) - 1n });
    fc.assert(
      fc.property(big, big, fc.bigInt({ min: 1n, max: (1n << 600n) - 1n }), (b, e, m) => {
        expect(modPow(b, e, m)).toBe(naiveModPow(b, e, m));
      }),
      { numRuns: 200 },
    );
  });

  it('handles the edge cases exp = 0, base = 0, modulus 1, base >= modulus', () => {
    expect(modPow(5n, 0n, 7n)).toBe(1n);
    expect(modPow(0n, 5n, 7n)).toBe(0n);
    expect(modPow(5n, 5n, 1n)).toBe(0n);
    expect(modPow(12n, 3n, 7n)).toBe(naiveModPow(12n, 3n, 7n));
    expect(() => modPow(2n, 3n, 0n)).toThrow(RangeError);
  });
});

describe('modPowPublic (binary, for public exponents)', () => {
  it('agrees with bit-by-bit square-and-multiply and with modPow', () => {
    const big = fc.bigInt({ min: 0n, max: (1n << 600n) - 1n });
    fc.assert(
      fc.property(big, fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), fc.bigInt({ min: 1n, max: (1n << 600n) - 1n }), (b, e, m) => {
        expect(modPowPublic(b, e, m)).toBe(naiveModPow(b, e, m));
        expect(modPowPublic(b, e, m)).toBe(modPow(b, e, m));
      }),
      { numRuns: 200 },
    );
  });

  it('handles e = 65537 and the edge cases exp = 0, exp = 1, base = 0, modulus 1, negative base', () => {
    const m = (1n << 521n) - 1n;
    expect(modPowPublic(3n, 65537n, m)).toBe(naiveModPow(3n, 65537n, m));
    expect(modPowPublic(5n, 0n, 7n)).toBe(1n);
    expect(modPowPublic(12n, 1n, 7n)).toBe(5n);
    expect(modPowPublic(0n, 5n, 7n)).toBe(0n);
    expect(modPowPublic(5n, 5n, 1n)).toBe(0n);
    expect(modPowPublic(-2n, 3n, 7n)).toBe(modPow(-2n, 3n, 7n));
    expect(() => modPowPublic(2n, 3n, 0n)).toThrow(RangeError);
    expect(() => modPowPublic(2n, -1n, 7n)).toThrow(RangeError);
  });
});

describe('modInverse', () => {
  it('returns x with a * x = 1 mod m, or undefined when gcd(a, m) != 1', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 300n }), fc.bigInt({ min: 2n, max: 1n << 300n }), (a, m) => {
        const x = modInverse(a, m);
        let g = a, h = m;
        while (h) [g, h] = [h, g % h];
        if (g === 1n) {
          expect(x).toBeDefined();
          expect(((a * (x as bigint)) % m)).toBe(1n);
        } else {
          expect(x).toBeUndefined();
        }
      }),
    );
  });
});
