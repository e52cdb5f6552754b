import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { echo, run, startProxy, stopAll, tcpServer, tlsClient } from './_proxy.ts';

// Secrets of `puretls terminate` stay with their owner: --ticket-secret and --keylog files that
// others can read are refused (like ssh with a private key), a new key log is created 0600, and
// --workers get the ticket secret over the cluster IPC channel, never through the environment.

afterEach(stopAll);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'puretls-secrets-'));
}

const TERMINATE = ['--import', 'tsx', 'src/tools/cli.ts', 'terminate', '--listen', '127.0.0.1:0'];

describe('--ticket-secret FILE: only its owner may access it', () => {
  // Every mode is covered in test/cli/secret-file.test.ts; here the real process with one.
  it('refuses a file with mode 0640 before listening (exit status 2, one line saying how to fix it)', async () => {
    const mode = 0o640;
    const file = join(tmp(), 'ticket.key');
    writeFileSync(file, randomBytes(48));
    chmodSync(file, mode);
    const r = await run(process.execPath, [...TERMINATE, '--ticket-secret', file], 30_000);
    expect(r.code).toBe(2);
    expect(r.stdout.toString()).not.toContain('listening');
    expect(r.stderr.trim()).toBe(
      `puretls: --ticket-secret ${file}: permissions 0${mode.toString(8)} are too open: the file holds secrets and must not be ` +
        `accessible by group or others; fix with 'chmod 600 ${file}'`,
    );
  });

  it('accepts mode 0600 and 0400', async () => {
    const { port: up } = await tcpServer(echo);
    for (const mode of [0o600, 0o400]) {
      const file = join(tmp(), 'ticket.key');
      writeFileSync(file, randomBytes(48), { mode });
      const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--ticket-secret', file]);
      (await tlsClient(proxy.port)).destroy();
    }
  });
});

describe('--keylog FILE: created 0600; an existing file readable by group or others is refused', () => {
  it('creates a missing file with mode 0600 and appends the NSS key log lines of each handshake to it', async () => {
    const file = join(tmp(), 'keys.log');
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--keylog', file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const s = await tlsClient(proxy.port);
    s.destroy();
    const labels = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
    expect(labels).toEqual(expect.arrayContaining(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET']));
  });

  it('appends to an existing 0600 file, keeping what it held', async () => {
    const file = join(tmp(), 'keys.log');
    writeFileSync(file, '# earlier\n', { mode: 0o600 });
    const proxy = await startProxy(['--keylog', file]);
    (await tlsClient(proxy.port)).destroy();
    await proxy.waitLog((l) => l['msg'] === 'connection');
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# earlier\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ')).toBe(true);
  });

  it('refuses an existing file with mode 0644, named by --keylog or by SSLKEYLOGFILE (exit status 2)', async () => {
    const mode = 0o644;
    const file = join(tmp(), 'keys.log');
    writeFileSync(file, '');
    chmodSync(file, mode);
    const message =
      `puretls: --keylog ${file}: permissions 0${mode.toString(8)} are too open: the file holds secrets and must not be ` +
      `readable by group or others; fix with 'chmod 600 ${file}'`;
    const flag = await run(process.execPath, [...TERMINATE, '--keylog', file], 30_000);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim()).toBe(message);
    const env = await run(process.execPath, TERMINATE, 30_000, { ...process.env, SSLKEYLOGFILE: file });
    expect(env.code).toBe(2);
    expect(env.stderr.trim()).toBe(message);
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});

describe('--workers: the ticket secret goes to the workers over the cluster IPC channel, not the environment', () => {
  /** The environment a process started with (/proc/PID/environ: what `delete process.env.X` leaves behind). */
  function environOf(pid: number): string[] {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  }

  it("no worker environment (nor the primary's) holds the ticket secret", async () => {
    // The random secret: what main used to pass as PURETLS_TICKET_SECRET. A --ticket-secret file's
    // bytes take the same IPC path.
    const { port: up } = await tcpServer((s) => s.end('bye'));
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--workers', '2']);
    await proxy.waitLog(() => proxy.logs.filter((l) => l['msg'] === 'listening').length >= 2);
    const pids = proxy.logs.filter((l) => l['msg'] === 'listening').map((l) => Number(l['pid']));
    expect(new Set(pids).size).toBe(2);
    for (const pid of [...pids, proxy.child.pid!]) {
      const env = environOf(pid);
      expect(env.filter((e) => /TICKET|SECRET/i.test(e.split('=')[0]!))).toEqual([]);
      // no value that could be a secret in hex (how it goes over IPC)
      expect(env.filter((e) => /=[0-9a-f]{64,}$/i.test(e))).toEqual([]);
    }
    // ... and the workers still share it: covered by test/proxy/terminate.test.ts (a ticket from one
    // worker resumes on the other) and terminate-options.test.ts (--ticket-secret with --workers).
  }, 120_000);
});
