/**
 * RecordProtection (RFC 8446 §5.2-5.5): round trips for every suite, padding and content-type
 * hiding, the nonce construction, every rejection path, and the usage limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/bytes/bytes.ts';
import { ALL_SUITES, TLS_AES_128_GCM_SHA256, type CipherSuiteInfo } from '../../../src/crypto/suites.ts';
import { MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, RECORD_HEADER_LEN } from '../../../src/protocol/limits.ts';
import { AlertDescription, ContentType } from '../../../src/protocol/registry.ts';
import { Deframer, type RawRecord } from '../../../src/record/deframer.ts';
import { encodePlaintextRecord, RecordProtection, recordNonce } from '../../../src/record/protection.ts';
import { expectAlert } from './_alert.ts';
import { PROVIDERS } from '../../helpers/providers.ts';

function keysFor(suite: CipherSuiteInfo, seed = 1): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: Uint8Array.from({ length: suite.keyLen }, (_, i) => (i * 7 + seed) & 0xff),
    iv: Uint8Array.from({ length: suite.ivLen }, (_, i) => (i * 13 + seed) & 0xff),
  };
}

function deframeOne(wire: Uint8Array): RawRecord {
  const d = new Deframer();
  d.push(wire);
  const r = d.next();
  if (!r) throw new Error('no record');
  expect(d.bufferedLen).toBe(0);
  return r;
}

/** A raw protected record with an arbitrary fragment. */
function raw(fragment: Uint8Array, contentType = 23, version = 0x0303): RawRecord {
  const header = Uint8Array.of(contentType, version >> 8, version & 0xff, fragment.length >> 8, fragment.length & 0xff);
  return { contentType, legacyRecordVersion: version, header, fragment };
}

describe('recordNonce (RFC 8446 §5.3)', () => {
  it('XORs the left-padded big-endian 64-bit sequence number into the iv', () => {
    const iv = fromHex('5d313eb2671276ee13000b30');
    expect(toHex(recordNonce(iv, 0))).toBe('5d313eb2671276ee13000b30');
    expect(toHex(recordNonce(iv, 1))).toBe('5d313eb2671276ee13000b31');
    expect(toHex(recordNonce(iv, 0x0102030405))).toBe('5d313eb2671276ef11030f35');
    // 2^53 - 1 = 0x001fffff_ffffffff: both u32 halves are written
    expect(toHex(recordNonce(new Uint8Array(12), Number.MAX_SAFE_INTEGER))).toBe('00000000001fffffffffffff');
  });

  it('matches a bigint reference for random sequence numbers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.maxSafeNat(), (iv, seq) => {
        const padded = new Uint8Array(12);
        new DataView(padded.buffer).setBigUint64(4, BigInt(seq));
        const want = padded.map((b, i) => b ^ (iv[i] as number));
        expect(toHex(recordNonce(iv, seq))).toBe(toHex(want));
      }),
    );
  });
});

