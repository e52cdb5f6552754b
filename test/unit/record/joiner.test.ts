/**
 * HandshakeJoiner (RFC 8446 §5.1): messages spanning records, several messages per record,
 * the key-change alignment signal (`isEmpty`), zero-length fragments and the size bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../../src/bytes/bytes.ts';
import { MAX_CLIENT_HELLO_LEN, MAX_HANDSHAKE_MESSAGE_LEN } from '../../../src/protocol/limits.ts';
import { AlertDescription, HandshakeType } from '../../../src/protocol/registry.ts';
import { HandshakeJoiner, type JoinedMessage } from '../../../src/record/joiner.ts';
import { fragment } from '../../../src/record/fragmenter.ts';
import { expectAlert } from './_alert.ts';

function msg(type: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  return concat(Uint8Array.of(type, n >> 16, (n >> 8) & 0xff, n & 0xff), body);
}

/** Pushes `wire` to `j` in records of 2^14 bytes; the messages completed on the way. */
function joinRecords(j: HandshakeJoiner, wire: Uint8Array): JoinedMessage[] {
  const got: JoinedMessage[] = [];
  for (const f of fragment(wire, 2 ** 14)) {
    j.push(f);
    got.push(...drain(j));
  }
  return got;
}

function drain(j: HandshakeJoiner): JoinedMessage[] {
  const out: JoinedMessage[] = [];
  for (let m = j.next(); m; m = j.next()) out.push(m);
  return out;
}

