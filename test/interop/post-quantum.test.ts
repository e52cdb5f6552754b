/**
 * Post-quantum key exchange by default (issue 11 item 5), as Chrome, Firefox, rustls and Go do:
 * our client's first ClientHello carries key shares for X25519MLKEM768 and x25519; our server
 * prefers X25519MLKEM768 when the client sent its share (RFC 8446 §4.2.8: the server selects).
 * Peers without ML-KEM (OpenSSL 3.0's s_server and node:tls here) still get an x25519 handshake
 * without a HelloRetryRequest.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfig, type ClientConfig } from '../../src/config.ts';
import { connect } from '../../src/node/connect.ts';
import { createServer } from '../../src/node/server.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { handshake, makePair } from '../helpers/pair.ts';
import { Peers, nodeTlsConnect, readAll, startNodeTlsServer, startOpensslServer } from '../helpers/peers.ts';
import { certPaths } from '../helpers/pki.ts';
import { collect } from '../node/_helpers.ts';
import { connectPump } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, newClient } from './_fixtures.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

const P = certPaths('ecdsa-p256');
const { X25519MLKEM768, x25519, secp256r1 } = NamedGroup;

function defaultClient(provider: ClientConfig['provider']): ClientConfig {
  return clientConfig({ provider, verifier: trustExactly([caDer('ecdsa-p256')]) });
}

describe('post-quantum by default', () => {
  for (const pc of [NODE, NOBLE]) {
    it(`${pc.name}: the default client shares X25519MLKEM768 and x25519 (in supported_groups order), and our server picks the hybrid`, () => {
      const config = defaultClient(pc.provider);
      expect(config.groups.slice(0, 2)).toEqual([X25519MLKEM768, x25519]);
      expect(config.keyShareGroups).toEqual([X25519MLKEM768, x25519]);
      const { client, server } = makePair(pc.provider);
      handshake(client, server);
      expect(server.negotiated?.groupId).toBe(X25519MLKEM768);
      expect(client.negotiated?.didRetry).toBe(false);
    });
  }

  it('our server takes a classic share the client sent rather than asking for the hybrid (no HelloRetryRequest)', () => {
    const { client, server } = makePair(NODE.provider, { client: { groups: [x25519, X25519MLKEM768], keyShareGroups: [x25519] } });
    handshake(client, server);
    expect(server.negotiated?.groupId).toBe(x25519);
    expect(server.negotiated?.didRetry).toBe(false);
  });

  it('an explicit group list keeps one key share, for its first group', () => {
    const config = clientConfig({ provider: NODE.provider, verifier: trustExactly([]), groups: [secp256r1, X25519MLKEM768, x25519] });
    expect(config.keyShareGroups).toEqual([secp256r1]);
  });

  it('our default client gets x25519 from openssl s_server (OpenSSL 3.0, no ML-KEM) without a HelloRetryRequest', async () => {
    const srv = await startOpensslServer({ identity: { cert: P.end, key: P.endKey, chain: P.inter }, args: ['-www'] });
    peers.track(srv.peer);
    const pump = await connectPump(srv.port, newClient(defaultClient(NODE.provider)));
    peers.onStop(() => void pump.socket.destroy());
    const n = await pump.handshake();
    expect(n.groupId).toBe(x25519);
    expect(n.didRetry).toBe(false);
  });

  it('our default connect() gets x25519 from a node:tls server without a HelloRetryRequest', async () => {
    const srv = await startNodeTlsServer({ key: readFileSync(P.endKey), cert: readFileSync(P.endChain) }, (s) => s.end('ok'));
    peers.onStop(() => void srv.close());
    const s = await new Promise<ReturnType<typeof connect>>((resolve, reject) => {
      const c = connect({ port: srv.port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(P.ca) }, () => resolve(c));
      c.once('error', reject);
    });
    peers.onStop(() => void s.destroy());
    expect(s.negotiated?.group).toBe('x25519');
    expect(s.negotiated?.didRetry).toBe(false);
    expect(Buffer.concat(await collect(s)).toString()).toBe('ok');
  });

  it('a node:tls client (x25519 share only) gets x25519 from our default server without a HelloRetryRequest', async () => {
    const server = createServer({ key: readFileSync(P.endKey), cert: readFileSync(P.endChain) }, (s) => s.end('ok'));
    const chosen = new Promise<string>((r) => server.once('secureConnection', (s) => r(`${s.negotiated?.group} retry=${s.negotiated?.didRetry}`)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    peers.onStop(() => void server.close());
    const port = (server.address() as { port: number }).port;
    const c = await nodeTlsConnect({ port, servername: 'localhost', ca: readFileSync(P.ca) });
    peers.onStop(() => void c.destroy());
    expect(c.getEphemeralKeyInfo()).toMatchObject({ name: 'X25519' });
    expect(await chosen).toBe('x25519 retry=false');
    expect((await readAll(c)).toString()).toBe('ok');
  });
});
