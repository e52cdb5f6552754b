import { createServer as createNetServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/connection.ts';
import { TlsError } from '../../src/errors.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { TLSSocket } from '../../src/node/tls-socket.ts';
import { FakeConnection, PONG_LEN } from './_fake-connection.ts';
import { sha256, writeUntilStalled } from './_helpers.ts';

// The adapter's stream mechanics against a plaintext stand-in for the engine (no crypto): what is
// tested here is only TLSSocket's job — flow control, events, half-close, alert-then-destroy.

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

async function tcpPair(): Promise<{ a: Socket; b: Socket }> {
  const server: Server = createNetServer({ allowHalfOpen: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const a = netConnect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const b = await accepted;
  cleanup.push(() => {
    a.destroy();
    b.destroy();
    server.close();
  });
  return { a, b };
}

/** Polls `test` until it holds (30 s at most). */
async function waitUntil(test: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 30_000; !test(); ) {
    if (Date.now() > deadline) throw new Error('waitUntil: condition not met in 30 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function tlsPair(opts: { allowHalfOpen?: boolean } = {}) {
  const { a, b } = await tcpPair();
  const fc = new FakeConnection();
  const fs = new FakeConnection();
  const client = new TLSSocket(a, fc as unknown as Connection, { isServer: false, allowHalfOpen: opts.allowHalfOpen });
  const server = new TLSSocket(b, fs as unknown as Connection, { isServer: true, allowHalfOpen: opts.allowHalfOpen });
  cleanup.push(() => {
    client.destroy();
    server.destroy();
  });
  return { client, server, fc, fs, a, b };
}


describe('TLSSocket stream mechanics (with a fake engine)', () => {
  it('stops reading from a peer that never reads the replies its messages cause, and resumes when they drain', async () => {
    const { a, b } = await tcpPair();
    const fs = new FakeConnection();
    const server = new TLSSocket(b, fs as unknown as Connection, { isServer: true });
    cleanup.push(() => server.destroy());
    // 512 Ki pings make 32 MiB of replies, more than the kernel buffers hold; the client reads
    // none of them for now.
    const PINGS = 512 * 1024;
    a.pause();
    a.write(Buffer.concat([Buffer.from('H'), Buffer.alloc(PINGS, 'P')]));
    await waitUntil(() => b.isPaused() || fs.pings === PINGS);
    // What the server holds unsent: at most the bound (64 KiB) plus the replies to one chunk read.
    expect(fs.pings).toBeLessThan(PINGS);
    expect(b.writableLength).toBeLessThanOrEqual(64 * 1024 + PONG_LEN * 64 * 1024);
    let replies = 0;
    a.on('data', (d: Buffer) => (replies += d.length));
    a.resume();
    await waitUntil(() => replies === 1 + PINGS * PONG_LEN);
    expect(fs.pings).toBe(PINGS);
  });

  it("emits 'secureConnect' on the client and 'secure' on the server, with the negotiated ALPN", async () => {
    const { client, server } = await tlsPair();
    await Promise.all([
      new Promise((r) => client.once('secureConnect', r)),
      new Promise((r) => server.once('secure', r)),
    ]);
    expect(client.alpnProtocol).toBe('h2');
    expect(server.servername).toBe('example.com');
    expect(client.getProtocol()).toBe('TLSv1.3');
    expect(client.getCipher()?.standardName).toBe('TLS_AES_128_GCM_SHA256');
  });

  it('carries 4 MiB each way intact and holds write callbacks until the handshake is done', async () => {
    const { client, server } = await tlsPair({ allowHalfOpen: true });
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 11)) & 0xff;
    const collect = (s: TLSSocket): Promise<Buffer[]> =>
      new Promise((resolve) => {
        const got: Buffer[] = [];
        s.on('data', (d: Buffer) => got.push(d));
        s.on('end', () => resolve(got));
      });
    const atServer = collect(server);
    const atClient = collect(client);
    let cbBeforeHandshake = false;
    client.write(payload.subarray(0, 1000), () => {
      cbBeforeHandshake = !client.secureEstablished;
    });
    client.end(payload.subarray(1000));
    server.end(payload);
    const [s, c] = await Promise.all([atServer, atClient]);
    expect(cbBeforeHandshake).toBe(false);
    expect(sha256(s)).toBe(sha256([payload]));
    expect(sha256(c)).toBe(sha256([payload]));
  });

  it('applies backpressure: with a paused reader the writer stalls on drain and buffering stays bounded', async () => {
    const { client, server, fs } = await tlsPair();
    await new Promise((r) => server.once('secure', r));
    server.pause();
    const chunk = Buffer.alloc(64 * 1024, 1);
    const written = await writeUntilStalled(client, chunk, 500);
    expect(written.stalled).toBe(true);
    // What the receiving adapter holds (stream buffer + engine plaintext) is bounded.
    expect(server.readableLength + fs.bufferedPlaintextLen).toBeLessThan(1024 * 1024);
    // Resuming drains everything that was written.
    let received = 0;
    await new Promise<void>((resolve) => {
      server.on('data', (d: Buffer) => {
        received += d.length;
        if (received === written.bytes) resolve();
      });
      server.resume();
    });
    expect(received).toBe(written.bytes);
  });

  it('end() sends close_notify and half-closes; the peer can still answer (RFC 8446 §6.1)', async () => {
    const { client, server, fs } = await tlsPair({ allowHalfOpen: true });
    server.on('data', () => {});
    server.on('end', () => server.end('bye'));
    client.end('hello');
    const reply = await new Promise<string>((resolve) => {
      let s = '';
      client.on('data', (d: Buffer) => (s += d.toString()));
      client.on('end', () => resolve(s));
    });
    expect(fs.peerClosed).toBe(true);
    expect(reply).toBe('bye');
  });

  it('on an engine error sends the queued alert, then emits the TlsError and destroys (RFC 8446 §6.2)', async () => {
    const { a, b } = await tcpPair();
    const fs = new FakeConnection();
    const server = new TLSSocket(b, fs as unknown as Connection, { isServer: true });
    const gotAtPeer: Buffer[] = [];
    a.on('data', (d: Buffer) => gotAtPeer.push(d));
    const peerEnded = new Promise((r) => a.once('end', r));
    a.write(Buffer.from([0x48, 0x58]));
    const err = await new Promise<Error>((r) => server.once('error', r));
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alert).toBe(AlertDescription.decode_error);
    await peerEnded;
    expect(Buffer.concat(gotAtPeer).includes(0x41)).toBe(true);
    expect(server.destroyed).toBe(true);
  });

  it('destroys the socket with ERR_TLS_HANDSHAKE_TIMEOUT when the handshake does not finish', async () => {
    const { b } = await tcpPair();
    const server = new TLSSocket(b, new FakeConnection() as unknown as Connection, {
      isServer: true,
      handshakeTimeout: 100,
    });
    const err = await new Promise<Error & { code?: string }>((r) => server.once('error', r));
    expect(err.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    expect(b.destroyed).toBe(true);
  });

  it('small writes made together go to the engine as one write (one record), as node:tls does', async () => {
    const { client, server, fs } = await tlsPair();
    await new Promise((r) => server.once('secure', r));
    const got = new Promise<string>((resolve) => {
      let text = '';
      client.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.length === 19) resolve(text);
      });
    });
    const before = fs.writeCalls;
    server.cork();
    server.write('HTTP/1.1 200 OK\r\n');
    server.write('\r\n');
    server.uncork();
    expect(await got).toBe('HTTP/1.1 200 OK\r\n\r\n');
    expect(fs.writeCalls - before).toBe(1);
  });

  it("writes the engine's output chunks of one flush in one gathered write (writev), not copied into one buffer", async () => {
    const { client, server, b } = await tlsPair();
    await new Promise((r) => server.once('secure', r));
    const transportWrites: number[] = [];
    const raw = b as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: unknown[], cb: unknown) => void };
    const write = raw._write.bind(b);
    const writev = raw._writev.bind(b);
    raw._write = (...a: unknown[]) => {
      transportWrites.push(1);
      write(...a);
    };
    raw._writev = (chunks: unknown[], cb: unknown) => {
      transportWrites.push(chunks.length);
      writev(chunks, cb);
    };
    const parts = [Buffer.alloc(12_000, 1), Buffer.alloc(12_000, 2), Buffer.alloc(12_000, 3)];
    let received = 0;
    const all = new Promise<void>((resolve) =>
      client.on('data', (d: Buffer) => {
        received += d.length;
        if (received === 36_000) resolve();
      }),
    );
    server.cork();
    for (const p of parts) server.write(p);
    server.uncork();
    await all;
    expect(transportWrites).toEqual([3]);
  });
});
