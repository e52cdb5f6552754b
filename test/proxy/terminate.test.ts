import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect as pureConnect } from '../../src/node/connect.ts';
import { proxyV2Header } from '../../src/tools/proxy-protocol.ts';
import { certPaths } from '../helpers/pki.ts';
import { drainHash, echo, metricValue, rssOf, run, scrapeMetrics, sha256, startProxy, stopAll, tcpServer, tlsClient } from './_proxy.ts';

// `puretls terminate` as a user runs it: a real process, real clients (curl, openssl s_client,
// node:tls), node net/http upstreams.

afterEach(stopAll);

const MiB = 1024 * 1024;
const P256 = certPaths('ecdsa-p256');
const ED = certPaths('ed25519');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'puretls-proxy-'));
}

describe('puretls terminate: data path (RFC 8446 §6.1 closure, backpressure)', () => {
  it('passes 16 MiB each way between curl and a node http upstream, bytes equal by SHA-256', async () => {
    const response = randomBytes(16 * MiB);
    const upstream = createHttpServer((req, res) => {
      drainHash(req).then(({ sha256: got, length }) => {
        res.writeHead(200, { 'x-request-sha256': got, 'x-request-length': String(length) });
        res.end(response);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    try {
      const up = (upstream.address() as net.AddressInfo).port;
      const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`]);
      const dir = tmp();
      const body = randomBytes(16 * MiB);
      writeFileSync(join(dir, 'in'), body);
      const r = await run('curl', [
        '-sk', '--tlsv1.3', '--data-binary', `@${join(dir, 'in')}`, '-D', join(dir, 'headers'), '-o', join(dir, 'out'),
        '-w', '%{http_code} %{ssl_verify_result}', `https://127.0.0.1:${proxy.port}/`,
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toMatch(/^200 /);
      const headers = readFileSync(join(dir, 'headers'), 'utf8');
      expect(headers).toContain(`x-request-sha256: ${sha256(body)}`);
      expect(sha256(readFileSync(join(dir, 'out')))).toBe(sha256(response));
    } finally {
      upstream.closeAllConnections();
      upstream.close();
    }
  });

  it('passes 16 MiB each way between openssl s_client and a node net echo upstream', async () => {
    const size = 16 * MiB;
    // The upstream echoes and closes after `size` bytes: the proxy turns its FIN into close_notify.
    const { port: up } = await tcpServer((s) => {
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
        if (!s.write(d)) s.pause();
        if (n >= size) s.end();
      });
      s.on('drain', () => s.resume());
      s.on('error', () => {});
    });
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`]);
    const dir = tmp();
    const body = randomBytes(size);
    writeFileSync(join(dir, 'in'), body);
    const fd = openSync(join(dir, 'in'), 'r');
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${proxy.port}`, '-tls1_3', '-quiet', '-ign_eof'], {
      stdio: [fd, 'pipe', 'pipe'],
    });
    closeSync(fd);
    try {
      const got = await drainHash(child.stdout!, 60_000);
      expect(got.length).toBe(size);
      expect(got.sha256).toBe(sha256(body));
    } finally {
      child.kill('SIGKILL');
    }
    const line = await proxy.waitLog((l) => l['msg'] === 'connection');
    expect(line['bytes_in']).toBe(size);
    expect(line['bytes_out']).toBe(size);
    expect(line['suite']).toMatch(/^TLS_/);
  });

  it('completes 200 concurrent connections, each echoing its own bytes', async () => {
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`]);
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const s = await tlsClient(proxy.port);
        const data = randomBytes(4096 + i);
        const reply = drainHash(s);
        s.end(data);
        return (await reply).sha256 === sha256(data);
      }),
    );
    expect(results.filter((ok) => ok).length).toBe(200);
  });

  it('passes a half-close through: the client closes its side, the upstream still answers (RFC 8446 §6.1)', async () => {
    const { port: up } = await tcpServer((s) => {
      let n = 0;
      s.on('data', (d: Buffer) => (n += d.length));
      s.on('end', () => s.end(`got ${n} bytes after your FIN`));
    });
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`]);
    const s = pureConnect({ host: '127.0.0.1', port: proxy.port, rejectUnauthorized: false, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    await new Promise<void>((r) => s.once('secureConnect', () => r()));
    s.end('hello upstream');
    await new Promise<void>((r, reject) => {
      s.once('end', () => r());
      s.once('error', reject);
    });
    expect(Buffer.concat(chunks).toString()).toBe('got 14 bytes after your FIN');
  });

  it('a slow upstream stops the client instead of growing the proxy (bounded per-connection memory)', async () => {
    let held: net.Socket | undefined;
    const received = { n: 0, hash: '' };
    const { port: up } = await tcpServer((s) => {
      held = s;
      s.pause(); // the upstream does not read
    });
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`]);
    const before = rssOf(proxy.child.pid!);
    const s = await tlsClient(proxy.port);
    const chunk = randomBytes(MiB);
    let sent = 0;
    // Write until the client's writes stall (no 'drain' for 2 s) or 256 MiB went out.
    while (sent < 256 * MiB) {
      const more = s.write(chunk);
      sent += chunk.length;
      if (!more) {
        const drained = await new Promise<boolean>((r) => {
          const t = setTimeout(() => r(false), 2000);
          s.once('drain', () => {
            clearTimeout(t);
            r(true);
          });
        });
        if (!drained) break;
      }
    }
    const grown = rssOf(proxy.child.pid!) - before;
    expect(sent).toBeLessThan(64 * MiB);
    expect(grown).toBeLessThan(48 * MiB);
    // Nothing was lost: once the upstream reads, every byte arrives.
    const done = new Promise<void>((r) => {
      const h = createHash('sha256');
      held!.on('data', (d: Buffer) => {
        received.n += d.length;
        h.update(d);
      });
      held!.on('end', () => {
        received.hash = h.digest('hex');
        held!.end();
        r();
      });
      held!.resume();
    });
    s.end();
    await done;
    expect(received.n).toBe(sent);
    expect(received.hash).toBe(sha256(Buffer.concat(Array.from({ length: sent / MiB }, () => chunk))));
  });
});

describe('puretls terminate: routing and certificates (RFC 6066 §3)', () => {
  it('routes by SNI to two upstreams, each name with its own certificate', async () => {
    const a = await tcpServer((s) => s.end('upstream A'));
    const b = await tcpServer((s) => s.end('upstream B'));
    const proxy = await startProxy([
      '--sni', `a.test=${P256.endChain},${P256.endKey},127.0.0.1:${a.port}`,
      '--sni', `b.test=${ED.endChain},${ED.endKey},127.0.0.1:${b.port}`,
    ]);
    for (const [name, want, keyType] of [['a.test', 'upstream A', 'P-256'], ['b.test', 'upstream B', 'Ed25519']] as const) {
      const s = await tlsClient(proxy.port, { servername: name });
      const cert = s.getPeerCertificate();
      const reply = await new Promise<string>((r) => {
        let t = '';
        s.on('data', (d: Buffer) => (t += d.toString()));
        s.on('end', () => r(t));
      });
      expect(reply).toBe(want);
      // The certificate is the one configured for the name: P-256 for a.test, Ed25519 for b.test.
      expect(cert.asn1Curve ?? 'Ed25519').toBe(keyType === 'P-256' ? 'prime256v1' : 'Ed25519');
      s.destroy();
    }
  });

  it('without --upstream answers curl with the built-in page showing the negotiated parameters', async () => {
    const proxy = await startProxy([]);
    const r = await run('curl', ['-sk', `https://127.0.0.1:${proxy.port}/json`]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout.toString()) as Record<string, unknown>;
    expect(info['version']).toBe('TLSv1.3');
    expect(info['alpn']).toBe('http/1.1');
  });

  it('SIGHUP reloads the certificate files for new connections; open connections keep working', async () => {
    const dir = tmp();
    copyFileSync(P256.endChain, join(dir, 'cert.pem'));
    copyFileSync(P256.endKey, join(dir, 'key.pem'));
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--upstream', `127.0.0.1:${up}`]);
    const first = await tlsClient(proxy.port);
    const before = first.getPeerCertificate().fingerprint256;
    copyFileSync(ED.endChain, join(dir, 'cert.pem'));
    copyFileSync(ED.endKey, join(dir, 'key.pem'));
    proxy.child.kill('SIGHUP');
    await proxy.waitLog((l) => l['msg'] === 'certificates reloaded');
    const second = await tlsClient(proxy.port);
    expect(second.getPeerCertificate().fingerprint256).not.toBe(before);
    second.destroy();
    const echoed = drainHash(first);
    first.end('still here');
    expect((await echoed).sha256).toBe(sha256(Buffer.from('still here')));
  });
});

