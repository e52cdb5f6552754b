/**
 * Mutual TLS in the engine (RFC 8446 §4.3.2, §4.4.2, §4.4.2.4, §4.4.3): the server's
 * CertificateRequest, the client's choice of certificate, its CertificateVerify under the client
 * context string, the server's checks, and the client identity carried across resumption.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { clientConfig, serverConfig, type ClientAuthInput, type ClientConfigInput, type ServerConfigInput } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import type { HandshakeMessage } from '../../src/messages/handshake.ts';
import { AlertDescription, HandshakeType, SignatureScheme } from '../../src/protocol/registry.ts';
import { parseCertificate, parseCertificateChain } from '../../src/x509/certificate.ts';
import { certifiedKey, type CertifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly, type CertificateVerifier, type VerifyInput } from '../../src/x509/verifier.ts';
import { expectTlsError, failingHandshake, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { certPaths, type KeyType } from '../helpers/pki.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { KeyCapture, decodeMessage, parseRecords, protectionAt, resealHandshake, splitHandshakeMessages } from '../helpers/tamper.ts';
import { ContentType } from '../../src/protocol/registry.ts';
import { writeU16 } from '../../src/bytes/bytes.ts';
import { record } from '../helpers/tamper.ts';
import { TLS_AES_128_GCM_SHA256 } from '../../src/crypto/suites.ts';
import { decodeClientIdentity, encodeClientIdentity } from '../../src/handshake/server/tickets.ts';

/** The test PKI's client certificate (EKU clientAuth) with its intermediate, and its key. */
function clientCertifiedKey(provider: CryptoProvider, keyType: KeyType = 'ecdsa-p256'): CertifiedKey {
  const p = certPaths(keyType);
  const chain = readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8');
  return certifiedKey(provider, chain, readFileSync(p.clientKey, 'utf8'));
}

