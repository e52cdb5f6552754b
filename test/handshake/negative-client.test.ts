/**
 * Negative tests for the client (STYLE §8): every ServerHello, HelloRetryRequest and encrypted
 * server message the client rejects, each with the alert RFC 8446 names for it, the error's
 * origin, and the alert the client puts on the wire. Encrypted messages are altered by opening
 * and re-sealing the server's flight with the secret captured from the key log
 * (test/helpers/tamper.ts).
 */
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import { encodeHandshake, type HandshakeMessage, type ServerHello } from '../../src/messages/handshake.ts';
import type { Extension } from '../../src/messages/extensions/extensions.ts';
import {
  AlertDescription,
  CipherSuite,
  ContentType,
  HandshakeType,
  NamedGroup,
  SignatureScheme,
} from '../../src/protocol/registry.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { expectTlsError, handshake, makePair, testRoot, transfer, transferAltered, type PairOptions } from '../helpers/pair.ts';
import { KeyCapture, editServerHello, encodeRecords, parseRecords, record, resealHandshake } from '../helpers/tamper.ts';

const provider = nobleProvider;

/** The connection's output is exactly one plaintext fatal alert `alert` (RFC 8446 §6.2). */
function expectPlaintextAlert(conn: Connection, alert: number): void {
  expect(conn.takeOutput()).toEqual(record(ContentType.alert, new Uint8Array([2, alert])));
}

/** The connection's output ends with one protected alert (2 bytes + type + 16-byte tag). */
function expectProtectedAlert(conn: Connection): void {
  const recs = parseRecords(conn.takeOutput());
  const last = recs[recs.length - 1];
  expect(last?.type).toBe(ContentType.application_data);
  expect(last?.fragment.length).toBe(2 + 1 + 16);
}

/** Delivers the server's first flight with its ServerHello edited; returns the client's alert. */
function rejectServerHello(edit: (sh: ServerHello) => ServerHello | Uint8Array, opts: PairOptions = {}): number {
  const { client, server } = makePair(provider, opts);
  transfer(client, server);
  const err = expectTlsError(() => transferAltered(server, client, (b) => editServerHello(b, edit)));
  expect(err.origin).toBe('local');
  expectPlaintextAlert(client, err.alert);
  return err.alert;
}

function withExtensions(sh: ServerHello, f: (exts: readonly Extension[]) => Extension[]): ServerHello {
  return { ...sh, extensions: f(sh.extensions) };
}

