/**
 * @module bench/_pq-load
 * The load generator for the X25519MLKEM768 row (bench/pq.ts), in its own process: OpenSSL 3.0
 * has no ML-KEM, so bench/loadgen.c cannot offer it. This one is TypeScript on the engine's own
 * client (`ClientConnection`, node:crypto provider) made cheap the way a load generator may be and
 * a client must never be: one key share per group reused for every connection, no certificate or
 * signature verification (`dangerouslyAcceptAnyCertificate`, verify → true). Same protocol as
 * loadgen.c: `m` on stdin prints the counters as one JSON line, `q` exits.
 * Arguments: `PORT GROUP CONCURRENCY` with GROUP `X25519MLKEM768` or `x25519`.
 */
import net from 'node:net';
import { clientConfig } from '../src/config.ts';
import { ClientConnection } from '../src/connection/client.ts';
import type { CryptoProvider, KeyExchangeGroup, KeyShareKeyPair } from '../src/crypto/provider.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { NamedGroup } from '../src/protocol/registry.ts';
import { dangerouslyAcceptAnyCertificate } from '../src/x509/verifier.ts';

const [port = 0, groupName = 'X25519MLKEM768', conc = 16] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4] ?? 16)];
const group = groupName === 'x25519' ? NamedGroup.x25519 : NamedGroup.X25519MLKEM768;

const reused = new Map<number, KeyShareKeyPair>();
/** node:crypto, but one key share per group for every connection and every signature accepted. */
const provider: CryptoProvider = {
  ...nodeCryptoProvider,
  name: 'bench-load',
  keyExchange(g: number): KeyExchangeGroup | undefined {
    const kx = nodeCryptoProvider.keyExchange(g);
    if (kx === undefined) return undefined;
    return {
      group: kx.group,
      generate: (random) => {
        let kp = reused.get(g);
        if (kp === undefined) reused.set(g, (kp = kx.generate(random)));
        return kp;
      },
      respond: (share, random) => kx.respond(share, random),
    };
  },
  verify: () => true,
};
const config = clientConfig({
  provider,
  verifier: dangerouslyAcceptAnyCertificate(),
  groups: [group],
  cipherSuites: [0x1301],
  sessionCache: false,
});

let ops = 0;
let errors = 0;
let firstError = '';
let started = 0;
let latencies: number[] = [];
let stopping = false;

function handshake(): Promise<void> {
  started++;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const conn = new ClientConnection(config, { serverName: 'localhost' });
    const sock = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const failed = (why: string): void => {
      errors++;
      firstError ||= why;
      sock.destroy();
      resolve();
    };
    sock.once('connect', () => sock.write(conn.takeOutput()));
    sock.on('error', (e) => failed(e.message));
    sock.on('data', (b: Buffer) => {
      try {
        conn.receive(b);
      } catch (e) {
        failed((e as Error).message);
        return;
      }
      if (!conn.isHandshakeDone) {
        if (conn.hasOutput) sock.write(conn.takeOutput());
        return;
      }
      if (conn.negotiated?.groupId !== group) return failed('wrong group negotiated');
      ops++;
      latencies.push(performance.now() - t0);
      conn.close();
      sock.end(conn.takeOutput());
      sock.removeAllListeners('data');
      sock.on('error', () => {});
      resolve();
    });
  });
}

async function loop(): Promise<void> {
  while (!stopping) await handshake();
}

function pct(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : Math.round((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) * 1000);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  if (text.includes('m')) {
    const s = latencies.sort((a, b) => a - b);
    const cpu = process.cpuUsage();
    console.log(JSON.stringify({
      ops, errors, notResumed: 0, bytesIn: 0, bytesOut: 0, established: 0, started, latN: s.length,
      p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), cpuUs: cpu.user + cpu.system, firstError,
    }));
    latencies = [];
  }
  if (text.includes('q')) {
    stopping = true;
    setTimeout(() => process.exit(0), 2000).unref();
  }
});
process.stdin.on('end', () => process.exit(0));
await Promise.all(Array.from({ length: conc }, loop));
process.exit(0);
