/**
 * External PSKs (RFC 8446 §4.2.11): a key provisioned out of band, bound with the "ext binder"
 * key (RFC 8446 §7.1), psk_dhe_ke by default and psk_ke only with both dangerous options; a
 * server may have no certificate at all.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfigInput, type ServerConfigInput } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { CipherSuite } from '../../src/protocol/registry.ts';
import { attachPsk, offerExternalPsk } from '../../src/handshake/client/client-hello.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { findExtension } from '../../src/messages/extensions/extensions.ts';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { editClientHello } from '../helpers/tamper.ts';

const KEY = new Uint8Array(32).map((_, i) => i + 1);
const IDENTITY = utf8('client1');

function pair(
  provider: CryptoProvider,
  server: Partial<ServerConfigInput> = {},
  client: Partial<ClientConfigInput> = {},
): { client: ClientConnection; server: ServerConnection } {
  const sc = serverConfig({
    provider,
    certificates: [],
    externalPsk: (id) => (new TextDecoder().decode(id) === 'client1' ? { key: KEY } : undefined),
    ...server,
  });
  const cc = clientConfig({ provider, verifier: trustExactly([testRoot()]), externalPsk: { identity: IDENTITY, key: KEY }, ...client });
  return { client: new ClientConnection(cc, { serverName: 'localhost' }), server: new ServerConnection(sc) };
}

function exchange(client: ClientConnection, server: ServerConnection): void {
  client.write(utf8('ping'));
  transfer(client, server);
  expect(new TextDecoder().decode(readAll(server))).toBe('ping');
  server.write(utf8('pong'));
  transfer(server, client);
  expect(new TextDecoder().decode(readAll(client))).toBe('pong');
}

describe.each(PROVIDERS)('external PSK ($name)', (provider) => {
  it('a server without a certificate accepts the PSK with psk_dhe_ke: no certificates, (EC)DHE group, identity reported', () => {
    const { client, server } = pair(provider);
    handshake(client, server);
    exchange(client, server);
    for (const n of [client.negotiated, server.negotiated]) {
      expect(n?.isResumed).toBe(true);
      expect(n?.externalPskIdentity).toEqual(IDENTITY);
      expect(n?.peerCertificates).toEqual([]);
      expect(n?.signatureScheme).toBe('none');
      expect(n?.groupId).not.toBe(0);
    }
  });

  it('a server with a certificate also takes the PSK (RFC 8446 §2.2: no Certificate, no CertificateVerify)', () => {
    const { client, server } = pair(provider, { certificates: [testCertifiedKey(provider)] });
    handshake(client, server);
    expect(client.negotiated?.externalPskIdentity).toEqual(IDENTITY);
    expect(client.negotiated?.peerCertificates).toEqual([]);
  });

  it('an unknown identity on a server with a certificate gets a full, certificate-authenticated handshake', () => {
    const { client, server } = pair(provider, { certificates: [testCertifiedKey(provider)], externalPsk: () => undefined });
    handshake(client, server);
    expect(client.negotiated?.isResumed).toBe(false);
    expect(client.negotiated?.externalPskIdentity).toBeUndefined();
    expect(client.negotiated?.peerCertificates.length).toBeGreaterThan(0);
  });

  it('an unknown identity on a server without a certificate is handshake_failure', () => {
    const { client, server } = pair(provider, { externalPsk: () => undefined });
    const err = expectTlsError(() => handshake(client, server));
    expect(err.alert).toBe(AlertDescription.handshake_failure);
  });

  it('a client without a PSK gets handshake_failure from a server without a certificate', () => {
    const { client, server } = pair(provider, {}, { externalPsk: undefined });
    const err = expectTlsError(() => handshake(client, server));
    expect(err.alert).toBe(AlertDescription.handshake_failure);
  });

  it('a wrong key fails the binder: decrypt_error (RFC 8446 §4.2.11)', () => {
    const { client, server } = pair(provider, {}, { externalPsk: { identity: IDENTITY, key: new Uint8Array(32).fill(9) } });
    const err = expectTlsError(() => handshake(client, server));
    expect(err.alert).toBe(AlertDescription.decrypt_error);
  });

  it('a binder made with the "res binder" key instead of "ext binder" is refused: decrypt_error (RFC 8446 §7.1)', () => {
    const { client, server } = pair(provider);
    const cc = clientConfig({ provider, verifier: trustExactly([testRoot()]), externalPsk: { identity: IDENTITY, key: KEY } });
    const ext = offerExternalPsk(cc);
    if (!ext) throw new Error('test: PSK not offerable');
    const asTicket = { ...ext, binderKey: ext.earlySecret.resumptionBinderKey() };
    const hello = editClientHello(client.takeOutput(), (ch: ClientHello) => attachPsk(cc, ch, [asTicket], undefined));
    const err = expectTlsError(() => server.receive(hello));
    expect(err.alert).toBe(AlertDescription.decrypt_error);
  });

  it('psk_ke only with both dangerous options: no key_share, group none', () => {
    const { client, server } = pair(provider, { dangerouslyAllowPskKe: true }, { dangerouslyOfferPskKe: true, keyShareGroups: [], groups: [NamedGroup.x25519] });
    handshake(client, server);
    exchange(client, server);
    expect(server.negotiated?.group).toBe('none');
    expect(client.negotiated?.externalPskIdentity).toEqual(IDENTITY);
  });

  it('a client offering psk_ke is still given psk_dhe_ke by a default server', () => {
    const { client, server } = pair(provider, {}, { dangerouslyOfferPskKe: true });
    handshake(client, server);
    expect(server.negotiated?.groupId).not.toBe(0);
  });

  it('a SHA-384 PSK works with a SHA-384 suite and is not taken for a SHA-256 one (RFC 8446 §4.2.11)', () => {
    const psk384 = { server: { externalPsk: () => ({ key: KEY, hash: 'sha384' as const }) }, client: { externalPsk: { identity: IDENTITY, key: KEY, hash: 'sha384' as const } } };
    const ok = pair(provider, { ...psk384.server, cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384] }, psk384.client);
    handshake(ok.client, ok.server);
    expect(ok.client.negotiated?.cipherSuiteId).toBe(CipherSuite.TLS_AES_256_GCM_SHA384);
    expect(ok.client.negotiated?.externalPskIdentity).toEqual(IDENTITY);
    const mismatch = pair(provider, { ...psk384.server, cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] }, psk384.client);
    expect(expectTlsError(() => handshake(mismatch.client, mismatch.server)).alert).toBe(AlertDescription.handshake_failure);
  });

  it('the PSK survives a HelloRetryRequest, its binder recomputed (RFC 8446 §4.1.4, §4.2.11.2)', () => {
    const { client, server } = pair(provider, { groups: [NamedGroup.secp256r1] }, { keyShareGroups: [NamedGroup.x25519] });
    handshake(client, server);
    expect(client.negotiated?.didRetry).toBe(true);
    expect(client.negotiated?.externalPskIdentity).toEqual(IDENTITY);
  });

  it('tickets from a PSK handshake resume next time: the ticket first, the external PSK second', () => {
    const sc = serverConfig({ provider, certificates: [], externalPsk: () => ({ key: KEY }), tickets: 1 });
    const cc = clientConfig({ provider, verifier: trustExactly([testRoot()]), externalPsk: { identity: IDENTITY, key: KEY } });
    const first = { client: new ClientConnection(cc, { serverName: 'localhost' }), server: new ServerConnection(sc) };
    handshake(first.client, first.server);
    transfer(first.server, first.client);
    expect(cc.sessionCache?.count('localhost')).toBe(1);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    const hello = client.takeOutput();
    editClientHello(hello, (ch: ClientHello) => {
      expect(findExtension(ch.extensions, 'pre_shared_key_client')?.identities.map((i) => i.obfuscatedTicketAge === 0)).toEqual([false, true]);
      return ch;
    });
    server.receive(hello);
    handshake(client, server);
    expect(client.negotiated?.isResumed).toBe(true);
    expect(client.negotiated?.externalPskIdentity).toBeUndefined();
  });

  it('config: identity and key lengths are checked; a server needs a certificate or externalPsk', () => {
    const base = { provider, verifier: trustExactly([testRoot()]) };
    expect(() => clientConfig({ ...base, externalPsk: { identity: new Uint8Array(0), key: KEY } })).toThrow(RangeError);
    expect(() => clientConfig({ ...base, externalPsk: { identity: IDENTITY, key: new Uint8Array(0) } })).toThrow(RangeError);
    expect(() => serverConfig({ provider, certificates: [] })).toThrow(TypeError);
  });

  it('a malformed key from the server hook is internal_error, not a crash', () => {
    const { client, server } = pair(provider, { externalPsk: () => ({ key: new Uint8Array(0) }) });
    expect(expectTlsError(() => handshake(client, server)).alert).toBe(AlertDescription.internal_error);
  });
});
