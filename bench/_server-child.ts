/**
 * @module bench/_server-child
 * One benchmarked TLS server in its own process, so its CPU time can be measured alone:
 * `puretls-pure` (sans-I/O engine + noble provider), `puretls-node` (engine + node:crypto
 * provider) or `node:tls`. Prints `{"port":N}`; on stdin, `cpu` prints the CPU used since the last
 * `reset`. Clients send one command byte after the handshake: `D` (server sends the bulk size),
 * `U` (client uploads the bulk size, server answers `k`), or nothing (handshake only).
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { serverConfig } from '../src/config.ts';
import { ServerConnection } from '../src/connection/server.ts';
import type { CryptoProvider } from '../src/crypto/provider.ts';
import { nobleProvider } from '../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { certifiedKey } from '../src/x509/certified-key.ts';
import { certPems, type KeyType } from '../test/helpers/pki.ts';

type Kind = 'puretls-pure' | 'puretls-node' | 'node:tls';
const kind = (process.argv[2] ?? 'node:tls') as Kind;
const keyType = (process.argv[3] ?? 'ecdsa-p256') as KeyType;
const bulkLen = Number(process.argv[4] ?? 8 * 1024 * 1024);
const CHUNK = new Uint8Array(64 * 1024).fill(0x5a);

/** What a transport gives the application logic. */
interface Channel {
  /** false: wait for `drain()` before sending more. */
  send(data: Uint8Array): boolean;
  drain(): Promise<void>;
}

/** The benchmark protocol, identical for every server kind. */
function appLogic(ch: Channel): (data: Uint8Array) => void {
  let mode: number | undefined;
  let uploaded = 0;
  return (data) => {
    if (mode === undefined) {
      if (data.length === 0) return;
      mode = data[0];
      data = data.subarray(1);
      if (mode === 0x44 /* D */) void download(ch);
    }
    if (mode === 0x55 /* U */) {
      uploaded += data.length;
      if (uploaded >= bulkLen && uploaded - data.length < bulkLen) ch.send(new Uint8Array([0x6b]));
    }
  };
}

async function download(ch: Channel): Promise<void> {
  for (let off = 0; off < bulkLen; off += CHUNK.length) {
    if (!ch.send(CHUNK.subarray(0, Math.min(CHUNK.length, bulkLen - off)))) await ch.drain();
  }
}

function drainOf(sock: net.Socket): () => Promise<void> {
  return () =>
    new Promise<void>((r) => {
      const done = (): void => {
        sock.off('drain', done);
        sock.off('close', done);
        r();
      };
      sock.on('drain', done);
      sock.on('close', done);
    });
}

function puretlsServer(provider: CryptoProvider): net.Server {
  const pems = certPems(keyType);
  const config = serverConfig({ provider, certificates: [certifiedKey(provider, pems.endChain, pems.endKey)] });
  return net.createServer((sock) => {
    sock.setNoDelay(true);
    sock.on('error', () => {});
    const conn = new ServerConnection(config);
    const flush = (): boolean => {
      const out = conn.takeOutput();
      return out.length === 0 || sock.destroyed ? true : sock.write(out);
    };
    const onApp = appLogic({
      send: (d) => {
        conn.write(d);
        return flush();
      },
      drain: drainOf(sock),
    });
    sock.on('data', (b: Buffer) => {
      try {
        conn.receive(b);
      } catch {
        flush();
        sock.destroy();
        return;
      }
      for (let d = conn.read(); d !== undefined; d = conn.read()) onApp(d);
      while (conn.poll() !== undefined) {
        // events are not needed here
      }
      flush();
    });
  });
}

function nodeTlsServer(): net.Server {
  const pems = certPems(keyType);
  const server = tls.createServer({ key: pems.endKey, cert: pems.endChain, minVersion: 'TLSv1.3' }, (sock) => {
    sock.setNoDelay(true);
    sock.on('error', () => {});
    const onApp = appLogic({ send: (d) => sock.write(d), drain: drainOf(sock) });
    sock.on('data', (b: Buffer) => onApp(b));
  });
  server.on('tlsClientError', () => {});
  return server;
}

const server =
  kind === 'puretls-pure' ? puretlsServer(nobleProvider) : kind === 'puretls-node' ? puretlsServer(nodeCryptoProvider) : nodeTlsServer();

let baseline = process.cpuUsage();
// Open connections, for the memory-per-idle-connection figure ('mem' reports it).
let connections = 0;
server.on('connection', (sock: net.Socket) => {
  connections++;
  sock.once('close', () => connections--);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'reset') {
    baseline = process.cpuUsage();
    console.log(JSON.stringify({ ok: true }));
  } else if (line === 'cpu') {
    const u = process.cpuUsage(baseline);
    console.log(JSON.stringify({ cpuMs: (u.user + u.system) / 1000 }));
  } else if (line === 'mem') {
    // Started with --expose-gc: collect first, so the figure is what the connections hold.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    console.log(JSON.stringify({ rss: process.memoryUsage().rss, connections }));
  } else if (line === 'exit') {
    process.exit(0);
  }
});
