/**
 * @module test/interop/resumption
 * Session resumption (RFC 8446 §2.2, §4.6.1) against real peers on loopback: `openssl s_client
 * -sess_out` / `-sess_in` and a node:tls client with its `session` option resume against our
 * server; our client resumes against `openssl s_server` and a node:tls server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { serverConfig } from '../../src/config.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { ServerConnection } from '../../src/connection/server.ts';
import { certPaths, certPems } from '../helpers/pki.ts';
import { nodeTlsConnect, Peers, startNodeTlsServer, startOpensslClient, startOpensslServer, withTimeout } from '../helpers/peers.ts';
import { connectPump, listenPumps } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, newClient, newServer, ourCertificate, ourClientConfig } from './_fixtures.ts';
import { fetchStatusPage, pingPongClose } from './_exchanges.ts';

const peers = new Peers();
const dirs: string[] = [];
afterEach(async () => {
  await peers.stopAll();
  servers.splice(0);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'puretls-resume-'));
  dirs.push(d);
  return d;
}

async function ourServer(early = false, groups?: readonly number[]): Promise<Awaited<ReturnType<typeof listenPumps>>> {
  const config = serverConfig({
    provider: NOBLE.provider,
    certificates: [ourCertificate(NOBLE.provider, 'ecdsa-p256')],
    ...(early ? { sessionStore: new MemorySessionStore(64), maxEarlyDataSize: 16384 } : {}),
    ...(groups ? { groups } : {}),
  });
  const listener = await listenPumps(() => {
    const conn = newServer(config);
    servers.push(conn);
    return conn;
  });
  peers.onStop(() => listener.close());
  return listener;
}

/** Every server connection the current test's listener made, in accept order. */
const servers: ServerConnection[] = [];


