import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import type { HashAlgorithm } from '../../../src/crypto/provider.ts';
import { deriveSecret, hkdfExpandLabel } from '../../../src/keyschedule/hkdf-label.ts';
import { testHash } from './_hash.ts';
import { oracleExpandLabel } from './_oracle.ts';

const SECRET = new Uint8Array(48).map((_, i) => i + 1);

describe('HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1)', () => {
  it('expands with info = HkdfLabel { length, "tls13 " + label, context }', () => {
    let seen: Uint8Array | undefined;
    const base = testHash('sha256');
    const spy: HashAlgorithm = { ...base, hkdfExpand: (prk, info, len) => ((seen = info), base.hkdfExpand(prk, info, len)) };
    hkdfExpandLabel(spy, SECRET, 'key', new Uint8Array([0xaa, 0xbb]), 16);
    // 00 10 | 09 "tls13 key" | 02 aa bb
    expect(toHex(seen as Uint8Array)).toBe('0010' + '09' + toHex(new TextEncoder().encode('tls13 key')) + '02aabb');
  });

  it('matches an independent HkdfLabel construction for SHA-256 and SHA-384', () => {
    for (const name of ['sha256', 'sha384'] as const) {
      const ctx = new Uint8Array(48).fill(7);
      expect(toHex(hkdfExpandLabel(testHash(name), SECRET, 'c hs traffic', ctx, 40))).toBe(
        toHex(oracleExpandLabel(name, SECRET, 'c hs traffic', ctx, 40)),
      );
    }
  });

  it('Derive-Secret is HKDF-Expand-Label with the transcript hash as context and Hash.length output', () => {
    const h = testHash('sha384');
    const th = h.digest(new Uint8Array([1, 2, 3]));
    const out = deriveSecret(h, SECRET, 'res master', th);
    expect(out.length).toBe(48);
    expect(toHex(out)).toBe(toHex(oracleExpandLabel('sha384', SECRET, 'res master', th, 48)));
  });

  it('rejects labels and contexts that do not fit HkdfLabel, and lengths over 255·Hash.length', () => {
    const h = testHash('sha256');
    expect(() => hkdfExpandLabel(h, SECRET, 'x'.repeat(250), new Uint8Array(0), 32)).toThrow(RangeError);
    expect(() => hkdfExpandLabel(h, SECRET, 'x'.repeat(249), new Uint8Array(0), 32)).not.toThrow();
    expect(() => hkdfExpandLabel(h, SECRET, 'key', new Uint8Array(256), 32)).toThrow(RangeError);
    expect(() => hkdfExpandLabel(h, SECRET, 'key', new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
  });
});
