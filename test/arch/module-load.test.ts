/**
 * @module Importing puretls constructs no TextEncoder or TextDecoder (issue 8 item 16): ours are
 * created on first use, so an import does not fail on a runtime that lacks them. Every file under
 * src/ is imported in a fresh Node process whose TextEncoder/TextDecoder record the stack of each
 * construction; a construction with a frame in src/ is ours and fails the test.
 *
 * Outside our reach: @noble/curves builds its FROST contexts at import (`nist.js` →
 * `abstract/frost.js` → `@noble/hashes` `utf8ToBytes`), so a runtime without TextEncoder still
 * cannot import the noble provider. Those constructions have no frame in src/ and are not failed.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const SCRIPT = `
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const src = process.argv[1];
const stacks = [];
for (const name of ['TextEncoder', 'TextDecoder']) {
  const Real = globalThis[name];
  globalThis[name] = class extends Real {
    constructor(...args) {
      super(...args);
      stacks.push(new Error(name).stack);
    }
  };
}
const files = [];
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
};
walk(src);
for (const f of files) await import(pathToFileURL(f).href);
process.stdout.write(JSON.stringify({ files: files.length, stacks }));
`;

describe('module load (issue 8 item 16)', () => {
  it('importing every module under src/ constructs no TextEncoder/TextDecoder of ours', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, join(ROOT, 'src')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const { files, stacks } = JSON.parse(out) as { files: number; stacks: string[] };
    expect(files).toBeGreaterThan(100);
    const srcUrl = pathToFileURL(join(ROOT, 'src')).href;
    const ours = stacks.filter((s) => s.includes(`${join(ROOT, 'src')}/`) || s.includes(`${srcUrl}/`));
    expect(ours).toEqual([]);
  });
});
