/**
 * The AEADs of both providers against the Wycheproof AES-GCM and ChaCha20-Poly1305 vectors (every
 * vector with a 96-bit IV, 128-bit tag and a key size TLS 1.3 uses), and the pure provider's
 * per-key AEADs (src/crypto/noble/aes-gcm.ts, chacha20-poly1305.ts, ghash.ts) against
 * @noble/ciphers' one-shot `gcm` / `chacha20poly1305`, its GHASH and Poly1305, on fixed-seed random
 * inputs: one keyed object reused for many nonces gives what a fresh one-shot call gives, in
 * place or not, at any offset. ChaCha20, Poly1305 and the AEAD also against the RFC 8439 vectors
 * (vectors/rfc8439), Poly1305's reduction edge cases of Appendix A.3 included.
 */
import { readFileSync } from 'node:fs';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { GHASH } from '@noble/ciphers/_polyval.js';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../../../src/bytes/bytes.ts';
import { ChaCha20 } from '../../../src/crypto/noble/chacha20.ts';
import { Ghash } from '../../../src/crypto/noble/ghash.ts';
import { Poly1305 } from '../../../src/crypto/noble/poly1305.ts';
import type { AeadName } from '../../../src/crypto/provider.ts';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { PROVIDERS } from '../../helpers/providers.ts';

interface WycheproofAead {
  testGroups: {
    keySize: number;
    ivSize: number;
    tagSize: number;
    tests: { tcId: number; comment: string; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: string }[];
  }[];
}

function load(file: string): WycheproofAead {
  return JSON.parse(readFileSync(new URL(`../../../vectors/wycheproof/${file}`, import.meta.url), 'utf8')) as WycheproofAead;
}

/** The vectors TLS 1.3 can meet: 96-bit IV (RFC 8446 §5.3), 128-bit tag, and the suites' key sizes. */
function applicable(file: string, aeadOf: (keyBits: number) => AeadName | undefined) {
  return load(file).testGroups.flatMap((g) => {
    const aead = aeadOf(g.keySize);
    if (aead === undefined || g.ivSize !== 96 || g.tagSize !== 128) return [];
    return g.tests.map((t) => ({ ...t, aead }));
  });
}

const VECTORS = [
  ...applicable('aes_gcm_test.json', (bits) => (bits === 128 ? 'aes-128-gcm' : bits === 256 ? 'aes-256-gcm' : undefined)),
  ...applicable('chacha20_poly1305_test.json', (bits) => (bits === 256 ? 'chacha20-poly1305' : undefined)),
].map((t) => ({ ...t, name: `${t.aead} tcId ${t.tcId} ${t.result}${t.comment ? ` (${t.comment})` : ''}` }));

describe('Wycheproof AEAD vectors', () => {
  it('covers both files: AES-GCM 128/256 and ChaCha20-Poly1305, valid and invalid', () => {
    const count = (aead: AeadName, result: string): number => VECTORS.filter((v) => v.aead === aead && v.result === result).length;
    expect(count('aes-128-gcm', 'valid')).toBe(40);
    expect(count('aes-128-gcm', 'invalid')).toBe(27);
    expect(count('aes-256-gcm', 'valid')).toBe(39);
    expect(count('aes-256-gcm', 'invalid')).toBe(27);
    expect(count('chacha20-poly1305', 'valid')).toBe(256);
    expect(count('chacha20-poly1305', 'invalid')).toBe(60);
  });

  describe.each(PROVIDERS)('$name provider', (provider) => {
    it.each(VECTORS)('$name', (v) => {
      const aead = provider.aead(v.aead, fromHex(v.key));
      const nonce = fromHex(v.iv);
      const aad = fromHex(v.aad);
      const sealed = concat(fromHex(v.ct), fromHex(v.tag));
      if (v.result === 'valid') {
        expect(toHex(aead.seal(nonce, aad, fromHex(v.msg)))).toBe(toHex(sealed));
        expect(toHex(aead.open(nonce, aad, sealed) ?? Uint8Array.of(0xff))).toBe(v.msg);
        const buf = sealed.slice();
        expect(toHex(aead.openInPlace(nonce, aad, buf) ?? Uint8Array.of(0xff))).toBe(v.msg);
      } else {
        expect(aead.open(nonce, aad, sealed)).toBeUndefined();
        const buf = sealed.slice();
        expect(aead.openInPlace(nonce, aad, buf)).toBeUndefined();
        // Authentication comes first: a forgery leaves the bytes as they were.
        expect(toHex(buf)).toBe(toHex(sealed));
      }
    });
  });
});