function clientChainDer(keyType: KeyType = 'ecdsa-p256'): Uint8Array[] {
  const p = certPaths(keyType);
  return parseCertificateChain(readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8'));
}

interface MtlsOptions {
  readonly clientAuth?: Partial<ClientAuthInput>;
  readonly client?: Partial<ClientConfigInput>;
  readonly server?: Partial<ServerConfigInput>;
}

function pair(provider: CryptoProvider, o: MtlsOptions = {}): { client: ClientConnection; server: ServerConnection } {
  const server = new ServerConnection(
    serverConfig({
      provider,
      certificates: [testCertifiedKey(provider)],
      clientAuth: { mode: 'required', verifier: trustExactly([testRoot()]), ...o.clientAuth },
      // tamper.ts rebuilds records under TLS_AES_128_GCM_SHA256, the first suite offered.
      preferChaCha20: false,
      ...o.server,
    }),
  );
  const client = new ClientConnection(
    clientConfig({ provider, verifier: trustExactly([testRoot()]), certificates: [clientCertifiedKey(provider)], ...o.client }),
    { serverName: 'localhost' },
  );
  return { client, server };
}


/** A verifier that records what it was asked and defers to `inner`. */
function spy(inner: CertificateVerifier): { verifier: CertificateVerifier; calls: VerifyInput[] } {
  const calls: VerifyInput[] = [];
  return { verifier: { verify: (input) => (calls.push(input), inner.verify(input)) }, calls };
}

describe.each(PROVIDERS)('mutual TLS ($name)', (provider) => {
  it('required: the client sends its chain and CertificateVerify; the server exposes the verified chain (RFC 8446 §4.4.2, §4.4.3)', () => {
    const { client, server } = pair(provider);
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toEqual(clientChainDer());
    // The server's own view of the client is not mixed into the client's report.
    expect(client.negotiated?.peerCertificates[0]).toEqual(testCertifiedKey(provider).chain[0]);
    client.write(utf8('hello'));
    transfer(client, server);
    expect(readAll(server)).toEqual(utf8('hello'));
  });

  it('checks the client chain with the client verifier for clientAuth and no server name (RFC 5280 §4.2.1.12)', () => {
    const s = spy(trustExactly([testRoot()]));
    const { client, server } = pair(provider, { clientAuth: { verifier: s.verifier } });
    handshake(client, server);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]?.usage).toBe('client');
    expect(s.calls[0]?.serverName).toBeUndefined();
    expect(s.calls[0]?.chain).toEqual(clientChainDer());
  });

  it('required: an empty client Certificate is refused with certificate_required (RFC 8446 §4.4.2.4)', () => {
    const { client, server } = pair(provider, { client: { certificates: [] } });
    failingHandshake(client, server);
    expect([server.error?.alert, server.error?.origin]).toEqual([AlertDescription.certificate_required, 'local']);
    expect([client.error?.alert, client.error?.origin]).toEqual([AlertDescription.certificate_required, 'peer']);
  });

  it('optional: an empty client Certificate continues unauthenticated (RFC 8446 §4.4.2.4)', () => {
    const { client, server } = pair(provider, { clientAuth: { mode: 'optional' }, client: { certificates: [] } });
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toEqual([]);
  });

  it('optional: a client certificate is still verified and exposed (RFC 8446 §4.4.2)', () => {
    const { client, server } = pair(provider, { clientAuth: { mode: 'optional' } });
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toEqual(clientChainDer());
  });

  it('optional: a client chain the verifier refuses aborts with its alert, unknown_ca (RFC 8446 §4.4.2.4)', () => {
    // The rsa-2048 client certificate does not chain to the ecdsa-p256 root the server trusts.
    const { client, server } = pair(provider, { clientAuth: { mode: 'optional' }, client: { certificates: [clientCertifiedKey(provider, 'rsa-2048')] } });
    failingHandshake(client, server);
    expect([server.error?.alert, server.error?.origin]).toEqual([AlertDescription.unknown_ca, 'local']);
  });

  it('the client picks the certificate whose key makes a scheme of the CertificateRequest (RFC 8446 §4.4.2.3)', () => {
    const { client, server } = pair(provider, {
      clientAuth: { verifier: trustExactly([testRoot(), testRoot('ed25519')]), signatureSchemes: [SignatureScheme.ed25519] },
      client: { certificates: [clientCertifiedKey(provider), clientCertifiedKey(provider, 'ed25519')] },
    });
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toEqual(clientChainDer('ed25519'));
  });

  it('no certificate with a requested scheme: the client sends an empty Certificate, certificate_required (RFC 8446 §4.4.2)', () => {
    const { client, server } = pair(provider, { clientAuth: { signatureSchemes: [SignatureScheme.ed25519] } });
    failingHandshake(client, server);
    expect(server.error?.alert).toBe(AlertDescription.certificate_required);
  });

  it('the client picks the certificate issued by a CA named in certificate_authorities (RFC 8446 §4.2.4)', () => {
    const rsaInter = parseCertificate(parseCertificateChain(readFileSync(certPaths('rsa-2048').inter, 'utf8'))[0]!);
    const { client, server } = pair(provider, {
      clientAuth: { verifier: trustExactly([testRoot(), testRoot('rsa-2048')]), certificateAuthorities: [rsaInter.subjectDer] },
      client: { certificates: [clientCertifiedKey(provider), clientCertifiedKey(provider, 'rsa-2048')] },
    });
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toEqual(clientChainDer('rsa-2048'));
  });

  it('RSA client keys sign CertificateVerify with RSASSA-PSS even when PKCS#1 is listed first (RFC 8446 §4.4.3)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, {
      clientAuth: {
        verifier: trustExactly([testRoot('rsa-2048')]),
        signatureSchemes: [SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pss_rsae_sha256],
      },
      client: { certificates: [clientCertifiedKey(provider, 'rsa-2048')], keyLog: keys.keyLog },
    });
    transfer(client, server);
    transfer(server, client);
    const flight = client.takeOutput();
    server.receive(flight);
    expect(server.isHandshakeDone).toBe(true);
    const cv = openClientFlight(provider, keys, flight).find((m) => m.type === HandshakeType.certificate_verify);
    expect(cv?.type === HandshakeType.certificate_verify && cv.algorithm).toBe(SignatureScheme.rsa_pss_rsae_sha256);
  });

  it('refuses a client CertificateVerify signed with the server context string: decrypt_error (RFC 8446 §4.4.3)', () => {
    const ck = clientCertifiedKey(provider);
    const serverContext = utf8('TLS 1.3, server CertificateVerify');
    const wrongContext: CertifiedKey = {
      ...ck,
      key: {
        schemes: ck.key.schemes,
        publicKey: ck.key.publicKey,
        // Signs the same transcript hash, but under the server's context string.
        sign: (scheme, message, random) => ck.key.sign(scheme, concat(message.subarray(0, 64), serverContext, message.subarray(64 + serverContext.length)), random),
      },
    };
    const { client, server } = pair(provider, { client: { certificates: [wrongContext] } });
    failingHandshake(client, server);
    expect([server.error?.alert, server.error?.origin]).toEqual([AlertDescription.decrypt_error, 'local']);
  });

  it('control: the same wrapper with the client context string is accepted', () => {
    const ck = clientCertifiedKey(provider);
    const same: CertifiedKey = { ...ck, key: { schemes: ck.key.schemes, publicKey: ck.key.publicKey, sign: (s, m, r) => ck.key.sign(s, m, r) } };
    const { client, server } = pair(provider, { client: { certificates: [same] } });
    handshake(client, server);
    expect(server.negotiated?.peerCertificates).toHaveLength(2);
  });

  it('refuses a client CertificateVerify with a scheme not in the CertificateRequest: illegal_parameter (RFC 8446 §4.4.3)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const flight = reseal(provider, keys, client.takeOutput(), (msgs) =>
      msgs.map((m) => (m.type === HandshakeType.certificate_verify ? { ...m, algorithm: SignatureScheme.ecdsa_sha1 } : m)),
    );
    const err = expectTlsError(() => server.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.illegal_parameter, 'local']);
  });

  it('refuses a client CertificateVerify whose offered scheme does not fit the key: illegal_parameter, as OpenSSL (RFC 8446 §4.4.3)', () => {
    const keys = new KeyCapture();
    // The client key is P-256; ecdsa_secp384r1_sha384 is in the CertificateRequest but binds P-384.
    const { client, server } = pair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const flight = reseal(provider, keys, client.takeOutput(), (msgs) =>
      msgs.map((m) => (m.type === HandshakeType.certificate_verify ? { ...m, algorithm: SignatureScheme.ecdsa_secp384r1_sha384 } : m)),
    );
    const err = expectTlsError(() => server.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.illegal_parameter, 'local']);
  });

  it('refuses a client Certificate whose context differs from the CertificateRequest: illegal_parameter (RFC 8446 §4.4.2)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const flight = reseal(provider, keys, client.takeOutput(), (msgs) =>
      msgs.map((m) => (m.type === HandshakeType.certificate ? { ...m, certificateRequestContext: new Uint8Array([1]) } : m)),
    );
    const err = expectTlsError(() => server.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.illegal_parameter, 'local']);
  });

  it('refuses a client Certificate without a CertificateVerify: unexpected_message (RFC 8446 §4.4.3)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const flight = reseal(provider, keys, client.takeOutput(), (msgs) => msgs.filter((m) => m.type !== HandshakeType.certificate_verify));
    const err = expectTlsError(() => server.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('refuses a Finished in place of the client Certificate: unexpected_message (RFC 8446 §4.4.2)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const flight = reseal(provider, keys, client.takeOutput(), (msgs) => msgs.filter((m) => m.type === HandshakeType.finished));
    const err = expectTlsError(() => server.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('refuses a client certificate entry extension it did not request: unsupported_extension (RFC 8446 §4.4.2)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const flight = reseal(provider, keys, client.takeOutput(), (msgs) =>
      msgs.map((m) =>
        m.type === HandshakeType.certificate
          ? { ...m, certificateList: m.certificateList.map((e, i) => (i === 0 ? { ...e, extensions: [{ kind: 'ocsp_response' as const, ocspResponse: new Uint8Array([0x30, 0]) }] } : e)) }
          : m,
      ),
    );
    const err = expectTlsError(() => server.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unsupported_extension, 'local']);
  });

  it('client: refuses a CertificateRequest without signature_algorithms: missing_extension (RFC 8446 §4.3.2)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, { server: { keyLog: keys.keyLog } });
    transfer(client, server);
    const flight = resealHandshake(provider, keys.get(KeyLogLabel.serverHandshakeTrafficSecret), server.takeOutput(), (msgs) =>
      msgs.map((m) =>
        m.type === HandshakeType.certificate_request
          ? { ...m, extensions: [{ kind: 'certificate_authorities' as const, authorities: [parseCertificate(testRoot()).subjectDer] }] }
          : m,
      ),
    );
    const err = expectTlsError(() => client.receive(flight));
    expect([err.alert, err.origin]).toEqual([AlertDescription.missing_extension, 'local']);
  });

  it('sends CertificateRequest with signature_algorithms and certificate_authorities after EncryptedExtensions (RFC 8446 §4.3.2)', () => {
    const keys = new KeyCapture();
    const name = parseCertificate(testRoot()).subjectDer;
    const { client, server } = pair(provider, { clientAuth: { certificateAuthorities: [name], signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256] }, server: { keyLog: keys.keyLog } });
    transfer(client, server);
    const records = parseRecords(server.takeOutput()).filter((r) => r.type === ContentType.application_data);
    const msgs = openRecords(provider, keys.get(KeyLogLabel.serverHandshakeTrafficSecret), records.map((r) => record(r.type, r.fragment)));
    expect(msgs.map((m) => m.type)).toEqual([
      HandshakeType.encrypted_extensions,
      HandshakeType.certificate_request,
      HandshakeType.certificate,
      HandshakeType.certificate_verify,
      HandshakeType.finished,
    ]);
    expect(msgs[1]).toEqual({
      type: HandshakeType.certificate_request,
      certificateRequestContext: new Uint8Array(0),
      extensions: [
        { kind: 'signature_algorithms', supportedSignatureAlgorithms: [SignatureScheme.ecdsa_secp256r1_sha256] },
        { kind: 'certificate_authorities', authorities: [name] },
      ],
    });
  });
});

