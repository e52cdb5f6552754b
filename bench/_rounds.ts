/**
 * @module bench/_rounds
 * The shared harness of the server benches (bench/server.ts and the areas it runs): measured
 * processes pinned to their own core (`taskset`), each in its own session whose autogroup gets
 * nice -10 (`setsid`, /proc/PID/autogroup: plain `nice` does nothing across sessions), server CPU
 * per operation from /proc/PID/stat (utime + stime), the foreign load of each window (CPU the
 * machine spent outside our processes, from /proc/stat), and interleaved rounds summarised as the
 * median and range of per-round ratios to node:tls.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { driveLoadGen, loadgenArgs, loadgenBinary, type LoadGen, type LoadMark, type LoadOptions } from './_loadgen.ts';
import { QUICK } from './_harness.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT: string = join(HERE, '..');
/** The measured server's core, and the core of everything else (generator, upstream, this process). */
export const SERVER_CORE = 1;
export const LOAD_CORE = 0;
const TICK_MS = 1000 / 100; // USER_HZ: /proc times are in 1/100 s on Linux

/** The three servers of every comparison. */
export type Tls = 'node' | 'pure' | 'node:tls';
export const TLS_KINDS: readonly Tls[] = ['node', 'pure', 'node:tls'];

// ---------------------------------------------------------------------------------------------
// Processes: pinned, in their own session, autogroup nice -10

/** How the measured processes run (printed in the header). */
export let priority = 'not yet known';

