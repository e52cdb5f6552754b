/**
 * @module test/runtimes/_runtimes
 * Finds the Deno and Bun binaries (the pinned `deno` and `bun` dev dependencies ship them; else
 * PATH) and runs a script in them. A runtime that is not there is reported with the reason, so a
 * test can skip visibly instead of passing silently.
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './_bundle.ts';

export interface Runtime {
  readonly name: 'Deno' | 'Bun';
  readonly bin: string;
  /** What `--version` printed, first line. */
  readonly version: string;
  /** Arguments before the script: permissions, no auto-install. */
  readonly runArgs: (permissions: RunPermissions) => readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** What a script may touch (Deno enforces it; Bun has no permission system). */
export interface RunPermissions {
  readonly net?: string;
  readonly read?: string;
}

export type Found = { readonly runtime: Runtime } | { readonly missing: string };

const quiet = { NO_COLOR: '1', DO_NOT_TRACK: '1' };

export function findDeno(): Found {
  const denoDir = join(tmpdir(), 'puretls-deno-dir'); // Deno's cache; the scripts need none, one dir for all runs
  return find('Deno', [join(ROOT, 'node_modules/deno/deno'), 'deno'], {
    runArgs: (p) => [
      'run', '--no-prompt', '--no-config',
      ...(p.net === undefined ? [] : [`--allow-net=${p.net}`]),
      ...(p.read === undefined ? [] : [`--allow-read=${p.read}`]),
    ],
    env: { ...process.env, ...quiet, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: denoDir },
  });
}

export function findBun(): Found {
  return find('Bun', [join(ROOT, 'node_modules/bun/bin/bun.exe'), 'bun'], {
    runArgs: () => ['--no-install'],
    env: { ...process.env, ...quiet },
  });
}

function find(name: Runtime['name'], candidates: readonly string[], how: Pick<Runtime, 'runArgs' | 'env'>): Found {
  const failures: string[] = [];
  for (const bin of candidates) {
    if (bin.includes('/')) {
      try {
        accessSync(bin, constants.X_OK);
      } catch {
        failures.push(`${bin} not installed`);
        continue;
      }
    }
    try {
      const out = execFileSync(bin, ['--version'], { encoding: 'utf8', env: how.env, timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
      return { runtime: { name, bin, version: out.split('\n')[0]?.trim() ?? '', ...how } };
    } catch (err) {
      failures.push(`${bin}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  return { missing: `${name} not available (${failures.join('; ')}); \`npm ci\` installs it from the pinned npm package` };
}

/** Runs `script` with `args`; resolves with stdout, rejects with both outputs on failure. */
export function runScript(rt: Runtime, script: string, args: readonly string[] = [], permissions: RunPermissions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      rt.bin,
      [...rt.runArgs(permissions), script, ...args],
      { env: rt.env, timeout: 150_000, maxBuffer: 4 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${rt.name} ${script} failed: ${err.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