describe.each(PROVIDERS)('mutual TLS and resumption ($name)', (provider) => {
  const ticketSecret = new Uint8Array(32).fill(3);

  it('a resumed session keeps the client identity of the full handshake, without a CertificateRequest (RFC 8446 §4.3.2, §2.2)', () => {
    const sc = serverConfig({ provider, certificates: [testCertifiedKey(provider)], ticketSecret, clientAuth: { mode: 'required', verifier: trustExactly([testRoot()]) } });
    const cc = clientConfig({ provider, verifier: trustExactly([testRoot()]), certificates: [clientCertifiedKey(provider)] });
    const first = connect(cc, sc);
    expect(first.server.negotiated?.peerCertificates).toEqual(clientChainDer());
    const second = connect(cc, sc);
    expect(second.server.negotiated?.isResumed).toBe(true);
    expect(second.server.negotiated?.peerCertificates).toEqual(clientChainDer());
  });

  it('required mode does not resume a ticket from an unauthenticated session; the full handshake then needs a certificate (RFC 8446 §4.4.2.4)', () => {
    const optional = serverConfig({ provider, certificates: [testCertifiedKey(provider)], ticketSecret, clientAuth: { mode: 'optional', verifier: trustExactly([testRoot()]) } });
    const required = serverConfig({ provider, certificates: [testCertifiedKey(provider)], ticketSecret, clientAuth: { mode: 'required', verifier: trustExactly([testRoot()]) } });
    const cc = clientConfig({ provider, verifier: trustExactly([testRoot()]) });
    connect(cc, optional);
    // Control: the optional server resumes this ticket.
    expect(connect(cc, optional).server.negotiated?.isResumed).toBe(true);
    connect(cc, optional);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(required);
    failingHandshake(client, server);
    expect(server.error?.alert).toBe(AlertDescription.certificate_required);
  });
});

