import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkDerTree, encodeTlv, integerContents, readSingle, readTlv } from '../../../src/x509/der.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription } from '../../../src/protocol/registry.ts';

const b = (...x: number[]): Uint8Array => new Uint8Array(x);
function alertOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e.alert;
    throw e;
  }
  throw new Error('nothing thrown');
}

describe('der (X.690 §8.1, §10.1)', () => {
  it('round-trips encodeTlv through readTlv for short and long lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70000 }), (v) => {
        const t = readSingle(encodeTlv(0x04, v), 0x04, 'x');
        expect(t.value).toEqual(v);
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    ['indefinite length (BER only)', b(0x30, 0x80, 0, 0)],
    ['non-minimal long form for a short length', b(0x04, 0x81, 0x05, 1, 2, 3, 4, 5)],
    ['a leading zero length octet', b(0x04, 0x82, 0x00, 0x80, ...new Array(128).fill(0))],
    ['a length beyond the input', b(0x04, 0x05, 1, 2)],
    ['a high tag number', b(0x1f, 0x81, 0x01, 0x00)],
    ['a missing length', b(0x30)],
  ])('rejects %s with bad_certificate', (_what, der) => {
    expect(alertOf(() => readTlv(der, 0, 'x'))).toBe(AlertDescription.bad_certificate);
  });

  it('rejects trailing bytes after a single element', () => {
    expect(alertOf(() => readSingle(b(0x05, 0x00, 0x00), 0x05, 'x'))).toBe(AlertDescription.bad_certificate);
  });

  it('checkDerTree finds a non-minimal length nested inside a SEQUENCE', () => {
    const good = b(0x30, 0x04, 0x30, 0x02, 0x05, 0x00);
    const bad = b(0x30, 0x05, 0x30, 0x81, 0x02, 0x05, 0x00);
    expect(() => checkDerTree(readSingle(good, 0x30, 'x').value, 'x')).not.toThrow();
    expect(alertOf(() => checkDerTree(readSingle(bad, 0x30, 'x').value, 'x'))).toBe(AlertDescription.bad_certificate);
  });

  it('integerContents adds a sign octet only when the top bit is set, and strips leading zeros', () => {
    expect(integerContents(b(0x80, 0x01))).toEqual(b(0x00, 0x80, 0x01));
    expect(integerContents(b(0x00, 0x00, 0x7f))).toEqual(b(0x7f));
    expect(integerContents(b(0x00))).toEqual(b(0x00));
  });
});