describe('resumption interop', () => {
  it('openssl s_client -sess_out then -sess_in resumes against our server ("Reused, TLSv1.3") (RFC 8446 §4.6.1)', async () => {
    const listener = await ourServer();
    const sess = join(tmp(), 'sess.pem');
    const args = ['-CAfile', certPaths('ecdsa-p256').ca, '-verify_return_error', '-servername', 'localhost'];
    const first = peers.track(startOpensslClient(listener.port, [...args, '-sess_out', sess]));
    const p1 = await listener.accepted(0);
    expect((await p1.handshake()).isResumed).toBe(false);
    await pingPongClose(p1, first);
    const second = peers.track(startOpensslClient(listener.port, [...args, '-sess_in', sess]));
    const p2 = await listener.accepted(1);
    expect((await p2.handshake()).isResumed).toBe(true);
    await second.waitForOutput('Reused, TLSv1.3');
    await pingPongClose(p2, second);
  });

  it('openssl s_client -sess_in -early_data has its early data accepted by our server (RFC 8446 §4.2.10)', async () => {
    const listener = await ourServer(true);
    const dir = tmp();
    const sess = join(dir, 'sess.pem');
    const earlyFile = join(dir, 'early.txt');
    writeFileSync(earlyFile, 'early hello\n');
    const args = ['-CAfile', certPaths('ecdsa-p256').ca, '-verify_return_error', '-servername', 'localhost'];
    const first = peers.track(startOpensslClient(listener.port, [...args, '-sess_out', sess]));
    const p1 = await listener.accepted(0);
    await p1.handshake();
    await pingPongClose(p1, first);
    const second = peers.track(startOpensslClient(listener.port, [...args, '-sess_in', sess, '-early_data', earlyFile]));
    const p2 = await listener.accepted(1);
    expect((await p2.handshake()).isResumed).toBe(true);
    await second.waitForOutput('Early data was accepted');
    const early = servers[1]?.readEarlyData();
    expect(early && new TextDecoder().decode(early)).toBe('early hello\n');
    await pingPongClose(p2, second);
  });

  it('openssl s_client -early_data answered with a HelloRetryRequest: our server skips the early records and resumes 1-RTT (RFC 8446 §4.2.10)', async () => {
    // Our server takes P-256 only; the second s_client sends an X25519 share first.
    const listener = await ourServer(true, [NamedGroup.secp256r1]);
    const dir = tmp();
    const sess = join(dir, 'sess.pem');
    const earlyFile = join(dir, 'early.txt');
    writeFileSync(earlyFile, 'early hello\n');
    const args = ['-CAfile', certPaths('ecdsa-p256').ca, '-verify_return_error', '-servername', 'localhost'];
    const first = peers.track(startOpensslClient(listener.port, [...args, '-groups', 'P-256', '-sess_out', sess]));
    const p1 = await listener.accepted(0);
    await p1.handshake();
    await pingPongClose(p1, first);
    const second = peers.track(startOpensslClient(listener.port, [...args, '-groups', 'X25519:P-256', '-sess_in', sess, '-early_data', earlyFile]));
    const p2 = await listener.accepted(1);
    const n = await p2.handshake();
    expect([n.didRetry, n.isResumed]).toEqual([true, true]);
    await second.waitForOutput('Early data was rejected');
    expect(servers[1]?.readEarlyData()).toBeUndefined();
    expect(servers[1]?.earlyDataAccepted).toBe(false);
    await pingPongClose(p2, second);
  });

  it('a node:tls client resumes against our server with its session option (RFC 8446 §4.6.1)', async () => {
    const listener = await ourServer();
    const ca = certPems('ecdsa-p256').ca;
    const s1 = await nodeTlsConnect({ port: listener.port, servername: 'localhost', ca });
    const sessionPromise = withTimeout(new Promise<Buffer>((r) => s1.once('session', r)), 10_000, 'node session');
    const p1 = await listener.accepted(0);
    await p1.handshake();
    const session = await sessionPromise;
    s1.destroy();
    const s2 = await nodeTlsConnect({ port: listener.port, servername: 'localhost', ca, session });
    const p2 = await listener.accepted(1);
    expect((await p2.handshake()).isResumed).toBe(true);
    expect(s2.isSessionReused()).toBe(true);
    s2.destroy();
  });

  it('our client resumes against openssl s_server (RFC 8446 §4.6.1)', async () => {
    const p = certPaths('ecdsa-p256');
    const srv = await startOpensslServer({ identity: { cert: p.end, key: p.endKey, chain: p.inter }, args: ['-www', '-num_tickets', '2'] });
    peers.onStop(() => srv.peer.kill());
    const config = ourClientConfig({ provider: NOBLE.provider, trusted: [caDer('ecdsa-p256')] });
    const first = await connectPump(srv.port, newClient(config));
    expect((await first.handshake()).isResumed).toBe(false);
    await fetchStatusPage(first);
    expect(config.sessionCache?.count('localhost')).toBe(2);
    const second = await connectPump(srv.port, newClient(config));
    expect((await second.handshake()).isResumed).toBe(true);
    expect(await fetchStatusPage(second)).toContain('Reused, TLSv1.3');
  });

  it('our client sends early data that openssl s_server -early_data accepts (RFC 8446 §4.2.10)', async () => {
    const p = certPaths('ecdsa-p256');
    const srv = await startOpensslServer({ identity: { cert: p.end, key: p.endKey, chain: p.inter }, args: ['-early_data', '-num_tickets', '2'] });
    peers.onStop(() => srv.peer.kill());
    const config = ourClientConfig({ provider: NOBLE.provider, trusted: [caDer('ecdsa-p256')] });
    const cc = { ...config, earlyData: true };
    const first = await connectPump(srv.port, newClient(cc));
    await first.handshake();
    first.write('one\n');
    await srv.peer.waitForOutput('one');
    await first.waitFor(() => (cc.sessionCache?.count('localhost') ?? 0) > 0, 'a ticket from s_server');
    first.close();
    first.end();
    const session = cc.sessionCache?.take('localhost', Date.now());
    expect(session?.maxEarlyDataSize).toBeGreaterThan(0);
    await srv.peer.waitForOutput('ACCEPT', 10_000);
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    expect(client.writeEarlyData(new TextEncoder().encode('zero-rtt\n'))).toBe(9);
    const second = await connectPump(srv.port, client);
    expect((await second.handshake()).isResumed).toBe(true);
    expect(client.earlyDataAccepted).toBe(true);
    await srv.peer.waitForOutput('zero-rtt');
    second.close();
  });

  it('our client resumes against a node:tls server (RFC 8446 §4.6.1)', async () => {
    const pems = certPems('ecdsa-p256');
    const srv = await startNodeTlsServer({ key: pems.endKey, cert: pems.endChain }, (s: tls.TLSSocket) => {
      s.on('data', (d: Buffer) => s.write(d));
    });
    peers.onStop(() => srv.close());
    const config = ourClientConfig({ provider: NOBLE.provider, trusted: [caDer('ecdsa-p256')] });
    const first = await connectPump(srv.port, newClient(config));
    await first.handshake();
    first.write('x');
    await first.waitForText('x');
    await first.waitFor(() => (config.sessionCache?.count('localhost') ?? 0) > 0, 'a ticket from node:tls');
    first.close();
    const second = await connectPump(srv.port, newClient(config));
    expect((await second.handshake()).isResumed).toBe(true);
    second.close();
  });
});

