/**
 * psk_ke resumption (RFC 8446 §4.2.9): PSK-only key establishment, without (EC)DHE, is off by
 * default on both sides; `dangerouslyAllowPskKe` (server) and `dangerouslyOfferPskKe` (client)
 * turn it on, and psk_dhe_ke stays preferred.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfig, type ClientConfigInput, type ServerConfig, type ServerConfigInput } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { attachPsk, offerPsk } from '../../src/handshake/client/client-hello.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { findExtension, type Extension } from '../../src/messages/extensions/extensions.ts';
import type { ServerHello } from '../../src/messages/server-hello.ts';
import { AlertDescription, ContentType, HandshakeType, NamedGroup, PskKeyExchangeMode } from '../../src/protocol/registry.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { decodeMessage, editClientHello, editServerHello, parseRecords, splitHandshakeMessages } from '../helpers/tamper.ts';

const NOW = 1_749_600_000_000;

function configs(
  provider: CryptoProvider,
  server: Partial<ServerConfigInput> = {},
  client: Partial<ClientConfigInput> = {},
): { sc: ServerConfig; cc: ClientConfig } {
  const now = () => NOW;
  const sc = serverConfig({ provider, now, certificates: [testCertifiedKey(provider)], ticketSecret: new Uint8Array(32).fill(7), tickets: 1, ...server });
  const cc = clientConfig({ provider, now, verifier: trustExactly([testRoot()]), ...client });
  return { sc, cc };
}

/** A full handshake that leaves one ticket in the client's cache. */
function primeTicket(cc: ClientConfig, sc: ServerConfig): void {
  const client = new ClientConnection(cc, { serverName: 'localhost' });
  const server = new ServerConnection(sc);
  handshake(client, server);
  transfer(server, client);
  expect(cc.sessionCache?.count('localhost')).toBe(1);
}

/**
 * The resuming ClientHello of a client of `cc`, rewritten to offer only `modes` (and, with
 * `dropKeyShare`, without key_share and supported_groups), its binder recomputed (RFC 8446
 * §4.2.11.2) so that only the edit differs from an honest client.
 */
function rewrittenHello(cc: ClientConfig, modes: number[], dropKeyShare: boolean): { client: ClientConnection; hello: Uint8Array } {
  const session = cc.sessionCache?.take('localhost', NOW);
  if (!session) throw new Error('test: no ticket');
  const offered = offerPsk(cc, session);
  if (!offered) throw new Error('test: ticket not usable');
  const client = new ClientConnection(cc, { serverName: 'localhost', session });
  const hello = editClientHello(client.takeOutput(), (ch: ClientHello) => {
    const extensions: Extension[] = ch.extensions
      .filter((e) => !dropKeyShare || (e.kind !== 'key_share_client' && e.kind !== 'supported_groups'))
      .map((e) => (e.kind === 'psk_key_exchange_modes' ? { kind: 'psk_key_exchange_modes', keModes: modes } : e));
    return attachPsk(cc, { ...ch, extensions }, [offered], undefined);
  });
  return { client, hello };
}

/** The ServerHello at the start of `flight`, decoded. */
function serverHelloOf(flight: Uint8Array): ServerHello {
  const rec = parseRecords(flight).find((r) => r.type === ContentType.handshake);
  const raw = rec && splitHandshakeMessages(rec.fragment)[0];
  if (!raw) throw new Error('test: no ServerHello');
  const m = decodeMessage(raw);
  if (m.type !== HandshakeType.server_hello) throw new Error('test: not a ServerHello');
  return m;
}

