/**
 * @module test/interop/openssl-server
 * puretls client ↔ real `openssl s_server -tls1_3` on loopback: every suite × group × certificate
 * (RFC 8446 §9.1 mandatory-to-implement and the rest of what we support), HelloRetryRequest (§4.1.4),
 * ALPN (RFC 7301), SNI (RFC 6066 §3), KeyUpdate (§4.6.3), close_notify (§6.1) and 8 MiB each way.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertDescription, NamedGroup, SignatureScheme } from '../../src/protocol/registry.ts';
import { certPaths, firstCertDer, MATRIX_KEY_TYPES, type KeyType } from '../helpers/pki.ts';
import { Peers, startOpensslServer, type OpensslIdentity, type OpensslServer } from '../helpers/peers.ts';
import { connectPump, type SocketPump } from '../helpers/socket-pump.ts';
import {
  BULK_LEN, bulkPayload, caDer, GROUPS, leafDer, NOBLE, NODE, newClient, ourClientConfig, SCHEMES_FOR, sha256Hex, SUITES,
  type ProviderCase,
} from './_fixtures.ts';
import { fetchStatusPage } from './_exchanges.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

function identity(type: KeyType): OpensslIdentity {
  const p = certPaths(type);
  return { cert: p.end, key: p.endKey, chain: p.inter };
}

describe.each([NOBLE, NODE])('puretls client ($name provider) ↔ openssl s_server', (pc: ProviderCase) => {
  // The full suite × group × certificate matrix with the noble provider; one suite per group and
  // certificate with the node provider (the state machine is the same, only the primitives differ).
  const suites = pc.name === 'noble' ? SUITES : SUITES.slice(0, 1);
  describe.each(MATRIX_KEY_TYPES.map((t) => ({ type: t })))('$type certificate', ({ type }) => {
    const wwwServers: OpensslServer[] = [];
    beforeAll(async () => {
      // One s_server per certificate serves every suite × group case of this block.
      wwwServers.push(await startOpensslServer({ identity: identity(type), args: ['-www'] }));
    });
    afterAll(async () => {
      for (const s of wwwServers.splice(0)) await s.peer.kill();
    });

    for (const suite of suites) {
      for (const group of GROUPS) {
        it(`negotiates ${suite.name} with ${group.name} and verifies the ${type} chain (RFC 8446 §4.1.1, §4.4.2)`, async () => {
          const srv = wwwServers[0];
          if (!srv) throw new Error('s_server not started');
          const config = ourClientConfig({
            provider: pc.provider, trusted: [caDer(type)], cipherSuites: [suite.id], groups: [group.id],
          });
          const pump = await connectPump(srv.port, newClient(config));
          peers.onStop(() => {
            pump.socket.destroy();
          });
          const n = await pump.handshake();
          expect(n.version).toBe('TLSv1.3');
          expect(n.cipherSuiteId).toBe(suite.id);
          expect(n.groupId).toBe(group.id);
          expect(n.didRetry).toBe(false);
          expect(SCHEMES_FOR[type]).toContain(n.signatureSchemeId);
          expect(Buffer.from(n.peerCertificates[0] ?? [])).toEqual(Buffer.from(leafDer(type)));
          const page = await fetchStatusPage(pump);
          expect(page).toContain('HTTP/1.0 200 ok');
          expect(page).toContain(`New, TLSv1.3, Cipher is ${suite.name}`);
        });
      }
    }
  });

  it('answers a HelloRetryRequest: key share x25519 only, server accepts only P-256 (RFC 8446 §4.1.4)', async () => {
    const srv = await startOpensslServer({ identity: identity('ecdsa-p256'), args: ['-www', '-groups', 'P-256'] });
    peers.track(srv.peer);
    const config = ourClientConfig({
      provider: pc.provider, groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519],
    });
    const pump = await connectPump(srv.port, newClient(config));
    const n = await pump.handshake();
    expect(n.didRetry).toBe(true);
    expect(n.groupId).toBe(NamedGroup.secp256r1);
    expect(await fetchStatusPage(pump)).toContain('HTTP/1.0 200 ok');
  });
});

describe('puretls client ↔ openssl s_server: extensions and post-handshake (noble provider)', () => {
  const pc = NOBLE;

  it('agrees on the server-preferred common ALPN protocol (RFC 7301 §3.2)', async () => {
    const srv = await startOpensslServer({ identity: identity('ecdsa-p256'), args: ['-www', '-alpn', 'http/1.1'] });
    peers.track(srv.peer);
    const config = ourClientConfig({ provider: pc.provider, alpnProtocols: ['h2', 'http/1.1'] });
    const pump = await connectPump(srv.port, newClient(config));
    expect((await pump.handshake()).alpnProtocol).toBe('http/1.1');
    expect(await fetchStatusPage(pump)).toContain('HTTP/1.0 200 ok');
  });

  it('fails with the peer alert no_application_protocol when no ALPN protocol matches (RFC 7301 §3.2)', async () => {
    const srv = await startOpensslServer({ identity: identity('ecdsa-p256'), args: ['-www', '-alpn', 'bar'] });
    peers.track(srv.peer);
    const pump = await connectPump(srv.port, newClient(ourClientConfig({ provider: pc.provider, alpnProtocols: ['foo'] })));
    const err = await pump.waitForFailure();
    expect(err.alert).toBe(AlertDescription.no_application_protocol);
    expect(err.origin).toBe('peer');
    await srv.peer.waitForOutput('no application protocol', 10_000, 'stderr');
  });

  it('sends SNI and gets the certificate s_server selects for it (RFC 6066 §3)', async () => {
    const ed = certPaths('ed25519');
    const srv = await startOpensslServer({
      identity: identity('ecdsa-p256'),
      // -cert2 takes one certificate: our client trusts the ed25519 intermediate directly.
      args: ['-www', '-servername', 'testserver.com', '-cert2', ed.end, '-key2', ed.endKey],
    });
    peers.track(srv.peer);
    const trusted = [caDer('ecdsa-p256'), interDer('ed25519')];
    const viaSni = await connectPump(srv.port, newClient(ourClientConfig({ provider: pc.provider, trusted }), 'testserver.com'));
    const n1 = await viaSni.handshake();
    expect(n1.signatureSchemeId).toBe(SignatureScheme.ed25519);
    expect(Buffer.from(n1.peerCertificates[0] ?? [])).toEqual(Buffer.from(leafDer('ed25519')));
    await fetchStatusPage(viaSni);
    const byDefault = await connectPump(srv.port, newClient(ourClientConfig({ provider: pc.provider, trusted }), 'localhost'));
    const n2 = await byDefault.handshake();
    expect(n2.signatureSchemeId).toBe(SignatureScheme.ecdsa_secp256r1_sha256);
    await fetchStatusPage(byDefault);
  });

  it('updates keys both ways with OpenSSL and ends with close_notify each way (RFC 8446 §4.6.3, §6.1)', async () => {
    const srv = await startOpensslServer({ identity: identity('ecdsa-p256'), args: ['-naccept', '1'] });
    peers.track(srv.peer);
    const pump = await connectPump(srv.port, newClient(ourClientConfig({ provider: pc.provider })));
    await pump.handshake();
    pump.write('before-update\n');
    await srv.peer.waitForOutput('before-update');
    // Ours, with update_requested: OpenSSL must read under our new key and answer with its own update.
    pump.updateKeys(true);
    pump.write('after-our-update\n');
    await srv.peer.waitForOutput('after-our-update');
    srv.peer.send('reply-1\n');
    await pump.waitForText('reply-1');
    expect(pump.events).toContainEqual({ kind: 'keyUpdate', direction: 'write' });
    expect(pump.events).toContainEqual({ kind: 'keyUpdate', direction: 'read' });
    // Theirs, with update_requested (s_server command "K"): we must update our sending key too.
    const readUpdates = countUpdates(pump, 'read');
    const writeUpdates = countUpdates(pump, 'write');
    srv.peer.send('K\n');
    await pump.waitFor(() => countUpdates(pump, 'read') > readUpdates, 'KeyUpdate from s_server');
    srv.peer.send('reply-2\n');
    await pump.waitForText('reply-2');
    // Our answer goes before our next application data (RFC 8446 §4.6.3).
    expect(countUpdates(pump, 'write')).toBe(writeUpdates);
    pump.write('after-their-update\n');
    expect(countUpdates(pump, 'write')).toBe(writeUpdates + 1);
    await srv.peer.waitForOutput('after-their-update');
    // close_notify from us: s_server prints DONE for a clean close (ERROR for a bare TCP close).
    pump.close();
    await srv.peer.waitForOutput('DONE');
    expect(srv.peer.stdout()).not.toContain('ERROR');
  });

  it('moves 8 MiB each way byte-exact (SHA-256) through s_server -quiet', async () => {
    const toClient = bulkPayload();
    const toServer = bulkPayload();
    const srv = await startOpensslServer({ identity: identity('ecdsa-p256'), quiet: true });
    peers.track(srv.peer);
    srv.peer.send(toClient); // stdin stays open: s_server drops its last buffer at stdin EOF
    const pump = await connectPump(srv.port, newClient(ourClientConfig({ provider: pc.provider })));
    await pump.handshake();
    await pump.writeAll(toServer);
    await pump.waitForBytes(BULK_LEN);
    await srv.peer.waitForStdoutLen(BULK_LEN, 60_000);
    expect(pump.receivedLen).toBe(BULK_LEN);
    expect(sha256Hex(pump.received())).toBe(sha256Hex(toClient));
    expect(srv.peer.stdoutLen).toBe(BULK_LEN);
    expect(sha256Hex(srv.peer.stdoutBytes())).toBe(sha256Hex(toServer));
    pump.close();
  });
});

function countUpdates(pump: SocketPump, direction: 'read' | 'write'): number {
  return pump.events.filter((e) => e.kind === 'keyUpdate' && e.direction === direction).length;
}

/** The intermediate issued the leaf; trusting it lets a chain of just the leaf verify. */
function interDer(type: KeyType): Uint8Array {
  return firstCertDer(certPaths(type).inter);
}
