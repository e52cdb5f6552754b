/**
 * @module test/fuzz/coverage
 * Code coverage for the guided fuzzer, from V8's precise block coverage through node:inspector
 * (Profiler.startPreciseCoverage with callCount and detailed: block-level execution counts;
 * each takePreciseCoverage returns the counts since the previous one and resets them). Only
 * scripts under `src/` count. A feature is one block (function or branch range) of our code that
 * executed.
 *
 * V8 reports a block range only where its count differs from the enclosing range's, so a block
 * that ran exactly as often as its parent is not listed. We therefore remember every range ever
 * reported per function and give each the count of the innermost reported range that contains
 * it: a block first seen as "count 0" becomes a feature when a later take no longer lists it as 0.
 *
 * Start coverage (`Coverage.start`) before importing the code under test: functions compiled
 * earlier carry no block counters.
 */
import { Session } from 'node:inspector';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Range {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}
interface FunctionCoverage {
  readonly ranges: readonly Range[];
}
interface ScriptCoverage {
  readonly url: string;
  readonly functions: readonly FunctionCoverage[];
}

const SRC_URL = pathToFileURL(fileURLToPath(new URL('../../src/', import.meta.url))).href;

/** Block coverage of src/ in this isolate. */
export class Coverage {
  readonly #session = new Session();
  /** Known ranges per function (`url@start`), as [start, end, featureId] triples. */
  readonly #known = new Map<string, [number, number, number][]>();
  #nextId = 0;

  /** Connects and starts precise block coverage. */
  start(): void {
    this.#session.connect();
    this.#post('Profiler.enable');
    this.#post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  stop(): void {
    this.#post('Profiler.stopPreciseCoverage');
    this.#session.disconnect();
  }

  /** Number of distinct blocks ever reported (covered or not). */
  get blocks(): number {
    return this.#nextId;
  }

  /** The features (block ids) executed since the previous call. */
  take(): number[] {
    const { result } = this.#post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    const out: number[] = [];
    for (const script of result) {
      if (!script.url.startsWith(SRC_URL)) continue;
      for (const fn of script.functions) this.#collect(script.url, fn.ranges, out);
    }
    return out;
  }

  #collect(url: string, ranges: readonly Range[], out: number[]): void {
    const first = ranges[0];
    if (first === undefined) return;
    const key = `${url}@${first.startOffset}`;
    let known = this.#known.get(key);
    if (known === undefined) {
      known = [];
      this.#known.set(key, known);
    }
    for (const r of ranges) {
      if (!known.some(([s, e]) => s === r.startOffset && e === r.endOffset)) known.push([r.startOffset, r.endOffset, this.#nextId++]);
    }
    for (const [s, e, id] of known) {
      // The innermost reported range containing [s, e): the latest start, then the earliest end.
      let best: Range | undefined;
      for (const r of ranges) {
        if (r.startOffset <= s && e <= r.endOffset && (best === undefined || r.startOffset > best.startOffset || (r.startOffset === best.startOffset && r.endOffset < best.endOffset))) best = r;
      }
      if (best !== undefined && best.count > 0) out.push(id);
    }
  }

  /** Synchronous post: the in-thread inspector session answers before `post` returns. */
  #post(method: string, params: object = {}): unknown {
    let result: unknown;
    let error: Error | null = null;
    let answered = false;
    this.#session.post(method, params, (err, res) => {
      error = err;
      result = res;
      answered = true;
    });
    if (!answered) throw new Error(`coverage: ${method} did not answer synchronously`);
    if (error) throw error;
    return result;
  }
}

/** A set of covered features (block ids), with what an input adds to it. */
export class FeatureSet {
  readonly #seen = new Set<number>();

  get size(): number {
    return this.#seen.size;
  }

  /** The features in `features` not in this set. */
  newIn(features: readonly number[]): number[] {
    return features.filter((f) => !this.#seen.has(f));
  }

  add(features: readonly number[]): void {
    for (const f of features) this.#seen.add(f);
  }
}
