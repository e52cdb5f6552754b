import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { certPaths } from '../helpers/pki.ts';
import { makeOcspResponse } from '../node/_ocsp.ts';
import { run, startProxy, stopAll, tcpServer } from './_proxy.ts';

// `puretls terminate --ticket-secret` and `--ocsp`, as a user runs them: real processes, openssl s_client.

afterEach(stopAll);

const P256 = certPaths('ecdsa-p256');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'puretls-proxy-'));
}

function sClient(port: number, extra: string[]): Promise<{ code: number | null; stdout: Buffer }> {
  return run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-ign_eof', ...extra], 20_000);
}

describe('puretls terminate --ticket-secret FILE (RFC 8446 §4.6.1: one ticket master secret)', () => {
  it('a ticket from one terminate process resumes on a separate one given the same file (flag and --config ticketSecretFile); another secret does not', async () => {
    const { port: up } = await tcpServer((s) => s.end('bye'));
    const dir = tmp();
    writeFileSync(join(dir, 'ticket.key'), randomBytes(48), { mode: 0o600 });
    writeFileSync(join(dir, 'other.key'), randomBytes(48), { mode: 0o600 });
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ ticketSecretFile: 'ticket.key', upstream: `127.0.0.1:${up}` }));
    const a = await startProxy(['--upstream', `127.0.0.1:${up}`, '--ticket-secret', join(dir, 'ticket.key')]);
    const b = await startProxy(['--config', join(dir, 'b.json')]);
    const c = await startProxy(['--upstream', `127.0.0.1:${up}`, '--ticket-secret', join(dir, 'other.key')]);
    const sess = join(dir, 'sess.pem');
    const first = await sClient(a.port, ['-sess_out', sess]);
    expect(first.code).toBe(0);
    expect(first.stdout.toString()).toMatch(/^New, TLSv1\.3/m);
    expect((await sClient(b.port, ['-sess_in', sess])).stdout.toString()).toMatch(/^Reused, TLSv1\.3/m);
    expect((await sClient(c.port, ['-sess_in', sess])).stdout.toString()).toMatch(/^New, TLSv1\.3/m);
    const resumedOnB = await b.waitLog((l) => l['msg'] === 'connection');
    expect(resumedOnB['resumed']).toBe(true);
  });

  it('with --workers 2 every worker uses the file: a ticket from a single process resumes on all of them', async () => {
    const { port: up } = await tcpServer((s) => s.end('bye'));
    const dir = tmp();
    writeFileSync(join(dir, 'ticket.key'), randomBytes(32), { mode: 0o600 });
    const single = await startProxy(['--upstream', `127.0.0.1:${up}`, '--ticket-secret', join(dir, 'ticket.key')]);
    const pool = await startProxy(['--upstream', `127.0.0.1:${up}`, '--ticket-secret', join(dir, 'ticket.key'), '--workers', '2']);
    const sess = join(dir, 'sess.pem');
    expect((await sClient(single.port, ['-sess_out', sess])).code).toBe(0);
    // Each worker accepts for itself (the kernel picks which, often the same one on an idle
    // machine): resume until both workers have, every attempt resumed.
    const workers = (): number => new Set(pool.logs.filter((l) => l['msg'] === 'connection').map((l) => l['worker'])).size;
    for (let i = 0; i < 30 && workers() < 2; i++) {
      expect((await sClient(pool.port, ['-sess_in', sess])).stdout.toString()).toMatch(/^Reused, TLSv1\.3/m);
      await pool.waitLog(() => pool.logs.filter((l) => l['msg'] === 'connection').length >= i + 1);
    }
    const lines = pool.logs.filter((l) => l['msg'] === 'connection');
    expect(lines.every((l) => l['resumed'] === true)).toBe(true);
    expect(workers()).toBe(2);
   }, 180_000);

  it('refuses a secret file shorter than 32 bytes: exit status 2 before listening', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'short.key'), randomBytes(31), { mode: 0o600 });
    const r = await run(process.execPath, ['--import', 'tsx', 'src/tools/cli.ts', 'terminate', '--listen', '127.0.0.1:0', '--ticket-secret', join(dir, 'short.key')], 30_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ticket-secret .*short\.key: expected 32\.\.4096 bytes, got 31/);
    expect(r.stdout.toString()).not.toContain('listening');
  });
});

describe('puretls terminate --ocsp FILE (RFC 6066 §8, RFC 8446 §4.4.2.1)', () => {
  it('openssl s_client -status sees the stapled response for the default certificate: successful, good', async () => {
    const { port: up } = await tcpServer((s) => s.end('bye'));
    const dir = tmp();
    writeFileSync(join(dir, 'resp.der'), makeOcspResponse());
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--cert', P256.endChain, '--key', P256.endKey, '--ocsp', join(dir, 'resp.der')]);
    const withStatus = (await sClient(proxy.port, ['-status'])).stdout.toString();
    expect(withStatus).toContain('OCSP Response Status: successful (0x0)');
    expect(withStatus).toContain('Cert Status: good');
    // RFC 8446 §4.4.2: no staple for a client that did not ask.
    expect((await sClient(proxy.port, [])).stdout.toString()).not.toContain('OCSP Response Status');
  });

  it('refuses an empty --ocsp file: exit status 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty.der'), new Uint8Array(0));
    const r = await run(process.execPath, ['--import', 'tsx', 'src/tools/cli.ts', 'terminate', '--listen', '127.0.0.1:0', '--ocsp', join(dir, 'empty.der')], 30_000);
    expect(r.code).toBe(2);
  });
});

describe('puretls terminate: a client speaking plain HTTP to the TLS port', () => {
  it("is logged as not speaking TLS, with what it sent (debug), and counted as unexpected_message", async () => {
    const proxy = await startProxy(['--log-level', 'debug']);
    const r = await run('curl', ['-s', '--max-time', '20', `http://127.0.0.1:${proxy.port}/`], 30_000);
    expect(r.code).not.toBe(0);
    const failed = await proxy.waitLog((l) => l['msg'] === 'handshake failed');
    expect(failed['error']).toBe("the peer does not speak TLS (it sent 'GET / HTTP/1.1')");
    const line = await proxy.waitLog((l) => l['msg'] === 'connection');
    expect(line['end']).toBe('handshake failed: unexpected_message');
  });
});