describe.each(PROVIDERS)('RecordProtection ($name)', (provider) => {
  describe.each(ALL_SUITES)('$name', (suite) => {
    it('opens an owned record in place where the provider can, and leaves a borrowed one as it was', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
      const borrowed = sealer.seal(ContentType.application_data, data);
      const copy = borrowed.slice();
      const d = new Deframer();
      d.push(borrowed);
      expect(toHex(opener.open(d.next() as RawRecord).plaintext)).toBe(toHex(data));
      expect(toHex(borrowed)).toBe(toHex(copy));
      const owned = sealer.seal(ContentType.application_data, data);
      d.push(owned, true);
      const inner = opener.open(d.next() as RawRecord);
      expect(toHex(inner.plaintext)).toBe(toHex(data));
      // The pure provider decrypts GCM and ChaCha20-Poly1305 where the record lies; its CCM and
      // node:crypto always return a new buffer.
      expect(inner.plaintext.buffer === owned.buffer).toBe(provider.name === 'noble' && !suite.aead.startsWith('aes-128-ccm'));
    });

    it('seal then open round-trips content and type, sequence numbers advance together (RFC 8446 §5.2)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      fc.assert(
        fc.property(
          fc.constantFrom(ContentType.handshake, ContentType.alert, ContentType.application_data),
          fc.uint8Array({ minLength: 1, maxLength: 400 }),
          (type, data) => {
            const wire = sealer.seal(type, data);
            expect(Array.from(wire.subarray(0, 3))).toEqual([23, 3, 3]);
            expect(wire.length).toBe(RECORD_HEADER_LEN + data.length + 1 + suite.tagLen);
            const out = opener.open(deframeOne(wire));
            expect(out.contentType).toBe(type);
            expect(toHex(out.plaintext)).toBe(toHex(data));
            expect(opener.sequenceNumber).toBe(sealer.sequenceNumber);
          },
        ),
        { numRuns: 50 },
      );
    });

    it('padding hides the length and the type; open strips it (RFC 8446 §5.4)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      // An alert and 101 bytes of application data padded to the same size are indistinguishable.
      const a = sealer.seal(ContentType.alert, Uint8Array.of(1, 0), 100);
      const b = sealer.seal(ContentType.application_data, new Uint8Array(101).fill(0x41), 1);
      expect(a.length).toBe(b.length);
      expect(toHex(a.subarray(0, 3))).toBe(toHex(b.subarray(0, 3)));
      expect(toHex(a.subarray(0, 5))).toBe(toHex(b.subarray(0, 5)));
      const ra = opener.open(deframeOne(a));
      expect(ra.contentType).toBe(ContentType.alert);
      expect(toHex(ra.plaintext)).toBe('0100');
      const rb = opener.open(deframeOne(b));
      expect(rb.contentType).toBe(ContentType.application_data);
      expect(rb.plaintext.length).toBe(101);
    });

    it('content ending in zero bytes survives padding: only bytes after the type are stripped (RFC 8446 §5.4)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      const out = opener.open(deframeOne(sealer.seal(ContentType.application_data, Uint8Array.of(5, 0, 0), 7)));
      expect(toHex(out.plaintext)).toBe('050000');
    });

    it('accepts an empty application data record (RFC 8446 §5.4 cover traffic)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      const out = opener.open(deframeOne(sealer.seal(ContentType.application_data, new Uint8Array(0), 16)));
      expect(out.contentType).toBe(ContentType.application_data);
      expect(out.plaintext.length).toBe(0);
    });

    it('seals and opens the largest record: 2^14 content, inner plaintext 2^14 + 1 (RFC 8446 §5.4)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      const data = new Uint8Array(MAX_PLAINTEXT_LEN).fill(3);
      expect(opener.open(deframeOne(sealer.seal(ContentType.application_data, data))).plaintext.length).toBe(
        MAX_PLAINTEXT_LEN,
      );
      expect(() => sealer.seal(ContentType.application_data, data, 1)).toThrow(RangeError);
      expect(() => sealer.seal(ContentType.application_data, new Uint8Array(10), -1)).toThrow(RangeError);
    });

    it('a flipped bit in the minor version, ciphertext or tag is bad_record_mac, and the sequence number stays (RFC 8446 §5.2)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const wire = sealer.seal(ContentType.handshake, Uint8Array.of(20, 0, 0, 1, 9));
      fc.assert(
        // The minor version byte (authenticated, otherwise ignored) or any ciphertext/tag byte;
        // type, major version and length change the framing and are tested separately.
        fc.property(fc.oneof(fc.constant(2), fc.integer({ min: 5, max: wire.length - 1 })), fc.integer({ min: 0, max: 7 }), (byte, bit) => {
          const bad = wire.slice();
          bad[byte] = (bad[byte] as number) ^ (1 << bit);
          const opener = new RecordProtection(provider, suite, keysFor(suite));
          expectAlert(() => opener.open(deframeOne(bad)), AlertDescription.bad_record_mac);
          expect(opener.sequenceNumber).toBe(0);
        }),
        { numRuns: 60 },
      );
    });

    it('a wrong key or a wrong sequence number is bad_record_mac (RFC 8446 §5.2, §5.3)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      sealer.seal(ContentType.application_data, Uint8Array.of(1));
      const second = sealer.seal(ContentType.application_data, Uint8Array.of(2));
      expectAlert(() => new RecordProtection(provider, suite, keysFor(suite)).open(deframeOne(second)), AlertDescription.bad_record_mac);
      const wrongKey = new RecordProtection(provider, suite, keysFor(suite, 2));
      const first = new RecordProtection(provider, suite, keysFor(suite)).seal(ContentType.application_data, Uint8Array.of(1));
      expectAlert(() => wrongKey.open(deframeOne(first)), AlertDescription.bad_record_mac);
    });

    it('a fragment shorter than the tag is bad_record_mac (RFC 8446 §5.2)', () => {
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      expectAlert(() => opener.open(raw(new Uint8Array(suite.tagLen - 1))), AlertDescription.bad_record_mac);
    });

    it('an outer type other than application_data is unexpected_message (RFC 8446 §5.2)', () => {
      const sealer = new RecordProtection(provider, suite, keysFor(suite));
      const wire = sealer.seal(ContentType.handshake, Uint8Array.of(1));
      const rec = deframeOne(wire);
      for (const t of [ContentType.handshake, ContentType.alert, ContentType.change_cipher_spec]) {
        const opener = new RecordProtection(provider, suite, keysFor(suite));
        expectAlert(() => opener.open({ ...rec, contentType: t }), AlertDescription.unexpected_message);
      }
    });

    it('oversize protected records are record_overflow (RFC 8446 §5.2, §5.4)', () => {
      const opener = new RecordProtection(provider, suite, keysFor(suite));
      expectAlert(() => opener.open(raw(new Uint8Array(MAX_CIPHERTEXT_LEN + 1))), AlertDescription.record_overflow);
      // Within 2^14 + 256 but an inner plaintext of 2^14 + 2 bytes.
      expectAlert(
        () => opener.open(raw(new Uint8Array(MAX_PLAINTEXT_LEN + 2 + suite.tagLen))),
        AlertDescription.record_overflow,
      );
    });
  });

  describe('inner plaintext checks (RFC 8446 §5, §5.4)', () => {
    const suite = TLS_AES_128_GCM_SHA256;
    const keys = keysFor(suite);
    const aead = provider.aead(suite.aead, keys.key);

    /** Seals an arbitrary TLSInnerPlaintext at sequence number 0. */
    function protectInner(inner: Uint8Array): RawRecord {
      const len = inner.length + suite.tagLen;
      const header = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
      const ct = aead.seal(recordNonce(keys.iv, 0), header, inner);
      return raw(ct);
    }

    it('an all-zero inner plaintext (no content type) is unexpected_message', () => {
      for (const n of [0, 1, 40]) {
        expectAlert(() => new RecordProtection(provider, suite, keys).open(protectInner(new Uint8Array(n))), AlertDescription.unexpected_message);
      }
    });

    it('a protected change_cipher_spec or unknown inner type is unexpected_message', () => {
      for (const t of [ContentType.change_cipher_spec, 24, 0x99]) {
        expectAlert(() => new RecordProtection(provider, suite, keys).open(protectInner(Uint8Array.of(1, t, 0, 0))), AlertDescription.unexpected_message);
      }
    });

    it('a zero-length handshake or alert content is unexpected_message', () => {
      for (const t of [ContentType.handshake, ContentType.alert]) {
        expectAlert(() => new RecordProtection(provider, suite, keys).open(protectInner(Uint8Array.of(t, 0))), AlertDescription.unexpected_message);
      }
    });

    it('the AAD is the header as received: legacy_record_version is authenticated (RFC 8446 §5.2)', () => {
      const wire = new RecordProtection(provider, suite, keys).seal(ContentType.application_data, Uint8Array.of(1, 2));
      const rec = deframeOne(wire);
      expectAlert(
        () => new RecordProtection(provider, suite, keys).open({ ...rec, legacyRecordVersion: 0x0301 }),
        AlertDescription.bad_record_mac,
      );
    });
  });

  describe('key usage limit (RFC 8446 §5.5)', () => {
    const tiny: CipherSuiteInfo = { ...TLS_AES_128_GCM_SHA256, maxRecordsPerKey: 1024 + 3 };

    it('needsKeyUpdate turns true 1024 records before the limit, and sealing stops at the limit', () => {
      const sealer = new RecordProtection(provider, tiny, keysFor(tiny));
      for (let i = 0; i < 3; i++) {
        expect(sealer.needsKeyUpdate).toBe(false);
        sealer.seal(ContentType.application_data, Uint8Array.of(i));
      }
      expect(sealer.sequenceNumber).toBe(3);
      expect(sealer.needsKeyUpdate).toBe(true);
      while (sealer.sequenceNumber < tiny.maxRecordsPerKey) sealer.seal(ContentType.application_data, Uint8Array.of(0));
      expectAlert(() => sealer.seal(ContentType.application_data, Uint8Array.of(0)), AlertDescription.internal_error);
      expect(sealer.sequenceNumber).toBe(tiny.maxRecordsPerKey);
    });

    it('opening throws once the peer exceeds the read-side bound without a KeyUpdate', () => {
      const small: CipherSuiteInfo = { ...TLS_AES_128_GCM_SHA256, maxRecordsPerKey: 4 };
      const big: CipherSuiteInfo = { ...TLS_AES_128_GCM_SHA256, maxRecordsPerKey: 100 };
      const sealer = new RecordProtection(provider, big, keysFor(big)); // a peer ignoring the limit
      const opener = new RecordProtection(provider, small, keysFor(small));
      let opened = 0;
      let err: unknown;
      for (let i = 0; i < 20 && err === undefined; i++) {
        const rec = deframeOne(sealer.seal(ContentType.application_data, Uint8Array.of(i)));
        try {
          opener.open(rec);
          opened++;
        } catch (e) {
          err = e;
        }
      }
      expect(opened).toBe(2 * small.maxRecordsPerKey);
      expect(err).toBeDefined();
      expect(opener.sequenceNumber).toBe(opened);
    });
  });
});

describe('encodePlaintextRecord (RFC 8446 §5.1)', () => {
  it('writes type, legacy_record_version (default 0x0303), length and fragment', () => {
    expect(toHex(encodePlaintextRecord(22, Uint8Array.of(1, 2)))).toBe('16030300020102');
    expect(toHex(encodePlaintextRecord(22, Uint8Array.of(1), 0x0301))).toBe('1603010001' + '01');
  });
  it('refuses a fragment over 2^14', () => {
    expect(() => encodePlaintextRecord(22, new Uint8Array(MAX_PLAINTEXT_LEN + 1))).toThrow(RangeError);
    expect(encodePlaintextRecord(22, new Uint8Array(MAX_PLAINTEXT_LEN)).length).toBe(MAX_PLAINTEXT_LEN + 5);
  });
});
