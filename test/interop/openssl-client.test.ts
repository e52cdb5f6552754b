/**
 * @module test/interop/openssl-client
 * puretls server ↔ real `openssl s_client -tls1_3` on loopback: every suite × group × certificate,
 * HelloRetryRequest (RFC 8446 §4.1.4), ALPN (RFC 7301), SNI with two certificates (RFC 6066 §3),
 * KeyUpdate both ways (§4.6.3), close_notify both ways (§6.1) and 8 MiB each way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CertifiedKey } from '../../src/x509/certified-key.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { readFileSync } from 'node:fs';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { certPaths, MATRIX_KEY_TYPES, opensslSelfSigned, type KeyType } from '../helpers/pki.ts';
import { Peers, startOpensslClient, type PeerProcess } from '../helpers/peers.ts';
import { listenPumps, type PumpListener } from '../helpers/socket-pump.ts';
import {
  BULK_LEN, bulkPayload, GROUPS, NOBLE, NODE, newServer, ourCertificate, ourServerConfig, SCHEMES_FOR, sha256Hex, SUITES,
  type OurServerOptions, type ProviderCase,
} from './_fixtures.ts';
import { pingPongClose } from './_exchanges.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

async function listen(options: OurServerOptions): Promise<PumpListener> {
  const config = ourServerConfig(options);
  const listener = await listenPumps(() => newServer(config));
  peers.onStop(() => listener.close());
  return listener;
}

function sClient(port: number, type: KeyType, args: readonly string[]): PeerProcess {
  return peers.track(
    startOpensslClient(port, ['-CAfile', certPaths(type).ca, '-verify_return_error', '-servername', 'localhost', ...args]),
  );
}

describe.each([NOBLE, NODE])('puretls server ($name provider) ↔ openssl s_client', (pc: ProviderCase) => {
  const suites = pc.name === 'noble' ? SUITES : SUITES.slice(0, 1);
  describe.each(MATRIX_KEY_TYPES.map((t) => ({ type: t })))('$type certificate', ({ type }) => {
    for (const suite of suites) {
      for (const group of GROUPS) {
        it(`serves ${suite.name} with ${group.name} and a ${type} chain OpenSSL verifies (RFC 8446 §4.1.3, §4.4.2)`, async () => {
          const listener = await listen({ provider: pc.provider, certificates: [ourCertificate(pc.provider, type)] });
          const cli = sClient(listener.port, type, ['-ciphersuites', suite.name, '-groups', group.openssl]);
          const pump = await listener.accepted(0);
          const n = await pump.handshake();
          expect(n.cipherSuiteId).toBe(suite.id);
          expect(n.groupId).toBe(group.id);
          expect(n.didRetry).toBe(false);
          expect(n.serverName).toBe('localhost');
          expect(SCHEMES_FOR[type]).toContain(n.signatureSchemeId);
          await cli.waitForOutput('Verify return code: 0 (ok)');
          expect(cli.stdout()).toContain(`New, TLSv1.3, Cipher is ${suite.name}`);
          expect(cli.stdout()).toContain(`Server Temp Key: ${group.opensslTempKey}`);
          await pingPongClose(pump, cli);
        });
      }
    }
  });

  it('sends a HelloRetryRequest when the client guessed the wrong key share (RFC 8446 §4.1.4)', async () => {
    const listener = await listen({
      provider: pc.provider, certificates: [ourCertificate(pc.provider, 'ecdsa-p256')], groups: [NamedGroup.secp256r1],
    });
    // s_client sends a key share for its first group only (X25519).
    const cli = sClient(listener.port, 'ecdsa-p256', ['-groups', 'X25519:P-256']);
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.didRetry).toBe(true);
    expect(n.groupId).toBe(NamedGroup.secp256r1);
    await cli.waitForOutput('Server Temp Key: ECDH, prime256v1');
    await pingPongClose(pump, cli);
  });
});

describe('puretls server ↔ openssl s_client: extensions and post-handshake (noble provider)', () => {
  const pc = NOBLE;
  const ecdsa = (): CertifiedKey => ourCertificate(pc.provider, 'ecdsa-p256');

  it('selects the ALPN protocol both sides support (RFC 7301 §3.2)', async () => {
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa()], alpnProtocols: ['h2', 'http/1.1'] });
    const cli = sClient(listener.port, 'ecdsa-p256', ['-alpn', 'http/1.1,h2']);
    const pump = await listener.accepted(0);
    expect((await pump.handshake()).alpnProtocol).toBe('h2');
    await cli.waitForOutput('ALPN protocol: h2');
    await pingPongClose(pump, cli);
  });

  it('aborts with no_application_protocol, seen by OpenSSL, when no ALPN protocol matches (RFC 7301 §3.2)', async () => {
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa()], alpnProtocols: ['h2'] });
    const cli = sClient(listener.port, 'ecdsa-p256', ['-alpn', 'foo']);
    const pump = await listener.accepted(0);
    const err = await pump.waitForFailure();
    expect(err.alert).toBe(AlertDescription.no_application_protocol);
    expect(err.origin).toBe('local');
    await cli.waitForOutput('alert no application protocol', 10_000, 'stderr');
    expect((await cli.waitForExit()).code).not.toBe(0);
  });

  it('answers a ClientHello over 64 KiB: s_client with an ALPN list that nearly fills the extensions block (RFC 8446 §4.1.2, RFC 7301 §3.1)', async () => {
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa()] });
    // 255 names of 255 bytes and one of 60: OpenSSL 3.0 sends a ClientHello of 65,585 bytes.
    const names = [...Array.from({ length: 255 }, (_, i) => `p${String(i).padStart(3, '0')}`.padEnd(255, 'x')), 'q'.repeat(60)];
    const cli = sClient(listener.port, 'ecdsa-p256', ['-alpn', names.join(',')]);
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.alpnProtocol).toBeUndefined();
    await cli.waitForOutput('Verify return code: 0 (ok)');
    await pingPongClose(pump, cli);
  });

  it('picks the certificate by SNI among two, default otherwise (RFC 6066 §3)', async () => {
    const other = opensslSelfSigned('sni.example');
    const second = certifiedKey(pc.provider, readFileSync(other.cert, 'utf8'), readFileSync(other.key, 'utf8'));
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa(), second] });

    const cliSni = peers.track(
      startOpensslClient(listener.port, ['-CAfile', other.cert, '-verify_return_error', '-servername', 'sni.example']),
    );
    const p1 = await listener.accepted(0);
    expect((await p1.handshake()).serverName).toBe('sni.example');
    await cliSni.waitForOutput('Verify return code: 0 (ok)');
    expect(cliSni.stdout()).toContain('subject=CN = sni.example');
    await pingPongClose(p1, cliSni);

    const cliDefault = sClient(listener.port, 'ecdsa-p256', []);
    const p2 = await listener.accepted(1);
    await p2.handshake();
    await cliDefault.waitForOutput('Verify return code: 0 (ok)');
    expect(cliDefault.stdout()).toContain('subject=CN = testserver.com');
    await pingPongClose(p2, cliDefault);
  });

  it('handles KeyUpdate both ways with OpenSSL (RFC 8446 §4.6.3)', async () => {
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa()] });
    const cli = sClient(listener.port, 'ecdsa-p256', ['-msg']);
    const pump = await listener.accepted(0);
    await pump.handshake();
    await cli.waitForOutput('Verify return code');
    // Theirs, update_requested ("K"): we install a new read key and answer with our own KeyUpdate
    // before our next application data (RFC 8446 §4.6.3).
    cli.send('K\n');
    await pump.waitFor(() => pump.events.some((e) => e.kind === 'keyUpdate' && e.direction === 'read'), 'their KeyUpdate');
    cli.send('after-their-update\n');
    await pump.waitForText('after-their-update');
    expect(pump.events).not.toContainEqual({ kind: 'keyUpdate', direction: 'write' });
    pump.write('reply-1\n');
    expect(pump.events).toContainEqual({ kind: 'keyUpdate', direction: 'write' });
    await cli.waitForOutput('reply-1');
    // Ours, update_requested: s_client reads under our new key and updates its own.
    pump.updateKeys(true);
    pump.write('after-our-update\n');
    await cli.waitForOutput('after-our-update');
    cli.send('reply-2\n');
    await pump.waitForText('reply-2');
    const reads = pump.events.filter((e) => e.kind === 'keyUpdate' && e.direction === 'read').length;
    expect(reads).toBe(2);
    await pingPongClose(pump, cli);
  });

  it('reports the client close_notify and answers with its own (RFC 8446 §6.1)', async () => {
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa()] });
    const cli = sClient(listener.port, 'ecdsa-p256', []);
    const pump = await listener.accepted(0);
    await pump.handshake();
    await cli.waitForOutput('Verify return code');
    cli.endInput(); // stdin EOF: s_client sends close_notify and exits
    await pump.waitForPeerClose();
    expect(pump.conn.peerClosed).toBe(true);
    pump.close();
    expect((await cli.waitForExit()).code).toBe(0);
    expect(cli.stderr()).not.toContain('unexpected eof');
  });

  it('moves 8 MiB each way byte-exact (SHA-256) with s_client -quiet', async () => {
    const toClient = bulkPayload();
    const toServer = bulkPayload();
    const listener = await listen({ provider: pc.provider, certificates: [ecdsa()] });
    const cli = peers.track(startOpensslClient(listener.port, ['-quiet', '-CAfile', certPaths('ecdsa-p256').ca]));
    cli.send(toServer); // stdin stays open: s_client drops its last buffer at stdin EOF
    const pump = await listener.accepted(0);
    await pump.handshake();
    await pump.writeAll(toClient);
    await pump.waitForBytes(BULK_LEN);
    await cli.waitForStdoutLen(BULK_LEN, 60_000);
    expect(pump.receivedLen).toBe(BULK_LEN);
    expect(sha256Hex(pump.received())).toBe(sha256Hex(toServer));
    expect(cli.stdoutLen).toBe(BULK_LEN);
    expect(sha256Hex(cli.stdoutBytes())).toBe(sha256Hex(toClient));
    pump.close();
    expect((await cli.waitForExit()).code).toBe(0);
  });
});