/** @noble/ciphers' one-shot AEADs: the oracle for our per-key ones. */
function oracleSeal(name: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return (name === 'chacha20-poly1305' ? chacha20poly1305 : gcm)(key, nonce, aad).encrypt(plaintext);
}

/** The AEADs keyed once per traffic key (aes-gcm.ts, chacha20-poly1305.ts); CCM has its own tests. */
type PerKeyAead = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
const AEADS: readonly PerKeyAead[] = ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'];
const KEY_LEN: Record<PerKeyAead, number> = { 'aes-128-gcm': 16, 'aes-256-gcm': 32, 'chacha20-poly1305': 32 };

/** A message: random bytes, most short, some around a TLS record (16 KiB + 1 and a bit). */
const messageArb = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16368, max: 16401 }).map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff)) },
);

describe.each(AEADS)('pure provider %s, one key for many nonces, against @noble/ciphers one-shot', (name) => {
  it('seal, sealInto at any offset, open and openInPlace agree with the oracle', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: KEY_LEN[name], maxLength: KEY_LEN[name] }),
        fc.array(fc.record({ nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }), aad: fc.uint8Array({ maxLength: 40 }), msg: messageArb, offset: fc.nat(7) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (key, messages) => {
          const aead = nobleProvider.aead(name, key);
          for (const { nonce, aad, msg, offset } of messages) {
            const expected = oracleSeal(name, key, nonce, aad, msg);
            expect(toHex(aead.seal(nonce, aad, msg))).toBe(toHex(expected));
            // sealInto: plaintext ‖ trailer at an arbitrary (unaligned) offset, nothing else touched.
            const cut = msg.length >> 1;
            const out = new Uint8Array(offset + expected.length + 3).fill(0xee);
            expect(aead.sealInto(nonce, aad, msg.subarray(0, cut), msg.subarray(cut), out, offset)).toBe(expected.length);
            expect(toHex(out.subarray(offset, offset + expected.length))).toBe(toHex(expected));
            expect(out.subarray(0, offset).every((b) => b === 0xee) && out.subarray(offset + expected.length).every((b) => b === 0xee)).toBe(true);
            // open leaves its input alone; openInPlace returns a view of it.
            const opened = aead.open(nonce, aad, expected);
            expect(opened && toHex(opened)).toBe(toHex(msg));
            expect(toHex(expected)).toBe(toHex(oracleSeal(name, key, nonce, aad, msg)));
            const wire = out.subarray(offset, offset + expected.length);
            const inPlace = aead.openInPlace(nonce, aad, wire);
            expect(inPlace && toHex(inPlace)).toBe(toHex(msg));
            expect(inPlace?.buffer).toBe(out.buffer);
            expect(inPlace?.byteOffset).toBe(offset);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a flipped bit anywhere fails to open and leaves the bytes unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 20 }), fc.nat(), (msg, aad, bit) => {
        const key = new Uint8Array(KEY_LEN[name]).fill(5);
        const nonce = new Uint8Array(12).fill(6);
        const sealed = nobleProvider.aead(name, key).seal(nonce, aad, msg);
        const i = bit % (sealed.length * 8);
        const bad = sealed.slice();
        bad[i >> 3] = (bad[i >> 3] as number) ^ (1 << (i & 7));
        const copy = bad.slice();
        expect(nobleProvider.aead(name, key).openInPlace(nonce, aad, bad)).toBeUndefined();
        expect(toHex(bad)).toBe(toHex(copy));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Ghash (constant-time, crypto/noble/ghash.ts)', () => {
  it('matches @noble/ciphers GHASH over segments of any length, reset between messages', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
        (h, messages) => {
          const ours = new Ghash(h);
          for (const segments of messages) {
            ours.reset();
            const theirs = new GHASH(h);
            for (const s of segments) {
              ours.update(s);
              theirs.update(s);
            }
            const a = segments.reduce((n, s) => n + s.length, 0);
            const lengths = new Uint8Array(16);
            new DataView(lengths.buffer).setUint32(4, a * 8);
            new DataView(lengths.buffer).setUint32(12, 8);
            theirs.update(lengths);
            const out = new Uint8Array(20);
            ours.finish(a, 1, out, 3);
            expect(toHex(out.subarray(3, 19))).toBe(toHex(theirs.digest()));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Poly1305 (float64 limbs, crypto/noble/poly1305.ts)', () => {
  /** Ours zero-pads each update to 16 bytes (the AEAD's pad16): noble gets the padded bytes. */
  function both(key: Uint8Array, segments: readonly Uint8Array[]): [string, string] {
    const ours = new Poly1305();
    ours.start(key);
    for (const seg of segments) ours.update(seg);
    const out = new Uint8Array(19);
    ours.finish(out, 2);
    const padded = segments.map((seg) => concat(seg, new Uint8Array((16 - (seg.length % 16)) % 16)));
    return [toHex(out.subarray(2, 18)), toHex(poly1305(concat(...padded), key))];
  }

  it('matches @noble/ciphers Poly1305 for random keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 4 }), (key, segments) => {
        const [a, b] = both(key, segments);
        expect(a).toBe(b);
      }),
      { numRuns: 300 },
    );
  });

  it('reduces at the edges: all-ones blocks and keys, r = 1 sums reaching p and 2^130, r = 0', () => {
    const ones = new Uint8Array(32).fill(0xff);
    const rOne = new Uint8Array(32);
    rOne[0] = 1;
    const sOnes = rOne.slice();
    sOnes.fill(0xff, 16);
    const ffBlocks = (n: number): Uint8Array => new Uint8Array(16 * n).fill(0xff);
    for (const key of [ones, rOne, sOnes, new Uint8Array(32), ones.map((b, i) => (i < 16 ? 0 : b))]) {
      for (const n of [1, 2, 3, 4, 5, 64, 1025]) {
        const [a, b] = both(key, [ffBlocks(n)]);
        expect(a).toBe(b);
      }
    }
  });
});

