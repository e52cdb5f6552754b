/**
 * Deframer (RFC 8446 §5.1, §5.2): identical records for any split of the input, header checks
 * (content type, length), the plaintext length check and the buffer bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../../src/bytes/bytes.ts';
import { MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, RECORD_HEADER_LEN } from '../../../src/protocol/limits.ts';
import { AlertDescription, ContentType } from '../../../src/protocol/registry.ts';
import { checkPlaintextRecordLen, Deframer, type RawRecord } from '../../../src/record/deframer.ts';
import { encodePlaintextRecord } from '../../../src/record/protection.ts';
import { expectAlert } from './_alert.ts';

function header(type: number, version: number, len: number): Uint8Array {
  return Uint8Array.of(type, version >> 8, version & 0xff, len >> 8, len & 0xff);
}

/** A plain-data view of records, so that two runs can be compared with toEqual. */
function show(recs: readonly RawRecord[]): unknown[] {
  return recs.map((r) => ({
    t: r.contentType,
    v: r.legacyRecordVersion,
    h: toHex(r.header),
    f: toHex(r.fragment),
  }));
}

/** Pushes `chunks` one by one, draining after each push. */
function deframeChunks(chunks: readonly Uint8Array[]): RawRecord[] {
  const d = new Deframer();
  const out: RawRecord[] = [];
  for (const c of chunks) {
    d.push(c);
    for (let r = d.next(); r; r = d.next()) out.push(r);
  }
  expect(d.bufferedLen).toBe(0);
  return out;
}

function cut(data: Uint8Array, points: readonly number[]): Uint8Array[] {
  const ps = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of ps) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  out.push(data.subarray(prev));
  return out;
}

const recordArb = fc.record({
  type: fc.constantFrom(20, 21, 22, 23),
  version: fc.constantFrom(0x0301, 0x0303, 0x0300, 0x03ff),
  fragment: fc.uint8Array({ minLength: 0, maxLength: 300 }),
});

