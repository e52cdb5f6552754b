/**
 * @module test/runtimes/_bundle
 * The browser bundle of `puretls` (esbuild, `--platform=browser`, minified ESM of src/index.ts),
 * its size, and the runtime test kits: the bundle written as `puretls.js` next to entry points
 * (the docs/examples, the in-memory scenario) bundled with every import of puretls left as an
 * import of `./puretls.js`, so each runtime runs the very bundle whose size is budgeted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

export const ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PURETLS_ENTRY = join(ROOT, 'src/index.ts');

/**
 * The size budget of the browser bundle, in bytes (docs/runtimes.md): about 5% above its size
 * at the time, room for features, not for a library or polyfill that should not be there. Raise
 * it only on purpose, in the commit that grows the bundle, and say why there.
 */
export const BUNDLE_BUDGET = { minified: 309_000, gzip: 107_000 } as const;

export interface BrowserBundle {
  readonly code: Uint8Array;
  readonly minified: number;
  /** gzip -9 of the minified bundle. */
  readonly gzip: number;
  /** Modules the bundle imports at run time (none: everything is inlined). */
  readonly imports: readonly string[];
  /** Bytes of output per package (node_modules/<name>) or per src/ folder. */
  readonly byPart: ReadonlyMap<string, number>;
}

export async function buildBrowserBundle(): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [PURETLS_ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  const output = Object.values(result.metafile.outputs)[0];
  if (file === undefined || output === undefined) throw new Error('esbuild produced no output');
  const byPart = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const part = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    byPart.set(part, (byPart.get(part) ?? 0) + input.bytesInOutput);
  }
  return {
    code: file.contents,
    minified: file.contents.length,
    gzip: gzipSync(file.contents, { level: 9 }).length,
    imports: output.imports.map((i) => i.path),
    byPart,
  };
}

/** Leaves every import of puretls (the package name, or src/index.ts from the tests) as `./puretls.js`. */
const puretlsAsSibling: Plugin = {
  name: 'puretls-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^puretls$|src\/index\.ts$/ }, () => ({ path: './puretls.js', external: true }));
  },
};

/** A directory holding `puretls.js` (the browser bundle) and each entry as `<name>.js`. */
export interface RuntimeKit {
  readonly dir: string;
  readonly bundle: BrowserBundle;
  /** Path of the bundled entry `<name>.ts` → `<dir>/<name>.js`. */
  file(name: string): string;
  /** Deletes the directory. */
  remove(): void;
}

/** Bundles `entries` (paths from the repository root) for the runtimes, next to the puretls bundle. */
export async function buildRuntimeKit(entries: readonly string[]): Promise<RuntimeKit> {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-runtimes-'));
  const bundle = await buildBrowserBundle();
  await Promise.all([
    writeFile(join(dir, 'puretls.js'), bundle.code),
    build({
      entryPoints: entries.map((e) => join(ROOT, e)),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      outdir: dir,
      entryNames: '[name]',
      plugins: [puretlsAsSibling],
      logLevel: 'silent',
    }),
  ]);
  return {
    dir,
    bundle,
    file: (name) => join(dir, `${basename(name, '.ts')}.js`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
