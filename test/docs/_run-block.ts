/**
 * @module test/docs/_run-block
 * Runs one documentation code block (test/docs/_markdown-blocks.ts) for real, in its own
 * scratch directory, as its reader would, and says why it failed.
 *
 * The scratch directory holds links to the checkout (`src`, `bin`, `node_modules`, `package.json`,
 * `tsconfig.json`), so `npx tsx src/tools/cli.ts ...` and `npm start` work as in a clone, and the
 * test PKI of vectors/certs/ecdsa-p256 under the names the docs use: `ca.pem`, `chain.pem` /
 * `end.chain.pem` (leaf for localhost and 127.0.0.1, then the intermediate), `key.pem` /
 * `end.key`.
 *
 * What a block sees differs from the reader's machine only in these ways:
 * - Ports: 8443 (the CLI's and examples' port), 8080 (an upstream), 9090 (metrics) become free
 *   ports of this run, fresh for each block; 4433 is a server the test runs for blocks that talk to
 *   one (`openssl s_server -www` with the test certificate).
 * - TypeScript: `from 'puretls'` and `from 'puretls/node'` import src/index.ts and
 *   src/node/index.ts; the block runs with `node --import tsx`.
 * - Shell (bash, `set -e -o pipefail`): `puretls` and `npx puretls` run src/tools/cli.ts;
 *   `npx tsx` runs node with the tsx loader (one process, not tsx's two); `npm install` without
 *   a package name is skipped (the checkout is installed) and so is `npm test` (it is what runs
 *   this test). A `serve`/`terminate`/`npm start` without a port gets the block's 8443 port.
 *   Long-running commands (`serve`, `terminate`, `npm start`, a line ending in `&`) are started in
 *   the background, and the next line runs once every port of the block named on that line
 *   accepts connections; when the block ends, its whole process group is killed.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeBlock } from './_markdown-blocks.ts';

export const ROOT: string = fileURLToPath(new URL('../../', import.meta.url));
const CERTS = join(ROOT, 'vectors/certs/ecdsa-p256');

/** The block's port for each port the docs use. */
export interface Ports {
  readonly 8443: number;
  readonly 8080: number;
  readonly 9090: number;
  /** The test's shared server (openssl s_server -www). */
  readonly 4433: number;
}

export interface BlockResult {
  readonly ok: boolean;
  /** What ran (the TypeScript file or the bash script), for the failure message. */
  readonly script: string;
  readonly output: string;
}

/** Per block: minutes, as tsx starts take seconds each on a loaded machine. */
export const BLOCK_TIMEOUT_MS = 150_000;

