import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/peers.ts';
import { drainHash, echo, metricValue, ROOT, scrapeMetrics, sha256, startProxy, stopAll, tcpServer, tlsClient } from './_proxy.ts';

// `puretls terminate` keeps serving when what it writes to fails: its log output (stdout to a
// pipe whose reader went away, EPIPE; stdout to a full disk, ENOSPC via /dev/full) and its key
// log (--keylog /dev/full). Real processes, node:tls clients, a node net echo upstream.

afterEach(stopAll);

/** One echo round trip through the proxy; resolves true when the bytes came back unchanged. */
async function echoes(port: number): Promise<boolean> {
  const s = await tlsClient(port);
  const data = randomBytes(2048);
  const reply = drainHash(s, 20_000);
  s.end(data);
  return (await reply).sha256 === sha256(data);
}

/** Polls `check` every 50 ms until it returns true or `ms` pass. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('puretls terminate: a failing log output drops lines, counts them and keeps serving', () => {
  it('stdout to a pipe whose reader went away (EPIPE, like `| head -1`): connections keep working, one line on stderr, drops counted', async () => {
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--metrics', '127.0.0.1:0']);
    // The reader goes away after the 'listening' line.
    await new Promise<void>((r) => {
      proxy.child.stdout!.once('close', () => r());
      proxy.child.stdout!.destroy();
    });
    for (let i = 0; i < 5; i++) expect(await echoes(proxy.port)).toBe(true);
    // Each connection's line is written (and dropped) when it closes.
    await until(async () => metricValue(await scrapeMetrics(proxy.metricsPort!), 'puretls_log_lines_dropped_total') === 5, '5 dropped lines');
    expect(proxy.child.exitCode).toBeNull();
    const lines = proxy.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^puretls terminate: log output failed \(.*EPIPE.*\): dropping every further log line, counted in puretls_log_lines_dropped_total$/);
  });

  it('stdout to a full disk (/dev/full, ENOSPC): connections keep working, one line on stderr, drops counted', async () => {
    const { port: up } = await tcpServer(echo);
    const [port, metricsPort] = [await freePort(), await freePort()];
    const full = openSync('/dev/full', 'w');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/tools/cli.ts', 'terminate', '--listen', `127.0.0.1:${port}`, '--metrics', `127.0.0.1:${metricsPort}`, '--upstream', `127.0.0.1:${up}`],
      { cwd: ROOT, stdio: ['ignore', full, 'pipe'] },
    );
    closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      // The 'listening' line went nowhere: wait for the metrics endpoint instead.
      await until(async () => (await scrapeMetrics(metricsPort)).length > 0, 'the metrics endpoint', 30_000);
      for (let i = 0; i < 3; i++) expect(await echoes(port)).toBe(true);
      // 'listening' and one line per connection, all dropped.
      await until(async () => metricValue(await scrapeMetrics(metricsPort), 'puretls_log_lines_dropped_total') === 4, '4 dropped lines');
      expect(child.exitCode).toBeNull();
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^puretls terminate: log output failed \(ENOSPC: no space left on device, write\): dropping log lines/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('puretls terminate --keylog: a failing key log stops key logging, never a handshake', () => {
  it('--keylog /dev/full (ENOSPC): every handshake completes, one warning line', async () => {
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--keylog', '/dev/full']);
    for (let i = 0; i < 3; i++) expect(await echoes(proxy.port)).toBe(true);
    await proxy.waitLog(() => proxy.logs.filter((l) => l['msg'] === 'connection').length >= 3);
    const warnings = proxy.logs.filter((l) => l['msg'] === 'key log write failed: key logging stopped');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', file: '/dev/full' });
    expect(String(warnings[0]!['error'])).toMatch(/ENOSPC/);
    expect(proxy.logs.filter((l) => l['msg'] === 'connection').every((l) => l['end'] !== undefined && !String(l['end']).startsWith('handshake failed'))).toBe(true);
  });
});
