/**
 * The published package, used the way a user gets it (issue 11 items 1-2): `npm pack` from a
 * copy of the checkout (its prepack script builds dist/), the tarball installed into a scratch
 * project with `npm ci`, then the CLI, `import`, `require` and the type declarations exercised
 * from there. The install is offline-first: the scratch project's lockfile pins the exact runtime
 * dependencies of our own package-lock.json, so `npm ci --prefer-offline` takes them from the npm
 * cache that installing this checkout filled (the registry only when the cache lacks one).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CERTS = join(ROOT, 'vectors/certs/ecdsa-p256');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const SLOW = 300_000;

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies: Record<string, string>;
  readonly bin: Record<string, string>;
  readonly engines: Record<string, string>;
}
interface LockEntry {
  readonly dev?: boolean;
}

let work = '';
let app = '';
let tarball = '';
let files: string[] = [];

/** Runs a command in `cwd` with a clean npm environment (not the one `npm test` passes down). */
async function sh(cmd: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return run(cmd, args, { cwd, env, maxBuffer: 16 << 20 });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'puretls-pack-'));
  // A copy of the checkout (tracked and new files, as git sees them): packing must not depend on
  // a dist/ left in the working tree, and must not rewrite the one other tests might be using.
  const checkout = join(work, 'checkout');
  const listed = (await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT)).stdout;
  for (const f of listed.split('\0').filter((x) => x !== '')) {
    const to = join(checkout, f);
    mkdirSync(dirname(to), { recursive: true });
    try {
      cpSync(join(ROOT, f), to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // deleted but not yet committed
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const packed = await sh('npm', ['pack', '--json', '--pack-destination', work], checkout);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, info.filename);
  files = info.files.map((f) => f.path).sort();

  // The scratch project: depends on the tarball; its lockfile pins our runtime dependencies.
  app = join(work, 'app');
  mkdirSync(app);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:../${info.filename}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      license: 'MIT',
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path !== '' && entry.dev !== true) packages[path] = entry;
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { [pkg.name]: spec } }),
  );
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }),
  );
  await sh('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], app);
  for (const f of ['end.key', 'end.chain.pem', 'ca.pem']) cpSync(join(CERTS, f), join(app, f));
}, SLOW);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the build, the bin, LICENSE and README, and nothing else', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/puretls.js', 'dist/index.js', 'dist/index.d.ts']) {
      expect(files).toContain(f);
    }
    for (const f of ['dist/node/index.js', 'dist/node/index.d.ts', 'dist/tools/cli.js']) expect(files).toContain(f);
    expect(files.filter((f) => !/^(dist\/.*\.(js|d\.ts)|bin\/puretls\.js|LICENSE|README\.md|package\.json)$/.test(f))).toEqual([]);
  });

  it('has no source maps, and no sourceMappingURL pointing at files it does not ship', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const installed = join(app, 'node_modules/puretls');
    const withMaps = files.filter((f) => f.endsWith('.js') && readFileSync(join(installed, f), 'utf8').includes('sourceMappingURL'));
    expect(withMaps).toEqual([]);
  });

  it('LICENSE is the MIT licence package.json declares', () => {
    const text = readFileSync(join(app, 'node_modules/puretls/LICENSE'), 'utf8');
    expect(text).toMatch(/^MIT License/);
    expect(text).toContain('the puretls authors');
    expect((JSON.parse(readFileSync(join(app, 'node_modules/puretls/package.json'), 'utf8')) as { license: string }).license).toBe('MIT');
    expect(tarball).toMatch(/puretls-.*\.tgz$/);
  });
});

describe('the installed package', () => {
  it('npx puretls --help prints the usage', async () => {
    const { stdout } = await sh('npx', ['--no', '--', 'puretls', '--help'], app);
    expect(stdout).toMatch(/^usage: puretls <command>/);
    expect(stdout).toContain('terminate');
  });

  it("import 'puretls' and 'puretls/node': a handshake over loopback, without loading prom-client or @redis/client", async () => {
    writeFileSync(
      join(app, 'consumer.mjs'),
      `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TlsError, clientConfig, nobleProvider } from 'puretls';
import { connect, createServer } from 'puretls/node';
const server = createServer({ key: readFileSync('end.key'), cert: readFileSync('end.chain.pem') }, (s) => s.end('hello'));
server.listen(0, '127.0.0.1', () => {
  const s = connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync('ca.pem') });
  let got = '';
  s.on('data', (d) => (got += d));
  s.on('end', () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('prom-client') || k.includes('@redis'));
    console.log(JSON.stringify({ got, protocol: s.getProtocol(), loaded, TlsError: typeof TlsError, clientConfig: typeof clientConfig, provider: nobleProvider.name }));
    server.close();
  });
});
`,
    );
    const out = JSON.parse((await sh('node', ['consumer.mjs'], app)).stdout) as Record<string, unknown>;
    expect(out).toEqual({ got: 'hello', protocol: 'TLSv1.3', loaded: [], TlsError: 'function', clientConfig: 'function', provider: 'noble' });
  });

  it("require('puretls') and require('puretls/node') work (require(esm), Node >= 20.19), without prom-client or @redis/client", async () => {
    writeFileSync(
      join(app, 'consumer.cjs'),
      `const puretls = require('puretls');
const node = require('puretls/node');
const loaded = Object.keys(require.cache).filter((k) => k.includes('prom-client') || k.includes('@redis'));
console.log(JSON.stringify({ clientConfig: typeof puretls.clientConfig, connect: typeof node.connect, createServer: typeof node.createServer, loaded }));
`,
    );
    const { stdout } = await sh('node', ['consumer.cjs'], app);
    expect(JSON.parse(stdout)).toEqual({ clientConfig: 'function', connect: 'function', createServer: 'function', loaded: [] });
  });

  it('the type declarations resolve for a TypeScript consumer (tsc --noEmit, strict)', async () => {
    writeFileSync(
      join(app, 'consumer.mts'),
      `import { readFileSync } from 'node:fs';
import { clientConfig, trustExactly, nobleProvider, type ClientConfig, type Negotiated } from 'puretls';
import { connect, createServer, type TLSSocket, type ConnectOptions } from 'puretls/node';
import { revocationChecker } from 'puretls/revocation';

const ca = readFileSync('ca.pem', 'utf8');
const config: ClientConfig = clientConfig({ provider: nobleProvider, verifier: trustExactly([]), revocation: revocationChecker({ ocsp: 'require' }) });
const options: ConnectOptions = { host: '127.0.0.1', port: 8443, ca };
const socket: TLSSocket = connect(options);
const negotiated: Negotiated | undefined = socket.negotiated;
createServer({ key: readFileSync('end.key'), cert: readFileSync('end.chain.pem') });
// @ts-expect-error the types are real (not any): a port is a number
connect({ port: 'https' });
export { config, negotiated };
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.mts'],
      }),
    );
    const r = await sh('node', [TSC, '-p', 'tsconfig.json'], app).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }));
    expect(r.stdout).toBe('');
  }, SLOW);
});
