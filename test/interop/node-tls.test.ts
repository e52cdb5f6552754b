/**
 * @module test/interop/node-tls
 * puretls ↔ node:tls (Node's OpenSSL) on loopback, both directions: a representative subset of
 * suites/groups/certificates (the full matrix runs against the openssl binary), ALPN (RFC 7301),
 * close_notify both ways (RFC 8446 §6.1) and 8 MiB each way compared by SHA-256.
 */
import type tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { certPems, MATRIX_KEY_TYPES } from '../helpers/pki.ts';
import { nodeTlsConnect, Peers, startNodeTlsServer, withTimeout } from '../helpers/peers.ts';
import { connectPump, listenPumps, type PumpListener } from '../helpers/socket-pump.ts';
import {
  BULK_LEN, bulkPayload, caDer, GROUPS, NOBLE, NODE, newClient, newServer, ourCertificate, ourClientConfig, ourServerConfig,
  SCHEMES_FOR, sha256Hex, SUITES, type OurServerOptions, type ProviderCase,
} from './_fixtures.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

/** (suite, group) pairs covering every suite and every group once. */
const SUBSET = SUITES.map((s, i) => ({ suite: s, group: GROUPS[i % GROUPS.length] ?? GROUPS[0]! }));

async function listen(options: OurServerOptions): Promise<PumpListener> {
  const config = ourServerConfig(options);
  const listener = await listenPumps(() => newServer(config));
  peers.onStop(() => listener.close());
  return listener;
}

/** Resolves when `socket` has delivered `n` bytes; returns them. */
function collect(socket: tls.TLSSocket, n: number, ms = 60_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let len = 0;
  return withTimeout(
    new Promise<Buffer>((resolvePromise, reject) => {
      socket.on('data', (b: Buffer) => {
        chunks.push(b);
        len += b.length;
        if (len >= n) resolvePromise(Buffer.concat(chunks));
      });
      socket.once('error', reject);
      socket.once('end', () => reject(new Error(`end after ${len} of ${n} bytes`)));
    }),
    ms,
    `node:tls ${n} bytes`,
  );
}

function ended(socket: tls.TLSSocket, ms = 10_000): Promise<void> {
  return withTimeout(new Promise<void>((r) => socket.once('end', () => r())), ms, 'node:tls end (close_notify)');
}

describe.each([NOBLE, NODE])('puretls client ($name provider) ↔ node:tls server', (pc: ProviderCase) => {
  for (const type of MATRIX_KEY_TYPES) {
    for (const { suite, group } of pc.name === 'noble' ? SUBSET : SUBSET.slice(0, 1)) {
      it(`${suite.name} / ${group.name} / ${type}: handshake, echo, close_notify both ways (RFC 8446 §6.1)`, async () => {
        const pems = certPems(type);
        const serverEnded: Promise<void>[] = [];
        const server = await startNodeTlsServer(
          { key: pems.endKey, cert: pems.endChain },
          (s) => {
            s.on('data', (b: Buffer) => s.write(Buffer.concat([Buffer.from('echo:'), b])));
            serverEnded.push(ended(s));
          },
        );
        peers.onStop(() => server.close());
        const pump = await connectPump(server.port, newClient(ourClientConfig({
          provider: pc.provider, trusted: [caDer(type)], cipherSuites: [suite.id], groups: [group.id],
        })));
        const n = await pump.handshake();
        expect(n.cipherSuiteId).toBe(suite.id);
        expect(n.groupId).toBe(group.id);
        expect(SCHEMES_FOR[type]).toContain(n.signatureSchemeId);
        pump.write('hello');
        await pump.waitForText('echo:hello');
        pump.close(); // node:tls reports our close_notify as 'end' and answers with its own
        await serverEnded[0];
        await pump.waitForPeerClose();
      });
    }
  }
});

describe.each([NOBLE, NODE])('puretls server ($name provider) ↔ node:tls client', (pc: ProviderCase) => {
  for (const type of MATRIX_KEY_TYPES) {
    for (const { suite, group } of pc.name === 'noble' ? SUBSET : SUBSET.slice(0, 1)) {
      it(`${suite.name} / ${group.name} / ${type}: handshake, echo, close_notify both ways (RFC 8446 §6.1)`, async () => {
        const listener = await listen({ provider: pc.provider, certificates: [ourCertificate(pc.provider, type)] });
        const sock = await nodeTlsConnect({
          port: listener.port, ca: certPems(type).ca, servername: 'localhost', ciphers: suite.name,
          ecdhCurve: group.name === 'x25519' ? 'X25519' : group.openssl,
        });
        peers.onStop(() => {
          sock.destroy();
        });
        const pump = await listener.accepted(0);
        const n = await pump.handshake();
        expect(n.cipherSuiteId).toBe(suite.id);
        expect(n.groupId).toBe(group.id);
        expect(sock.getCipher().standardName).toBe(suite.name);
        sock.write('hello');
        await pump.waitForText('hello');
        pump.write('world');
        expect((await collect(sock, 5)).toString()).toBe('world');
        sock.end(); // close_notify from node:tls
        await pump.waitForPeerClose();
        const sockEnded = ended(sock);
        pump.close();
        await sockEnded;
      });
    }
  }
});

