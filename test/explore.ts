/**
 * `npm run test:explore -- [rounds] [vitest args...]`: the property tests and fuzz replays of
 * `npm test`, on a fresh random seed per round instead of the fixed one (test/helpers/seed.ts).
 * The files are every test file that uses fast-check or the fuzz driver. Each round prints its
 * seed; on a failure it stops and prints how to reproduce it. fast-check's message carries the
 * counterexample (and its own `{ seed, path }`); the driver's names the input. A finding becomes
 * a fixed case: a named unit test, or a file in vectors/fuzz-corpus/<target>/.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const rounds = Number(process.argv[2] ?? 1);
const vitestArgs = process.argv.slice(3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('usage: npm run test:explore -- [rounds] [vitest args...]');

const files = testFiles(join(ROOT, 'test')).filter((f) => /from 'fast-check'|runDriver\(/.test(readFileSync(f, 'utf8')));
const names = files.map((f) => relative(ROOT, f));
console.log(`test:explore: ${rounds} round(s) over ${names.length} files:\n  ${names.join('\n  ')}`);

for (let round = 1; round <= rounds; round++) {
  const seed = randomInt(-(2 ** 31), 2 ** 31);
  console.log(`\n== round ${round}/${rounds}: PURETLS_SEED=${seed}`);
  const run = spawnSync('npx', ['vitest', 'run', ...names, ...vitestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, PURETLS_SEED: String(seed) },
  });
  if (run.status !== 0) {
    console.log(`\ntest:explore: round ${round} failed with PURETLS_SEED=${seed}. Reproduce with`);
    console.log(`  PURETLS_SEED=${seed} npx vitest run <the failing file>`);
    console.log('then keep the counterexample above as a fixed case (docs/06-testing-and-fuzzing.md §6.2).');
    process.exit(1);
  }
}
console.log(`\ntest:explore: ${rounds} round(s), no failure`);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}