/** A fresh scratch directory laid out as described in the module comment. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-docs-'));
  for (const name of ['src', 'bin', 'node_modules', 'package.json', 'tsconfig.json']) symlinkSync(join(ROOT, name), join(dir, name));
  const files: Record<string, string> = {
    'ca.pem': 'ca.pem',
    'chain.pem': 'end.chain.pem',
    'end.chain.pem': 'end.chain.pem',
    'end.pem': 'end.pem',
    'key.pem': 'end.key',
    'end.key': 'end.key',
  };
  for (const [to, from] of Object.entries(files)) copyFileSync(join(CERTS, from), join(dir, to));
  return dir;
}

function mapPorts(code: string, ports: Ports): string {
  return code.replace(/\b(8443|8080|9090|4433)\b/g, (p) => String(ports[Number(p) as keyof Ports]));
}

/** The TypeScript of a block as it runs: imports of the package point into src/. */
export function typescriptSource(code: string, ports: Ports): string {
  return mapPorts(code, ports)
    .replace(/(from\s+|import\s*\(\s*)(['"])puretls\/node\2/g, '$1$2./src/node/index.ts$2')
    .replace(/(from\s+|import\s*\(\s*)(['"])puretls\2/g, '$1$2./src/index.ts$2');
}

/** Logical command lines of a shell block: continuations joined, `$ ` prompts of console blocks. */
function commandLines(block: CodeBlock): string[] {
  let lines = block.code.split('\n');
  if (block.lang === 'console') lines = lines.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
  const out: string[] = [];
  let cur = '';
  for (const l of lines) {
    if (l.endsWith('\\')) {
      cur += `${l.slice(0, -1)} `;
      continue;
    }
    out.push(cur + l);
    cur = '';
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** The line without a trailing `# comment` that is outside quotes. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

const CLI = String.raw`(cli\.ts|puretls)`;
const LONG_RUNNING = new RegExp(String.raw`${CLI}\s+(serve|terminate)\b|\bnpm\s+start\b`);

const PRELUDE = String.raw`set -e -o pipefail
puretls() { node --import tsx src/tools/cli.ts "$@"; }
npx() {
  case "$1" in
    tsx) shift; node --import tsx "$@" ;;
    puretls) shift; puretls "$@" ;;
    *) command npx "$@" ;;
  esac
}
npm() {
  if [ "$1" = install ] && [ $# -eq 1 ]; then echo "docs test: 'npm install' skipped (the checkout is installed)" >&2; return 0; fi
  if [ "$1" = test ]; then echo "docs test: 'npm test' skipped (it is what runs this test)" >&2; return 0; fi
  command npm "$@"
}
# __started PID PORT...: waits until every PORT accepts connections, failing when PID exits first.
__started() {
  local pid=$1; shift
  for port in "$@"; do
    local i=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
      if ! kill -0 "$pid" 2>/dev/null; then echo "docs test: the background command exited before port $port accepted connections" >&2; return 1; fi
      i=$((i + 1))
      if [ "$i" -ge 1200 ]; then echo "docs test: nothing accepts connections on port $port after 120 s" >&2; return 1; fi
      sleep 0.1
    done
  done
}
`;

/** The bash script a shell block runs as (see the module comment). */
export function shellScript(block: CodeBlock, ports: Ports): string {
  const own = [ports[8443], ports[8080], ports[9090]];
  const body: string[] = [];
  for (const raw of commandLines(block)) {
    let line = mapPorts(stripComment(raw), ports);
    if (line.trim() === '') continue;
    const p = ports[8443];
    if (new RegExp(`${CLI}\\s+serve\\b`).test(line) && !/--port\b/.test(line)) line = line.replace(/\bserve\b/, `serve --port ${p}`);
    if (new RegExp(`${CLI}\\s+terminate\\b`).test(line) && !/--listen\b/.test(line)) line = line.replace(/\bterminate\b/, `terminate --listen 127.0.0.1:${p}`);
    if (/\bnpm\s+start\b/.test(line) && !/--listen\b/.test(line)) line = line.replace(/\bnpm\s+start\b/, `npm start -- --listen 127.0.0.1:${p}`);
    const background = /[^&]&\s*$/.test(line);
    if (background || LONG_RUNNING.test(line)) {
      const waitFor = own.filter((port) => new RegExp(`\\b${port}\\b`).test(line));
      body.push(`${line.replace(/&\s*$/, '')} &`, `__started $! ${waitFor.join(' ')}`);
    } else {
      body.push(line);
    }
  }
  return `${PRELUDE}\n${body.join('\n')}\n`;
}

/**
 * Runs `command args` in `cwd` in its own process group; resolves when it exits (or after the
 * timeout) with its output, then kills whatever the block left running (its servers).
 */
function runGroup(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.SSLKEYLOGFILE;
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const add = (d: Buffer): void => {
      if (output.length < 200_000) output += d.toString();
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      killGroup(child.pid);
      // Output the killed servers wrote just before: give the pipes a moment to drain.
      setTimeout(() => resolve({ code, output, timedOut }), 100);
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/** Runs a TypeScript or shell block in a fresh scratch directory. */
export async function runBlock(block: CodeBlock, ports: Ports, timeoutMs = BLOCK_TIMEOUT_MS): Promise<BlockResult> {
  const dir = scratchDir();
  let script: string;
  let r: { code: number | null; output: string; timedOut: boolean };
  if (block.kind === 'typescript') {
    script = typescriptSource(block.code, ports);
    writeFileSync(join(dir, 'block.ts'), script);
    r = await runGroup(process.execPath, ['--import', 'tsx', 'block.ts'], dir, timeoutMs);
  } else {
    script = shellScript(block, ports);
    writeFileSync(join(dir, 'block.sh'), script);
    r = await runGroup('bash', ['block.sh'], dir, timeoutMs);
  }
  rmSync(dir, { recursive: true, force: true });
  const verdict = r.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exit code ${r.code}`;
  return { ok: !r.timedOut && r.code === 0, script, output: `${verdict}\n${r.output}` };
}
