/**
 * A longer fuzz campaign than the one `npm test` runs: every target under the seeded mutation
 * driver, for many more executions. Not part of the test suite (no time bound); run it by hand
 * or on a spare machine: `npm run fuzz -- [seed] [executions per connection target]`. Findings
 * print their input as hex; minimise one and add it to vectors/fuzz-corpus/<target>/.
 */
import { loadCorpus, TARGETS, type TargetName } from './corpus.ts';
import { runDriver, type FuzzTarget } from './driver.ts';
import { fuzz as client } from './targets/client.ts';
import { fuzz as deframer } from './targets/deframer.ts';
import { fuzz as extensions } from './targets/extensions.ts';
import { fuzz as message } from './targets/message.ts';
import { fuzz as server } from './targets/server.ts';

const TARGET_FNS: Record<TargetName, FuzzTarget> = { client, server, message, deframer, extensions };
const seed = Number(process.argv[2] ?? Date.now() % 1_000_000);
const executions = Number(process.argv[3] ?? 100_000);
let findings = 0;
for (const target of TARGETS) {
  const started = performance.now();
  // Codec targets are ~10x cheaper per execution than connection targets.
  const budget = target === 'client' || target === 'server' ? executions : executions * 5;
  const result = runDriver(TARGET_FNS[target], loadCorpus(target), { seed, executions: budget, slowMs: 2000 });
  findings += result.findings.length;
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${target}: seed ${seed}, ${result.executions} executions, ${result.findings.length} findings, ${secs} s`);
  for (const f of result.findings.slice(0, 5)) {
    console.log(`  finding: ${Buffer.from(f.input).toString('hex')}\n    ${String(f.error)}`);
  }
}
process.exitCode = findings === 0 ? 0 : 1;