/** Pins this process (the orchestrator) to the load core, off the server's core (taskset, util-linux). */
export function pinSelf(): void {
  execFileSync('taskset', ['-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
}

/**
 * Spawns `argv` pinned to `core` (taskset: a core, or a list such as '0,1'), in a new session
 * (detached: setsid), and sets that session's autogroup to nice -10 (needs root or CAP_SYS_NICE;
 * `priority` says what happened).
 */
export function spawnPinned(core: number | string, argv: readonly string[], stderr: 'inherit' | 'ignore' = 'inherit'): ChildProcess {
  const child = spawn('taskset', ['-c', String(core), ...argv], { cwd: ROOT, detached: true, stdio: ['pipe', 'pipe', stderr] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  try {
    writeFileSync(`/proc/${child.pid}/autogroup`, '-10');
    priority = 'each measured process in its own session (setsid), autogroup nice -10';
  } catch (e) {
    priority = `normal priority: autogroup nice -10 refused (${(e as Error).message.split('\n')[0]})`;
  }
  return child;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

/** A measured server process. */
export interface ServerProc {
  readonly pid: number;
  readonly port: number;
  /** Memory after a forced GC (bench/_servers.ts kinds only). */
  mem(): Promise<{ rss: number; heapUsed: number; external: number }>;
  stop(): void;
}

/** Starts `bench/_servers.ts KIND KEYTYPE [EXTRA]` on the server core and waits for its port. */
export function startServer(kind: string, keyType: string, extra: readonly string[] = []): Promise<ServerProc> {
  const child = spawnPinned(SERVER_CORE, [process.execPath, '--expose-gc', '--import', 'tsx', join(HERE, '_servers.ts'), kind, keyType, ...extra]);
  return serverProc(child, kind);
}

function stopChild(child: ChildProcess): void {
  child.stdin?.end();
  child.kill('SIGKILL');
}

async function serverProc(child: ChildProcess, what: string): Promise<ServerProc> {
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: no answer`)), 60_000);
      const take = (l: string): void => {
        clearTimeout(timer);
        resolve(JSON.parse(l) as Record<string, number>);
      };
      const l = lines.shift();
      if (l !== undefined) take(l);
      else waiting.push(take);
    });
  const exited = new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`${what} exited (${String(c)})`))));
  exited.catch(() => {});
  const { port } = await Promise.race([next(), exited]);
  return {
    pid: child.pid!,
    port: port!,
    mem: async () => {
      const p = next();
      child.stdin!.write('mem\n');
      return (await p) as { rss: number; heapUsed: number; external: number };
    },
    stop: () => stopChild(child),
  };
}

/** Starts the C load generator on the load core. */
export function startLoad(o: LoadOptions): LoadGen {
  return driveLoadGen(spawnPinned(LOAD_CORE, [loadgenBinary(), ...loadgenArgs(o)]));
}

/**
 * Starts a generator given as a command speaking loadgen.c's stdin protocol (bench/_pq-load.ts,
 * bench/_clients.ts) on `core` (default: the load core).
 */
export function startLoadCommand(argv: readonly string[], core: number = LOAD_CORE): LoadGen {
  return driveLoadGen(spawnPinned(core, argv));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// /proc

/** utime + stime of a process (all its threads), ms. */
export function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** Busy time per core since boot, ms (user+nice+system+irq+softirq+steal; not idle/iowait). */
function busyPerCore(): number[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.split(/\s+/).slice(1).map(Number);
      return ((v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0)) * TICK_MS;
    });
}

interface Snapshot {
  readonly t: number;
  readonly server: number;
  readonly ours: number;
  /** CPU of each of `otherPids`, ms. */
  readonly others: number[];
  readonly busy: number[];
  readonly mark: LoadMark;
}

/** What one measurement window saw. */
export interface Window {
  readonly wallMs: number;
  readonly ops: number;
  readonly errors: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly serverCpuMs: number;
  readonly genCpuMs: number;
  /** Server CPU / wall time (1 = one core fully busy). */
  readonly serverBusy: number;
  /** CPU used outside our processes during the window, in cores, all cores / the server's core. */
  readonly foreign: number;
  readonly foreignServerCore: number;
  readonly p50: number;
  readonly p99: number;
  readonly firstError: string;
  /** Handshakes completed resumed / full, early data accepted / rejected (the generator's counts). */
  readonly resumed: number;
  readonly fullHandshakes: number;
  readonly earlyAccepted: number;
  readonly earlyRejected: number;
  /** CPU of each of `otherPids` over the window, ms (e.g. a redis-server's). */
  readonly otherCpuMs: number[];
}

async function snapshot(serverPid: number, gen: LoadGen, otherPids: readonly number[]): Promise<Snapshot> {
  const mark = await gen.mark();
  const self = process.cpuUsage();
  const genPid = gen.child.pid!;
  const others = otherPids.map((p) => cpuMs(p));
  return {
    t: performance.now(),
    server: cpuMs(serverPid),
    ours: (genPid === serverPid ? 0 : cpuMs(genPid)) + others.reduce((a, v) => a + v, 0) + (self.user + self.system) / 1000,
    others,
    busy: busyPerCore(),
    mark,
  };
}

/**
 * Measures `ms` of the running load: counters from the generator's marks, CPU from /proc.
 * `otherPids`: more processes of ours (an upstream) not to count as foreign load.
 */
export async function measureWindow(server: Pick<ServerProc, 'pid'>, gen: LoadGen, ms: number, otherPids: readonly number[] = []): Promise<Window> {
  const a = await snapshot(server.pid, gen, otherPids);
  await sleep(ms);
  const b = await snapshot(server.pid, gen, otherPids);
  const wallMs = b.t - a.t;
  const serverCpuMs = b.server - a.server;
  const busyAll = b.busy.reduce((s, v, i) => s + v - (a.busy[i] ?? 0), 0);
  const busyServerCore = (b.busy[SERVER_CORE] ?? 0) - (a.busy[SERVER_CORE] ?? 0);
  return {
    wallMs,
    ops: b.mark.ops - a.mark.ops,
    errors: b.mark.errors - a.mark.errors,
    bytesIn: b.mark.bytesIn - a.mark.bytesIn,
    bytesOut: b.mark.bytesOut - a.mark.bytesOut,
    serverCpuMs,
    genCpuMs: (b.mark.cpuUs - a.mark.cpuUs) / 1000,
    serverBusy: serverCpuMs / wallMs,
    foreign: Math.max(0, busyAll - serverCpuMs - (b.ours - a.ours)) / wallMs,
    foreignServerCore: Math.max(0, busyServerCore - serverCpuMs) / wallMs,
    p50: b.mark.p50,
    p99: b.mark.p99,
    firstError: b.mark.firstError,
    resumed: b.mark.resumed - a.mark.resumed,
    fullHandshakes: b.mark.fullHandshakes - a.mark.fullHandshakes,
    earlyAccepted: b.mark.earlyAccepted - a.mark.earlyAccepted,
    earlyRejected: b.mark.earlyRejected - a.mark.earlyRejected,
    otherCpuMs: b.others.map((v, i) => v - (a.others[i] ?? 0)),
  };
}

// ---------------------------------------------------------------------------------------------
// Rounds, rows and the table

/** One measured figure of one server in one round, with what makes it trustworthy or not. */
export interface RoundValue {
  readonly value: number;
  /** Why this round is not clean (empty: clean). */
  readonly disturbed: readonly string[];
  readonly foreign: number;
  readonly foreignServerCore: number;
  readonly serverBusy?: number;
  /** Generator CPU per op ÷ server CPU per op (must stay below 1). */
  readonly genShare?: number;
}

/** A row of the table: figures per server kind, one per round. */
export interface Row {
  readonly id: string;
  readonly what: string;
  readonly unit: string;
  /** true for rates (MB/s): a ratio above 1 is better. */
  readonly higherIsBetter?: boolean;
  /** Rows without a node:tls figure show the pure and node figures alone (the PQ row). */
  readonly values: Partial<Record<Tls, RoundValue[]>>;
  readonly note?: string;
}

/** Rounds and window lengths: `--quick` for development, the default for figures to quote. */
export const ROUNDS = QUICK ? 2 : 5;
export const WINDOW_MS = QUICK ? 700 : 2500;
export const WARMUP_MS = QUICK ? 500 : 1500;

/** The kinds in round `r`'s order: alternating, so neither side always runs first. */
export function roundOrder<T>(kinds: readonly T[], r: number): T[] {
  return r % 2 === 0 ? [...kinds] : [...kinds].reverse();
}

/**
 * Checks a saturating window: the server's core busy (≥ 95%), the generator cheaper per op than
 * the server, no errors, little foreign load on the server's core.
 */
function judge(w: Window, saturating: boolean): string[] {
  const why: string[] = [];
  if (w.ops === 0 && w.bytesIn + w.bytesOut === 0) why.push('no operations');
  if (saturating && w.serverBusy < 0.95) why.push(`measured core ${(w.serverBusy * 100).toFixed(0)}% busy`);
  if (w.errors > 0) why.push(`${w.errors} errors (${w.firstError})`);
  if (w.foreignServerCore > 0.05) why.push(`foreign load ${(w.foreignServerCore * 100).toFixed(0)}% on the measured core`);
  if (saturating && w.genCpuMs >= w.serverCpuMs) why.push('generator not cheaper than the server'); // per op or per byte alike
  return why;
}

/** A RoundValue from a window and the figure taken from it. */
export function roundValue(w: Window, value: number, saturating: boolean): RoundValue {
  return {
    value,
    disturbed: judge(w, saturating),
    foreign: w.foreign,
    foreignServerCore: w.foreignServerCore,
    serverBusy: w.serverBusy,
    genShare: w.serverCpuMs > 0 && saturating ? w.genCpuMs / w.serverCpuMs : undefined,
  };
}

/** Prints one round as it is measured, so a disturbed round is seen where it happened. */
export function logRound(row: string, tls: Tls | string, r: number, v: RoundValue, unit: string): void {
  const parts = [
    `# ${row} | ${tls} | round ${r + 1}: ${fmt(v.value)} ${unit}`,
    v.serverBusy === undefined ? '' : `measured core ${(v.serverBusy * 100).toFixed(0)}% busy`,
    v.genShare === undefined ? '' : `generator ${(v.genShare * 100).toFixed(0)}% of server CPU`,
    `foreign ${v.foreign.toFixed(2)} cores (measured core ${v.foreignServerCore.toFixed(2)})`,
    v.disturbed.length ? `DISTURBED: ${v.disturbed.join('; ')}` : '',
  ];
  console.log(parts.filter(Boolean).join(', '));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Per-round ratios kind ÷ node:tls (rounds paired by index). */
function ratios(row: Row, tls: Tls): number[] {
  const ours = row.values[tls] ?? [];
  const base = row.values['node:tls'] ?? [];
  return ours.map((v, i) => v.value / (base[i]?.value ?? Number.NaN)).filter(Number.isFinite);
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function cellAbsolute(vs: readonly RoundValue[], unit: string): string {
  const xs = vs.map((v) => v.value);
  return `${fmt(median(xs))} ${unit} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})`;
}

function cellRatio(rs: readonly number[]): string {
  if (rs.length === 0) return 'n/a';
  const f = (x: number): string => x.toFixed(2);
  return `×${f(median(rs))} (${f(Math.min(...rs))}-${f(Math.max(...rs))})`;
}

/** The markdown table: node:tls absolute, both providers as ratios (median, range), round quality. */
export function table(
  rows: readonly Row[],
  columns: readonly string[] = ['node:tls (median, range)', 'node:crypto provider ÷ node:tls', 'pure provider ÷ node:tls'],
): string {
  const out = [`| what | ${columns.join(' | ')} | rounds clean; max foreign load (measured core) |`, '|---|---|---|---|---|'];
  for (const row of rows) {
    const base = row.values['node:tls'];
    const all = TLS_KINDS.flatMap((k) => row.values[k] ?? []);
    const clean = all.filter((v) => v.disturbed.length === 0).length;
    const maxF = Math.max(...all.map((v) => v.foreign));
    const maxS = Math.max(...all.map((v) => v.foreignServerCore));
    const quality = `${clean}/${all.length}; ${maxF.toFixed(2)} (${maxS.toFixed(2)})`;
    const ours = (k: Tls): string => {
      const vs = row.values[k];
      if (vs === undefined || vs.length === 0) return 'n/a';
      return base === undefined ? cellAbsolute(vs, row.unit) : cellRatio(ratios(row, k));
    };
    out.push(`| ${row.what} | ${base ? cellAbsolute(base, row.unit) : 'n/a'} | ${ours('node')} | ${ours('pure')} | ${quality} |`);
  }
  return out.join('\n');
}

/** The machine, versions, date and how the processes ran. */
export function machineHeader(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return [
    `${cpu} ×${os.cpus().length}, ${os.platform()} ${os.release()}, Node ${process.version} (OpenSSL ${process.versions.openssl}), ` +
      `${new Date().toISOString().slice(0, 10)}, commit ${commit}${QUICK ? ', --quick (smoke run: do not quote)' : ''}`,
    `server on core ${SERVER_CORE}, load generator (bench/loadgen.c) and the rest on core ${LOAD_CORE}; ${priority}; ` +
      `${ROUNDS} interleaved rounds of ${WINDOW_MS} ms per server`,
  ].join('\n');
}

/** One server of a comparison. */
export interface Contender {
  readonly tls: Tls;
  readonly server: ServerProc;
}

/** Per metric (in the order `measure` returns them), the rounds of each server. */
export type Measured = Partial<Record<Tls, RoundValue[]>>[];

/** Waits until a started generator is producing (its first operation or byte), then a little more. */
export async function ramp(gen: LoadGen): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const m = await gen.mark();
    if (m.ops > 0 || m.bytesIn + m.bytesOut > 0) break;
    await sleep(100);
  }
  await sleep(QUICK ? 150 : 300);
}

/**
 * The interleaved rounds of one comparison: a warm-up per server, then ROUNDS rounds in which each
 * server in turn (alternating order) gets a fresh generator and one measured window. `measure`
 * turns a window into the figures of one or more rows; each is logged as it comes.
 */
export async function interleave(
  names: readonly string[],
  units: readonly string[],
  contenders: readonly Contender[],
  load: (c: Contender) => LoadGen,
  measure: (w: Window) => number[],
  options: {
    readonly saturating: boolean;
    readonly otherPids?: readonly number[];
    /** 'generator': the generator is the measured process (on the server core), as in bench/client.ts. */
    readonly measured?: 'server' | 'generator';
  },
): Promise<Measured> {
  const out: Measured = names.map(() => ({}));
  for (const c of contenders) {
    const gen = load(c);
    await ramp(gen);
    await sleep(WARMUP_MS);
    await gen.stop();
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of roundOrder(contenders, r)) {
      const gen = load(c);
      try {
        await ramp(gen);
        const measured = options.measured === 'generator' ? { pid: gen.child.pid! } : c.server;
        const others = options.measured === 'generator' ? [c.server.pid] : [];
        const w = await measureWindow(measured, gen, WINDOW_MS, [...others, ...(options.otherPids ?? [])]);
        measure(w).slice(0, names.length).forEach((value, i) => {
          const v = roundValue(w, value, options.saturating);
          (out[i]![c.tls] ??= []).push(v);
          logRound(names[i]!, c.tls, r, v, units[i]!);
        });
      } finally {
        await gen.stop();
      }
    }
  }
  return out;
}

/** Runs `main` when the file is run directly (`npx tsx bench/<area>.ts`), printing its rows. */
export async function runAlone(metaUrl: string, main: () => Promise<Row[]>): Promise<void> {
  if (process.argv[1] === undefined || fileURLToPath(metaUrl) !== process.argv[1]) return;
  pinSelf();
  const rows = await main();
  console.log(`\n${machineHeader()}\n\n${table(rows)}`);
  process.exit(0);
}
