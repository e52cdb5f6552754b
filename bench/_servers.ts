/**
 * @module bench/_servers
 * The measured servers, one per process (bench/_rounds.ts starts them pinned to their core). Run as
 * `node --expose-gc --import tsx bench/_servers.ts KIND KEYTYPE [UPSTREAM_PORT [TERMINATE_ARGS...]]`; prints
 * `{"port":N}`, then answers `mem` on stdin with its memory after a forced GC.
 *
 * KIND is `<what>:<tls>` with `<tls>` = `node` (puretls, node:crypto provider), `pure` (puretls,
 * pure provider) or `node:tls`:
 * - `serve:*` — what `puretls serve` runs (its own `serve()`, without its per-connection stderr line:
 *   the node:tls server logs nothing either), or node:tls doing the same thing:
 *   each TLS connection handed to a node:http server answering with serve's page.
 * - `bulk:*` — the TLS server API (`puretls/node` createServer, or node:tls createServer) with a
 *   one-byte protocol: `D` streams data to the client until it closes, `U` reads and discards.
 * - `terminate:*` — `puretls terminate` (the CLI's own `main`) in front of UPSTREAM_PORT, with
 *   TERMINATE_ARGS added (`--session-store …`, bench/fleet.ts), and `proxy:node:tls`, the proxy it
 *   is compared with: node:tls in front of UPSTREAM_PORT, piping both ways, Nagle off on both
 *   sockets as in terminate.
 *
 * tsx turns on source-mapped stack traces; they are turned off again here, as in a built package
 * (with them, every socket error — a client closing early — costs a source-map lookup).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { createServer as createPuretlsServer } from '../src/node/server.ts';
import { main as cli } from '../src/tools/cli.ts';
import { respond, serve } from '../src/tools/serve.ts';
import { certPaths, type KeyType } from '../test/helpers/pki.ts';
import { freePort, listening } from './_ports.ts';

const [kind = '', keyType = 'ecdsa-p256', upstream = '0', ...terminateArgs] = process.argv.slice(2);
const paths = certPaths(keyType as KeyType);
const key = readFileSync(paths.endKey, 'utf8');
const cert = readFileSync(paths.endChain, 'utf8');
const [what, ...rest] = kind.split(':');
const tlsKind = rest.join(':');
const provider = tlsKind === 'pure' ? 'pure' : 'node';
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

/** The bulk protocol on one TLS stream. */
function bulk(sock: Duplex): void {
  sock.on('error', () => {});
  sock.once('data', (first: Buffer) => {
    if (first[0] !== 0x44 /* D */) {
      sock.resume(); // U: read and discard
      return;
    }
    const pump = (): void => {
      while (!sock.destroyed && sock.write(CHUNK));
    };
    sock.on('drain', pump);
    pump();
  });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function start(): Promise<number> {
  if (what === 'terminate') {
    const port = await freePort();
    const args = ['terminate', '--listen', `127.0.0.1:${port}`, '--cert', paths.endChain, '--key', paths.endKey,
      '--upstream', `127.0.0.1:${upstream}`, '--log-level', 'warn', '--provider', provider, ...terminateArgs];
    void cli(args).then((code) => process.exit(code));
    await listening(port);
    return port;
  }
  if (what === 'serve' && tlsKind !== 'node:tls') {
    const running = await serve({ host: '127.0.0.1', port: 0, certFile: paths.endChain, keyFile: paths.endKey, alpn: ['http/1.1'], provider, logConnections: false });
    return Number(new URL(running.url).port);
  }
  if (what === 'serve') {
    const http = createHttpServer(respond);
    const server = tls.createServer({ key, cert, ALPNProtocols: ['http/1.1'], minVersion: 'TLSv1.3' });
    server.on('secureConnection', (sock) => http.emit('connection', sock));
    server.on('tlsClientError', (err: Error) => process.stderr.write(`node:tls serve: client failed: ${err.message}\n`));
    return listen(server);
  }
  if (what === 'bulk' && tlsKind === 'node:tls') {
    const server = tls.createServer({ key, cert, minVersion: 'TLSv1.3' }, bulk);
    server.on('tlsClientError', () => {});
    return listen(server);
  }
  if (what === 'bulk') {
    const server = createPuretlsServer({ key, cert, provider }, bulk);
    server.on('tlsClientError', () => {});
    return listen(server);
  }
  if (what === 'proxy' && tlsKind === 'node:tls') {
    const server = tls.createServer({ key, cert, minVersion: 'TLSv1.3', allowHalfOpen: true, noDelay: true }, (client) => {
      const up = net.connect({ port: Number(upstream), host: '127.0.0.1', allowHalfOpen: true, noDelay: true });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
      client.pipe(up).pipe(client);
    });
    server.on('tlsClientError', () => {});
    return listen(server);
  }
  throw new Error(`bench/_servers: unknown kind ${kind}`);
}

process.setSourceMapsEnabled(false);
const port = await start();
console.log(JSON.stringify({ port }));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  for (const line of text.split('\n')) {
    if (line === 'mem') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      const m = process.memoryUsage();
      console.log(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external }));
    }
  }
});
process.stdin.on('end', () => process.exit(0));
