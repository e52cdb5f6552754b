/**
 * The browser bundle of `puretls` (issue 10 item 4): esbuild `--platform=browser` of src/index.ts
 * imports nothing from Node (no `node:` module, no Node-only source folder, no prom-client) nor an
 * ASN.1 library (src/x509/der.ts does all the DER), and stays within
 * BUNDLE_BUDGET (docs/runtimes.md). The sizes are printed; `npm run bundle` prints them by package.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET, buildBrowserBundle, type BrowserBundle } from './_bundle.ts';

let bundle: BrowserBundle;
beforeAll(async () => {
  bundle = await buildBrowserBundle();
  console.log(`puretls browser bundle: ${bundle.minified} bytes minified, ${bundle.gzip} gzip ` +
    `(budget ${BUNDLE_BUDGET.minified} / ${BUNDLE_BUDGET.gzip})`);
});

describe('browser bundle of puretls', () => {
  it('is self-contained: no import left, no node: module, no Node-only source, no ASN.1 library', () => {
    expect(bundle.imports).toEqual([]);
    expect(new TextDecoder().decode(bundle.code)).not.toMatch(/["'`]node:/);
    const parts = [...bundle.byPart.keys()];
    expect(parts.filter((p) => p.startsWith('src/node') || p.startsWith('src/tools'))).toEqual([]);
    expect(parts.filter((p) => /^(prom-client|asn1js|@peculiar\/)/.test(p))).toEqual([]);
  });

  it(`stays within the budget (${BUNDLE_BUDGET.minified} bytes minified, ${BUNDLE_BUDGET.gzip} gzip)`, () => {
    expect(bundle.minified).toBeLessThanOrEqual(BUNDLE_BUDGET.minified);
    expect(bundle.gzip).toBeLessThanOrEqual(BUNDLE_BUDGET.gzip);
  });
});
