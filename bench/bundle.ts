/**
 * @module bench/bundle
 * The browser bundle of `puretls` (esbuild --platform=browser, minified ESM; test/runtimes/_bundle.ts):
 * its size, minified and gzip, against the budget test/runtimes/bundle.test.ts enforces, and where
 * the bytes come from, by package and src/ folder. `npm run bundle` prints it; `npm run bundle --
 * --out FILE` also writes the bundle.
 */
import { writeFileSync } from 'node:fs';
import { BUNDLE_BUDGET, buildBrowserBundle } from '../test/runtimes/_bundle.ts';

const bundle = await buildBrowserBundle();
const kb = (n: number): string => `${(n / 1000).toFixed(1)} KB`;
console.log(`puretls browser bundle: ${kb(bundle.minified)} minified (budget ${kb(BUNDLE_BUDGET.minified)}), ` +
  `${kb(bundle.gzip)} gzip (budget ${kb(BUNDLE_BUDGET.gzip)})`);
for (const [part, bytes] of [...bundle.byPart].sort((a, b) => b[1] - a[1])) {
  if (bytes > 0) console.log(`  ${kb(bytes).padStart(9)}  ${part}`);
}
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
if (out !== undefined) {
  writeFileSync(out, bundle.code);
  console.log(`written to ${out}`);
}
