/**
 * @module bench/server
 * puretls vs node:tls over loopback in ONE run (STYLE §10): a puretls server with the noble provider,
 * one with the node:crypto provider, and a node:tls server, each in its own child process (CPU
 * measured there with process.cpuUsage), driven by the same node:tls load generator in separate
 * processes. Prints full handshakes/s, server CPU per handshake (ECDSA P-256, Ed25519, RSA-2048
 * certificates; X25519), handshake latency p50/p90/p99 at concurrency 1 and 16, and bulk MiB/s one
 * connection each way, resumed handshakes/s and server CPU per resumed handshake (RFC 8446 §2.2:
 * stateless tickets on every server; node:tls clients reuse one ticket with `session`), with
 * ratios to node:tls.
 * Run: `npx tsx bench/server.ts` (a few minutes) or `--quick` (about 20 s); `--load-workers N`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { certPems, type KeyType } from '../test/helpers/pki.ts';
import { finish, header, percentile, QUICK } from './_harness.ts';

type Kind = 'puretls-pure' | 'puretls-node' | 'node:tls';
const KINDS: readonly Kind[] = ['puretls-pure', 'puretls-node', 'node:tls'];
const CERTS: readonly KeyType[] = ['ecdsa-p256', 'ed25519', 'rsa-2048'];
const HERE = dirname(fileURLToPath(import.meta.url));
const DURATION_MS = QUICK ? 350 : 4000;
const BULK_LEN = (QUICK ? 8 : 64) * 1024 * 1024;
const LOAD_WORKERS = Number(argValue('--load-workers') ?? 1);
const IDLE_CONNECTIONS = QUICK ? 300 : 1000;

interface Row {
  readonly metric: string;
  readonly unit: string;
  /** Higher is better (rates) or lower is better (CPU, latency). */
  readonly higherIsBetter: boolean;
  readonly values: Partial<Record<Kind, number>>;
  notes: string[];
}

async function main(): Promise<void> {
  header('puretls vs node:tls server over loopback (load: node:tls clients in separate processes)');
  console.log(`# handshake runs ${DURATION_MS} ms each, bulk ${BULK_LEN / 1048576} MiB, ${LOAD_WORKERS} load process(es)`);
  const rows: Row[] = [];
  for (const cert of CERTS) {
    const rate: Row = { metric: `full handshakes/s (${cert}, X25519, c=16)`, unit: 'hs/s', higherIsBetter: true, values: {}, notes: [] };
    const cpu: Row = { metric: `server CPU per handshake (${cert})`, unit: 'ms', higherIsBetter: false, values: {}, notes: [] };
    const lat1: Row[] = pctRows(`latency c=1 (${cert})`);
    const lat16: Row[] = pctRows(`latency c=16 (${cert})`);
    rows.push(rate, cpu, ...lat1, ...lat16);
    for (const kind of KINDS) {
      const server = await startServer(kind, cert);
      try {
        // Warm-up (JIT, connection setup), not measured.
        await runLoad(server.port, cert, 'handshakes', 4, QUICK ? 150 : 500);
        await server.command('reset');
        const r16 = await runLoad(server.port, cert, 'handshakes', 16, DURATION_MS);
        const serverCpuMs = ((await server.command('cpu')) as { cpuMs: number }).cpuMs;
        rate.values[kind] = (r16.count * 1000) / r16.wallMs;
        cpu.values[kind] = serverCpuMs / Math.max(1, r16.count);
        const busy = serverCpuMs / r16.wallMs;
        const loadCpuPerHs = r16.cpuMs / Math.max(1, r16.count);
        cpu.notes.push(`${kind}: server busy ${(busy * 100).toFixed(0)}% of a core, load ${loadCpuPerHs.toFixed(2)} ms CPU/hs` +
          (busy < 0.9 ? ' → server NOT the bottleneck: compare CPU/handshake, not rate' : ''));
        if (r16.errors > 0) rate.notes.push(`${kind}: ${r16.errors} failed connections`);
        setPct(lat16, kind, r16.latencies);
        const r1 = await runLoad(server.port, cert, 'handshakes', 1, DURATION_MS / 2);
        setPct(lat1, kind, r1.latencies);
        if (cert === 'ecdsa-p256') {
          await server.command('reset');
          const rr = await runLoad(server.port, cert, 'resumed', 16, DURATION_MS);
          const resumedCpuMs = ((await server.command('cpu')) as { cpuMs: number }).cpuMs;
          const rRate = namedRow(rows, 'resumed handshakes/s (X25519, c=16)', 'hs/s', true);
          const rCpu = namedRow(rows, 'server CPU per resumed handshake', 'ms', false);
          rRate.values[kind] = (rr.count * 1000) / rr.wallMs;
          rCpu.values[kind] = resumedCpuMs / Math.max(1, rr.count + rr.errors);
          if (rr.errors > 0) rRate.notes.push(`${kind}: ${rr.errors} connections not resumed (full handshakes)`);
          rCpu.notes.push(`${kind}: server busy ${((resumedCpuMs / rr.wallMs) * 100).toFixed(0)}% of a core`);
          const down = await runLoad(server.port, cert, 'download', 1, 0);
          const up = await runLoad(server.port, cert, 'upload', 1, 0);
          bulkRow(rows, 'bulk server→client (1 connection)').values[kind] = down.bytes / 1048576 / (down.ms / 1000);
          bulkRow(rows, 'bulk client→server (1 connection)').values[kind] = up.bytes / 1048576 / (up.ms / 1000);
          namedRow(rows, `server memory per idle connection (RSS, ${IDLE_CONNECTIONS} connections)`, 'KiB', false).values[kind] =
            await idleMemoryPerConnection(kind, cert);
        }
      } finally {
        server.stop();
      }
      process.stdout.write('.');
    }
  }
  console.log('\n');
  printTable(rows);
  finish(rows);
}

