/**
 * @module test/fuzz/campaign-worker
 * One target's coverage-guided campaign in a worker thread (started by campaign.ts, which
 * watches it). Coverage starts before the targets are imported (coverage.ts). Before each
 * input runs, the worker copies it into shared memory and bumps an execution counter there, so
 * the campaign can name the input when the worker hangs or runs out of memory and never reports.
 * Messages to the campaign: 'new' (an input that reached new code), 'finding', 'progress', and
 * 'done' with the statistics and the minimised corpus.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Coverage } from './coverage.ts';

/** What the campaign hands the worker. */
export interface WorkerInput {
  readonly target: string;
  readonly seed: number;
  readonly executions: number;
  readonly corpus: readonly Uint8Array[];
  /** [0] executions started, [1] length of the current input; then the input's bytes from byte 8. */
  readonly shared: SharedArrayBuffer;
}

const input = workerData as WorkerInput;
const coverage = new Coverage();
coverage.start();
const { TARGETS } = await import('./targets/index.ts');
const { GuidedFuzzer } = await import('./guided.ts');

const spec = TARGETS[input.target as keyof typeof TARGETS];
const counters = new Int32Array(input.shared, 0, 2);
const current = new Uint8Array(input.shared, 8);
const port = parentPort!;
const fuzzer = new GuidedFuzzer(spec.fuzz, coverage, {
  seed: input.seed,
  executions: input.executions,
  maxLen: spec.maxLen,
  budget: spec.budget,
  derPrefix: 'derPrefix' in spec ? spec.derPrefix : undefined,
  step: 'step' in spec ? spec.step : undefined,
  onInput: (data) => {
    current.set(data.subarray(0, current.length));
    Atomics.store(counters, 1, data.length);
    Atomics.add(counters, 0, 1);
  },
  onNewInput: (data) => port.postMessage({ type: 'new', input: data }),
  onFinding: (finding) => port.postMessage({ type: 'finding', finding }),
  onProgress: (stats) => port.postMessage({ type: 'progress', stats }),
});
const stats = fuzzer.run(input.corpus);
port.postMessage({ type: 'done', stats, minimised: fuzzer.minimise() });
