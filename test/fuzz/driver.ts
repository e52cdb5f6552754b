/**
 * @module test/fuzz/driver
 * The blind seeded mutation driver of `npm test` (STYLE §8.1): mutants of corpus entries
 * (mutate.ts, and der-mutator.ts for DER inputs) run against a target for a fixed number of
 * executions. Deterministic for a given seed. Any exception from the target is a finding
 * (targets swallow the expected TlsErrors). The coverage-guided loop of `npm run fuzz` is
 * guided.ts.
 */

import { mutateDer } from './der-mutator.ts';
import { mutate, Rng } from './mutate.ts';

export type FuzzTarget = (data: Uint8Array) => void;

export interface DriverOptions {
  readonly seed: number;
  /** Number of target executions (the step budget). */
  readonly executions: number;
  /** Inputs are cut to this length. Default 1 << 16. */
  readonly maxLen?: number;
  /** An execution slower than this (ms) is a finding; undefined: no time check (as in `npm test`). */
  readonly slowMs?: number;
  /** The input is DER after this many option bytes: half the mutations are structure-aware. */
  readonly derPrefix?: number | undefined;
}

export interface Finding {
  readonly input: Uint8Array;
  readonly error: unknown;
}

export interface DriverResult {
  readonly executions: number;
  readonly findings: readonly Finding[];
}

/** Runs `target` on `executions` mutants of `corpus` (which must not be empty). */
export function runDriver(target: FuzzTarget, corpus: readonly Uint8Array[], opts: DriverOptions): DriverResult {
  if (corpus.length === 0) throw new Error('driver: empty corpus');
  const rng = new Rng(opts.seed);
  const maxLen = opts.maxLen ?? 1 << 16;
  const slowMs = opts.slowMs ?? Infinity;
  const findings: Finding[] = [];
  for (let i = 0; i < opts.executions; i++) {
    const base = corpus[rng.below(corpus.length)] as Uint8Array;
    let input = base;
    const rounds = 1 + rng.below(4);
    for (let k = 0; k < rounds; k++) {
      const der = opts.derPrefix !== undefined && rng.below(2) === 0;
      input = der ? mutateDer(input, opts.derPrefix as number, rng, corpus) : mutate(input, rng, corpus);
    }
    if (input.length > maxLen) input = input.subarray(0, maxLen);
    const start = performance.now();
    try {
      target(input);
    } catch (error) {
      findings.push({ input: input.slice(), error });
    }
    const took = performance.now() - start;
    if (took > slowMs) findings.push({ input: input.slice(), error: new Error(`driver: slow input (${took.toFixed(0)} ms)`) });
  }
  return { executions: opts.executions, findings };
}
