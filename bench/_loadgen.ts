/**
 * @module bench/_loadgen
 * Builds and drives bench/loadgen.c, the C load generator (a minimal TLS 1.3 client on libcrypto:
 * see the top of that file). The binary is compiled once per source version into
 * node_modules/.cache/puretls-bench/ with the system's gcc and OpenSSL headers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'loadgen.c');
const CACHE = join(HERE, '..', 'node_modules', '.cache', 'puretls-bench');

/** What a generator reports on each mark (cumulative but for the latency percentiles). */
export interface LoadMark {
  readonly ops: number;
  readonly errors: number;
  readonly notResumed: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** idle mode: connections completed and still open. */
  readonly established: number;
  /** Connections started. */
  readonly started: number;
  /** Handshakes completed resumed (a PSK accepted) and full. */
  readonly resumed: number;
  readonly fullHandshakes: number;
  /** http-0rtt: handshakes whose early data the server accepted / did not. */
  readonly earlyAccepted: number;
  readonly earlyRejected: number;
  /** http-resume, http-0rtt: connections closed after waiting 2 s for a ticket that never came. */
  readonly noTicket: number;
  /** Latency percentiles (µs) over the ops completed since the previous mark, and their count. */
  readonly latN: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** The generator's own CPU so far (getrusage), µs. */
  readonly cpuUs: number;
  readonly firstError: string;
}

export type LoadMode = 'full' | 'resume' | 'download' | 'upload' | 'idle' | 'http-keep' | 'http-new' | 'http-resume' | 'http-0rtt' | 'upstream';

export interface LoadOptions {
  readonly port: number;
  readonly mode: LoadMode;
  readonly conc?: number;
  /** Stop after this many operations / payload bytes (tests); otherwise runs until `stop()`. */
  readonly ops?: number;
  readonly bytes?: number;
  readonly suite?: 'aes128' | 'chacha20';
  readonly request?: string;
  /** upstream mode: response body size. */
  readonly body?: number;
  /** http-resume: 'once' (default: single-use, each connection puts back its new ticket) or 'reuse'. */
  readonly tickets?: 'once' | 'reuse';
}

/** Command-line arguments of loadgen for `o`. */
export function loadgenArgs(o: LoadOptions): string[] {
  const args = ['--port', String(o.port), '--mode', o.mode, '--conc', String(o.conc ?? 1)];
  if (o.ops !== undefined) args.push('--ops', String(o.ops));
  if (o.bytes !== undefined) args.push('--bytes', String(o.bytes));
  if (o.suite !== undefined) args.push('--suite', o.suite);
  if (o.request !== undefined) args.push('--request', o.request);
  if (o.body !== undefined) args.push('--body', String(o.body));
  if (o.tickets !== undefined) args.push('--tickets', o.tickets);
  return args;
}

/** How to get a compiler and OpenSSL's headers (Debian/Ubuntu). */
export const LOADGEN_PREREQUISITES = 'bench/loadgen.c needs gcc and the OpenSSL headers: apt-get install -y gcc libssl-dev';

/**
 * The path of the compiled generator, building it first when the source changed.
 * @throws Error with LOADGEN_PREREQUISITES when gcc or the headers are missing
 */
export function loadgenBinary(): string {
  const source = readFileSync(SOURCE);
  const bin = join(CACHE, `loadgen-${createHash('sha256').update(source).digest('hex').slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  if (!existsSync('/usr/include/openssl/evp.h')) throw new Error(LOADGEN_PREREQUISITES);
  mkdirSync(CACHE, { recursive: true });
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-o', bin, SOURCE, '-lcrypto'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    throw new Error(`${LOADGEN_PREREQUISITES}\n${stderr}`);
  }
  return bin;
}

/** A running generator (or upstream), driven over stdin. */
export interface LoadGen {
  readonly child: ChildProcess;
  /** Asks for the counters now. */
  mark(): Promise<LoadMark>;
  /** The next JSON line it prints (the upstream's port; the last mark of a bounded run). */
  nextLine(): Promise<Record<string, unknown>>;
  /** "q": a handshake mode finishes the handshakes in flight (2 s at most), then it exits. */
  stop(): Promise<void>;
}

/**
 * Wraps a spawned generator process (from `spawnPinned` or a plain spawn) whose stdin and stdout
 * are pipes.
 */
export function driveLoadGen(child: ChildProcess): LoadGen {
  const waiting: ((line: string) => void)[] = [];
  const early: string[] = [];
  let exited = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else early.push(line);
  });
  const failWaiting = (why: string): void => {
    exited = true;
    for (const w of waiting.splice(0)) w(JSON.stringify({ __error: why }));
  };
  child.on('exit', (code) => failWaiting(`load generator exited (${String(code)})`));
  child.stdin!.on('error', () => {}); // it may exit by itself (--ops) before "q" reaches it
  child.on('error', (e) => failWaiting(String(e)));
  const nextLine = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const take = (line: string): void => {
        const j = JSON.parse(line) as Record<string, unknown>;
        if (typeof j['__error'] === 'string') reject(new Error(j['__error']));
        else resolve(j);
      };
      const e = early.shift();
      if (e !== undefined) take(e);
      else if (exited) reject(new Error('load generator is not running'));
      else waiting.push(take);
    });
  return {
    child,
    mark: () => {
      const p = nextLine();
      child.stdin!.write('m\n');
      return p as Promise<unknown> as Promise<LoadMark>;
    },
    nextLine,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end('q\n');
        setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, 3000).unref();
      }),
  };
}

/** Runs a bounded generator (`ops` or `bytes` set) unpinned, to completion; for tests. */
export async function runLoadToCompletion(o: LoadOptions, timeoutMs = 30_000): Promise<LoadMark> {
  const child = spawn(loadgenBinary(), loadgenArgs(o), { stdio: ['pipe', 'pipe', 'inherit'] });
  const gen = driveLoadGen(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return (await gen.nextLine()) as unknown as LoadMark;
  } finally {
    clearTimeout(timer);
    await gen.stop();
  }
}
