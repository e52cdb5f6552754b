/**
 * `npm run fuzz -- [options]`: coverage-guided fuzzing of every target (guided.ts), outside
 * `npm test` (no time bound, random seed unless given). Each target runs in its own worker
 * thread (campaign-worker.ts) under a watchdog: an input that never returns (more than
 * `HANG_FACTOR` × the target's time budget, at least 10 s) or takes the process over
 * `RSS_LIMIT_MIB` is a finding, named from the shared memory the worker copies each input to,
 * and the worker restarts with the corpus grown so far. Per target it prints executions/s, the
 * blocks of src/ covered before and after, corpus growth and the findings; findings are written
 * to fuzz-findings/<target>/. The exit status is 1 when there was a finding.
 *
 * Options:
 *   --targets a,b       only these targets (default: all, in order)
 *   --executions N      executions per target (default 100000)
 *   --seed S            the mutation seed (default: random, printed)
 *   --save              add the minimised corpus (inputs that reach code the rest does not) to
 *                       vectors/fuzz-corpus/<target>/
 *   --replay FILE       run one input against the first target once and print what happened
 *
 * Run long campaigns under `nice -n 10`, one at a time.
 */
import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { addToCorpus, loadCorpus } from './corpus.ts';
import type { Finding, GuidedStats } from './guided.ts';
import { TARGET_NAMES, TARGETS, type TargetName } from './targets/index.ts';
import type { WorkerInput } from './campaign-worker.ts';

const HANG_FACTOR = 20;
const RSS_LIMIT_MIB = 3072;
const MAX_RESTARTS = 5;
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FINDINGS_DIR = join(ROOT, 'fuzz-findings');

const { values } = parseArgs({
  options: {
    targets: { type: 'string' },
    executions: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    save: { type: 'boolean', default: false },
    replay: { type: 'string' },
  },
});
const targets = (values.targets?.split(',') ?? TARGET_NAMES) as TargetName[];
for (const t of targets) if (!(t in TARGETS)) throw new Error(`fuzz: unknown target ${t} (known: ${TARGET_NAMES.join(', ')})`);
const executions = Number(values.executions);
const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);

if (values.replay !== undefined) {
  replay(targets[0] as TargetName, new Uint8Array(readFileSync(values.replay)));
} else {
  console.log(`fuzz: seed ${seed}, ${executions} executions per target, targets ${targets.join(', ')}`);
  let findings = 0;
  const rows: string[] = [];
  for (const target of targets) {
    const r = await campaign(target);
    findings += r.findings;
    rows.push(r.row);
  }
  console.log(`\n${'target'.padEnd(18)} ${'execs'.padStart(9)} ${'exec/s'.padStart(7)} ${'blocks start→end'.padStart(17)} ${'corpus'.padStart(12)}  slowest  max-alloc  findings`);
  for (const row of rows) console.log(row);
  process.exitCode = findings === 0 ? 0 : 1;
}

interface CampaignResult {
  readonly findings: number;
  readonly row: string;
}

/** One target: workers until the executions are done (restarting after a hang or a crash of the worker). */
async function campaign(target: TargetName): Promise<CampaignResult> {
  const spec = TARGETS[target];
  const corpus = loadCorpus(target);
  const added: Uint8Array[] = [];
  let left = executions;
  let findings = 0;
  let restarts = 0;
  let last: GuidedStats | undefined;
  let first: GuidedStats | undefined;
  let minimised: Uint8Array[] = [];
  let seconds = 0;
  let done = 0;
  console.log(`\n== ${target}: ${corpus.length} corpus entries, budget ${spec.budget.ms} ms / ${spec.budget.mib} MiB per input`);
  while (left > 0) {
    const shared = new SharedArrayBuffer(8 + spec.maxLen);
    const started = performance.now();
    const outcome = await runWorker(target, { target, seed: seed + restarts, executions: left, corpus: [...corpus, ...added], shared }, added);
    findings += outcome.findings;
    if (outcome.stats) {
      first ??= outcome.stats;
      last = outcome.stats;
    }
    if (outcome.minimised && outcome.stats) {
      seconds += outcome.stats.seconds;
      done += outcome.stats.executions;
      minimised = outcome.minimised;
      break;
    }
    // The worker died (hang, out of memory): the input that killed it is a finding; go on.
    findings++;
    const counters = new Int32Array(shared, 0, 2);
    const input = new Uint8Array(shared, 8, Math.min(Atomics.load(counters, 1), spec.maxLen)).slice();
    report(target, { kind: outcome.death === 'hang' ? 'slow' : 'memory', input, message: outcome.reason });
    // Approximate: the counter also counts re-runs for coverage attribution.
    const ran = Math.max(1, Atomics.load(counters, 0) - corpus.length - added.length);
    seconds += (performance.now() - started) / 1000;
    done += ran;
    left -= ran;
    if (++restarts > MAX_RESTARTS) {
      console.log(`  ${target}: worker died ${restarts} times, giving up on this target`);
      break;
    }
  }
  let saved = 0;
  if (values.save) {
    const fresh = minimised.filter((m) => !corpus.some((c) => Buffer.from(c).equals(m)));
    saved = addToCorpus(target, fresh);
  }
  const rate = seconds > 0 ? Math.round(done / seconds) : 0;
  const blocks = `${first?.featuresAtStart ?? 0}→${last?.features ?? 0}`;
  const corpusText = `${corpus.length}→${corpus.length + added.length}`;
  console.log(
    `  ${target}: ${done} executions in ${seconds.toFixed(0)} s (${rate}/s); blocks ${blocks}; corpus ${corpusText}, minimised ${minimised.length}` +
      `${values.save ? `, ${saved} new saved` : ''}; ${findings} findings`,
  );
  const row =
    `${target.padEnd(18)} ${String(done).padStart(9)} ${String(rate).padStart(7)} ${blocks.padStart(17)} ${corpusText.padStart(12)}` +
    `  ${(last?.slowestMs ?? 0).toFixed(0).padStart(5)} ms ${(last?.largestMib ?? 0).toFixed(0).padStart(6)} MiB  ${findings}`;
  return { findings, row };
}

