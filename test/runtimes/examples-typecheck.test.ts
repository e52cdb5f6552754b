/**
 * docs/examples type-check against puretls's API (`tsc -p docs/examples`), Cloudflare Workers'
 * worker.ts included: workerd is not installed here, so this is what keeps that example true. The
 * other examples also run, in deno-bun.test.ts and chromium.test.ts.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './_bundle.ts';

it('docs/examples type-check (tsc -p docs/examples)', async () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', join(ROOT, 'docs/examples')], { cwd: ROOT }, (_err, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
  expect(output).toBe('');
}, 300_000); // ~5 s of CPU, but a fresh tsc over all of src/ can wait long for a core on a loaded machine