describe('puretls terminate: shutdown, metrics, PROXY protocol', () => {
  it('SIGTERM during transfers: stops accepting, finishes every open transfer, exits 0', async () => {
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`]);
    const size = 4 * MiB;
    const conns = await Promise.all(Array.from({ length: 5 }, () => tlsClient(proxy.port)));
    const bodies = conns.map(() => randomBytes(size));
    const replies = conns.map((s) => drainHash(s));
    // Half of each body goes out, then SIGTERM, then the rest.
    conns.forEach((s, i) => s.write(bodies[i]!.subarray(0, size / 2)));
    await proxy.waitLog(() => true);
    proxy.child.kill('SIGTERM');
    await proxy.waitLog((l) => l['msg'] === 'shutting down');
    conns.forEach((s, i) => s.end(bodies[i]!.subarray(size / 2)));
    const got = await Promise.all(replies);
    got.forEach((g, i) => expect(g.sha256).toBe(sha256(bodies[i]!)));
    expect(await proxy.exited).toBe(0);
    await expect(tlsClient(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('--metrics serves Prometheus text whose counters match the traffic', async () => {
    const { port: up } = await tcpServer(echo);
    const dead = await tcpServer(() => {});
    const deadPort = dead.port;
    await new Promise<void>((r) => dead.server.close(() => r()));
    const proxy = await startProxy([
      '--upstream', `127.0.0.1:${up}`, '--metrics', '127.0.0.1:0',
      '--sni', `dead.test=${P256.endChain},${P256.endKey},127.0.0.1:${deadPort}`,
    ]);
    for (let i = 0; i < 3; i++) {
      const s = await tlsClient(proxy.port);
      const r = drainHash(s);
      s.end(Buffer.alloc(1000 + i));
      await r;
    }
    // RFC 8446 §4.2.1: a TLS 1.2-only client gets protocol_version.
    await expect(tlsClient(proxy.port, { maxVersion: 'TLSv1.2' })).rejects.toThrow();
    const s = await tlsClient(proxy.port, { servername: 'dead.test' });
    await new Promise<void>((r) => s.once('close', () => r()));
    await proxy.waitLog(() => proxy.logs.filter((l) => l['msg'] === 'connection').length >= 5);
    const text = await scrapeMetrics(proxy.metricsPort!);
    const value = (series: string): number => metricValue(text, series);
    expect(value('puretls_handshakes_total{kind="full"}')).toBe(4);
    expect(value('puretls_handshake_failures_total{alert="protocol_version"}')).toBe(1);
    expect(value('puretls_upstream_connect_errors_total')).toBe(1);
    expect(value('puretls_bytes_total{direction="in"}')).toBe(1000 + 1001 + 1002);
    expect(value('puretls_bytes_total{direction="out"}')).toBe(1000 + 1001 + 1002);
    expect(value('puretls_active_connections')).toBe(0);
    expect(value('puretls_handshake_duration_seconds_count')).toBe(4);
  });

  it('--proxy-protocol sends a PROXY v2 header with the client address, SNI and ALPN first', async () => {
    let header: Buffer | undefined;
    const { port: up } = await tcpServer((s) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => {
        header = Buffer.concat(parts);
        s.end();
      });
    });
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--proxy-protocol']);
    const s = await tlsClient(proxy.port, { servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    const local = { address: s.localAddress!, port: s.localPort! };
    const closed = drainHash(s);
    s.end('payload');
    await closed;
    const want = proxyV2Header(local, { address: '127.0.0.1', port: proxy.port }, { authority: 'localhost', alpn: 'http/1.1' });
    expect(header!.subarray(0, want.length).equals(want)).toBe(true);
    expect(header!.subarray(want.length).toString()).toBe('payload');
    expect(want[13]).toBe(0x11); // TCP over IPv4
  });
});


describe('puretls terminate --workers (node:cluster)', () => {
  it('--workers 2 runs two listening processes, sums their metrics in the primary, and stops on SIGTERM', async () => {
    const { port: up } = await tcpServer(echo);
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--workers', '2', '--metrics', '127.0.0.1:0']);
    for (let i = 0; i < 20; i++) {
      const s = await tlsClient(proxy.port);
      const r = drainHash(s);
      s.end('x');
      await r;
    }
    await proxy.waitLog(() => proxy.logs.filter((l) => l['msg'] === 'connection').length >= 20);
    const listeners = new Set(proxy.logs.filter((l) => l['msg'] === 'listening').map((l) => l['pid']));
    expect(listeners.size).toBe(2);
    const text = await scrapeMetrics(proxy.metricsPort!);
    expect(text).toMatch(/^puretls_handshakes_total\{kind="full"\} 20$/m);
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
   }, 180_000);
});

describe('puretls terminate --workers: one ticket master secret (RFC 8446 §4.6.1)', () => {
  it('a ticket issued by one worker resumes on the other (openssl s_client -sess_out / -sess_in)', async () => {
    const { port: up } = await tcpServer((s) => s.end('bye'));
    const proxy = await startProxy(['--upstream', `127.0.0.1:${up}`, '--workers', '2']);
    const sess = join(tmp(), 'sess.pem');
    const connect = (extra: string[]): Promise<{ code: number | null; stdout: Buffer }> =>
      run('openssl', ['s_client', '-connect', `127.0.0.1:${proxy.port}`, '-tls1_3', '-ign_eof', ...extra], 20_000);
    const first = await connect(['-sess_out', sess]);
    expect(first.code).toBe(0);
    await proxy.waitLog((l) => l['msg'] === 'connection');
    const issuer = proxy.logs.find((l) => l['msg'] === 'connection')!['worker'];
    // Each worker accepts for itself (the kernel picks which): resume until the other one did,
    // every attempt resumed.
    let resumed = 0;
    const onOther = (): boolean => proxy.logs.some((l) => l['msg'] === 'connection' && l['resumed'] === true && l['worker'] !== issuer);
    for (let i = 0; i < 30 && !onOther(); i++) {
      expect((await connect(['-sess_in', sess])).stdout.toString()).toMatch(/^Reused, TLSv1\.3/m);
      resumed++;
      await proxy.waitLog(() => proxy.logs.filter((l) => l['msg'] === 'connection').length >= 1 + resumed);
    }
    expect(proxy.logs.filter((l) => l['msg'] === 'connection' && l['resumed'] === false).length).toBe(1);
    expect(onOther()).toBe(true);
   }, 180_000);
});