interface WorkerOutcome {
  readonly findings: number;
  readonly stats?: GuidedStats;
  readonly minimised?: Uint8Array[];
  readonly death?: 'hang' | 'memory' | 'error';
  readonly reason: string;
}

function runWorker(target: TargetName, input: WorkerInput, added: Uint8Array[]): Promise<WorkerOutcome> {
  const spec = TARGETS[target];
  const hangMs = Math.max(10_000, HANG_FACTOR * spec.budget.ms);
  const entry = new URL('./campaign-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(code, { eval: true, workerData: input, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
  const counters = new Int32Array(input.shared, 0, 2);
  let findings = 0;
  let stats: GuidedStats | undefined;
  let lastPrint = performance.now();
  return new Promise((resolveOutcome) => {
    let settled = false;
    const finish = (o: WorkerOutcome): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      resolveOutcome(o);
    };
    let lastCount = -1;
    let lastChange = performance.now();
    const watch = setInterval(() => {
      const count = Atomics.load(counters, 0);
      if (count !== lastCount) {
        lastCount = count;
        lastChange = performance.now();
      } else if (count > 0 && performance.now() - lastChange > hangMs) {
        finish({ findings, stats, death: 'hang', reason: `no return within ${hangMs} ms (budget ${spec.budget.ms} ms)` });
      }
      const rss = process.memoryUsage.rss() / 2 ** 20;
      if (rss > RSS_LIMIT_MIB) finish({ findings, stats, death: 'memory', reason: `process RSS ${rss.toFixed(0)} MiB over ${RSS_LIMIT_MIB} MiB` });
    }, 250);
    worker.on('message', (m: { type: string; input?: Uint8Array; finding?: Finding; stats?: GuidedStats; minimised?: Uint8Array[] }) => {
      if (m.type === 'new' && m.input) added.push(m.input);
      if (m.type === 'finding' && m.finding) {
        findings++;
        report(target, m.finding);
      }
      if (m.type === 'progress' && m.stats) {
        stats = m.stats;
        if (performance.now() - lastPrint > 15_000) {
          lastPrint = performance.now();
          const s = m.stats;
          console.log(`  ${target}: ${s.executions} execs (${Math.round(s.executions / s.seconds)}/s), blocks ${s.featuresAtStart}→${s.features}, corpus ${s.corpusAtStart}→${s.corpus}, ${s.findings} findings`);
        }
      }
      if (m.type === 'done') finish({ findings, stats: m.stats, minimised: m.minimised ?? [], reason: 'done' });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const death = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'error';
      finish({ findings, stats, death, reason: `${death === 'memory' ? 'worker heap exhausted' : 'worker error'}: ${e.message}` });
    });
    worker.on('exit', (code) => finish({ findings, stats, death: 'error', reason: `worker exited with ${code}` }));
  });
}

/** Prints a finding and writes its input to fuzz-findings/<target>/<kind>-<sha1>.bin. */
function report(target: TargetName, f: Finding): void {
  const dir = join(FINDINGS_DIR, target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${f.kind}-${createHash('sha1').update(f.input).digest('hex')}.bin`);
  writeFileSync(file, f.input);
  const hex = Buffer.from(f.input).toString('hex');
  console.log(`  FINDING ${target} ${f.kind}: ${f.message.split('\n').join('\n    ')}\n    input (${f.input.length} bytes) ${file}\n    ${hex.length > 512 ? `${hex.slice(0, 512)}...` : hex}`);
}

/** Runs one input once, printing the time, the allocation and any exception. */
function replay(target: TargetName, input: Uint8Array): void {
  const start = performance.now();
  try {
    TARGETS[target].fuzz(input);
    console.log(`${target}: no finding, ${(performance.now() - start).toFixed(1)} ms`);
  } catch (e) {
    console.log(`${target}: finding after ${(performance.now() - start).toFixed(1)} ms`);
    console.log(e);
    process.exitCode = 1;
  }
}
