/**
 * @module test/interop/external-psk
 * External PSKs (RFC 8446 §4.2.11) against OpenSSL 3.0 on loopback, both directions:
 * `openssl s_client -psk HEX -psk_identity ID` against our server without a certificate, and our
 * client against `openssl s_server -nocert -psk HEX -psk_identity ID`; psk_ke with
 * `-allow_no_dhe_kex`; a wrong key ends in decrypt_error. The adapter's node:tls-style
 * `pskCallback` is checked against node:tls itself.
 */
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfig, serverConfig } from '../../src/config.ts';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { createServer } from '../../src/node/server.ts';
import { connect } from '../../src/node/connect.ts';
import { TLSSocket } from '../../src/node/tls-socket.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { freePort, PeerProcess, Peers, startOpensslClient } from '../helpers/peers.ts';
import { connectPump, listenPumps } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, newClient, newServer } from './_fixtures.ts';

const HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEY = new Uint8Array(Buffer.from(HEX, 'hex'));
const ID = 'interop-client';

const peers = new Peers();
afterEach(async () => {
  await peers.stopAll();
});

/** Our engine server with only the PSK (no certificate), on a loopback listener. */
async function pskOnlyListener(extra: { dangerouslyAllowPskKe?: boolean; groups?: number[] } = {}) {
  const config = serverConfig({
    provider: NOBLE.provider,
    certificates: [],
    externalPsk: (identity) => (Buffer.from(identity).toString('utf8') === ID ? { key: KEY } : undefined),
    ...extra,
  });
  const listener = await listenPumps(() => newServer(config));
  peers.onStop(() => listener.close());
  return listener;
}

/** `openssl s_server -nocert -psk`: no certificate at all, so only a PSK handshake can succeed. */
async function opensslPskServer(args: readonly string[] = []): Promise<number> {
  const port = await freePort();
  const peer = peers.track(
    new PeerProcess(`s_server:${port}`, 'openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-tls1_3', '-nocert', '-psk', HEX, '-psk_identity', ID, '-www', ...args]),
  );
  await peer.waitForOutput('ACCEPT', 10_000);
  return port;
}

describe('external PSK interop (OpenSSL 3.0)', () => {
  it('openssl s_client -psk -psk_identity → our server without a certificate: psk_dhe_ke, data both ways', async () => {
    const listener = await pskOnlyListener();
    const cli = peers.track(startOpensslClient(listener.port, ['-psk', HEX, '-psk_identity', ID]));
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.isResumed).toBe(true);
    expect(Buffer.from(n.externalPskIdentity ?? []).toString('utf8')).toBe(ID);
    expect(n.groupId).not.toBe(0);
    cli.send('ping\n');
    await pump.waitForText('ping\n');
    pump.write('pong\n');
    await cli.waitForOutput('pong');
    expect(cli.stdout()).toContain('Reused, TLSv1.3');
    pump.close();
    await cli.waitForOutput('closed', 10_000, 'any');
  });

  it('openssl s_client -allow_no_dhe_kex with a share we do not take → our server with dangerouslyAllowPskKe: psk_ke (RFC 8446 §4.2.9)', async () => {
    const listener = await pskOnlyListener({ dangerouslyAllowPskKe: true, groups: [NamedGroup.secp256r1] });
    const cli = peers.track(startOpensslClient(listener.port, ['-psk', HEX, '-psk_identity', ID, '-groups', 'X25519:P-256', '-allow_no_dhe_kex']));
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.group).toBe('none');
    cli.send('ping\n');
    await pump.waitForText('ping\n');
  });

  it('openssl s_client with a wrong key → our server: decrypt_error (the binder does not verify)', async () => {
    const listener = await pskOnlyListener();
    const cli = peers.track(startOpensslClient(listener.port, ['-psk', HEX.replace(/^00/, 'ff'), '-psk_identity', ID]));
    const pump = await listener.accepted(0);
    const failure = await pump.waitForFailure();
    expect(failure.alert).toBe(AlertDescription.decrypt_error);
    await cli.waitForOutput('decrypt error', 10_000, 'any');
  });

  it.each([NOBLE, NODE])('our client ($name) → openssl s_server -nocert -psk: the page says the session was a PSK one', async ({ provider }) => {
    const port = await opensslPskServer();
    const config = clientConfig({ provider, verifier: trustExactly([caDer('ecdsa-p256')]), externalPsk: { identity: Buffer.from(ID), key: KEY } });
    const pump = await connectPump(port, newClient(config));
    const n = await pump.handshake();
    expect(n.isResumed).toBe(true);
    expect(n.peerCertificates).toEqual([]);
    pump.write('GET / HTTP/1.0\r\n\r\n');
    await pump.waitForPeerClose();
    expect(pump.receivedText()).toContain('Reused, TLSv1.3');
  });

  it('our client with a wrong key → openssl s_server -nocert -psk: the server refuses with a fatal alert, never a silent success', async () => {
    const port = await opensslPskServer();
    const config = clientConfig({
      provider: NOBLE.provider,
      verifier: trustExactly([caDer('ecdsa-p256')]),
      externalPsk: { identity: Buffer.from(ID), key: new Uint8Array(32).fill(0xee) },
    });
    const pump = await connectPump(port, newClient(config));
    const failure = await pump.waitForFailure();
    // OpenSSL 3.0 answers a binder that does not verify with illegal_parameter.
    expect(failure.alert).toBe(AlertDescription.illegal_parameter);
    expect(failure.origin).toBe('peer');
  });
});

describe('external PSK through the node:tls-style adapter', () => {
  it('createServer({ pskCallback }) without key/cert ↔ connect({ pskCallback }) and node:tls', async () => {
    const seen: { socket: unknown; identity: string }[] = [];
    const server = createServer({
      pskCallback: (socket, identity) => {
        seen.push({ socket, identity });
        return identity === ID ? Buffer.from(KEY) : null;
      },
      pskIdentityHint: 'ignored in TLS 1.3',
    });
    server.on('secureConnection', (s: TLSSocket) => s.end('hello\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    peers.onStop(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;

    const ours = connect({ port, host: '127.0.0.1', pskCallback: () => ({ psk: Buffer.from(KEY), identity: ID }) });
    const got = await new Promise<string>((resolve, reject) => {
      let text = '';
      ours.on('data', (d: Buffer) => (text += d.toString()));
      ours.on('end', () => resolve(text));
      ours.on('error', reject);
    });
    expect(got).toBe('hello\n');
    expect(ours.authorized).toBe(true);
    expect(seen[0]?.identity).toBe(ID);
    expect(seen[0]?.socket).toBeInstanceOf(TLSSocket);

    const theirs = tls.connect({
      port,
      host: '127.0.0.1',
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_AES_128_GCM_SHA256',
      checkServerIdentity: () => undefined,
      pskCallback: () => ({ psk: Buffer.from(KEY), identity: ID }),
    });
    const fromNode = await new Promise<string>((resolve, reject) => {
      let text = '';
      theirs.on('data', (d: Buffer) => (text += d.toString()));
      theirs.on('end', () => resolve(text));
      theirs.on('error', reject);
    });
    expect(fromNode).toBe('hello\n');
  });
});