/**
 * Server RSS growth per connection while IDLE_CONNECTIONS completed, silent connections are held,
 * in a fresh server process (warmed up by a few handshakes; a forced GC before both readings).
 * RSS, not the JS heap: node:tls keeps its connection state in OpenSSL's native memory.
 */
async function idleMemoryPerConnection(kind: Kind, cert: KeyType): Promise<number> {
  type Mem = { rss: number; connections: number };
  const server = await startServer(kind, cert);
  try {
    await runLoad(server.port, cert, 'handshakes', 4, 300);
    const before = (await server.command('mem')) as Mem;
    const held = runLoad(server.port, cert, 'idle', IDLE_CONNECTIONS, 2000);
    let during = before;
    for (let i = 0; i < 300 && during.connections < IDLE_CONNECTIONS; i++) {
      await new Promise((r) => setTimeout(r, 100));
      during = (await server.command('mem')) as Mem;
    }
    await held;
    return (during.rss - before.rss) / 1024 / IDLE_CONNECTIONS;
  } finally {
    server.stop();
  }
}

function pctRows(prefix: string): Row[] {
  return [50, 90, 99].map((p) => ({ metric: `${prefix} p${p}`, unit: 'ms', higherIsBetter: false, values: {}, notes: [] }));
}

function setPct(rows: readonly Row[], kind: Kind, latencies: readonly number[]): void {
  [50, 90, 99].forEach((p, i) => {
    const row = rows[i];
    if (row) row.values[kind] = percentile(latencies, p);
  });
}

function bulkRow(rows: Row[], metric: string): Row {
  return namedRow(rows, metric, 'MiB/s', true);
}

function namedRow(rows: Row[], metric: string, unit: string, higherIsBetter: boolean): Row {
  let row = rows.find((r) => r.metric === metric);
  if (!row) {
    row = { metric, unit, higherIsBetter, values: {}, notes: [] };
    rows.push(row);
  }
  return row;
}

function printTable(rows: readonly Row[]): void {
  const head = ['metric'.padEnd(46), ...KINDS.map((k) => k.padStart(13)), 'pure/node:tls'.padStart(14), 'node/node:tls'.padStart(14)];
  console.log(head.join(' '));
  for (const r of rows) {
    const base = r.values['node:tls'];
    const cells = KINDS.map((k) => fmt(r.values[k]).padStart(13));
    const ratio = (k: Kind): string => {
      const v = r.values[k];
      return v === undefined || base === undefined || base === 0 ? 'n/a' : `${(v / base).toFixed(2)}x`;
    };
    console.log([`${r.metric} [${r.unit}]`.padEnd(46), ...cells, ratio('puretls-pure').padStart(14), ratio('puretls-node').padStart(14)].join(' '));
    for (const n of r.notes) console.log(`    ${n}`);
  }
  console.log('\nRatios are value / node:tls: above 1 is better for rates, below 1 is better for CPU and latency.');
}

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v >= 100 ? Math.round(v).toString() : v.toFixed(2);
}

interface ServerHandle {
  readonly port: number;
  command(cmd: 'reset' | 'cpu' | 'mem'): Promise<unknown>;
  stop(): void;
}

function tsxChild(file: string, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(HERE, file), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
}

async function startServer(kind: Kind, cert: KeyType): Promise<ServerHandle> {
  const child = tsxChild('_server-child.ts', [kind, cert, String(BULK_LEN)], ['--expose-gc']);
  const lines: Interface = createInterface({ input: child.stdout! });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (l) => queue.shift()?.(l));
  const next = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${kind} server did not answer`)), 30_000);
      queue.push((l) => {
        clearTimeout(t);
        resolve(JSON.parse(l));
      });
    });
  const { port } = (await next()) as { port: number };
  return {
    port,
    command: (cmd) => {
      const p = next();
      child.stdin!.write(`${cmd}\n`);
      return p;
    },
    stop: () => {
      child.kill('SIGKILL');
    },
  };
}

interface LoadResult {
  count: number;
  errors: number;
  latencies: number[];
  wallMs: number;
  cpuMs: number;
  ms: number;
  bytes: number;
}

/** Runs the load generator (split over LOAD_WORKERS processes for handshakes) and merges results. */
async function runLoad(port: number, cert: KeyType, mode: 'handshakes' | 'resumed' | 'download' | 'upload' | 'idle', concurrency: number, durationMs: number): Promise<LoadResult> {
  const ca = certPems(cert).ca;
  const workers = mode === 'handshakes' || mode === 'resumed' ? Math.max(1, Math.min(LOAD_WORKERS, concurrency)) : 1;
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const conc = Math.floor(concurrency / workers) + (i < concurrency % workers ? 1 : 0);
      const child = tsxChild('_load-child.ts', [JSON.stringify({ port, ca, mode, concurrency: conc, durationMs, bulkLen: BULK_LEN })]);
      return new Promise<LoadResult>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`load generator timed out (${mode})`));
        }, durationMs + 120_000);
        child.on('close', () => {
          clearTimeout(t);
          try {
            const parsed = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Partial<LoadResult>;
            resolve({ count: 0, errors: 0, latencies: [], ms: 0, bytes: 0, wallMs: 0, cpuMs: 0, ...parsed });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      });
    }),
  );
  return parts.reduce((a, b) => ({
    count: a.count + b.count,
    errors: a.errors + b.errors,
    latencies: [...a.latencies, ...b.latencies],
    wallMs: Math.max(a.wallMs, b.wallMs),
    cpuMs: a.cpuMs + b.cpuMs,
    ms: Math.max(a.ms, b.ms),
    bytes: a.bytes + b.bytes,
  }));
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

await main();
