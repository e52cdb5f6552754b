import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { Connection, type ReceiveOptions } from '../../src/connection/connection.ts';
import { connect } from '../../src/node/connect.ts';
import { createServer } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { collect, payload, pki, sha256, useCleanup } from './_helpers.ts';

// TlsWrap gives the engine the transport's chunks (receive with `transfer`, decrypted in place by
// the pure provider) only when they are fresh buffers of a net.Socket node made: never a
// caller's Duplex, whose buffers may be reused.

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');

const { cleanup, listen } = useCleanup();

/** A Duplex over `sock` that hands on what it reads in 1000-byte slices of one buffer it reuses. */
class ReusingDuplex extends Duplex {
  private readonly buf = new Uint8Array(1000);
  private readonly sock: Socket;
  constructor(sock: Socket) {
    super();
    this.sock = sock;
    sock.on('data', (d: Buffer) => {
      for (let off = 0; off < d.length; off += this.buf.length) {
        const n = Math.min(this.buf.length, d.length - off);
        this.buf.set(d.subarray(off, off + n));
        this.push(this.buf.subarray(0, n));
      }
    });
    sock.on('end', () => this.push(null));
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.sock.write(chunk, cb);
  }
  override _final(cb: () => void): void {
    this.sock.end(cb);
  }
  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.sock.destroy();
    cb(err);
  }
}

/** Records, per connection, whether each receive() was given its bytes. */
function spyReceive(): Map<Connection, boolean[]> {
  const seen = new Map<Connection, boolean[]>();
  const original = Connection.prototype.receive;
  const spy = vi.spyOn(Connection.prototype, 'receive').mockImplementation(function (this: Connection, bytes: Uint8Array, options?: ReceiveOptions) {
    const list = seen.get(this) ?? [];
    list.push(options?.transfer === true);
    seen.set(this, list);
    return original.call(this, bytes, options);
  });
  cleanup.push(() => spy.mockRestore());
  return seen;
}

/** Writes `data` in `size`-byte writes, each its own record (one per turn of the event loop). */
async function writeInPieces(s: TLSSocket, data: Uint8Array, size: number): Promise<void> {
  for (let off = 0; off < data.length; off += size) {
    s.write(data.subarray(off, off + size));
    await new Promise((r) => setImmediate(r));
  }
  s.end();
}

describe('TlsWrap: transport chunks given to the engine only when they are fresh', () => {
  it('a server socket and a client socket of our own hand their chunks over; the data arrives intact (pure provider: in place)', async () => {
    const seen = spyReceive();
    const down = payload(200_000, 5);
    const up = payload(200_000, 6);
    let atServer: Promise<Buffer[]> | undefined;
    let serverConn: Connection | undefined;
    const server = createServer({ key: KEY, cert: CHAIN, provider: 'pure' }, (s) => {
      cleanup.push(() => s.destroy());
      serverConn = s.connection;
      atServer = collect(s);
      void writeInPieces(s, down, 3000);
    });
    const port = await listen(server);
    const client = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, provider: 'pure' });
    cleanup.push(() => client.destroy());
    const atClient = collect(client);
    await new Promise((r) => client.once('secureConnect', r));
    await writeInPieces(client, up, 3000);
    expect(sha256(await atClient)).toBe(sha256([down]));
    expect(sha256(await atServer!)).toBe(sha256([up]));
    expect(seen.get(serverConn!)?.every(Boolean)).toBe(true);
    expect(seen.get(client.connection)?.every(Boolean)).toBe(true);
  });

  it("a caller's Duplex that reuses its buffer keeps it: chunks are only read, and the data arrives intact", async () => {
    const seen = spyReceive();
    const down = payload(100_000, 7);
    const server = createServer({ key: KEY, cert: CHAIN, provider: 'pure' }, (s) => {
      cleanup.push(() => s.destroy());
      s.resume();
      // Records of about 300 bytes: several lie whole in each 1000-byte piece the client reads.
      void writeInPieces(s, down, 300);
    });
    const port = await listen(server);
    const raw = netConnect({ host: '127.0.0.1', port });
    cleanup.push(() => raw.destroy());
    await new Promise((r) => raw.once('connect', r));
    const client = connect({ socket: new ReusingDuplex(raw), servername: 'localhost', ca: CA, provider: 'pure' });
    cleanup.push(() => client.destroy());
    const atClient = collect(client);
    expect(sha256(await atClient)).toBe(sha256([down]));
    const calls = seen.get(client.connection)!;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.some(Boolean)).toBe(false);
  });
});
