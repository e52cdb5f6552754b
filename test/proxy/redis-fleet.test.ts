/**
 * A fleet of `puretls terminate` processes sharing one real Redis (--session-store redis://...,
 * issue 13): a session from one resumes on the other, a replayed 0-RTT ClientHello sent to both is
 * accepted by at most one (RFC 8446 §8.1, single-use tickets taken with GETDEL), and a Redis that
 * stops or freezes mid-run costs full handshakes, never a connection. The test starts its own
 * redis-server on a free loopback port (never the system service), without persistence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { clientConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { ClientSession } from '../../src/session/client-cache.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { freePort } from '../helpers/peers.ts';
import { certPaths } from '../helpers/pki.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { SocketPump } from '../helpers/socket-pump.ts';
import { testRoot } from '../helpers/pair.ts';
import { metricValue, scrapeMetrics, startProxy, stopAll, tcpServer, type ProxyProcess } from './_proxy.ts';

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
const provider = PROVIDERS[1]!;
const pki = certPaths('ecdsa-p256');

/** A private redis-server: loopback, a free port, no RDB snapshots, no AOF. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${out}`)));
  });
  return child;
}

function client(session?: ClientSession, random?: (n: number) => Uint8Array): ClientConnection {
  const config = clientConfig({ provider, verifier: trustExactly([testRoot()]), sessionCache: false, earlyData: true, ...(random ? { random } : {}) });
  return new ClientConnection(config, { serverName: 'localhost', session });
}

function connect(proxy: ProxyProcess, conn: ClientConnection): SocketPump {
  return new SocketPump(conn, net.connect(proxy.port, '127.0.0.1'));
}

/** A full handshake with `proxy`, and the first ticket it sent. */
async function ticketFrom(proxy: ProxyProcess): Promise<ClientSession> {
  const pump = connect(proxy, client());
  await pump.handshake();
  await pump.waitFor(() => pump.events.some((e) => e.kind === 'sessionTicket'), 'a ticket');
  const ev = pump.events.find((e) => e.kind === 'sessionTicket');
  pump.socket.destroy();
  if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
  return ev.session;
}

/** Bytes from a fixed-seed generator: two clients given the same seed send the same ClientHello. */
function seeded(seed: number): (n: number) => Uint8Array {
  let x = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      out[i] = x >>> 24;
    }
    return out;
  };
}

async function metric(proxy: ProxyProcess, series: string): Promise<number> {
  const v = metricValue(await scrapeMetrics(proxy.metricsPort!), series);
  return Number.isNaN(v) ? 0 : v;
}

describe.skipIf(REDIS_SERVER === undefined)('terminate --session-store redis:// (a real redis-server; skipped when it is not installed)', () => {
  let redis: ChildProcess | undefined;
  let redisPort = 0;
  let upstreamPort = 0;
  const upstreamSaw: string[] = [];
  let a: ProxyProcess;
  let b: ProxyProcess;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    ({ port: upstreamPort } = await tcpServer((s) => {
      s.on('error', () => {});
      s.on('data', (d: Buffer) => {
        upstreamSaw.push(d.toString());
        s.write(d);
      });
    }));
    const args = [
      '--cert', pki.endChain, '--key', pki.endKey, '--upstream', `127.0.0.1:${upstreamPort}`,
      '--session-store', `redis://127.0.0.1:${redisPort}`, '--early-data', '1024', '--metrics', '127.0.0.1:0',
    ];
    [a, b] = await Promise.all([startProxy(args, 120_000), startProxy(args, 120_000)]);
  }, 300_000);

  afterAll(() => {
    stopAll();
    redis?.kill('SIGKILL');
  });
  afterEach(() => {
    if (redis && redis.signalCode === null && redis.exitCode === null) redis.kill('SIGCONT');
  });

  it('a session from one terminate resumes on the other, once (single use)', async () => {
    const session = await ticketFrom(a);
    const onB = connect(b, client(session));
    expect((await onB.handshake()).isResumed).toBe(true);
    onB.write('over B');
    await onB.waitForText('over B');
    onB.socket.destroy();
    // Taken by B: offered again (to A) it is gone, and the handshake is a full one.
    const again = connect(a, client(session));
    expect((await again.handshake()).isResumed).toBe(false);
    again.socket.destroy();
    expect(await metric(b, 'puretls_session_store_operations_total{op="take",outcome="hit"}')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a 0-RTT ClientHello replayed to both is accepted by at most one, and its data reaches the upstream once', async () => {
    const session = await ticketFrom(a);
    const marker = `early-${Date.now()}`;
    // The same seed: byte-identical ClientHellos and early data (the replay), each client able to
    // read the answer to its copy.
    const [c1, c2] = [client(session, seeded(7)), client(session, seeded(7))];
    expect(c1.writeEarlyData(utf8(marker))).toBe(marker.length);
    expect(c2.writeEarlyData(utf8(marker))).toBe(marker.length);
    const before = (await metric(a, 'puretls_handshakes_total{kind="0rtt"}')) + (await metric(b, 'puretls_handshakes_total{kind="0rtt"}'));
    const pumps = [connect(a, c1), connect(b, c2)];
    await Promise.all(pumps.map((p) => p.handshake()));
    const accepted = [c1.earlyDataAccepted, c2.earlyDataAccepted];
    expect(accepted.filter((x) => x === true)).toHaveLength(1);
    expect(accepted.filter((x) => x === false)).toHaveLength(1);
    const acceptedPump = pumps[accepted.indexOf(true)]!;
    await acceptedPump.waitForText(marker);
    for (const p of pumps) p.socket.destroy();
    expect(upstreamSaw.join('').split(marker).length - 1).toBe(1);
    const after = (await metric(a, 'puretls_handshakes_total{kind="0rtt"}')) + (await metric(b, 'puretls_handshakes_total{kind="0rtt"}'));
    expect(after - before).toBe(1);
  }, 60_000);

  it('a frozen Redis (SIGSTOP): the take times out, a full handshake instead, counted', async () => {
    const session = await ticketFrom(a);
    redis!.kill('SIGSTOP');
    const pump = connect(b, client(session));
    expect((await pump.handshake()).isResumed).toBe(false);
    pump.write('still served');
    await pump.waitForText('still served');
    pump.socket.destroy();
    redis!.kill('SIGCONT');
    expect(await metric(b, 'puretls_session_store_operations_total{op="take",outcome="timeout"}')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('Redis stopped mid-run loses no connection: open ones go on, new ones get full handshakes', async () => {
    const session = await ticketFrom(a);
    const open = connect(a, client());
    await open.handshake();
    redis!.kill('SIGKILL');
    await new Promise<void>((r) => redis!.once('exit', () => r()));
    open.write('after redis died');
    await open.waitForText('after redis died');
    for (const proxy of [a, b]) {
      const pump = connect(proxy, client(session));
      expect((await pump.handshake()).isResumed).toBe(false);
      pump.write('full handshake');
      await pump.waitForText('full handshake');
      pump.socket.destroy();
    }
    open.socket.destroy();
    const errors = (await metric(a, 'puretls_session_store_operations_total{op="take",outcome="error"}')) + (await metric(a, 'puretls_session_store_operations_total{op="take",outcome="timeout"}'));
    expect(errors).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
