/**
 * Scalars mod L (src/crypto/curve25519/scalar.ts) against bigint: reduction of 64-byte values,
 * (a b + c) mod L, and the S < L check of RFC 8032 §5.1.7, on random values (fixed seeds) and
 * on the edges around multiples of L.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalScalar, scalarMulAdd, scalarReduce } from '../../../../src/crypto/curve25519/scalar.ts';

const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function le(x: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

function int(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i] as number);
  return x;
}

describe('curve25519 scalars mod L', () => {
  it('scalarReduce(x) = x mod L for 512-bit x', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 512n) - 1n }), (x) => {
        expect(int(scalarReduce(le(x, 64)))).toBe(x % L);
      }),
      { seed: 11, numRuns: 500 },
    );
    const edges = [0n, 1n, L - 1n, L, L + 1n, 2n * L - 1n, 2n * L, (1n << 252n) - 1n, 1n << 252n, (1n << 253n) - 1n, (1n << 256n) - 1n, (1n << 512n) - 1n];
    for (let k = 0n; k < 40n; k++) edges.push(((1n << 512n) / L - k) * L, ((1n << 512n) / L - k) * L - 1n, k * L + (1n << 252n));
    for (const x of edges.filter((e) => e >= 0n && e < 1n << 512n)) expect(int(scalarReduce(le(x, 64)))).toBe(x % L);
  });

  it('scalarMulAdd(a, b, c) = (a b + c) mod L for 256-bit a, b, c', () => {
    const u256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
    fc.assert(
      fc.property(u256, u256, u256, (a, b, c) => {
        expect(int(scalarMulAdd(le(a, 32), le(b, 32), le(c, 32)))).toBe((a * b + c) % L);
      }),
      { seed: 12, numRuns: 500 },
    );
    const max = (1n << 256n) - 1n;
    for (const [a, b, c] of [[0n, 0n, 0n], [max, max, max], [L - 1n, L - 1n, L - 1n], [L, 1n, 0n], [1n, 0n, L]]) {
      expect(int(scalarMulAdd(le(a as bigint, 32), le(b as bigint, 32), le(c as bigint, 32)))).toBe(((a as bigint) * (b as bigint) + (c as bigint)) % L);
    }
  });

  it('isCanonicalScalar accepts exactly 0 <= s < L (RFC 8032 §5.1.7)', () => {
    expect(isCanonicalScalar(le(0n, 32))).toBe(true);
    expect(isCanonicalScalar(le(L - 1n, 32))).toBe(true);
    expect(isCanonicalScalar(le(L, 32))).toBe(false);
    expect(isCanonicalScalar(le(L + 1n, 32))).toBe(false);
    expect(isCanonicalScalar(le((1n << 256n) - 1n, 32))).toBe(false);
    expect(isCanonicalScalar(new Uint8Array(31))).toBe(false);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (s) => {
        expect(isCanonicalScalar(le(s, 32))).toBe(s < L);
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});
