/**
 * @module bench/_harness
 * The tiny shared bench harness (STYLE §10, after noble's benchmark/_utils.ts): a header with the
 * hardware and versions, correctness check before timing, warm-up, repeated timed runs, medians,
 * ops/s and MiB/s, and `benchInterleaved` for comparing implementations of the same operations
 * on a shared machine (CPU time per operation over interleaved rounds). Zero dependencies;
 * `--quick` shortens every run, `--json` writes results.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';

/** `--quick`: a smoke run (short timing windows, fewer repeats). */
export const QUICK: boolean = process.argv.includes('--quick');
const JSON_OUT: string | undefined = argValue('--json');

export interface BenchResult {
  readonly section: string;
  readonly label: string;
  /** Median ops/s over the runs. */
  readonly opsPerSec: number;
  /** Median MiB/s when `bytes` was given. */
  readonly mibPerSec: number | undefined;
  readonly runs: number;
}

const results: BenchResult[] = [];
let currentSection = '';

/** Prints CPU model, cores, Node, the OpenSSL inside Node and the `openssl` binary. */
export function header(title: string): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let opensslBin = 'not found';
  try {
    opensslBin = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    // no binary: only the node:tls columns are meaningful
  }
  console.log(`# ${title}`);
  console.log(`# ${cpu} x${os.cpus().length}, ${os.platform()} ${os.arch()}, Node ${process.version}, ` +
    `node:crypto OpenSSL ${process.versions.openssl}, binary: ${opensslBin}${QUICK ? ', --quick' : ''}`);
}

/** Starts a titled group of results. */
export function section(name: string): void {
  currentSection = name;
  console.log(`\n## ${name}`);
}

/** Runs `fn` once and throws unless it returns bytes equal to `expected` (correct before fast). */
export function checkOnce(fn: () => Uint8Array, expected: Uint8Array): void {
  const got = fn();
  if (got.length !== expected.length || !got.every((b, i) => b === expected[i])) {
    throw new Error('bench: correctness check failed');
  }
}

/** Calls `fn` repeatedly for `ms` to let the JIT settle. */
export async function warmup(fn: () => unknown, ms: number = QUICK ? 50 : 300): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) fn();
  await tick();
}

/**
 * Times `fn` in `runs` windows of about `windowMs` each and prints the median rate.
 * @param options.bytes bytes processed per call, to report MiB/s
 */
export async function bench(
  label: string,
  fn: () => unknown,
  options: { bytes?: number; runs?: number; windowMs?: number } = {},
): Promise<BenchResult> {
  const runs = options.runs ?? (QUICK ? 3 : 7);
  const windowMs = options.windowMs ?? (QUICK ? 60 : 250);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < windowMs) {
      fn();
      n++;
      now = performance.now();
    }
    rates.push((n * 1000) / (now - start));
    await tick();
  }
  const opsPerSec = median(rates);
  const mibPerSec = options.bytes === undefined ? undefined : (opsPerSec * options.bytes) / (1024 * 1024);
  const res: BenchResult = { section: currentSection, label, opsPerSec, mibPerSec, runs };
  results.push(res);
  console.log(
    `${label.padEnd(34)} ${formatRate(opsPerSec).padStart(12)} ops/s` +
      (mibPerSec === undefined ? '' : `  ${mibPerSec.toFixed(1).padStart(8)} MiB/s`) +
      `  (median of ${runs})`,
  );
  return res;
}

/** One implementation of an operation in `benchInterleaved`. */
export interface Variant {
  readonly name: string;
  /** One operation; returns its result (bytes or a verdict) for the correctness check. */
  readonly fn: () => unknown;
  /** Replaces the comparison with the operation's `expected` (e.g. for a randomised signature). */
  readonly check?: (result: Uint8Array) => boolean;
}

/** An operation with the implementations to compare; the first variant is the reference (×1). */
export interface Operation {
  readonly name: string;
  /** What every variant must return once (correct before fast). */
  readonly expected: Uint8Array;
  readonly variants: readonly Variant[];
}

/** CPU time per operation (median and range over the rounds) and median wall time, in µs. */
export interface InterleavedRow {
  readonly operation: string;
  readonly variant: string;
  readonly cpuMicros: { readonly median: number; readonly min: number; readonly max: number };
  readonly wallMicros: number;
}