describe('client rejects a bad ServerHello', () => {
  it('with a legacy_session_id_echo that differs: illegal_parameter (RFC 8446 §4.1.3)', () => {
    expect(rejectServerHello((sh) => ({ ...sh, legacySessionIdEcho: sh.legacySessionIdEcho.map((b) => b ^ 1) }))).toBe(
      AlertDescription.illegal_parameter,
    );
  });

  it('with an empty legacy_session_id_echo in compatibility mode: illegal_parameter (RFC 8446 §4.1.3)', () => {
    expect(rejectServerHello((sh) => ({ ...sh, legacySessionIdEcho: new Uint8Array(0) }))).toBe(AlertDescription.illegal_parameter);
  });

  it('with a cipher suite we did not offer: illegal_parameter (RFC 8446 §4.1.3)', () => {
    const alert = rejectServerHello((sh) => ({ ...sh, cipherSuite: CipherSuite.TLS_AES_256_GCM_SHA384 }), {
      client: { cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] },
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with a non-zero compression method: illegal_parameter (RFC 8446 §4.1.3)', () => {
    expect(rejectServerHello((sh) => ({ ...sh, legacyCompressionMethod: 1 }))).toBe(AlertDescription.illegal_parameter);
  });

  it('without supported_versions: protocol_version (RFC 8446 §4.2.1)', () => {
    const alert = rejectServerHello((sh) => withExtensions(sh, (e) => e.filter((x) => x.kind !== 'supported_versions_server')));
    expect(alert).toBe(AlertDescription.protocol_version);
  });

  it('selecting a version other than TLS 1.3: illegal_parameter (RFC 8446 §4.2.1)', () => {
    const alert = rejectServerHello((sh) =>
      withExtensions(sh, (e) => e.map((x) => (x.kind === 'supported_versions_server' ? { ...x, selectedVersion: 0x0303 } : x))),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with legacy_version 0x0300 (SSL 3.0): protocol_version (RFC 8446 Appendix D.5)', () => {
    expect(rejectServerHello((sh) => ({ ...sh, legacyVersion: 0x0300 }))).toBe(AlertDescription.protocol_version);
  });

  it('with legacy_version other than 0x0303: illegal_parameter (RFC 8446 §4.1.3)', () => {
    expect(rejectServerHello((sh) => ({ ...sh, legacyVersion: 0x0304 }))).toBe(AlertDescription.illegal_parameter);
  });

  it('with a key share for a group we did not send: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const alert = rejectServerHello((sh) =>
      withExtensions(sh, (e) =>
        e.map((x) => (x.kind === 'key_share_server' ? { ...x, serverShare: { ...x.serverShare, group: NamedGroup.secp256r1 } } : x)),
      ),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('without key_share: missing_extension (RFC 8446 §4.2.8, §9.2)', () => {
    const alert = rejectServerHello((sh) =>
      withExtensions(sh, (e) => e.filter((x) => x.kind !== 'key_share_server')),
    );
    expect(alert).toBe(AlertDescription.missing_extension);
  });

  it('with an extension we did not send: unsupported_extension (RFC 8446 §4.2)', () => {
    const alert = rejectServerHello((sh) => withExtensions(sh, (e) => [...e, { kind: 'unknown', type: 0x7a7a, data: new Uint8Array(0) }]));
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('with a pre_shared_key we did not offer: unsupported_extension (RFC 8446 §4.2.11)', () => {
    const alert = rejectServerHello((sh) => withExtensions(sh, (e) => [...e, { kind: 'pre_shared_key_server', selectedIdentity: 0 }]));
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('with an all-zero x25519 share: illegal_parameter (RFC 8446 §7.4.2)', () => {
    const alert = rejectServerHello((sh) =>
      withExtensions(sh, (e) =>
        e.map((x) => (x.kind === 'key_share_server' ? { ...x, serverShare: { ...x.serverShare, keyExchange: new Uint8Array(32) } } : x)),
      ),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with an x25519 share of the wrong length: illegal_parameter (RFC 8446 §4.2.8.2)', () => {
    const alert = rejectServerHello((sh) =>
      withExtensions(sh, (e) =>
        e.map((x) => (x.kind === 'key_share_server' ? { ...x, serverShare: { ...x.serverShare, keyExchange: new Uint8Array(31).fill(5) } } : x)),
      ),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with a P-256 share that is not on the curve: illegal_parameter (RFC 8446 §4.2.8.2)', () => {
    const bad = new Uint8Array(65).fill(1);
    bad[0] = 4;
    const alert = rejectServerHello(
      (sh) =>
        withExtensions(sh, (e) =>
          e.map((x) => (x.kind === 'key_share_server' ? { ...x, serverShare: { ...x.serverShare, keyExchange: bad } } : x)),
        ),
      { client: { groups: [NamedGroup.secp256r1] } },
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('that does not end its record: unexpected_message (RFC 8446 §5.1)', () => {
    const { client, server } = makePair(provider);
    transfer(client, server);
    const err = expectTlsError(() =>
      transferAltered(server, client, (b) => {
        const recs = parseRecords(b);
        const sh = recs[0]!;
        // An empty EncryptedExtensions in the clear, in the same record as the ServerHello.
        recs[0] = { ...sh, fragment: concat(sh.fragment, new Uint8Array([HandshakeType.encrypted_extensions, 0, 0, 2, 0, 0])) };
        return encodeRecords(recs);
      }),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expectPlaintextAlert(client, AlertDescription.unexpected_message);
  });

  it('that is interleaved with a change_cipher_spec record: unexpected_message (RFC 8446 §5.1)', () => {
    const { client, server } = makePair(provider);
    transfer(client, server);
    const err = expectTlsError(() =>
      transferAltered(server, client, (b) => {
        const [sh, ...rest] = parseRecords(b);
        const f = sh!.fragment;
        return concat(
          record(ContentType.handshake, f.subarray(0, 10)),
          record(ContentType.change_cipher_spec, new Uint8Array([1])),
          record(ContentType.handshake, f.subarray(10)),
          encodeRecords(rest),
        );
      }),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('that is interleaved with an alert record: unexpected_message (RFC 8446 §5.1)', () => {
    const { client, server } = makePair(provider);
    transfer(client, server);
    const err = expectTlsError(() =>
      transferAltered(server, client, (b) => {
        const [sh] = parseRecords(b);
        const f = sh!.fragment;
        return concat(
          record(ContentType.handshake, f.subarray(0, 10)),
          record(ContentType.alert, new Uint8Array([1, 0])),
          record(ContentType.handshake, f.subarray(10)),
        );
      }),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a ClientHello sent to a client: unexpected_message (RFC 8446 §4)', () => {
    const { client } = makePair(provider);
    const other = makePair(provider);
    const hello = other.client.takeOutput();
    const err = expectTlsError(() => client.receive(hello));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });
});

describe('client rejects a bad HelloRetryRequest (RFC 8446 §4.1.4)', () => {
  const RETRY: PairOptions = {
    client: { groups: [NamedGroup.secp256r1, NamedGroup.x25519], keyShareGroups: [NamedGroup.secp256r1] },
    server: { groups: [NamedGroup.x25519] },
  };

  function rejectRetryRequest(edit: (hrr: ServerHello) => ServerHello, opts: PairOptions = RETRY): number {
    const { client, server } = makePair(provider, opts);
    transfer(client, server);
    const err = expectTlsError(() =>
      transferAltered(server, client, (b) =>
        editServerHello(b, (hrr) => {
          expect(hrr.isHelloRetryRequest).toBe(true);
          return edit(hrr);
        }),
      ),
    );
    expect(err.origin).toBe('local');
    expectPlaintextAlert(client, err.alert);
    return err.alert;
  }

  it('a second HelloRetryRequest: unexpected_message', () => {
    const { client, server } = makePair(provider, RETRY);
    transfer(client, server);
    const hrr = server.takeOutput();
    client.receive(hrr);
    client.takeOutput();
    const err = expectTlsError(() => client.receive(hrr));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expectPlaintextAlert(client, AlertDescription.unexpected_message);
  });

  it('one that would not change the ClientHello: illegal_parameter', () => {
    // Neither a key_share nor a cookie: only supported_versions is left.
    const alert = rejectRetryRequest((hrr) => withExtensions(hrr, (e) => e.filter((x) => x.kind === 'supported_versions_server')));
    expect(alert).toBe(
      AlertDescription.illegal_parameter,
    );
  });

  it('one that asks for a group we already sent a share for: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const alert = rejectRetryRequest((hrr) =>
      withExtensions(hrr, (e) => e.map((x) => (x.kind === 'key_share_hrr' ? { ...x, selectedGroup: NamedGroup.secp256r1 } : x))),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('one that asks for a group we did not offer: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const alert = rejectRetryRequest((hrr) =>
      withExtensions(hrr, (e) => e.map((x) => (x.kind === 'key_share_hrr' ? { ...x, selectedGroup: NamedGroup.secp384r1 } : x))),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('one with a cipher suite we did not offer: illegal_parameter (RFC 8446 §4.1.4)', () => {
    const alert = rejectRetryRequest((hrr) => ({ ...hrr, cipherSuite: CipherSuite.TLS_AES_256_GCM_SHA384 }), {
      client: { ...RETRY.client!, cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] },
      server: RETRY.server!,
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('a ServerHello whose suite differs from the HelloRetryRequest: illegal_parameter (RFC 8446 §4.1.4)', () => {
    const { client, server } = makePair(provider, RETRY);
    transfer(client, server);
    transfer(server, client);
    transfer(client, server);
    const err = expectTlsError(() =>
      transferAltered(server, client, (b) =>
        editServerHello(b, (sh) => {
          expect(sh.isHelloRetryRequest).toBe(false);
          return { ...sh, cipherSuite: CipherSuite.TLS_CHACHA20_POLY1305_SHA256 };
        }),
      ),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.illegal_parameter, 'local']);
    expectPlaintextAlert(client, AlertDescription.illegal_parameter);
  });
});

describe('client rejects bad encrypted server messages', () => {
  /**
   * Runs to the server's first flight and delivers it with its encrypted messages passed through
   * `edit`; returns the client's error after checking it is local and its alert went out
   * protected (the client's handshake write key is installed with the ServerHello).
   */
  function rejectFlight(edit: (msgs: HandshakeMessage[]) => (HandshakeMessage | Uint8Array)[], opts: PairOptions = {}): number {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { ...opts, client: { ...opts.client, keyLog: keys.keyLog } });
    transfer(client, server);
    const flight = server.takeOutput();
    const err = expectTlsError(() => {
      // The secret is logged while the ServerHello is processed, so split the flight.
      const [sh, ...rest] = parseRecords(flight);
      client.receive(record(sh!.type, sh!.fragment));
      const secret = keys.get(KeyLogLabel.serverHandshakeTrafficSecret);
      client.receive(resealHandshake(provider, secret, encodeRecords(rest), edit));
    });
    expect(err.origin).toBe('local');
    expectProtectedAlert(client);
    return err.alert;
  }

  function mapType<T extends HandshakeMessage['type']>(
    type: T,
    f: (m: Extract<HandshakeMessage, { type: T }>) => HandshakeMessage | Uint8Array,
  ): (msgs: HandshakeMessage[]) => (HandshakeMessage | Uint8Array)[] {
    return (msgs) => msgs.map((m) => (m.type === type ? f(m as Extract<HandshakeMessage, { type: T }>) : m));
  }

  it('accepts the re-sealed but unaltered flight (control for the tamper helper)', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    const [sh, ...rest] = parseRecords(server.takeOutput());
    client.receive(record(sh!.type, sh!.fragment));
    client.receive(resealHandshake(provider, keys.get(KeyLogLabel.serverHandshakeTrafficSecret), encodeRecords(rest), (m) => m));
    transfer(client, server);
    expect(client.isHandshakeDone && server.isHandshakeDone).toBe(true);
  });

  it('EncryptedExtensions with ALPN we did not offer: unsupported_extension (RFC 8446 §4.2, RFC 7301 §3.1)', () => {
    const alert = rejectFlight(
      mapType(HandshakeType.encrypted_extensions, (ee) => ({ ...ee, extensions: [...ee.extensions, { kind: 'alpn', protocolNameList: [utf8('h2')] }] })),
    );
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('EncryptedExtensions selecting an ALPN protocol not in our list: illegal_parameter (RFC 7301 §3.1)', () => {
    const alert = rejectFlight(
      mapType(HandshakeType.encrypted_extensions, (ee) => ({
        ...ee,
        extensions: ee.extensions.map((e) => (e.kind === 'alpn' ? { ...e, protocolNameList: [utf8('h3')] } : e)),
      })),
      { client: { alpnProtocols: ['h2'] }, server: { alpnProtocols: ['h2'] } },
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('EncryptedExtensions selecting two ALPN protocols: illegal_parameter (RFC 7301 §3.1)', () => {
    const alert = rejectFlight(
      mapType(HandshakeType.encrypted_extensions, (ee) => ({
        ...ee,
        extensions: ee.extensions.map((e) => (e.kind === 'alpn' ? { ...e, protocolNameList: [utf8('h2'), utf8('h2')] } : e)),
      })),
      { client: { alpnProtocols: ['h2'] }, server: { alpnProtocols: ['h2'] } },
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('EncryptedExtensions with early_data we did not offer: unsupported_extension (RFC 8446 §4.2)', () => {
    const alert = rejectFlight(
      mapType(HandshakeType.encrypted_extensions, (ee) => ({ ...ee, extensions: [...ee.extensions, { kind: 'early_data' } as Extension] })),
    );
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('EncryptedExtensions with record_size_limit we did not offer: unsupported_extension (RFC 8449 §4)', () => {
    const alert = rejectFlight(
      mapType(HandshakeType.encrypted_extensions, (ee) => ({
        ...ee,
        extensions: [...ee.extensions, { kind: 'record_size_limit', recordSizeLimit: 1000 } as Extension],
      })),
    );
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('a Certificate before EncryptedExtensions: unexpected_message (RFC 8446 §4.3.1)', () => {
    const alert = rejectFlight((msgs) => msgs.filter((m) => m.type !== HandshakeType.encrypted_extensions));
    expect(alert).toBe(AlertDescription.unexpected_message);
  });

  it('an empty Certificate: decode_error (RFC 8446 §4.4.2.4)', () => {
    const alert = rejectFlight(mapType(HandshakeType.certificate, (c) => ({ ...c, certificateList: [] })));
    expect(alert).toBe(AlertDescription.decode_error);
  });

  it('a Certificate with a non-empty request context: illegal_parameter (RFC 8446 §4.4.2)', () => {
    const alert = rejectFlight(mapType(HandshakeType.certificate, (c) => ({ ...c, certificateRequestContext: new Uint8Array([1]) })));
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('a chain that does not lead to a trusted root: unknown_ca (RFC 8446 §4.4.2.4)', () => {
    const { client, server } = makePair(provider, { client: { verifier: trustExactly([testRoot('ed25519')]) } });
    transfer(client, server);
    const err = expectTlsError(() => transfer(server, client));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unknown_ca, 'local']);
    expectProtectedAlert(client);
  });

  it('a certificate for another name: certificate_unknown (RFC 8446 §4.4.2.4, RFC 6125 §6.4)', () => {
    const { client, server } = makePair(provider, { serverName: 'not-the-server.example' });
    transfer(client, server);
    const err = expectTlsError(() => transfer(server, client));
    expect([err.alert, err.origin]).toEqual([AlertDescription.certificate_unknown, 'local']);
    expectProtectedAlert(client);
  });

  it('CertificateVerify missing (Finished after Certificate): unexpected_message (RFC 8446 §4.4.3)', () => {
    const alert = rejectFlight((msgs) => msgs.filter((m) => m.type !== HandshakeType.certificate_verify));
    expect(alert).toBe(AlertDescription.unexpected_message);
  });

  it('CertificateVerify with a scheme we did not offer: illegal_parameter (RFC 8446 §4.4.3)', () => {
    const alert = rejectFlight(mapType(HandshakeType.certificate_verify, (cv) => ({ ...cv, algorithm: SignatureScheme.ed25519 })), {
      client: { signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256] },
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('CertificateVerify with rsa_pkcs1_sha256, even though offered: illegal_parameter (RFC 8446 §4.4.3)', () => {
    const alert = rejectFlight(mapType(HandshakeType.certificate_verify, (cv) => ({ ...cv, algorithm: SignatureScheme.rsa_pkcs1_sha256 })), {
      keyType: 'rsa-2048',
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('CertificateVerify whose signature does not verify: decrypt_error (RFC 8446 §4.4.3)', () => {
    const alert = rejectFlight(
      mapType(HandshakeType.certificate_verify, (cv) => ({ ...cv, signature: cv.signature.map((b, i) => (i === 10 ? b ^ 1 : b)) })),
    );
    expect(alert).toBe(AlertDescription.decrypt_error);
  });

  it('CertificateVerify with an offered scheme that does not fit the key: illegal_parameter, as OpenSSL (RFC 8446 §4.4.3)', () => {
    // The test server's key is P-256: ecdsa_secp384r1_sha384 binds P-384, ed25519 another key type.
    for (const scheme of [SignatureScheme.ecdsa_secp384r1_sha384, SignatureScheme.ed25519, SignatureScheme.rsa_pss_rsae_sha256]) {
      const alert = rejectFlight(mapType(HandshakeType.certificate_verify, (cv) => ({ ...cv, algorithm: scheme })));
      expect(alert).toBe(AlertDescription.illegal_parameter);
    }
  });

  it('a server Finished shorter or longer than Hash.length: decode_error (RFC 8446 §4.4.4, §6.2)', () => {
    for (const edit of [(v: Uint8Array) => v.subarray(1), (v: Uint8Array) => concat(v, new Uint8Array(1))]) {
      const alert = rejectFlight(mapType(HandshakeType.finished, (f) => ({ ...f, verifyData: edit(f.verifyData) })));
      expect(alert).toBe(AlertDescription.decode_error);
    }
  });

  it('a server Finished with wrong verify_data: decrypt_error (RFC 8446 §4.4.4)', () => {
    const alert = rejectFlight(mapType(HandshakeType.finished, (f) => ({ ...f, verifyData: f.verifyData.map((b) => b ^ 0xff) })));
    expect(alert).toBe(AlertDescription.decrypt_error);
  });

  it('a server Finished followed by more handshake bytes in its record: unexpected_message (RFC 8446 §5.1)', () => {
    const keyUpdate = encodeHandshake({ type: HandshakeType.key_update, requestUpdate: 0 });
    const alert = rejectFlight((msgs) => [...msgs, keyUpdate]);
    expect(alert).toBe(AlertDescription.unexpected_message);
  });

  it('a NewSessionTicket inside the handshake: unexpected_message (RFC 8446 §4.6.1)', () => {
    const nst = encodeHandshake({
      type: HandshakeType.new_session_ticket,
      ticketLifetime: 60,
      ticketAgeAdd: 0,
      ticketNonce: new Uint8Array(1),
      ticket: new Uint8Array(8),
      extensions: [],
    } as HandshakeMessage);
    const alert = rejectFlight((msgs) => [msgs[0]!, nst, ...msgs.slice(1)]);
    expect(alert).toBe(AlertDescription.unexpected_message);
  });
});

describe('client completes after a legal HelloRetryRequest (control)', () => {
  it('retries with the requested group (RFC 8446 §4.1.4)', () => {
    const { client, server } = makePair(provider, {
      client: { groups: [NamedGroup.secp256r1, NamedGroup.x25519], keyShareGroups: [NamedGroup.secp256r1] },
      server: { groups: [NamedGroup.x25519] },
    });
    handshake(client, server);
    expect(client.negotiated?.didRetry).toBe(true);
    expect(client.negotiated?.groupId).toBe(NamedGroup.x25519);
  });
});
