/**
 * @module test/interop/loopback
 * puretls client ↔ puretls server over real loopback sockets: the hybrid X25519MLKEM768 group
 * (draft-ietf-tls-ecdhe-mlkem; OpenSSL 3.0 and Node 20 lack ML-KEM, so this is the only live peer),
 * mixed providers, and the exporter agreeing on both ends (RFC 8446 §7.5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { Peers } from '../helpers/peers.ts';
import { connectPump, listenPumps } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, newClient, newServer, ourCertificate, ourClientConfig, ourServerConfig, type ProviderCase } from './_fixtures.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

const PAIRS: readonly { client: ProviderCase; server: ProviderCase }[] = [
  { client: NOBLE, server: NOBLE },
  { client: NOBLE, server: NODE },
  { client: NODE, server: NOBLE },
];

describe('puretls client ↔ puretls server over loopback', () => {
  for (const { client, server } of PAIRS) {
    it(`negotiates X25519MLKEM768 (${client.name} client, ${server.name} server) and exports equal keying material (RFC 8446 §7.5)`, async () => {
      const sconf = ourServerConfig({
        provider: server.provider, certificates: [ourCertificate(server.provider, 'ecdsa-p256')], groups: [NamedGroup.X25519MLKEM768],
      });
      const listener = await listenPumps(() => newServer(sconf));
      peers.onStop(() => listener.close());
      const cconf = ourClientConfig({
        provider: client.provider, trusted: [caDer('ecdsa-p256')], groups: [NamedGroup.X25519MLKEM768, NamedGroup.x25519],
        keyShareGroups: [NamedGroup.X25519MLKEM768],
      });
      const c = await connectPump(listener.port, newClient(cconf));
      const s = await listener.accepted(0);
      const [nc, ns] = await Promise.all([c.handshake(), s.handshake()]);
      expect(nc.groupId).toBe(NamedGroup.X25519MLKEM768);
      expect(ns.groupId).toBe(NamedGroup.X25519MLKEM768);
      expect(nc.didRetry).toBe(false);
      const context = new Uint8Array([1, 2, 3]);
      const exported = c.conn.exportKeyingMaterial('EXPERIMENTAL-interop', context, 32);
      expect(exported.length).toBe(32);
      expect(Buffer.from(exported)).toEqual(Buffer.from(s.conn.exportKeyingMaterial('EXPERIMENTAL-interop', context, 32)));
      c.write('over the hybrid group');
      await s.waitForText('over the hybrid group');
      c.updateKeys(true);
      s.write('after update');
      await c.waitForText('after update');
      c.close();
      await s.waitForPeerClose();
      s.close();
      await c.waitForPeerClose();
    });
  }

  it('falls back to X25519MLKEM768 through a HelloRetryRequest when the client guessed x25519 (RFC 8446 §4.1.4)', async () => {
    const sconf = ourServerConfig({
      provider: NOBLE.provider, certificates: [ourCertificate(NOBLE.provider, 'ed25519')], groups: [NamedGroup.X25519MLKEM768],
    });
    const listener = await listenPumps(() => newServer(sconf));
    peers.onStop(() => listener.close());
    const cconf = ourClientConfig({
      provider: NOBLE.provider, groups: [NamedGroup.x25519, NamedGroup.X25519MLKEM768], keyShareGroups: [NamedGroup.x25519],
    });
    const c = await connectPump(listener.port, newClient(cconf));
    const n = await c.handshake();
    expect(n.didRetry).toBe(true);
    expect(n.groupId).toBe(NamedGroup.X25519MLKEM768);
    c.close();
  });
});