interface Rfc8439 {
  chacha20: { section: string; key: string; nonce: string; counter: number; plaintext: string; ciphertext: string }[];
  poly1305: { section: string; key: string; message: string; tag: string }[];
  aead: { section: string; key: string; nonce: string; aad: string; plaintext: string; ciphertext: string; tag: string }[];
}
const RFC8439 = JSON.parse(readFileSync(new URL('../../../vectors/rfc8439/chacha20-poly1305.json', import.meta.url), 'utf8')) as Rfc8439;

describe('RFC 8439 vectors', () => {
  it.each(RFC8439.chacha20)('ChaCha20 §$section (ours and @noble/ciphers), at an unaligned offset', (v) => {
    const key = fromHex(v.key);
    const nonce = fromHex(v.nonce);
    const plaintext = fromHex(v.plaintext);
    expect(toHex(chacha20(key, nonce, plaintext, undefined, v.counter))).toBe(v.ciphertext);
    const buf = new Uint8Array(plaintext.length + 5);
    const slot = buf.subarray(5);
    slot.set(plaintext);
    new ChaCha20(key).xor(nonce, v.counter, slot, slot);
    expect(toHex(slot)).toBe(v.ciphertext);
  });

  it.each(RFC8439.poly1305)('Poly1305 §$section (ours and @noble/ciphers)', (v) => {
    const key = fromHex(v.key);
    const message = fromHex(v.message);
    expect(toHex(poly1305(message, key))).toBe(v.tag);
    // Ours pads each update to 16 bytes (RFC 8439 §2.8): whole blocks go in as one segment,
    // a message with a partial last block only as the AEAD pads it, so those run through noble only.
    if (message.length % 16 !== 0) return;
    const ours = new Poly1305();
    ours.start(key);
    ours.update(message);
    const out = new Uint8Array(16);
    ours.finish(out, 0);
    expect(toHex(out)).toBe(v.tag);
  });

  describe.each(PROVIDERS)('$name provider', (provider) => {
    it.each(RFC8439.aead)('AEAD_CHACHA20_POLY1305 §$section', (v) => {
      const aead = provider.aead('chacha20-poly1305', fromHex(v.key));
      const sealed = aead.seal(fromHex(v.nonce), fromHex(v.aad), fromHex(v.plaintext));
      expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
      expect(toHex(aead.openInPlace(fromHex(v.nonce), fromHex(v.aad), sealed) ?? Uint8Array.of(0xff))).toBe(v.plaintext);
    });
  });
});
