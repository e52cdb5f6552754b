/**
 * The record layer seen through the connection (RFC 8446 §5): any split of the byte stream gives
 * the same result, handshake messages may be coalesced into or split across records, padding
 * (RFC 8446 §5.4) and record_size_limit (RFC 8449 §4) shape the records on the wire.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import { AlertDescription, ContentType } from '../../src/protocol/registry.ts';
import { expectTlsError, handshake, makePair, readAll, transfer, type PairOptions } from '../helpers/pair.ts';
import { PROVIDERS, seededRandom } from '../helpers/providers.ts';
import { KeyCapture, encodeRecords, parseRecords, record, sealRecords, type WireRecord } from '../helpers/tamper.ts';

const provider = nobleProvider;

/** A pair whose every random draw is fixed, so two runs write identical bytes. */
function deterministicPair(opts: PairOptions = {}): ReturnType<typeof makePair> {
  return makePair(provider, {
    keyType: 'ed25519',
    ...opts,
    client: { random: seededRandom(1), now: () => Date.UTC(2026, 0, 1), ...opts.client },
    server: { random: seededRandom(2), ...opts.server },
  });
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...sorted, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

function feed(to: Connection, chunks: readonly Uint8Array[]): void {
  for (const c of chunks) to.receive(c);
}

/** Re-frames plaintext handshake records so that each carries at most `size` bytes. */
function reframe(bytes: Uint8Array, size: number): Uint8Array {
  const out: WireRecord[] = [];
  for (const r of parseRecords(bytes)) {
    if (r.type !== ContentType.handshake) {
      out.push(r);
      continue;
    }
    for (let i = 0; i < r.fragment.length; i += size) out.push({ ...r, fragment: r.fragment.subarray(i, i + size) });
  }
  return encodeRecords(out);
}

describe('record layer through the connection (RFC 8446 §5.1)', () => {
  it('gives the same result for any split of the handshake byte stream', () => {
    // Reference run, unsplit.
    const ref = deterministicPair();
    const hello = ref.client.takeOutput();
    ref.server.receive(hello);
    const serverFlight = ref.server.takeOutput();
    ref.client.receive(serverFlight);
    const clientFinished = ref.client.takeOutput();
    ref.server.receive(clientFinished);
    expect(ref.server.isHandshakeDone).toBe(true);

    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (cutsHello, cutsFlight, cutsFinished) => {
          const { client, server } = deterministicPair();
          expect(client.takeOutput()).toEqual(hello);
          feed(server, cut(hello, cutsHello));
          expect(server.takeOutput()).toEqual(serverFlight);
          feed(client, cut(serverFlight, cutsFlight));
          expect(client.takeOutput()).toEqual(clientFinished);
          feed(server, cut(clientFinished, cutsFinished));
          expect(client.isHandshakeDone && server.isHandshakeDone).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('accepts every handshake message split across records, down to one byte per record', () => {
    for (const size of [1, 3, 50]) {
      const { client, server } = makePair(provider);
      server.receive(reframe(client.takeOutput(), size));
      client.receive(reframe(server.takeOutput(), size));
      transfer(client, server);
      expect(client.isHandshakeDone && server.isHandshakeDone).toBe(true);
    }
  });

  it('coalesces the server flight: EncryptedExtensions..Finished share one protected record', () => {
    const { client, server } = makePair(provider, { client: { middleboxCompat: false } });
    transfer(client, server);
    const flight = server.takeOutput();
    expect(parseRecords(flight).map((r) => r.type)).toEqual([ContentType.handshake, ContentType.application_data]);
    client.receive(flight);
    transfer(client, server);
    expect(server.isHandshakeDone).toBe(true);
  });

  it('accepts ServerHello and the change_cipher_spec in one receive and separately (RFC 8446 Appendix D.4)', () => {
    const { client, server } = makePair(provider);
    transfer(client, server);
    const recs = parseRecords(server.takeOutput());
    expect(recs[1]?.type).toBe(ContentType.change_cipher_spec);
    for (const r of recs) client.receive(record(r.type, r.fragment, r.version));
    transfer(client, server);
    expect(server.isHandshakeDone).toBe(true);
  });
});

describe('taking the output', () => {
  it('takeOutputChunks gives the bytes takeOutput would: one chunk, the records of every write sealed into one buffer', () => {
    const a = deterministicPair();
    const b = deterministicPair();
    handshake(a.client, a.server);
    handshake(b.client, b.server);
    for (const c of [a.server, b.server]) for (const text of ['one', 'two', 'three']) c.write(utf8(text));
    const chunks = a.server.takeOutputChunks();
    expect(chunks.length).toBe(1);
    expect(concat(...chunks)).toEqual(b.server.takeOutput());
    expect(a.server.takeOutputChunks()).toEqual([]);
    expect(a.server.pendingOutputLen).toBe(0);
    a.client.receive(concat(...chunks));
    expect(new TextDecoder().decode(readAll(a.client))).toBe('onetwothree');
  });
});

describe('padding (RFC 8446 §5.4)', () => {
  it('pads every protected record by recordPadding and the peer strips it, both ways', () => {
    const { client, server } = makePair(provider, { client: { recordPadding: 100 }, server: { recordPadding: 37 } });
    handshake(client, server);
    client.write(utf8('hi'));
    const fromClient = parseRecords(client.takeOutput());
    expect(fromClient.map((r) => r.fragment.length)).toEqual([2 + 1 + 100 + 16]);
    server.receive(encodeRecords(fromClient));
    expect(readAll(server)).toEqual(utf8('hi'));
    server.write(utf8('hello'));
    const fromServer = parseRecords(server.takeOutput());
    expect(fromServer.map((r) => r.fragment.length)).toEqual([5 + 1 + 37 + 16]);
    client.receive(encodeRecords(fromServer));
    expect(readAll(client)).toEqual(utf8('hello'));
  });
});

describe('record_size_limit (RFC 8449 §4)', () => {
  it('makes the server send protected records of at most the client limit (64), handshake and data', () => {
    const { client, server } = makePair(provider, { client: { recordSizeLimit: 64 } });
    transfer(client, server);
    const flight = parseRecords(server.takeOutput());
    const protectedRecs = flight.filter((r) => r.type === ContentType.application_data);
    expect(protectedRecs.length).toBeGreaterThan(3);
    // TLSInnerPlaintext (content + type) ≤ 64, plus the 16-byte tag.
    for (const r of protectedRecs) expect(r.fragment.length).toBeLessThanOrEqual(64 + 16);
    client.receive(encodeRecords(flight));
    transfer(client, server);
    expect(server.isHandshakeDone).toBe(true);
    const data = new Uint8Array(1000).map((_, i) => i);
    server.write(data);
    const recs = parseRecords(server.takeOutput());
    for (const r of recs) expect(r.fragment.length).toBeLessThanOrEqual(64 + 16);
    client.receive(encodeRecords(recs));
    expect(readAll(client)).toEqual(data);
  });

  it("makes the client honour the server's limit from EncryptedExtensions", () => {
    const { client, server } = makePair(provider, { client: { recordSizeLimit: 64 }, server: { recordSizeLimit: 100 } });
    handshake(client, server);
    client.write(new Uint8Array(1000).fill(3));
    const recs = parseRecords(client.takeOutput());
    expect(recs.length).toBeGreaterThanOrEqual(10);
    for (const r of recs) expect(r.fragment.length).toBeLessThanOrEqual(100 + 16);
    server.receive(encodeRecords(recs));
    expect(readAll(server)).toEqual(new Uint8Array(1000).fill(3));
  });

  it('rejects a protected record over our advertised limit: record_overflow (RFC 8449 §4)', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { client: { recordSizeLimit: 64, keyLog: keys.keyLog } });
    handshake(client, server);
    const big = sealRecords(provider, keys.get(KeyLogLabel.serverApplicationTrafficSecret0), [
      { type: ContentType.application_data, content: new Uint8Array(200) },
    ]);
    const err = expectTlsError(() => client.receive(big));
    expect([err.alert, err.origin]).toEqual([AlertDescription.record_overflow, 'local']);
  });
});

describe('large application data', () => {
  it('fragments writes larger than 2^14 and reassembles them in order', () => {
    const { client, server } = makePair(provider);
    handshake(client, server);
    const data = new Uint8Array(3 * 2 ** 14 + 5).map((_, i) => i * 7);
    client.write(data);
    const recs = parseRecords(client.takeOutput());
    expect(recs.length).toBe(4);
    server.receive(concat(...recs.map((r) => record(r.type, r.fragment, r.version))));
    expect(readAll(server)).toEqual(data);
  });
});

describe.each(PROVIDERS)('who owns the bytes ($name)', (p) => {
  /** Runs a handshake and data both ways with every chunk received from one reused scratch buffer. */
  it('receive() only reads its bytes during the call: a caller that reuses its buffer loses nothing, and the bytes are unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (points) => {
        const { client, server } = makePair(p);
        const scratch = new Uint8Array(64 * 1024);
        const move = (from: Connection, to: Connection): void => {
          const bytes = from.takeOutput();
          for (const chunk of cut(bytes, points)) {
            const view = scratch.subarray(0, chunk.length);
            view.set(chunk);
            to.receive(view);
            expect(view).toEqual(chunk);
            scratch.fill(0xa5); // the caller reuses its buffer
          }
        };
        for (let i = 0; i < 4; i++) {
          move(client, server);
          move(server, client);
        }
        expect(client.isHandshakeDone && server.isHandshakeDone).toBe(true);
        const data = Uint8Array.from({ length: 40000 }, (_, i) => (i * 7) & 0xff);
        client.write(data);
        move(client, server);
        expect(readAll(server)).toEqual(data);
        server.write(data.subarray(0, 1000));
        move(server, client);
        expect(readAll(client)).toEqual(data.subarray(0, 1000));
      }),
      { numRuns: 8 },
    );
  });

  it('receive(bytes, { transfer: true }) decrypts in place where the provider can: read() returns views of the received chunks', () => {
    const { client, server } = makePair(p);
    for (let i = 0; i < 4; i++) {
      server.receive(client.takeOutput().slice(), { transfer: true });
      client.receive(server.takeOutput().slice(), { transfer: true });
    }
    expect(client.isHandshakeDone && server.isHandshakeDone).toBe(true);
    const data = Uint8Array.from({ length: 3 * 16384 + 5 }, (_, i) => (i * 13) & 0xff);
    client.write(data);
    const wire = client.takeOutput();
    // Cut inside the second record: the first record is whole in the first chunk.
    const chunks = [wire.slice(0, 20000), wire.slice(20000)];
    for (const c of chunks) server.receive(c, { transfer: true });
    const parts: Uint8Array[] = [];
    for (let c = server.read(); c !== undefined; c = server.read()) parts.push(c);
    expect(concat(...parts)).toEqual(data);
    expect(parts[0]?.buffer === chunks[0]?.buffer).toBe(p.name === 'noble');
  });

  it('takeOutput() gives one buffer per flush and never writes to bytes it handed out', () => {
    const { client, server } = makePair(p);
    handshake(client, server);
    client.write(new Uint8Array(100).fill(1));
    client.write(new Uint8Array(70000).fill(2));
    client.updateKeys(false);
    const first = client.takeOutput();
    const copy = first.slice();
    expect(parseRecords(first).map((r) => r.fragment.length)).toEqual([117, 16401, 16401, 16401, 16401, 4481, 22]);
    client.write(new Uint8Array(5000).fill(3));
    client.close();
    const second = client.takeOutput();
    expect(parseRecords(second).map((r) => r.fragment.length)).toEqual([5017, 19]);
    expect(first).toEqual(copy);
    server.receive(first);
    server.receive(second);
    expect(readAll(server).length).toBe(75100);
    expect(server.peerClosed).toBe(true);
  });

  it("output taken from several connections stays theirs: another connection's later output never lands on it", () => {
    const pairs = [makePair(p), makePair(p)];
    for (const { client, server } of pairs) handshake(client, server);
    const taken: { pair: number; bytes: Uint8Array; copy: Uint8Array }[] = [];
    const sent = [0, 0];
    const write = (k: number, n: number, fill: number): void => {
      pairs[k]!.server.write(new Uint8Array(n).fill(fill));
      sent[k]! += n;
    };
    const take = (k: number): void => {
      const bytes = pairs[k]!.server.takeOutput();
      if (bytes.length > 0) taken.push({ pair: k, bytes, copy: bytes.slice() });
    };
    // Pair 0's output waits while pair 1's is made and taken; flushes of every size: small ones,
    // one that outgrows its first buffer, ones over 16 KiB.
    write(0, 300, 1);
    write(1, 1000, 2);
    take(1);
    write(0, 6000, 3);
    take(0);
    for (let i = 0; i < 40; i++) {
      write(1, 1 + ((i * 997) % 3000), i);
      if (i % 7 === 0) write(0, 20000, i);
      take(1);
      if (i % 3 === 0) take(0);
    }
    take(0);
    for (const t of taken) expect(t.bytes).toEqual(t.copy);
    for (const t of taken) pairs[t.pair]!.client.receive(t.bytes);
    expect(pairs.map(({ client }) => readAll(client).length)).toEqual(sent);
    // Small outputs were carved from shared blocks: neighbours in one block were checked above.
    expect(new Set(taken.map((t) => t.bytes.buffer)).size).toBeLessThan(taken.length);
  });
});