describe('client identity in tickets (RFC 8446 §2.2, §4.6.1)', () => {
  it('keeps the whole chain, or the leaf alone when the chain is too big, or nothing (no tickets) when the leaf is', () => {
    const leaf = new Uint8Array(1000).fill(1);
    const inter = new Uint8Array(1000).fill(2);
    expect(decodeClientIdentity(encodeClientIdentity([leaf, inter])!)).toEqual([leaf, inter]);
    const big = new Uint8Array(20_000).fill(3);
    expect(decodeClientIdentity(encodeClientIdentity([leaf, big])!)).toEqual([leaf]);
    expect(encodeClientIdentity([big])).toBeUndefined();
    expect(decodeClientIdentity(encodeClientIdentity([])!)).toEqual([]);
  });

  it('reads a truncated identity as none', () => {
    const b = encodeClientIdentity([new Uint8Array(10).fill(1)])!;
    expect(decodeClientIdentity(b.subarray(0, 5))).toEqual([]);
  });
});

function connect(cc: ReturnType<typeof clientConfig>, sc: ReturnType<typeof serverConfig>): { client: ClientConnection; server: ServerConnection } {
  const client = new ClientConnection(cc, { serverName: 'localhost' });
  const server = new ServerConnection(sc);
  handshake(client, server);
  transfer(server, client);
  return { client, server };
}

/** The client's second flight with its handshake messages edited and re-sealed. */
function reseal(provider: CryptoProvider, keys: KeyCapture, flight: Uint8Array, edit: (m: HandshakeMessage[]) => HandshakeMessage[]): Uint8Array {
  return resealHandshake(provider, keys.get(KeyLogLabel.clientHandshakeTrafficSecret), flight, edit);
}

/** The handshake messages of the client's second flight. */
function openClientFlight(provider: CryptoProvider, keys: KeyCapture, flight: Uint8Array): HandshakeMessage[] {
  const records = parseRecords(flight).filter((r) => r.type === ContentType.application_data);
  return openRecords(provider, keys.get(KeyLogLabel.clientHandshakeTrafficSecret), records.map((r) => record(r.type, r.fragment)));
}

function openRecords(provider: CryptoProvider, secret: Uint8Array, records: Uint8Array[]): HandshakeMessage[] {
  const p = protectionAt(provider, TLS_AES_128_GCM_SHA256, secret);
  const plain: Uint8Array[] = [];
  for (const raw of records) {
    const fragment = raw.subarray(5);
    const header = raw.slice(0, 5);
    writeU16(header, 3, fragment.length);
    const inner = p.open({ contentType: ContentType.application_data, legacyRecordVersion: 0x0303, header, fragment });
    plain.push(inner.plaintext.slice());
  }
  return splitHandshakeMessages(concat(...plain)).map(decodeMessage);
}
