/**
 * @module test/fuzz/guided
 * The coverage-guided fuzz loop of `npm run fuzz` (in the style of libFuzzer): pick a corpus
 * entry, mutate it (byte-wise, or structure-aware for DER targets), run the target, and keep the
 * input in the corpus when it executed a block of src/ no earlier input had (coverage.ts). A
 * coverage take costs milliseconds, so inputs run in batches (20 ms to 1 s, shorter while new
 * code keeps turning up); only a batch that shows new blocks is bisected, with a take per half,
 * down to the inputs that brought them.
 *
 * Every input is also held to the target's budget: an exception is a finding ('crash'); an input
 * slower than `budget.ms` of wall time, confirmed by two re-runs that each take more than
 * `budget.ms` of CPU time (so neither a GC pause nor a loaded machine counts), is a finding
 * ('slow'), and so is one unit of work inside it (a `Step`, such as a signature check) over its
 * own CPU budget on three runs; an input that leaves more than `budget.mib` MiB of heap and
 * external (ArrayBuffer) memory allocated and not yet collected is a finding ('memory'). Hangs
 * and out-of-memory kills, which never return, are caught by the campaign's watchdog around the
 * worker.
 */
import { getHeapStatistics } from 'node:v8';
import { Coverage, FeatureSet } from './coverage.ts';
import { mutateDer } from './der-mutator.ts';
import type { FuzzTarget } from './driver.ts';
import { mutate, Rng } from './mutate.ts';

/** Per-input limits of one target (checked in the campaign only, never in `npm test`). */
export interface Budget {
  readonly ms: number;
  readonly mib: number;
}

/**
 * A unit of work inside one input (a signature check in path validation) with a CPU budget of
 * its own: the target measures its units and `slowestMs` gives the slowest of the last input.
 */
export interface Step {
  readonly what: string;
  readonly budgetMs: number;
  readonly slowestMs: () => number;
}

export interface GuidedOptions {
  readonly seed: number;
  readonly executions: number;
  readonly maxLen: number;
  readonly budget: Budget;
  readonly step?: Step | undefined;
  /** Inputs are DER after this many option bytes: use the structure-aware mutations too. */
  readonly derPrefix?: number | undefined;
  /** Longest wall time of one batch between coverage takes (default MAX_BATCH_MS). */
  readonly batchMs?: number;
  /** Called with each input just before it runs (the worker copies it where the watchdog sees it). */
  readonly onInput?: (input: Uint8Array) => void;
  readonly onNewInput?: (input: Uint8Array) => void;
  readonly onFinding?: (finding: Finding) => void;
  readonly onProgress?: (stats: GuidedStats) => void;
}

export interface Finding {
  readonly kind: 'crash' | 'slow' | 'memory';
  readonly input: Uint8Array;
  readonly message: string;
}

export interface GuidedStats {
  readonly executions: number;
  readonly seconds: number;
  /** Blocks covered after replaying the initial corpus, and now. */
  readonly featuresAtStart: number;
  readonly features: number;
  readonly corpusAtStart: number;
  readonly corpus: number;
  readonly findings: number;
  /** The slowest input (ms) and the most memory one input left behind (MiB). */
  readonly slowestMs: number;
  readonly largestMib: number;
}

/** Coverage-guided fuzzing of `target` from `initial`; see the module comment. */
export class GuidedFuzzer {
  readonly #target: FuzzTarget;
  readonly #opts: GuidedOptions;
  readonly #coverage: Coverage;
  readonly #seen = new FeatureSet();
  readonly #corpus: Uint8Array[] = [];
  readonly #signatures = new Set<string>();
  #executions = 0;
  #findings = 0;
  #slowestMs = 0;
  #largestMib = 0;
  #featuresAtStart = 0;
  #corpusAtStart = 0;
  #started = 0;

  /** `coverage` must have been started before the target's modules were imported. */
  constructor(target: FuzzTarget, coverage: Coverage, opts: GuidedOptions) {
    this.#target = target;
    this.#coverage = coverage;
    this.#opts = opts;
  }

  get corpus(): readonly Uint8Array[] {
    return this.#corpus;
  }