describe('puretls ↔ node:tls: ALPN and bulk (noble provider)', () => {
  const pc = NOBLE;

  it('client: agrees on ALPN with a node:tls server (RFC 7301 §3.2)', async () => {
    const pems = certPems('ecdsa-p256');
    let serverAlpn: string | false | null | undefined;
    const server = await startNodeTlsServer({ key: pems.endKey, cert: pems.endChain, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => {
      serverAlpn = s.alpnProtocol;
      s.end();
    });
    peers.onStop(() => server.close());
    const pump = await connectPump(server.port, newClient(ourClientConfig({ provider: pc.provider, alpnProtocols: ['http/1.1'] })));
    expect((await pump.handshake()).alpnProtocol).toBe('http/1.1');
    await pump.waitForPeerClose();
    expect(serverAlpn).toBe('http/1.1');
  });

  it('server: agrees on ALPN with a node:tls client, and a mismatch ends in no_application_protocol (RFC 7301 §3.2)', async () => {
    const listener = await listen({ provider: pc.provider, certificates: [ourCertificate(pc.provider, 'ed25519')], alpnProtocols: ['h2'] });
    const ca = certPems('ed25519').ca;
    const ok = await nodeTlsConnect({ port: listener.port, ca, servername: 'localhost', ALPNProtocols: ['http/1.1', 'h2'] });
    peers.onStop(() => {
      ok.destroy();
    });
    expect(ok.alpnProtocol).toBe('h2');
    expect((await (await listener.accepted(0)).handshake()).alpnProtocol).toBe('h2');

    const failed = await nodeTlsConnect({ port: listener.port, ca, servername: 'localhost', ALPNProtocols: ['foo'] }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(failed?.code).toBe('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    const err = await (await listener.accepted(1)).waitForFailure();
    expect(err.alert).toBe(AlertDescription.no_application_protocol);
  });

  it('client: 8 MiB each way with a node:tls server, byte-exact (SHA-256)', async () => {
    const toClient = bulkPayload();
    const toServer = bulkPayload();
    const pems = certPems('ecdsa-p256');
    let serverGot: Promise<Buffer> | undefined;
    const server = await startNodeTlsServer({ key: pems.endKey, cert: pems.endChain }, (s) => {
      serverGot = collect(s, BULK_LEN);
      s.write(toClient);
    });
    peers.onStop(() => server.close());
    const pump = await connectPump(server.port, newClient(ourClientConfig({ provider: pc.provider, groups: [NamedGroup.x25519] })));
    await pump.handshake();
    await pump.writeAll(toServer);
    await pump.waitForBytes(BULK_LEN);
    expect(pump.receivedLen).toBe(BULK_LEN);
    expect(sha256Hex(pump.received())).toBe(sha256Hex(toClient));
    const got = await (serverGot ?? Promise.reject(new Error('no connection')));
    expect(got.length).toBe(BULK_LEN);
    expect(sha256Hex(got)).toBe(sha256Hex(toServer));
    pump.close();
  });

  it('server: 8 MiB each way with a node:tls client, byte-exact (SHA-256)', async () => {
    const toClient = bulkPayload();
    const toServer = bulkPayload();
    const listener = await listen({ provider: pc.provider, certificates: [ourCertificate(pc.provider, 'rsa-2048')] });
    const sock = await nodeTlsConnect({ port: listener.port, ca: certPems('rsa-2048').ca, servername: 'localhost' });
    peers.onStop(() => {
      sock.destroy();
    });
    const clientGot = collect(sock, BULK_LEN);
    sock.write(toServer);
    const pump = await listener.accepted(0);
    await pump.handshake();
    await pump.writeAll(toClient);
    await pump.waitForBytes(BULK_LEN);
    expect(pump.receivedLen).toBe(BULK_LEN);
    expect(sha256Hex(pump.received())).toBe(sha256Hex(toServer));
    const got = await clientGot;
    expect(got.length).toBe(BULK_LEN);
    expect(sha256Hex(got)).toBe(sha256Hex(toClient));
  });
});
