/**
 * @module test/interop/resumption-psk-ke
 * psk_ke resumption (RFC 8446 §4.2.9, PSK-only key establishment) against OpenSSL on loopback.
 * `openssl s_client -allow_no_dhe_kex` offers psk_ke next to psk_dhe_ke and always sends a key
 * share; our server (`dangerouslyAllowPskKe`) resumes with psk_ke when that share is for a group it
 * does not take (instead of a HelloRetryRequest). An OpenSSL 3.0 s_server prefers a
 * HelloRetryRequest and psk_dhe_ke whenever the client lists psk_dhe_ke, so against it our client
 * (which always does) is checked to resume unharmed by offering psk_ke.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverConfig } from '../../src/config.ts';
import type { ServerConnection } from '../../src/connection/server.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { certPaths } from '../helpers/pki.ts';
import { Peers, startOpensslClient, startOpensslServer } from '../helpers/peers.ts';
import { connectPump, listenPumps } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, newClient, newServer, ourCertificate, ourClientConfig } from './_fixtures.ts';
import { fetchStatusPage, pingPongClose } from './_exchanges.ts';

const peers = new Peers();
const dirs: string[] = [];
const servers: ServerConnection[] = [];
afterEach(async () => {
  await peers.stopAll();
  servers.splice(0);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('psk_ke resumption interop', () => {
  it('openssl s_client -allow_no_dhe_kex -sess_in resumes with psk_ke against our server with dangerouslyAllowPskKe (RFC 8446 §4.2.9)', async () => {
    const config = serverConfig({
      provider: NOBLE.provider,
      certificates: [ourCertificate(NOBLE.provider, 'ecdsa-p256')],
      groups: [NamedGroup.secp256r1],
      dangerouslyAllowPskKe: true,
    });
    const listener = await listenPumps(() => {
      const conn = newServer(config);
      servers.push(conn);
      return conn;
    });
    peers.onStop(() => listener.close());
    const dir = mkdtempSync(join(tmpdir(), 'puretls-pskke-'));
    dirs.push(dir);
    const sess = join(dir, 'sess.pem');
    // Key share for X25519 only (the first group); our server takes only P-256.
    const args = ['-CAfile', certPaths('ecdsa-p256').ca, '-verify_return_error', '-servername', 'localhost', '-groups', 'X25519:P-256', '-allow_no_dhe_kex'];
    const first = peers.track(startOpensslClient(listener.port, [...args, '-sess_out', sess]));
    const p1 = await listener.accepted(0);
    const n1 = await p1.handshake();
    expect(n1.isResumed).toBe(false);
    expect(n1.didRetry).toBe(true);
    await pingPongClose(p1, first);
    const second = peers.track(startOpensslClient(listener.port, [...args, '-sess_in', sess]));
    const p2 = await listener.accepted(1);
    const n2 = await p2.handshake();
    expect(n2.isResumed).toBe(true);
    expect(n2.didRetry).toBe(false);
    expect(n2.group).toBe('none');
    await second.waitForOutput('Reused, TLSv1.3');
    await pingPongClose(p2, second);
  });

  it('our client with dangerouslyOfferPskKe resumes against openssl s_server -allow_no_dhe_kex, which picks psk_dhe_ke after a HelloRetryRequest (RFC 8446 §4.2.9, §4.1.4)', async () => {
    const p = certPaths('ecdsa-p256');
    const srv = await startOpensslServer({
      identity: { cert: p.end, key: p.endKey, chain: p.inter },
      args: ['-www', '-num_tickets', '1', '-groups', 'P-256', '-allow_no_dhe_kex'],
    });
    peers.onStop(() => srv.peer.kill());
    const base = ourClientConfig({
      provider: NOBLE.provider,
      trusted: [caDer('ecdsa-p256')],
      groups: [NamedGroup.x25519, NamedGroup.secp256r1],
      keyShareGroups: [NamedGroup.x25519],
    });
    const config = { ...base, dangerouslyOfferPskKe: true };
    const first = await connectPump(srv.port, newClient(config));
    const n1 = await first.handshake();
    expect(n1.isResumed).toBe(false);
    expect(n1.didRetry).toBe(true);
    await fetchStatusPage(first);
    expect(config.sessionCache?.count('localhost')).toBe(1);
    const second = await connectPump(srv.port, newClient(config));
    const n2 = await second.handshake();
    expect(n2.isResumed).toBe(true);
    expect(n2.didRetry).toBe(true);
    expect(n2.group).toBe('secp256r1');
    expect(await fetchStatusPage(second)).toContain('Reused, TLSv1.3');
  });
});


