/**
 * Our SHA-256 (src/crypto/sha256/sha256.ts) against the FIPS 180-4 examples (NIST CSRC "Examples
 * with Intermediate Values") and against OpenSSL for every length around the padding boundaries,
 * and the stream's saved-state resume that HMAC relies on.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../../src/bytes/bytes.ts';
import { Sha256Stream, sha256 } from '../../../../src/crypto/sha256/sha256.ts';

const openssl = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('SHA-256 (FIPS 180-4 §6.2)', () => {
  it('matches the FIPS 180-4 examples: "abc", the 448-bit message, one million "a"', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('matches OpenSSL for every length from 0 to 200 bytes (the 55/56/64-byte padding boundaries)', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      expect(toHex(sha256(data)), `length ${n}`).toBe(openssl(data));
    }
  });

  it('fed in pieces, byte by byte or resumed from a saved state, gives the one-shot digest (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 200 }), (a, b, c) => {
        const s = new Sha256Stream();
        s.start();
        s.update(a);
        for (const byte of b) s.updateByte(byte);
        s.update(c);
        const out = new Uint8Array(36);
        s.finishInto(out, 4);
        expect(toHex(out.subarray(4))).toBe(openssl(new Uint8Array([...a, ...b, ...c])));
        // A state saved after one whole block continues the same message.
        const block = new Uint8Array(64).fill(0x5c);
        s.start();
        s.update(block);
        const saved = new Int32Array(10);
        s.saveState(saved, 2);
        const t = new Sha256Stream();
        t.resume(saved, 2, 64);
        t.update(c);
        const resumed = new Uint8Array(32);
        t.finishInto(resumed, 0);
        expect(toHex(resumed)).toBe(openssl(new Uint8Array([...block, ...c])));
      }),
      { numRuns: 200 },
    );
  });
});
