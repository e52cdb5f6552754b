/**
 * Post-handshake client authentication (RFC 8446 §4.2.6, §4.6.2): the server asks a client that
 * offered post_handshake_auth for a certificate after the handshake; the client answers with
 * Certificate, CertificateVerify and Finished (base key client_application_traffic_secret_N,
 * RFC 8446 §4.4); the server checks them like the handshake's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { clientConfig, serverConfig, type ClientAuthInput, type ClientConfigInput } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import type { ConnectionEvent } from '../../src/connection/events.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { AlertDescription, ExtensionType, HandshakeType } from '../../src/protocol/registry.ts';
import { parseCertificateChain } from '../../src/x509/certificate.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { drainEvents, expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { certPaths } from '../helpers/pki.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { decodeMessage, parseRecords, splitHandshakeMessages } from '../helpers/tamper.ts';

function pair(
  provider: CryptoProvider,
  auth: Partial<ClientAuthInput> | null = {},
  client: Partial<ClientConfigInput> = {},
): { client: ClientConnection; server: ServerConnection } {
  const p = certPaths('ecdsa-p256');
  const clientKey = certifiedKey(provider, readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8'), readFileSync(p.clientKey, 'utf8'));
  const server = new ServerConnection(
    serverConfig({
      provider,
      certificates: [testCertifiedKey(provider)],
      ...(auth === null ? {} : { postHandshakeClientAuth: { mode: 'required', verifier: trustExactly([testRoot()]), ...auth } }),
    }),
  );
  const conn = new ClientConnection(
    clientConfig({ provider, verifier: trustExactly([testRoot()]), certificates: [clientKey], postHandshakeAuth: true, ...client }),
    { serverName: 'localhost' },
  );
  return { client: conn, server };
}

function clientChain(): Uint8Array[] {
  const p = certPaths('ecdsa-p256');
  return parseCertificateChain(readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8'));
}

function certificateEvents(events: ConnectionEvent[]): (readonly Uint8Array[])[] {
  return events.flatMap((e) => (e.kind === 'clientCertificate' ? [e.peerCertificates] : []));
}

/** Requests, lets the client answer, and returns the server's events. */
function authenticate(client: ClientConnection, server: ServerConnection): ConnectionEvent[] {
  drainEvents(server);
  server.requestClientCertificate();
  transfer(server, client);
  transfer(client, server);
  return drainEvents(server);
}

describe.each(PROVIDERS)('post-handshake authentication ($name)', (provider) => {
  it('the client offers an empty post_handshake_auth only when configured (RFC 8446 §4.2.6)', () => {
    for (const on of [true, false]) {
      const { client } = pair(provider, {}, { postHandshakeAuth: on });
      const rec = parseRecords(client.takeOutput())[0];
      const hello = decodeMessage(splitHandshakeMessages(rec!.fragment)[0]!);
      if (hello.type !== HandshakeType.client_hello) throw new Error('test: not a ClientHello');
      const ext = hello.extensions.find((e) => e.kind === 'unknown' && e.type === ExtensionType.post_handshake_auth);
      expect(ext !== undefined).toBe(on);
      if (ext?.kind === 'unknown') expect(ext.data.length).toBe(0);
    }
  });

  it('a certificate asked for after the handshake is verified and becomes the peer identity; data keeps flowing', () => {
    const { client, server } = pair(provider);
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toEqual([]);
    const events = authenticate(client, server);
    expect(certificateEvents(events)).toEqual([clientChain()]);
    expect(server.negotiated?.peerCertificates).toEqual(clientChain());
    client.write(utf8('after'));
    transfer(client, server);
    expect(new TextDecoder().decode(readAll(server))).toBe('after');
    server.write(utf8('back'));
    transfer(server, client);
    expect(new TextDecoder().decode(readAll(client))).toBe('back');
  });

  it('two requests in turn, each with its own context (RFC 8446 §4.6.2); a second one before the answer is refused without harm', () => {
    const { client, server } = pair(provider);
    handshake(client, server);
    server.requestClientCertificate();
    expect(() => server.requestClientCertificate()).toThrow(/not answered/);
    transfer(server, client);
    transfer(client, server);
    expect(certificateEvents(drainEvents(server))).toHaveLength(1);
    expect(certificateEvents(authenticate(client, server))).toHaveLength(1);
  });

  it('a KeyUpdate of the client crossing the request: the Finished uses the updated client secret (RFC 8446 §4.4)', () => {
    const { client, server } = pair(provider);
    handshake(client, server);
    server.requestClientCertificate();
    client.updateKeys(false);
    transfer(client, server);
    transfer(server, client);
    transfer(client, server);
    expect(certificateEvents(drainEvents(server))).toEqual([clientChain()]);
  });

  it('a client without a certificate: certificate_required in required mode (RFC 8446 §4.4.2.4)', () => {
    const { client, server } = pair(provider, {}, { certificates: [] });
    handshake(client, server);
    server.requestClientCertificate();
    transfer(server, client);
    const err = expectTlsError(() => transfer(client, server));
    expect(err.alert).toBe(AlertDescription.certificate_required);
  });

  it('a client without a certificate in optional mode: reported as an empty chain, the connection goes on', () => {
    const { client, server } = pair(provider, { mode: 'optional' }, { certificates: [] });
    handshake(client, server);
    expect(certificateEvents(authenticate(client, server))).toEqual([[]]);
    client.write(utf8('x'));
    transfer(client, server);
    expect(readAll(server).length).toBe(1);
  });

  it('a chain the verifier refuses fails the connection with its alert', () => {
    const { client, server } = pair(provider, { verifier: trustExactly([testRoot('ed25519')]) });
    handshake(client, server);
    server.requestClientCertificate();
    transfer(server, client);
    const err = expectTlsError(() => transfer(client, server));
    expect(err.alert).not.toBe(AlertDescription.internal_error);
    expect(server.error).toBeDefined();
  });

  it('not offered by the client, or no verifier configured: requestClientCertificate throws, the connection is unharmed', () => {
    const a = pair(provider, {}, { postHandshakeAuth: false });
    handshake(a.client, a.server);
    expect(() => a.server.requestClientCertificate()).toThrow(/post_handshake_auth/);
    const b = pair(provider, null);
    handshake(b.client, b.server);
    expect(() => b.server.requestClientCertificate()).toThrow(/configured/);
    for (const { client, server } of [a, b]) {
      client.write(utf8('ok'));
      transfer(client, server);
      expect(readAll(server).length).toBe(2);
    }
  });

  it('before the handshake completes requestClientCertificate throws', () => {
    const { server } = pair(provider);
    expect(() => server.requestClientCertificate()).toThrow(/application data phase/);
  });
});
