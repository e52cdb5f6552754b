/**
 * @module bench/_harness
 * The tiny shared bench harness (STYLE §10, after noble's benchmark/_utils.ts): a header with the
 * hardware and versions, correctness check before timing, warm-up, repeated timed runs, medians,
 * ops/s and MiB/s. Zero dependencies; `--quick` shortens every run, `--json` writes results.
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