describe('HandshakeJoiner', () => {
  it('joins one message split over 3 records; isEmpty only once it is complete (RFC 8446 §5.1)', () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const wire = msg(HandshakeType.certificate, body);
    const j = new HandshakeJoiner();
    expect(j.isEmpty).toBe(true);
    j.push(wire.subarray(0, 2)); // part of the header
    expect(j.next()).toBeUndefined();
    expect(j.isEmpty).toBe(false);
    j.push(wire.subarray(2, 150));
    expect(j.next()).toBeUndefined();
    expect(j.isEmpty).toBe(false);
    j.push(wire.subarray(150));
    const m = j.next();
    expect(m?.type).toBe(HandshakeType.certificate);
    expect(toHex(m?.body ?? new Uint8Array())).toBe(toHex(body));
    expect(toHex(m?.raw ?? new Uint8Array())).toBe(toHex(wire));
    expect(j.next()).toBeUndefined();
    expect(j.isEmpty).toBe(true);
  });

  it('returns 3 messages coalesced in one record, in order (RFC 8446 §5.1)', () => {
    const a = msg(HandshakeType.encrypted_extensions, Uint8Array.of(0, 0));
    const b = msg(HandshakeType.certificate_verify, Uint8Array.of(8, 4, 0, 1, 7));
    const c = msg(HandshakeType.finished, new Uint8Array(32).fill(0xaa));
    const j = new HandshakeJoiner();
    j.push(concat(a, b, c));
    const got = drain(j);
    expect(got.map((m) => m.type)).toEqual([8, 15, 20]);
    expect(got.map((m) => toHex(m.raw))).toEqual([a, b, c].map(toHex));
    expect(j.isEmpty).toBe(true);
  });

  it('a record ending mid-message leaves isEmpty false (key change not aligned, RFC 8446 §5.1)', () => {
    const fin = msg(HandshakeType.finished, new Uint8Array(32));
    const next = msg(HandshakeType.new_session_ticket, new Uint8Array(10));
    const j = new HandshakeJoiner();
    j.push(concat(fin, next.subarray(0, 3)));
    expect(drain(j).map((m) => m.type)).toEqual([HandshakeType.finished]);
    expect(j.isEmpty).toBe(false);
  });

  it('accepts an empty-bodied message (e.g. EndOfEarlyData)', () => {
    const j = new HandshakeJoiner();
    j.push(msg(HandshakeType.end_of_early_data, new Uint8Array(0)));
    const m = j.next();
    expect(m?.type).toBe(HandshakeType.end_of_early_data);
    expect(m?.body.length).toBe(0);
    expect(j.isEmpty).toBe(true);
  });

  it('rejects a zero-length handshake fragment with unexpected_message (RFC 8446 §5.1)', () => {
    const j = new HandshakeJoiner();
    expectAlert(() => j.push(new Uint8Array(0)), AlertDescription.unexpected_message);
  });

  it('rejects a message announcing more than MAX_HANDSHAKE_MESSAGE_LEN with decode_error, before its body arrives', () => {
    const n = MAX_HANDSHAKE_MESSAGE_LEN + 1;
    const j = new HandshakeJoiner();
    j.push(Uint8Array.of(HandshakeType.certificate, n >> 16, (n >> 8) & 0xff, n & 0xff));
    expectAlert(() => j.next(), AlertDescription.decode_error);
  });

  it('accepts a message of exactly MAX_HANDSHAKE_MESSAGE_LEN over many records', () => {
    const wire = msg(HandshakeType.certificate, new Uint8Array(MAX_HANDSHAKE_MESSAGE_LEN).fill(1));
    const got = joinRecords(new HandshakeJoiner(), wire);
    expect(got.length).toBe(1);
    expect(got[0]?.body.length).toBe(MAX_HANDSHAKE_MESSAGE_LEN);
  });

  it('accepts a ClientHello of exactly MAX_CLIENT_HELLO_LEN (131,396, OpenSSL\'s bound) over many records, and rejects one byte more', () => {
    const wire = msg(HandshakeType.client_hello, new Uint8Array(MAX_CLIENT_HELLO_LEN).fill(1));
    const j = new HandshakeJoiner();
    expect(joinRecords(j, wire).map((m) => m.body.length)).toEqual([MAX_CLIENT_HELLO_LEN]);
    const n = MAX_CLIENT_HELLO_LEN + 1;
    j.push(Uint8Array.of(HandshakeType.client_hello, n >> 16, (n >> 8) & 0xff, n & 0xff));
    expectAlert(() => j.next(), AlertDescription.decode_error);
  });

  it('keeps MAX_HANDSHAKE_MESSAGE_LEN for every message but ClientHello', () => {
    const n = MAX_HANDSHAKE_MESSAGE_LEN + 1;
    for (const type of [HandshakeType.server_hello, HandshakeType.encrypted_extensions, HandshakeType.certificate, HandshakeType.new_session_ticket]) {
      const j = new HandshakeJoiner();
      j.push(Uint8Array.of(type, n >> 16, (n >> 8) & 0xff, n & 0xff));
      expectAlert(() => j.next(), AlertDescription.decode_error);
    }
  });

  it('gives the same messages for any split into records, and returned messages stay intact', () => {
    const msgArb = fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 200 }) });
    fc.assert(
      fc.property(fc.array(msgArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 64 }), (msgs, size) => {
        const wire = concat(...msgs.map((m) => msg(m.type, m.body)));
        const j = new HandshakeJoiner();
        const got: JoinedMessage[] = [];
        for (const f of fragment(wire, size)) {
          j.push(f.slice());
          got.push(...drain(j));
        }
        expect(j.isEmpty).toBe(true);
        expect(got.map((m) => [m.type, toHex(m.body)])).toEqual(msgs.map((m) => [m.type, toHex(m.body)]));
      }),
    );
  });
});

describe('fragment', () => {
  it('splits into chunks of at most maxLen that concatenate back (RFC 8446 §5.1)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.integer({ min: 1, max: 100 }), (data, maxLen) => {
        const parts = fragment(data, maxLen);
        expect(parts.length).toBe(Math.ceil(data.length / maxLen));
        for (const p of parts) {
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(maxLen);
        }
        expect(toHex(concat(...parts))).toBe(toHex(data));
      }),
    );
  });

  it('returns no chunk for empty input, and rejects a non-positive maxLen', () => {
    expect(fragment(new Uint8Array(0), 16)).toEqual([]);
    expect(() => fragment(new Uint8Array(4), 0)).toThrow(RangeError);
  });
});
