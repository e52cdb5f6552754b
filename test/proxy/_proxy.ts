/**
 * @module test/proxy/_proxy
 * Starts the real `puretls terminate` process (node --import tsx src/tools/cli.ts terminate) and
 * plain TCP/HTTP upstreams for the proxy tests; every wait is bounded; children are killed by
 * `stopAll()` in afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

export const ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** One running proxy process with its JSON log lines. */
export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly metricsPort: number | undefined;
  /** Parsed log lines so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Resolves with the first log line matching `pred` (already seen or future). */
  waitLog(pred: (l: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const servers: net.Server[] = [];

export function stopAll(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers.splice(0)) s.close();
}

/**
 * Spawns `puretls terminate` with `args` (a --listen 127.0.0.1:0 is added unless given) and waits
 * up to `ms` for it to listen (with --workers, three processes start: more time on a loaded machine).
 */
export async function startProxy(args: readonly string[], ms = args.includes('--workers') ? 90_000 : 30_000): Promise<ProxyProcess> {
  const full = args.includes('--listen') ? [...args] : ['--listen', '127.0.0.1:0', ...args];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/tools/cli.ts', 'terminate', ...full], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const logs: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitLog = (pred: (l: Record<string, unknown>) => boolean, wait = 20_000): Promise<Record<string, unknown>> =>
    new Promise((resolveLog, reject) => {
      const check = (): void => {
        const hit = logs.find(pred);
        if (hit) {
          cleanup();
          resolveLog(hit);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timeout waiting for a log line; stderr: ${stderr}; logs: ${JSON.stringify(logs.slice(-5))}`));
      }, wait);
      const onExit = (): void => {
        cleanup();
        reject(new Error(`proxy exited; stderr: ${stderr}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
      };
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });
  // With --workers the primary's 'workers ready' line (after every worker listens) carries the metrics address.
  const ready = await waitLog((l) => l['msg'] === (args.includes('--workers') ? 'workers ready' : 'listening'), ms);
  const listening = await waitLog((l) => l['msg'] === 'listening', ms);
  const addrs = listening['addresses'] as Array<{ port: number }>;
  const metrics = (ready['metrics'] ?? listening['metrics']) as { port: number } | null;
  return { child, port: addrs[0]!.port, metricsPort: metrics?.port, logs, waitLog, stderr: () => stderr, exited };
}

/** A TCP server on 127.0.0.1:0 that `onSocket` handles; closed by stopAll(). */
export async function tcpServer(onSocket: (s: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Echoes everything; ends after the client ends (half-close passed back). */
export function echo(s: net.Socket): void {
  s.on('error', () => {});
  s.pipe(s);
}

/** A node:tls (OpenSSL) client to the proxy, not verifying the (self-signed) certificate. */
export function tlsClient(port: number, options: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolveConnect, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => resolveConnect(s));
    s.once('error', reject);
  });
}

/** Reads a stream to its end, hashing as it goes. */
export function drainHash(s: NodeJS.ReadableStream, ms = 60_000): Promise<{ sha256: string; length: number }> {
  return new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    let length = 0;
    const timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms reading a stream (${length} bytes)`)), ms);
    s.on('data', (d: Buffer) => {
      h.update(d);
      length += d.length;
    });
    s.once('end', () => {
      clearTimeout(timer);
      resolveHash({ sha256: h.digest('hex'), length });
    });
    s.once('error', (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error('no VmRSS');
  return Number(m[1]) * 1024;
}

/** Runs a command (in `env`) to completion with bounded time; resolves with code, stdout and stderr. */
export function run(
  cmd: string,
  args: readonly string[],
  ms = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const child = spawn(cmd, [...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} timed out; stderr: ${stderr}`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** The Prometheus text at http://127.0.0.1:PORT/metrics. */
export function scrapeMetrics(port: number): Promise<string> {
  return new Promise((resolveGet, reject) => {
    httpGet(`http://127.0.0.1:${port}/metrics`, (res) => {
      let t = '';
      res.on('data', (d: Buffer) => (t += d.toString()));
      res.on('end', () => resolveGet(t));
    }).on('error', reject);
  });
}

/** The value of one series (`name{labels}`) in Prometheus text; NaN when absent. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}