/**
 * Checks every variant once, warms it up, then runs `rounds` rounds in which every variant of
 * every operation runs for one window of `windowMs`, so that load on a shared machine hits all
 * of them alike. Prints, per operation, each variant's process CPU time per call
 * (`process.cpuUsage`, so waiting for a core does not count), wall time, and the ratio to the
 * first variant; time spent inside `pauseClock` is left out.
 */
export async function benchInterleaved(
  operations: readonly Operation[],
  options: { rounds?: number; windowMs?: number } = {},
): Promise<InterleavedRow[]> {
  const rounds = options.rounds ?? (QUICK ? 3 : 11);
  const windowMs = options.windowMs ?? (QUICK ? 40 : 200);
  for (const op of operations) {
    for (const v of op.variants) {
      if (v.check === undefined) checkOnce(() => resultBytes(v.fn()), op.expected);
      else if (!v.check(resultBytes(v.fn()))) throw new Error(`bench: correctness check failed: ${v.name}`);
      await warmup(v.fn);
    }
  }
  const samples = new Map<Variant, { cpu: number[]; wall: number[] }>();
  for (let round = 0; round < rounds; round++) {
    for (const op of operations) {
      for (const v of op.variants) {
        const { cpu, wall } = timeWindow(v.fn, windowMs);
        const s = samples.get(v) ?? { cpu: [], wall: [] };
        s.cpu.push(cpu);
        s.wall.push(wall);
        samples.set(v, s);
      }
    }
    await tick();
  }
  const rows: InterleavedRow[] = [];
  for (const op of operations) {
    section(op.name);
    const opRows = op.variants.map((v): InterleavedRow => {
      const s = samples.get(v) ?? { cpu: [], wall: [] };
      return {
        operation: op.name,
        variant: v.name,
        cpuMicros: { median: median(s.cpu), min: Math.min(...s.cpu), max: Math.max(...s.cpu) },
        wallMicros: median(s.wall),
      };
    });
    const reference = opRows[0]?.cpuMicros.median ?? Number.NaN;
    for (const row of opRows) {
      const c = row.cpuMicros;
      console.log(
        `${row.variant.padEnd(46)} ${c.median.toFixed(1).padStart(8)} µs CPU (${c.min.toFixed(1)}–${c.max.toFixed(1)})` +
          `  ${row.wallMicros.toFixed(1).padStart(8)} µs wall  ×${(c.median / reference).toFixed(2)}`,
      );
    }
    rows.push(...opRows);
  }
  console.log(`\n${rounds} interleaved rounds of ${windowMs} ms per variant; "×r": that row's CPU time over the first row's.`);
  return rows;
}

let pausedCpu = 0;
let pausedWall = 0;

/** Runs `fn` without counting its time in the current `benchInterleaved` window. */
export function pauseClock<T>(fn: () => T): T {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const out = fn();
  const cpu = process.cpuUsage(cpu0);
  pausedCpu += cpu.user + cpu.system;
  pausedWall += (performance.now() - wall0) * 1000;
  return out;
}

/** Runs `fn` for one window; CPU and wall microseconds per call, paused time left out. */
function timeWindow(fn: () => unknown, windowMs: number): { cpu: number; wall: number } {
  let n = 0;
  pausedCpu = 0;
  pausedWall = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < windowMs) {
    fn();
    n++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system - pausedCpu) / n, wall: ((now - start) * 1000 - pausedWall) / n };
}

/** A variant's result for the correctness check: bytes as they are, verdicts as one byte. */
function resultBytes(x: unknown): Uint8Array {
  if (typeof x === 'boolean') return new Uint8Array([x ? 1 : 0]);
  if (x instanceof Uint8Array) return new Uint8Array(x);
  throw new Error('bench: unexpected result type');
}

/** Writes all results as JSON when `--json <file>` was given. */
export function finish(extra?: unknown): void {
  if (JSON_OUT !== undefined) writeFileSync(JSON_OUT, JSON.stringify({ results, extra }, null, 2));
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] ?? Number.NaN;
}

export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2);
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