describe('Deframer', () => {
  it('returns the header fields, the 5 header bytes and the fragment (RFC 8446 §5.1)', () => {
    const d = new Deframer();
    d.push(encodePlaintextRecord(ContentType.handshake, Uint8Array.of(1, 2, 3), 0x0301));
    const r = d.next();
    expect(r).toBeDefined();
    expect(r?.contentType).toBe(22);
    expect(r?.legacyRecordVersion).toBe(0x0301);
    expect(toHex(r?.header ?? new Uint8Array())).toBe('1603010003');
    expect(toHex(r?.fragment ?? new Uint8Array())).toBe('010203');
    expect(d.next()).toBeUndefined();
  });

  it('waits for the whole record: a partial header or body gives undefined (RFC 8446 §5.1)', () => {
    const rec = encodePlaintextRecord(ContentType.alert, Uint8Array.of(2, 40));
    const d = new Deframer();
    d.push(rec.subarray(0, 4));
    expect(d.next()).toBeUndefined();
    d.push(rec.subarray(4, 6));
    expect(d.next()).toBeUndefined();
    expect(d.bufferedLen).toBe(6);
    d.push(rec.subarray(6));
    expect(toHex(d.next()?.fragment ?? new Uint8Array())).toBe('0228');
  });

  it('gives identical records for random cut points, one byte at a time, and all at once (RFC 8446 §5.1)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (recs, points) => {
        const wire = concat(...recs.map((r) => encodePlaintextRecord(r.type, r.fragment, r.version)));
        const whole = show(deframeChunks([wire]));
        expect(whole).toEqual(recs.map((r) => ({
          t: r.type,
          v: r.version,
          h: toHex(header(r.type, r.version, r.fragment.length)),
          f: toHex(r.fragment),
        })));
        expect(show(deframeChunks(cut(wire, points)))).toEqual(whole);
        const bytes = Array.from(wire, (_, i) => wire.subarray(i, i + 1));
        expect(show(deframeChunks(bytes))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('returns a record lying whole in the pushed bytes as a view of them, owned only when pushed as owned', () => {
    const wire = concat(
      encodePlaintextRecord(ContentType.handshake, Uint8Array.of(1, 2, 3)),
      encodePlaintextRecord(ContentType.alert, Uint8Array.of(2, 40)),
    );
    for (const owned of [false, true]) {
      const d = new Deframer();
      d.push(wire, owned);
      const a = d.next() as RawRecord;
      const b = d.next() as RawRecord;
      expect(d.next()).toBeUndefined();
      for (const r of [a, b]) {
        expect(r.fragment.buffer).toBe(wire.buffer);
        expect(r.header.buffer).toBe(wire.buffer);
        expect(r.owned).toBe(owned);
      }
      expect(a.fragment.byteOffset).toBe(5);
      expect(b.fragment.byteOffset).toBe(5 + 3 + 5);
    }
  });

  it('copies only a record cut by the end of a push; once next() gave undefined the pushed buffer may be reused', () => {
    const scratch = concat(
      encodePlaintextRecord(ContentType.handshake, Uint8Array.of(8)),
      encodePlaintextRecord(ContentType.handshake, Uint8Array.of(9, 9, 9)),
    );
    const d = new Deframer();
    d.push(scratch.subarray(0, 6 + 6));
    const whole = d.next() as RawRecord;
    expect(whole.fragment.buffer).toBe(scratch.buffer);
    expect(d.next()).toBeUndefined();
    scratch.fill(0, 6); // the cut record's first bytes were copied before next() returned
    d.push(Uint8Array.of(9, 9));
    const cut = d.next() as RawRecord;
    expect(toHex(cut.fragment)).toBe('090909');
    expect(cut.owned).toBe(true);
    expect(cut.fragment.buffer).not.toBe(scratch.buffer);
    expect(d.bufferedLen).toBe(0);
  });

  it('keeps the rest of an input pushed over before it was drained (same records as draining first)', () => {
    const wire = concat(
      encodePlaintextRecord(ContentType.handshake, Uint8Array.of(1)),
      encodePlaintextRecord(ContentType.handshake, Uint8Array.of(2, 2)),
      encodePlaintextRecord(ContentType.alert, Uint8Array.of(2, 40)),
    );
    const d = new Deframer();
    d.push(wire.subarray(0, 9));
    expect(toHex((d.next() as RawRecord).fragment)).toBe('01');
    d.push(wire.subarray(9));
    expect([d.next() as RawRecord, d.next() as RawRecord].map((r) => toHex(r.fragment))).toEqual(['0202', '0228']);
    expect(d.next()).toBeUndefined();
  });

  it('holds no buffer once drained: an idle connection keeps neither a receive buffer nor the last input', () => {
    const held = (d: Deframer): number => {
      const inner = d as unknown as { buf: Uint8Array; input: Uint8Array };
      return inner.buf.length + inner.input.length;
    };
    const wire = concat(
      encodePlaintextRecord(ContentType.handshake, new Uint8Array(3000).fill(1)),
      encodePlaintextRecord(ContentType.handshake, new Uint8Array(5000).fill(2)),
    );
    for (const owned of [false, true]) {
      const d = new Deframer();
      // A record cut across pushes is copied into a buffer of its own (sized for all of it) ...
      d.push(wire.subarray(0, 3500), owned);
      expect(d.next()?.fragment.length).toBe(3000);
      expect(d.next()).toBeUndefined();
      expect(held(d)).toBe(5005);
      d.push(wire.subarray(3500), owned);
      expect(d.next()?.fragment.length).toBe(5000);
      // ... and let go, with the input, once nothing is pending.
      expect(d.next()).toBeUndefined();
      expect(held(d)).toBe(0);
      expect(d.bufferedLen).toBe(0);
    }
  });

  it('copies a record pushed one byte at a time into at most three buffers (no copy per byte)', () => {
    const rec = encodePlaintextRecord(ContentType.application_data, new Uint8Array(16384).fill(3));
    const d = new Deframer();
    const buffers = new Set<Uint8Array>();
    let out: RawRecord | undefined;
    for (let i = 0; i < rec.length; i++) {
      d.push(rec.subarray(i, i + 1));
      out = d.next();
      buffers.add((d as unknown as { buf: Uint8Array }).buf);
    }
    expect(out?.fragment.length).toBe(16384);
    // A partial header, the header, the record (and the empty buffer once released).
    expect([...buffers].filter((b) => b.length > 0).length).toBeLessThanOrEqual(3);
  });

  it('detach() copies the unread rest of borrowed bytes: a paused connection reads it after the pusher reused them', () => {
    for (const owned of [false, true]) {
      const wire = concat(
        encodePlaintextRecord(ContentType.handshake, Uint8Array.of(1)),
        encodePlaintextRecord(ContentType.handshake, Uint8Array.of(2, 2)),
        encodePlaintextRecord(ContentType.alert, Uint8Array.of(2, 40)),
      );
      const d = new Deframer();
      d.push(wire.subarray(0, 16), owned); // two records and a bit
      expect(toHex((d.next() as RawRecord).fragment)).toBe('01');
      d.detach();
      if (!owned) wire.fill(0); // the pusher reuses its buffer
      d.push(owned ? wire.subarray(16) : encodePlaintextRecord(ContentType.alert, Uint8Array.of(2, 40)).subarray(3));
      const rest = [d.next() as RawRecord, d.next() as RawRecord];
      expect(rest.map((r) => toHex(r.fragment))).toEqual(['0202', '0228']);
      expect(d.next()).toBeUndefined();
    }
  });

  it('never writes over a record it handed out (copied records get buffers of their own)', () => {
    const d = new Deframer();
    const rec = encodePlaintextRecord(ContentType.handshake, new Uint8Array(1000).fill(7));
    const held: RawRecord[] = [];
    for (let i = 0; i < 40; i++) {
      d.push(rec.subarray(0, 300));
      d.push(rec.subarray(300));
      for (let r = d.next(); r; r = d.next()) held.push(r);
    }
    expect(held).toHaveLength(40);
    expect(held.every((r) => r.fragment.every((b) => b === 7))).toBe(true);
  });

  it('accepts a record of exactly 2^14 + 256 bytes (RFC 8446 §5.2)', () => {
    const d = new Deframer();
    d.push(concat(header(23, 0x0303, MAX_CIPHERTEXT_LEN), new Uint8Array(MAX_CIPHERTEXT_LEN)));
    expect(d.next()?.fragment.length).toBe(MAX_CIPHERTEXT_LEN);
  });

  it.each([20, 21, 22, 23])('rejects type %i longer than 2^14 + 256 with record_overflow as soon as the header is in (RFC 8446 §5.2)', (t) => {
    const d = new Deframer();
    d.push(header(t, 0x0303, MAX_CIPHERTEXT_LEN + 1));
    expectAlert(() => d.next(), AlertDescription.record_overflow);
  });

  it.each([0, 19, 24, 0x80, 255])('rejects unknown content type %i with unexpected_message (RFC 8446 §5)', (t) => {
    const d = new Deframer();
    d.push(header(t, 0x0303, 1));
    expectAlert(() => d.next(), AlertDescription.unexpected_message);
  });

  it('says the peer does not speak TLS when its first bytes are text (HTTP, SMTP, SSH), quoting at most 40 printable characters', () => {
    const text = (bytes: string): string => {
      const d = new Deframer();
      d.push(new TextEncoder().encode(bytes));
      return expectAlert(() => d.next(), AlertDescription.unexpected_message).message;
    };
    expect(text('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')).toBe("the peer does not speak TLS (it sent 'HTTP/1.1 400 Bad Request')");
    expect(text('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')).toBe("the peer does not speak TLS (it sent 'SSH-2.0-OpenSSH_9.2p1 Debian-2')");
    expect(text(`220 ${'x'.repeat(100)}`)).toBe(`the peer does not speak TLS (it sent '220 ${'x'.repeat(36)}…')`);
    // Fewer than 5 printable bytes, or binary: the plain record error.
    expect(text('HTT\u0001\u0002')).toBe('record: unknown content type 72');
  });

  it('quotes text only in the first record: later, an unknown type is a record error', () => {
    const d = new Deframer();
    d.push(concat(header(22, 0x0303, 1), Uint8Array.of(1), new TextEncoder().encode('HTTP/1.1 200 OK')));
    d.next();
    expect(expectAlert(() => d.next(), AlertDescription.unexpected_message).message).toBe('record: unknown content type 72');
  });

  it('ignores legacy_record_version within 0x03XX but rejects a non-TLS major version with decode_error (RFC 8446 §5.1)', () => {
    const ok = new Deframer();
    ok.push(concat(header(22, 0x0399, 1), Uint8Array.of(1)));
    expect(ok.next()?.legacyRecordVersion).toBe(0x0399);
    const bad = new Deframer();
    bad.push(header(22, 0x0203, 1));
    expectAlert(() => bad.next(), AlertDescription.decode_error);
  });

  it('checkPlaintextRecordLen rejects an unprotected record over 2^14 with record_overflow (RFC 8446 §5.1)', () => {
    const d = new Deframer();
    d.push(concat(header(22, 0x0303, MAX_PLAINTEXT_LEN), new Uint8Array(MAX_PLAINTEXT_LEN)));
    d.push(concat(header(22, 0x0303, MAX_PLAINTEXT_LEN + 1), new Uint8Array(MAX_PLAINTEXT_LEN + 1)));
    const fits = d.next() as RawRecord;
    const over = d.next() as RawRecord;
    expect(() => checkPlaintextRecordLen(fits)).not.toThrow();
    expectAlert(() => checkPlaintextRecordLen(over), AlertDescription.record_overflow);
  });

  it('keeps at most one incomplete record buffered once drained (bounded memory)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), fc.nat(), (recs, extra) => {
        const wire = concat(...recs.map((r) => encodePlaintextRecord(r.type, r.fragment, r.version)));
        const d = new Deframer();
        // Everything but a prefix of the last record.
        const lastLen = RECORD_HEADER_LEN + (recs.at(-1)?.fragment.length ?? 0);
        const keep = wire.length - lastLen + (extra % lastLen);
        d.push(wire.subarray(0, keep));
        let n = 0;
        while (d.next()) n++;
        expect(n).toBe(recs.length - 1);
        expect(d.bufferedLen).toBe(keep - (wire.length - lastLen));
        expect(d.bufferedLen).toBeLessThan(RECORD_HEADER_LEN + MAX_CIPHERTEXT_LEN);
      }),
    );
  });
});
