/**
 * `connect()`'s call forms, as node:tls has them (issue 11 item 4): `connect(options, cb)`,
 * `connect(port, host?, options?, cb?)` and `connect(path, options?, cb?)`; a refused TCP
 * connection is an 'error' event (ECONNREFUSED), never an exception or a crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.ts';
import { createServer } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { collect, pki, useCleanup } from './_helpers.ts';

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');

const { cleanup, listen } = useCleanup();

/** Resolves with the socket's text once the server ends it; the callback must have run. */
function finish(make: (cb: () => void) => TLSSocket): Promise<{ text: string; called: boolean; socket: TLSSocket }> {
  let called = false;
  const s = make(() => (called = true));
  cleanup.push(() => s.destroy());
  return collect(s).then((chunks) => ({ text: Buffer.concat(chunks).toString(), called, socket: s }));
}

async function helloServer(): Promise<number> {
  return listen(createServer({ key: KEY, cert: CHAIN }, (s) => s.end('hello')));
}

describe('connect call forms (node:tls)', () => {
  it('connect(port, host, options, cb)', async () => {
    const port = await helloServer();
    const r = await finish((cb) => connect(port, '127.0.0.1', { ca: CA, servername: 'localhost' }, cb));
    expect(r).toMatchObject({ text: 'hello', called: true });
    expect(r.socket.servername).toBe('localhost');
  });

  it('connect(port, options, cb) and a port given as a string of digits; options.host wins over the host argument', async () => {
    const port = await helloServer();
    expect(await finish((cb) => connect(port, { host: '127.0.0.1', ca: CA, servername: 'localhost' }, cb))).toMatchObject({ text: 'hello', called: true });
    const asText = String(port) as unknown as number;
    expect(await finish((cb) => connect(asText, 'no-such-host.invalid', { host: '127.0.0.1', ca: CA, servername: 'localhost' }, cb))).toMatchObject({ text: 'hello', called: true });
  });

  it('connect(path, options, cb) over a Unix domain socket (servername defaults to localhost, as node:tls)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'puretls-sock-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 's');
    const server = createServer({ key: KEY, cert: CHAIN }, (s) => s.end('hello'));
    await new Promise<void>((r) => server.listen(path, r));
    cleanup.push(() => server.close());
    const r = await finish((cb) => connect(path, { ca: CA }, cb));
    expect(r).toMatchObject({ text: 'hello', called: true });
    expect(r.socket.servername).toBe('localhost');
  });

  it("connect(port, host, {}) to a closed port emits 'error' ECONNREFUSED and does not throw", async () => {
    // A port that was free a moment ago (bound, then closed): nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const s = connect(port, '127.0.0.1', {});
    const err = await new Promise<NodeJS.ErrnoException>((r) => s.once('error', r));
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('refuses a first argument that is neither options, a port nor a path', () => {
    expect(() => connect(undefined as unknown as number)).toThrow(TypeError);
  });
});