  /** Replays `initial` (each input's blocks count as covered), then fuzzes for `executions`. */
  run(initial: readonly Uint8Array[]): GuidedStats {
    this.#started = performance.now();
    this.#coverage.take();
    for (const input of initial) {
      this.#exec(input);
      this.#seen.add(this.#coverage.take());
      this.#corpus.push(input);
    }
    if (this.#corpus.length === 0) this.#corpus.push(new Uint8Array(0));
    this.#featuresAtStart = this.#seen.size;
    this.#corpusAtStart = this.#corpus.length;
    const rng = new Rng(this.#opts.seed);
    let batchMs = MIN_BATCH_MS;
    let lastProgress = performance.now();
    while (this.#executions < this.#opts.executions) {
      const batch: Uint8Array[] = [];
      const batchStart = performance.now();
      while (this.#executions < this.#opts.executions && performance.now() - batchStart < batchMs) {
        const input = this.#nextInput(rng);
        this.#exec(input);
        this.#executions++;
        batch.push(input);
      }
      const features = this.#coverage.take();
      // Short batches while new code keeps turning up (cheap bisection), long ones once it is rare.
      if (this.#seen.newIn(features).length > 0) {
        this.#attribute(batch, features);
        batchMs = Math.max(MIN_BATCH_MS, batchMs / 2);
      } else {
        batchMs = Math.min(this.#opts.batchMs ?? MAX_BATCH_MS, batchMs * 2);
      }
      this.#seen.add(features);
      if (performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        this.#opts.onProgress?.(this.stats());
      }
    }
    return this.stats();
  }

  stats(): GuidedStats {
    return {
      executions: this.#executions,
      seconds: (performance.now() - this.#started) / 1000,
      featuresAtStart: this.#featuresAtStart,
      features: this.#seen.size,
      corpusAtStart: this.#corpusAtStart,
      corpus: this.#corpus.length,
      findings: this.#findings,
      slowestMs: this.#slowestMs,
      largestMib: this.#largestMib,
    };
  }

  /**
   * The smallest subset of the corpus that covers what the whole corpus covers: inputs in
   * order of size, each kept when it covers a block the smaller ones did not (libFuzzer's merge).
   */
  minimise(): Uint8Array[] {
    const covered = new FeatureSet();
    const kept: Uint8Array[] = [];
    this.#coverage.take();
    for (const input of [...this.#corpus].sort((a, b) => a.length - b.length)) {
      this.#exec(input);
      const features = this.#coverage.take();
      if (covered.newIn(features).length === 0) continue;
      covered.add(features);
      kept.push(input);
    }
    return kept;
  }

  #nextInput(rng: Rng): Uint8Array {
    let input = this.#corpus[rng.below(this.#corpus.length)] as Uint8Array;
    const rounds = 1 + rng.below(4);
    for (let k = 0; k < rounds; k++) {
      const der = this.#opts.derPrefix !== undefined && rng.below(2) === 0;
      input = der ? mutateDer(input, this.#opts.derPrefix as number, rng, this.#corpus) : mutate(input, rng, this.#corpus);
    }
    return input.length > this.#opts.maxLen ? input.subarray(0, this.#opts.maxLen) : input;
  }

  /**
   * Bisects a batch down to the inputs that bring new blocks. `features` are the part's own
   * (measured by one take after running exactly it). The right half is run only when the left
   * one does not account for every new block.
   */
  #attribute(part: readonly Uint8Array[], features: readonly number[]): void {
    if (this.#seen.newIn(features).length === 0) return;
    if (part.length === 1) {
      this.#keep(part[0] as Uint8Array, features);
      return;
    }
    const half = part.length >> 1;
    const left = part.slice(0, half);
    for (const input of left) this.#exec(input);
    this.#attribute(left, this.#coverage.take());
    if (this.#seen.newIn(features).length === 0) return;
    const right = part.slice(half);
    for (const input of right) this.#exec(input);
    this.#attribute(right, this.#coverage.take());
  }

  #keep(input: Uint8Array, features: readonly number[]): void {
    this.#seen.add(features);
    const copy = input.slice();
    this.#corpus.push(copy);
    this.#opts.onNewInput?.(copy);
  }

  /** Runs one input against the target and the budget. */
  #exec(input: Uint8Array): void {
    this.#opts.onInput?.(input);
    const before = memoryInUse();
    const start = performance.now();
    // Rejected inputs throw TlsErrors by the thousand: capturing their stacks would be a fifth
    // of the run. A finding is re-run with stacks on to describe it.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let crashed = false;
    try {
      this.#target(input);
    } catch {
      crashed = true;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    const ms = performance.now() - start;
    const mib = (memoryInUse() - before) / 2 ** 20;
    if (crashed) this.#report('crash', input, this.#describeCrash(input));
    if (ms > this.#slowestMs) this.#slowestMs = ms;
    if (mib > this.#largestMib) this.#largestMib = mib;
    if (ms > this.#opts.budget.ms) {
      const cpuMs = this.#confirmSlow(input);
      if (cpuMs !== undefined) this.#report('slow', input, `took ${cpuMs.toFixed(0)} ms of CPU (budget ${this.#opts.budget.ms} ms)`);
    }
    const step = this.#opts.step;
    if (step !== undefined && step.slowestMs() > step.budgetMs) {
      const stepMs = this.#confirmSlowStep(input, step);
      if (stepMs !== undefined) this.#report('slow', input, `one ${step.what} took ${stepMs.toFixed(0)} ms of CPU (budget ${step.budgetMs} ms)`);
    }
    if (mib > this.#opts.budget.mib) this.#report('memory', input, `left ${mib.toFixed(0)} MiB behind (budget ${this.#opts.budget.mib} MiB)`);
  }

  /** The exception `input` raises, with its stack (a run that does not throw again says so). */
  #describeCrash(input: Uint8Array): string {
    try {
      this.#target(input);
    } catch (error) {
      return describe(error);
    }
    return 'threw once, not when run again (state kept between inputs?)';
  }

  /**
   * Two more runs, each over budget in CPU time (process.cpuUsage: on a loaded machine the wall
   * clock runs ahead of the work, and a GC pause passes): the smaller CPU time, else undefined.
   */
  #confirmSlow(input: Uint8Array): number | undefined {
    let least = Infinity;
    for (let i = 0; i < 2; i++) {
      const start = process.cpuUsage();
      try {
        this.#target(input);
      } catch {
        // reported by the first run
      }
      const used = process.cpuUsage(start);
      least = Math.min(least, (used.user + used.system) / 1000);
      if (least <= this.#opts.budget.ms) return undefined;
    }
    return least;
  }

  /** Two more runs whose slowest step is over its budget: the smaller of the two, else undefined. */
  #confirmSlowStep(input: Uint8Array, step: Step): number | undefined {
    let least = Infinity;
    for (let i = 0; i < 2; i++) {
      try {
        this.#target(input);
      } catch {
        // reported by the first run
      }
      least = Math.min(least, step.slowestMs());
      if (least <= step.budgetMs) return undefined;
    }
    return least;
  }

  #report(kind: Finding['kind'], input: Uint8Array, message: string): void {
    this.#findings++;
    // One report per kind and place (the error's type and its first stack frame), so a bug is
    // not reported 10^5 times; one per kind for budget findings.
    const [head = '', frame = ''] = message.split('\n');
    const signature = kind === 'crash' ? `${head.split(':')[0]}@${frame.replace(/:\d+\)?$/, '')}` : kind;
    if (this.#signatures.has(signature)) return;
    this.#signatures.add(signature);
    this.#opts.onFinding?.({ kind, input: input.slice(), message });
  }
}

/**
 * Batch lengths between coverage takes. A take costs 10-30 ms (V8 walks every function it has
 * compiled, node's own included), so batches grow to a second when nothing new turns up.
 */
const MIN_BATCH_MS = 20;
const MAX_BATCH_MS = 1000;

function memoryInUse(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return `non-Error thrown: ${String(error)}`;
  const frames = (error.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 4);
  return [`${error.name}: ${error.message}`, ...frames.map((f) => f.trim())].join('\n');
}
