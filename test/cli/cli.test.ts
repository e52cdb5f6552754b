import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { TLSSocket as NodeTLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The `puretls` CLI as a user runs it: spawned through tsx, fetched with curl and node https,
// and `connect` against a real `openssl s_server`.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// One process per CLI run (`node --import tsx`), so that killing it leaves no grandchild behind.
const NODE = process.execPath;
const CERTS = `${ROOT}vectors/certs/ecdsa-p256/`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Resolves with the first match of `re` on the child's `stream`, or rejects after `ms`. */
function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
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
function run(
  cmd: string,
  args: string[],
  input: string | undefined,
  ms = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(cmd, args);
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

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startServe(extra: string[] = []): Promise<{ url: string; port: number; fingerprint: string }> {
  const child = start(NODE, ['--import', 'tsx', 'src/tools/cli.ts', 'serve', '--port', '0', ...extra]);
  const m = await waitFor(child, 'stdout', /listening on (https:\/\/127\.0\.0\.1:(\d+)\/) \(fingerprint SHA256:([0-9A-F:]+)\)/);
  return { url: m[1]!, port: Number(m[2]), fingerprint: m[3]! };
}

/** openssl s_server in reverse-echo mode on a free port. */
async function startOpensslServer(): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = start('openssl', [
      's_server', '-accept', String(port), '-cert', `${CERTS}end.pem`, '-cert_chain', `${CERTS}inter.pem`,
      '-key', `${CERTS}end.key`, '-tls1_3', '-rev', '-alpn', 'echo',
    ]);
    try {
      await waitFor(child, 'stdout', /ACCEPT/, 10_000);
      return port;
    } catch {
      child.kill('SIGKILL');
    }
  }
  throw new Error('could not start openssl s_server');
}

describe('puretls CLI', () => {
  it('prints help for each command', async () => {
    const top = await run(NODE, ['--import', 'tsx', 'src/tools/cli.ts', '--help'], undefined);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('serve');
    const s = await run(NODE, ['--import', 'tsx', 'src/tools/cli.ts', 'serve', '--help'], undefined);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('--port');
    const c = await run(NODE, ['--import', 'tsx', 'src/tools/cli.ts', 'connect', '--help'], undefined);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('--insecure');
  });

  it('serve --port 0 answers curl -k and 20 concurrent node https requests with a page of the negotiated parameters', async () => {
    const { url, fingerprint } = await startServe();
    const curl = await run('curl', ['-sk', '--max-time', '10', url], undefined);
    expect(curl.code).toBe(0);
    expect(curl.stdout).toContain('TLSv1.3');
    expect(curl.stdout).toContain('http/1.1');
    const json = await run('curl', ['-sk', '--max-time', '10', `${url}json`], undefined);
    const info = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(info['version']).toBe('TLSv1.3');
    expect(String(info['cipherSuite'])).toMatch(/^TLS_/);
    // node https sees the self-signed certificate whose fingerprint serve printed.
    const seen = await new Promise<string>((resolve, reject) => {
      const req = httpsGet(`${url}json`, { rejectUnauthorized: false, agent: false }, (res) => {
        const fp = (res.socket as NodeTLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve(fp));
      });
      req.on('error', reject);
    });
    expect(seen).toBe(fingerprint);
    // Many connections at once.
    const versions = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<string>((resolve, reject) => {
            httpsGet(`${url}json`, { rejectUnauthorized: false, agent: false }, (res) => {
              let body = '';
              res.on('data', (d: Buffer) => (body += d.toString()));
              res.on('end', () => resolve(String((JSON.parse(body) as { version: unknown }).version)));
            }).on('error', reject);
          }),
      ),
    );
    expect(versions).toEqual(Array(20).fill('TLSv1.3'));
  });

  it('serve --cert/--key serves a chain that curl verifies with --cacert', async () => {
    const { url } = await startServe(['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`, '--provider', 'pure']);
    const curl = await run('curl', ['-s', '--max-time', '10', '--cacert', `${CERTS}ca.pem`, `${url}json`], undefined);
    expect(curl.code).toBe(0);
    expect(JSON.parse(curl.stdout)).toMatchObject({ version: 'TLSv1.3' });
  });

  it('connect against openssl s_server prints the parameters and the chain, relays data, exits 0', async () => {
    const port = await startOpensslServer();
    const r = await run(
      NODE,
      ['--import', 'tsx', 'src/tools/cli.ts', 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--alpn', 'echo'],
      'hello\n',
    );
    expect(r.stderr).toContain('TLSv1.3');
    expect(r.stderr).toMatch(/cipher suite: +TLS_/);
    expect(r.stderr).toMatch(/ALPN: +echo/);
    expect(r.stderr).toMatch(/0 s:CN=testserver\.com/);
    expect(r.stderr).toMatch(/1 s:CN=puretls ecdsa-p256 intermediate CA/);
    expect(r.stdout).toContain('olleh');
    expect(r.code).toBe(0);
  });

  it('connect exits non-zero with one line naming the alert when the chain is not trusted', async () => {
    const port = await startOpensslServer();
    const r = await run(
      NODE,
      ['--import', 'tsx', 'src/tools/cli.ts', 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${ROOT}vectors/certs/rsa-2048/ca.pem`],
      '',
    );
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^puretls connect: handshake failed: unknown_ca: /);
  });
});