describe.each(PROVIDERS)('psk_ke resumption ($name)', (provider) => {
  it('a default server gives a psk_ke-only client a full handshake with (EC)DHE (RFC 8446 §4.2.9)', () => {
    const { sc, cc } = configs(provider);
    primeTicket(cc, sc);
    const { hello } = rewrittenHello(cc, [PskKeyExchangeMode.psk_ke], false);
    const server = new ServerConnection(sc);
    server.receive(hello);
    const sh = serverHelloOf(server.takeOutput());
    expect(findExtension(sh.extensions, 'pre_shared_key_server')).toBeUndefined();
    expect(findExtension(sh.extensions, 'key_share_server')).toBeDefined();
  });

  it('a default server aborts with missing_extension for a psk_ke-only hello without key_share (RFC 8446 §9.2)', () => {
    const { sc, cc } = configs(provider);
    primeTicket(cc, sc);
    const { hello } = rewrittenHello(cc, [PskKeyExchangeMode.psk_ke], true);
    const err = expectTlsError(() => new ServerConnection(sc).receive(hello));
    expect(err.alert).toBe(AlertDescription.missing_extension);
    expect(err.origin).toBe('local');
  });

  it('with dangerouslyAllowPskKe the server resumes a psk_ke-only hello without key_share: ServerHello has pre_shared_key and no key_share (RFC 8446 §4.2.9, §9.2)', () => {
    const { sc, cc } = configs(provider, { dangerouslyAllowPskKe: true });
    primeTicket(cc, sc);
    const { hello } = rewrittenHello(cc, [PskKeyExchangeMode.psk_ke], true);
    const server = new ServerConnection(sc);
    server.receive(hello);
    const sh = serverHelloOf(server.takeOutput());
    expect(findExtension(sh.extensions, 'pre_shared_key_server')?.selectedIdentity).toBe(0);
    expect(findExtension(sh.extensions, 'key_share_server')).toBeUndefined();
  });

  it('with dangerouslyAllowPskKe a psk_ke-only hello with a bad binder still aborts with decrypt_error (RFC 8446 §4.2.11)', () => {
    const { sc, cc } = configs(provider, { dangerouslyAllowPskKe: true });
    primeTicket(cc, sc);
    const { hello } = rewrittenHello(cc, [PskKeyExchangeMode.psk_ke], true);
    const bad = hello.slice();
    bad[bad.length - 1]! ^= 1;
    const err = expectTlsError(() => new ServerConnection(sc).receive(bad));
    expect(err.alert).toBe(AlertDescription.decrypt_error);
  });

  it('with dangerouslyAllowPskKe and no ticket to resume, a hello without key_share still gets missing_extension (RFC 8446 §9.2)', () => {
    const { sc, cc } = configs(provider, { dangerouslyAllowPskKe: true });
    primeTicket(cc, sc);
    const { hello } = rewrittenHello(cc, [PskKeyExchangeMode.psk_ke], true);
    // Another server secret: the ticket does not open, so there is no PSK to resume with.
    const other = configs(provider, { dangerouslyAllowPskKe: true, ticketSecret: new Uint8Array(32).fill(8) }).sc;
    const err = expectTlsError(() => new ServerConnection(other).receive(hello));
    expect(err.alert).toBe(AlertDescription.missing_extension);
  });

  it('when both modes are offered with a key share, psk_dhe_ke is chosen (RFC 8446 §4.2.9)', () => {
    const { sc, cc } = configs(provider, { dangerouslyAllowPskKe: true }, { dangerouslyOfferPskKe: true });
    primeTicket(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    const hello = client.takeOutput();
    const ch = decodeMessage(splitHandshakeMessages(parseRecords(hello)[0]!.fragment)[0]!);
    expect(ch.type === HandshakeType.client_hello && findExtension(ch.extensions, 'psk_key_exchange_modes')?.keModes).toEqual([
      PskKeyExchangeMode.psk_dhe_ke,
      PskKeyExchangeMode.psk_ke,
    ]);
    server.receive(hello);
    const flight = server.takeOutput();
    const sh = serverHelloOf(flight);
    expect(findExtension(sh.extensions, 'pre_shared_key_server')?.selectedIdentity).toBe(0);
    expect(findExtension(sh.extensions, 'key_share_server')).toBeDefined();
    client.receive(flight);
    handshake(client, server);
    expect(server.negotiated?.isResumed).toBe(true);
    // The default groups: X25519MLKEM768 first, shared by the client and preferred by the server.
    expect(server.negotiated?.group).toBe('X25519MLKEM768');
    expect(client.negotiated?.group).toBe('X25519MLKEM768');
  });

  it('both sides opted in, a client with no key share resumes with psk_ke and exchanges data (RFC 8446 §4.2.9, §7.1 zero IKM)', () => {
    const { sc, cc } = configs(provider, { dangerouslyAllowPskKe: true }, { dangerouslyOfferPskKe: true, keyShareGroups: [] });
    primeTicket(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    transfer(client, server);
    const flight = server.takeOutput();
    const sh = serverHelloOf(flight);
    expect(findExtension(sh.extensions, 'key_share_server')).toBeUndefined();
    client.receive(flight);
    handshake(client, server);
    for (const conn of [client, server]) {
      expect(conn.negotiated?.isResumed).toBe(true);
      expect(conn.negotiated?.didRetry).toBe(false);
      expect(conn.negotiated?.group).toBe('none');
    }
    client.write(utf8('ping'));
    transfer(client, server);
    expect(readAll(server)).toEqual(utf8('ping'));
    server.write(utf8('pong'));
    transfer(server, client);
    expect(readAll(client)).toEqual(utf8('pong'));
  });

  it('a server without the option answers a key-share-less hello offering both modes with a HelloRetryRequest and resumes with psk_dhe_ke (RFC 8446 §4.1.4)', () => {
    const { sc, cc } = configs(provider, {}, { dangerouslyOfferPskKe: true, keyShareGroups: [] });
    primeTicket(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    handshake(client, server);
    expect(server.negotiated?.didRetry).toBe(true);
    expect(server.negotiated?.isResumed).toBe(true);
    expect(server.negotiated?.groupId).toBe(NamedGroup.X25519MLKEM768); // the server's first group
  });

  it('a client that did not offer psk_ke rejects a ServerHello with pre_shared_key and no key_share with missing_extension (RFC 8446 §4.2.9)', () => {
    const { sc, cc } = configs(provider);
    primeTicket(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    transfer(client, server);
    const flight = editServerHello(server.takeOutput(), (sh) => ({
      ...sh,
      extensions: sh.extensions.filter((e) => e.kind !== 'key_share_server'),
    }));
    expect(findExtension(serverHelloOf(flight).extensions, 'pre_shared_key_server')).toBeDefined();
    const err = expectTlsError(() => client.receive(flight));
    expect(err.alert).toBe(AlertDescription.missing_extension);
    expect(err.origin).toBe('local');
  });

  it('a client that offered psk_ke still rejects a ServerHello with neither key_share nor pre_shared_key (RFC 8446 §9.2)', () => {
    const { sc, cc } = configs(provider, {}, { dangerouslyOfferPskKe: true });
    primeTicket(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    transfer(client, server);
    const flight = editServerHello(server.takeOutput(), (sh) => ({
      ...sh,
      extensions: sh.extensions.filter((e) => e.kind !== 'key_share_server' && e.kind !== 'pre_shared_key_server'),
    }));
    const err = expectTlsError(() => client.receive(flight));
    expect(err.alert).toBe(AlertDescription.missing_extension);
  });
});
