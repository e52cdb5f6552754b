/**
 * @module test/cli/_cli
 * Runs the real `puretls` CLI (node --import tsx src/tools/cli.ts) and real peers (openssl
 * s_server) for the CLI tests; every wait is bounded; children are killed and temporary
 * directories removed by `cleanup()` in afterEach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/peers.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// One process per CLI run (`node --import tsx`), so that killing it leaves no grandchild behind.
export const NODE = process.execPath;
export const CERTS = `${ROOT}vectors/certs/ecdsa-p256/`;

const children: ChildProcess[] = [];
const tempDirs: string[] = [];

/** Kills the children still running and removes the temporary directories. */
export function cleanup(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function tempDir(): string {
  const d = mkdtempSync(`${tmpdir()}/puretls-cli-`);
  tempDirs.push(d);
  return d;
}

export const CLI = ['--import', 'tsx', 'src/tools/cli.ts'];
/**
 * Options of a describe whose tests start several processes: each CLI start (tsx) takes seconds on
 * a loaded machine, so such a test gets three minutes rather than the default minute.
 */
export const SEVERAL_PROCESSES = { timeout: 180_000 };
export const REQUEST = 'GET /json HTTP/1.0\r\n\r\n';

/** `puretls connect` to our serve at `port` (verified against the test CA), sending `input`. */
export function connectCli(port: number, extra: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, ...extra], input);
}

/** The JSON page in a raw HTTP/1.0 response. */
export function page(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, unknown>;
}

export function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env });
  children.push(child);
  return child;
}

/** Resolves with the first match of `re` on the child's `stream`, or rejects after `ms`. */
export function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${re} in ${stream}: ${text}`)), ms);
    child[stream]!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = text.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited (${child.exitCode}) before ${re} in ${stream}: ${text}`));
    });
  });
}

/** Runs to completion; resolves with exit code and output. */
export function run(
  cmd: string,
  args: string[],
  input: string | undefined,
  ms = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(cmd, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (input !== undefined) child.stdin!.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timeout: ${cmd} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, ms);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `puretls serve --port 0 ...extra`, once it listens; `stderr()` is what it wrote there so far. */
export async function startServe(
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; port: number; fingerprint: string; child: ChildProcess; stderr: () => string }> {
  const child = start(NODE, [...CLI, 'serve', '--port', '0', ...extra], env);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const m = await waitFor(child, 'stdout', /listening on (https:\/\/127\.0\.0\.1:(\d+)\/) \(fingerprint SHA256:([0-9A-F:]+)\)/, 60_000);
  return { url: m[1]!, port: Number(m[2]), fingerprint: m[3]!, child, stderr: () => stderr };
}

/** openssl s_server in reverse-echo mode on a free port. */
export async function startOpensslServer(): Promise<number> {
  return (await startOpenssl(['-rev', '-alpn', 'echo'])).port;
}

/** openssl s_server with `mode` flags on a free port (its stdin stays open). */
export async function startOpenssl(mode: string[]): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = start('openssl', [
      's_server', '-accept', String(port), '-cert', `${CERTS}end.pem`, '-cert_chain', `${CERTS}inter.pem`,
      '-key', `${CERTS}end.key`, '-tls1_3', ...mode,
    ]);
    try {
      await waitFor(child, 'stdout', /ACCEPT/, 10_000);
      return { port, child };
    } catch {
      child.kill('SIGKILL');
    }
  }
  throw new Error('could not start openssl s_server');
}

