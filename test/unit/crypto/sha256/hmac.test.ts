/**
 * Our HMAC-SHA-256 and HKDF-Expand (src/crypto/sha256/hmac.ts) against Project Wycheproof
 * (vectors/wycheproof/hmac_sha256_test.json: keys of 16, 32 and 65 bytes, truncated tags,
 * modified tags; hkdf_sha256_test.json: RFC 5869 and edge sizes) and against the readable oracle
 * (test/helpers/hmac-oracle.ts) for random keys, messages and lengths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/bytes/bytes.ts';
import { HmacSha256 } from '../../../../src/crypto/sha256/hmac.ts';
import { oracleHkdfExpandSha256, oracleHmacSha256 } from '../../../helpers/hmac-oracle.ts';
import { type HkdfCase, loadWycheproof, type MacCase } from '../../../helpers/wycheproof-mac.ts';

describe('HMAC-SHA-256 keyed once (RFC 2104) and HKDF-Expand (RFC 5869 §2.3)', () => {
  it('gives every Wycheproof HMAC-SHA-256 tag, and differs from every modified one', () => {
    const file = loadWycheproof<MacCase>('hmac_sha256_test.json');
    let n = 0;
    for (const g of file.testGroups) {
      for (const c of g.tests) {
        const tag = toHex(new HmacSha256(fromHex(c.key)).mac(fromHex(c.msg)).subarray(0, g.tagSize! / 8));
        if (c.result === 'valid') expect(tag, `tcId ${c.tcId}`).toBe(c.tag);
        else expect(tag, `tcId ${c.tcId}`).not.toBe(c.tag);
        n++;
      }
    }
    expect(n).toBe(file.numberOfTests);
  });

  it('gives every Wycheproof HKDF-SHA-256 output (Extract as a MAC under the salt), and refuses L > 255 * 32', () => {
    const file = loadWycheproof<HkdfCase>('hkdf_sha256_test.json');
    let n = 0;
    for (const g of file.testGroups) {
      for (const c of g.tests) {
        // RFC 5869 §2.2: an absent salt is HashLen zeros, which HMAC pads identically.
        const prk = new HmacSha256(fromHex(c.salt)).mac(fromHex(c.ikm));
        const expand = (): Uint8Array => new HmacSha256(prk).expand(fromHex(c.info), c.size);
        if (c.result === 'valid') expect(toHex(expand()), `tcId ${c.tcId}`).toBe(c.okm);
        else expect(expand, `tcId ${c.tcId}`).toThrow(RangeError);
        n++;
      }
    }
    expect(n).toBe(file.numberOfTests);
  });

  it('agrees with the readable oracle for random keys (up to 150 bytes), messages and lengths (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 200 }),
        (key, data, length) => {
          const keyed = new HmacSha256(key);
          expect(toHex(keyed.mac(data))).toBe(toHex(oracleHmacSha256(key, data)));
          expect(toHex(keyed.expand(data, length))).toBe(toHex(oracleHkdfExpandSha256(key, data, length)));
          // The key's saved states serve any number of messages, interleaved with other keys.
          expect(toHex(new HmacSha256(data).mac(key))).toBe(toHex(oracleHmacSha256(data, key)));
          expect(toHex(keyed.mac(key))).toBe(toHex(oracleHmacSha256(key, key)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps nothing of the key array: changing it afterwards changes nothing', () => {
    const key = new Uint8Array(32).fill(7);
    const keyed = new HmacSha256(key);
    const before = toHex(keyed.mac(new Uint8Array(5)));
    key.fill(0);
    expect(toHex(keyed.mac(new Uint8Array(5)))).toBe(before);
  });

  it('refuses a negative, fractional or too large HKDF-Expand length', () => {
    const keyed = new HmacSha256(new Uint8Array(32));
    for (const bad of [-1, 1.5, 255 * 32 + 1]) expect(() => keyed.expand(new Uint8Array(0), bad)).toThrow(RangeError);
    expect(keyed.expand(new Uint8Array(0), 255 * 32).length).toBe(255 * 32);
    expect(keyed.expand(new Uint8Array(0), 0).length).toBe(0);
  });
});
