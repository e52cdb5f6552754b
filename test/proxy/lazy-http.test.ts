import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { LazyHttp } from '../../src/tools/lazy-http.ts';
import { pki } from '../node/_helpers.ts';

// serve's and terminate's node:http is started on a connection only when its first bytes arrive
// (issue 9 item 4): a silent connection costs no HTTP parser. Driven by node:tls clients.

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function start(headersTimeout?: number, allowHalfOpen = false): Promise<{ lazy: LazyHttp; port: number; handedOver: () => number; established: () => Promise<TLSSocket> }> {
  const http = createHttpServer((req, res) => res.end(`hello ${req.url}`));
  if (headersTimeout !== undefined) http.headersTimeout = headersTimeout;
  let handedOver = 0;
  http.on('connection', () => handedOver++);
  const lazy = new LazyHttp(http);
  const waiting: Array<(s: TLSSocket) => void> = [];
  const server = createServer({ key: pki('ecdsa-p256', 'end.key'), cert: pki('ecdsa-p256', 'end.chain.pem'), allowHalfOpen }, (s) => {
    lazy.add(s);
    waiting.shift()?.(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    lazy,
    port: (server.address() as AddressInfo).port,
    handedOver: () => handedOver,
    established: () => new Promise((r) => waiting.push(r)),
  };
}

function get(sock: tls.TLSSocket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (/\r\n\r\nhello \/\S+$/.test(got)) {
        sock.off('data', onData);
        resolve(got);
      }
    };
    sock.on('data', onData);
    sock.write(`GET ${path} HTTP/1.1\r\nhost: localhost\r\n\r\n`);
  });
}

describe('LazyHttp', () => {
  it('hands a connection to node:http on its first request, not at the handshake; keep-alive requests follow', async () => {
    const s = await start();
    const established = s.established();
    const client = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca: pki('ecdsa-p256', 'ca.pem') });
    await established;
    expect(s.handedOver()).toBe(0);
    expect(await get(client, '/one')).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*hello \/one$/);
    expect(await get(client, '/two')).toMatch(/hello \/two$/);
    expect(s.handedOver()).toBe(1);
    client.destroy();
  });

  it('a request written with the handshake is answered', async () => {
    const s = await start();
    const client = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca: pki('ecdsa-p256', 'ca.pem') });
    expect(await get(client, '/early')).toMatch(/hello \/early$/);
    client.destroy();
  });

  it('closeIdle closes the connections that sent nothing', async () => {
    const s = await start();
    const established = s.established();
    const client = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca: pki('ecdsa-p256', 'ca.pem') });
    const closed = new Promise<void>((r) => client.on('close', () => r()));
    client.on('error', () => {});
    const sock = await established;
    s.lazy.closeIdle();
    expect(sock.destroyed).toBe(true);
    await closed;
    expect(s.handedOver()).toBe(0);
  });

  it('an error on a waiting connection does not go unhandled (node:http would have caught it)', async () => {
    const s = await start();
    const established = s.established();
    const client = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca: pki('ecdsa-p256', 'ca.pem') });
    client.on('error', () => {});
    const closed = new Promise<void>((r) => client.on('close', () => r()));
    const sock = await established;
    // An 'error' without a listener would be an uncaught exception, failing this test run.
    sock.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await closed;
    expect(s.handedOver()).toBe(0);
  });

  it("closes a connection silent for the HTTP server's headersTimeout, as node:http does; one that asked is kept", async () => {
    const s = await start(300);
    const ca = pki('ecdsa-p256', 'ca.pem');
    const silent = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca });
    silent.on('error', () => {});
    const silentClosed = new Promise<void>((r) => silent.on('close', () => r()));
    const asking = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca });
    expect(await get(asking, '/kept')).toMatch(/hello \/kept$/);
    await silentClosed;
    expect(asking.destroyed).toBe(false);
    expect(await get(asking, '/again')).toMatch(/hello \/again$/);
    asking.destroy();
  });

  it('a connection that ends before asking anything is ended in turn, also half-open (as terminate runs it)', async () => {
    const s = await start(undefined, true);
    const client = tls.connect({ port: s.port, host: '127.0.0.1', servername: 'localhost', ca: pki('ecdsa-p256', 'ca.pem') });
    await new Promise((r) => client.once('secureConnect', r));
    const ended = new Promise<void>((r) => client.once('end', () => r()));
    client.resume();
    client.end();
    await ended;
    expect(s.handedOver()).toBe(0);
  });
});
