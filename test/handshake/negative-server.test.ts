/**
 * Negative tests for the server (STYLE §8): every ClientHello and record the server rejects,
 * each with the alert RFC 8446 names for it, the error's origin, and the alert on the wire.
 */
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { ServerConnection } from '../../src/connection/server.ts';
import type { Connection } from '../../src/connection/connection.ts';
import type { TlsError } from '../../src/errors.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import type { Extension } from '../../src/messages/extensions/extensions.ts';
import { AlertDescription, CipherSuite, ContentType, ExtensionType, HandshakeType, NamedGroup } from '../../src/protocol/registry.ts';
import { drainEvents, expectTlsError, handshake, makePair, transfer, transferAltered, type PairOptions } from '../helpers/pair.ts';
import {
  KeyCapture,
  editClientHello,
  encodeClientHelloRaw,
  parseRecords,
  rawExtension,
  rawExtensions,
  record,
  resealHandshake,
  sealRecords,
} from '../helpers/tamper.ts';

const provider = nobleProvider;

/** Sends the client's first flight to the server through `edit`; returns the server's error. */
function rejectHello(edit: (ch: ClientHello) => ClientHello | Uint8Array, opts: PairOptions = {}): { server: ServerConnection; alert: number } {
  const { client, server } = makePair(provider, opts);
  const err = expectTlsError(() => transferAltered(client, server, (b) => editClientHello(b, edit)));
  expect(err.origin).toBe('local');
  expectPlaintextAlert(server, err.alert);
  return { server, alert: err.alert };
}

/** The connection's output is exactly one plaintext fatal alert `alert` (RFC 8446 §6.2). */
function expectPlaintextAlert(conn: Connection, alert: number): void {
  expect(conn.takeOutput()).toEqual(record(ContentType.alert, new Uint8Array([2, alert])));
}

/** The connection's last output record is one protected alert (2 bytes + type + 16-byte tag). */
function expectProtectedAlert(conn: Connection): void {
  const recs = parseRecords(conn.takeOutput());
  const last = recs[recs.length - 1];
  expect(last?.type).toBe(ContentType.application_data);
  expect(last?.fragment.length).toBe(2 + 1 + 16);
}

function withoutExtension(ch: ClientHello, kind: Extension['kind']): ClientHello {
  return { ...ch, extensions: ch.extensions.filter((e) => e.kind !== kind) };
}

function replaceExtension(ch: ClientHello, ext: Extension): ClientHello {
  return { ...ch, extensions: ch.extensions.map((e) => (e.kind === ext.kind ? ext : e)) };
}

const PSK: Extension = {
  kind: 'pre_shared_key_client',
  identities: [{ identity: new Uint8Array([1, 2, 3]), obfuscatedTicketAge: 0 }],
  binders: [new Uint8Array(32)],
};

describe('server rejects a bad ClientHello', () => {
  it('without supported_versions: protocol_version (RFC 8446 §4.2.1)', () => {
    expect(rejectHello((ch) => withoutExtension(ch, 'supported_versions_client')).alert).toBe(AlertDescription.protocol_version);
  });

  it('whose supported_versions lacks TLS 1.3: protocol_version (RFC 8446 §4.2.1)', () => {
    const { alert } = rejectHello((ch) => replaceExtension(ch, { kind: 'supported_versions_client', versions: [0x0303, 0x0302] }));
    expect(alert).toBe(AlertDescription.protocol_version);
  });

  it('with legacy_version 0x0300 (SSL 3.0), even offering TLS 1.3: protocol_version (RFC 8446 Appendix D.5)', () => {
    expect(rejectHello((ch) => ({ ...ch, legacyVersion: 0x0300 })).alert).toBe(AlertDescription.protocol_version);
  });

  it('with legacy_compression_methods other than [0]: illegal_parameter (RFC 8446 §4.1.2)', () => {
    expect(rejectHello((ch) => ({ ...ch, legacyCompressionMethods: new Uint8Array([1]) })).alert).toBe(
      AlertDescription.illegal_parameter,
    );
    expect(rejectHello((ch) => ({ ...ch, legacyCompressionMethods: new Uint8Array([0, 1]) })).alert).toBe(
      AlertDescription.illegal_parameter,
    );
  });

  it('with no cipher suite in common: handshake_failure (RFC 8446 §4.1.1)', () => {
    const { client, server } = makePair(provider, {
      client: { cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] },
      server: { cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384] },
    });
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.handshake_failure, 'local']);
    expectPlaintextAlert(server, AlertDescription.handshake_failure);
  });

  it('with no group in common: handshake_failure (RFC 8446 §4.1.1)', () => {
    const { client, server } = makePair(provider, {
      client: { groups: [NamedGroup.secp256r1] },
      server: { groups: [NamedGroup.x25519] },
    });
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.handshake_failure, 'local']);
    expectPlaintextAlert(server, AlertDescription.handshake_failure);
  });

  it('without supported_groups: missing_extension (RFC 8446 §9.2)', () => {
    expect(rejectHello((ch) => withoutExtension(ch, 'supported_groups')).alert).toBe(AlertDescription.missing_extension);
  });

  it('without key_share: missing_extension (RFC 8446 §9.2)', () => {
    expect(rejectHello((ch) => withoutExtension(ch, 'key_share_client')).alert).toBe(AlertDescription.missing_extension);
  });

  it('without signature_algorithms: missing_extension (RFC 8446 §9.2)', () => {
    expect(rejectHello((ch) => withoutExtension(ch, 'signature_algorithms')).alert).toBe(AlertDescription.missing_extension);
  });

  it('with a key share for a group not in supported_groups: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const { alert } = rejectHello((ch) => replaceExtension(ch, { kind: 'supported_groups', namedGroupList: [NamedGroup.secp256r1] }));
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with two key shares for one group: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const { alert } = rejectHello((ch) => {
      const share = { group: NamedGroup.x25519, keyExchange: new Uint8Array(32).fill(9) };
      return encodeClientHelloRaw(
        ch,
        rawExtensions(ch).map((e) =>
          e.type === ExtensionType.key_share ? rawExtension({ kind: 'key_share_client', clientShares: [share] }, 'client_hello') : e,
        ).map((e) => (e.type === ExtensionType.key_share ? { type: e.type, data: duplicateShareList(e.data) } : e)),
      );
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with key shares out of supported_groups order: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const { alert } = rejectHello(
      (ch) =>
        replaceExtension(ch, {
          kind: 'supported_groups',
          namedGroupList: [NamedGroup.secp256r1, NamedGroup.x25519],
        }),
      { client: { groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519, NamedGroup.secp256r1] } },
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with one extension twice: illegal_parameter (RFC 8446 §4.2)', () => {
    const { alert } = rejectHello((ch) => {
      const raw = rawExtensions(ch);
      return encodeClientHelloRaw(ch, [...raw, raw.find((e) => e.type === ExtensionType.supported_groups)!]);
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with pre_shared_key not the last extension: illegal_parameter (RFC 8446 §4.2.11)', () => {
    const { alert } = rejectHello((ch) => {
      const raw = rawExtensions(ch);
      const modes = rawExtension({ kind: 'psk_key_exchange_modes', keModes: [1] } as Extension, 'client_hello');
      return encodeClientHelloRaw(ch, [...raw.slice(0, 1), modes, rawExtension(PSK, 'client_hello'), ...raw.slice(1)]);
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with pre_shared_key but no psk_key_exchange_modes: missing_extension (RFC 8446 §4.2.9)', () => {
    const { alert } = rejectHello((ch) => encodeClientHelloRaw(ch, [...rawExtensions(ch), rawExtension(PSK, 'client_hello')]));
    expect(alert).toBe(AlertDescription.missing_extension);
  });

  it('with a recognised extension not allowed in ClientHello: illegal_parameter (RFC 8446 §4.2)', () => {
    // oid_filters belongs to CertificateRequest only.
    const { alert } = rejectHello((ch) =>
      encodeClientHelloRaw(ch, [{ type: ExtensionType.oid_filters, data: new Uint8Array(2) }, ...rawExtensions(ch)]),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('with an early_data body that is not empty: decode_error (RFC 8446 §4.2.10, §6.2)', () => {
    const { alert } = rejectHello((ch) =>
      encodeClientHelloRaw(ch, [...rawExtensions(ch), { type: ExtensionType.early_data, data: new Uint8Array(4) }]),
    );
    expect(alert).toBe(AlertDescription.decode_error);
  });

  it('with an unknown extension: accepted and ignored (RFC 8446 §4.2)', () => {
    const { client, server } = makePair(provider);
    transferAltered(client, server, (b) =>
      editClientHello(b, (ch) => encodeClientHelloRaw(ch, [{ type: 0x7a7a, data: new Uint8Array([1]) }, ...rawExtensions(ch)])),
    );
    expect(server.error).toBeUndefined();
    expect(server.hasOutput).toBe(true);
  });
});

describe('server ALPN (RFC 7301 §3.2)', () => {
  it('rejects a ClientHello whose ALPN list shares nothing with ours: no_application_protocol', () => {
    const { client, server } = makePair(provider, { client: { alpnProtocols: ['h2'] }, server: { alpnProtocols: ['http/1.1'] } });
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.no_application_protocol, 'local']);
    expectPlaintextAlert(server, AlertDescription.no_application_protocol);
  });

  it('continues without ALPN when alpnStrict is false', () => {
    const { client, server } = makePair(provider, {
      client: { alpnProtocols: ['h2'] },
      server: { alpnProtocols: ['http/1.1'], alpnStrict: false },
    });
    handshake(client, server);
    expect(server.negotiated?.alpnProtocol).toBeUndefined();
    expect(client.negotiated?.alpnProtocol).toBeUndefined();
  });
});

describe('server rejects a bad retried ClientHello (RFC 8446 §4.1.2, §4.1.4)', () => {
  /** Runs to the client's second ClientHello and delivers it through `edit`. */
  function rejectRetry(edit: (ch: ClientHello) => ClientHello): number {
    const { client, server } = makePair(provider, {
      client: { groups: [NamedGroup.secp256r1, NamedGroup.x25519], keyShareGroups: [NamedGroup.secp256r1] },
      server: { groups: [NamedGroup.x25519] },
    });
    transfer(client, server);
    transfer(server, client); // HelloRetryRequest
    const err = expectTlsError(() => transferAltered(client, server, (b) => editClientHello(b, edit)));
    expect(err.origin).toBe('local');
    expectPlaintextAlert(server, err.alert);
    return err.alert;
  }

  it('accepts the unaltered retry (control)', () => {
    const { client, server } = makePair(provider, {
      client: { groups: [NamedGroup.secp256r1, NamedGroup.x25519], keyShareGroups: [NamedGroup.secp256r1] },
      server: { groups: [NamedGroup.x25519] },
    });
    handshake(client, server);
    expect(server.negotiated?.didRetry).toBe(true);
  });

  it('that changes random: illegal_parameter', () => {
    expect(rejectRetry((ch) => ({ ...ch, random: ch.random.map((b) => b ^ 1) }))).toBe(AlertDescription.illegal_parameter);
  });

  it('that changes legacy_session_id: illegal_parameter', () => {
    expect(rejectRetry((ch) => ({ ...ch, legacySessionId: new Uint8Array(32).fill(7) }))).toBe(AlertDescription.illegal_parameter);
  });

  it('that changes cipher_suites: illegal_parameter', () => {
    expect(rejectRetry((ch) => ({ ...ch, cipherSuites: ch.cipherSuites.slice(1) }))).toBe(AlertDescription.illegal_parameter);
  });

  it('that lacks a share for the requested group: illegal_parameter (RFC 8446 §4.2.8)', () => {
    const alert = rejectRetry((ch) =>
      replaceExtension(ch, {
        kind: 'key_share_client',
        clientShares: [{ group: NamedGroup.secp256r1, keyExchange: new Uint8Array(65).fill(4) }],
      }),
    );
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('that adds early_data: illegal_parameter (RFC 8446 §4.2.10)', () => {
    expect(rejectRetry((ch) => ({ ...ch, extensions: [{ kind: 'early_data' } as Extension, ...ch.extensions] }))).toBe(
      AlertDescription.illegal_parameter,
    );
  });
});

/** The client's Finished with its verify_data rewritten by `edit`: the server's error. */
function rejectClientFinished(edit: (verifyData: Uint8Array) => Uint8Array): { server: ServerConnection; err: TlsError } {
  const keys = new KeyCapture();
  const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
  transfer(client, server);
  transfer(server, client);
  const secret = keys.get(KeyLogLabel.clientHandshakeTrafficSecret);
  const err = expectTlsError(() =>
    transferAltered(client, server, (b) =>
      resealHandshake(provider, secret, b, (msgs) => msgs.map((m) => (m.type === HandshakeType.finished ? { ...m, verifyData: edit(m.verifyData) } : m))),
    ),
  );
  return { server, err };
}

describe('server rejects a bad client Finished and post-handshake misuse', () => {
  it('rejects a client Finished shorter or longer than Hash.length: decode_error (RFC 8446 §4.4.4, §6.2)', () => {
    for (const edit of [(v: Uint8Array) => v.subarray(0, v.length - 1), (v: Uint8Array) => concat(v, new Uint8Array(1))]) {
      const { server, err } = rejectClientFinished(edit);
      expect([err.alert, err.origin]).toEqual([AlertDescription.decode_error, 'local']);
      expectProtectedAlert(server);
    }
  });

  it('rejects a client Finished with wrong verify_data: decrypt_error (RFC 8446 §4.4.4)', () => {
    const { server, err } = rejectClientFinished((v) => v.map((x) => x ^ 0x80));
    expect([err.alert, err.origin]).toEqual([AlertDescription.decrypt_error, 'local']);
    expectProtectedAlert(server);
  });

  it('accepts the re-sealed but unaltered client Finished (control for the tamper helper)', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const secret = keys.get(KeyLogLabel.clientHandshakeTrafficSecret);
    transferAltered(client, server, (b) => resealHandshake(provider, secret, b, (msgs) => msgs));
    expect(server.isHandshakeDone).toBe(true);
  });

  it('rejects a ClientHello after the handshake: unexpected_message (RFC 8446 §4.1.2)', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
    const firstHello = parseRecords(client.takeOutput());
    server.receive(concat(...firstHello.map((r) => record(r.type, r.fragment, r.version))));
    handshake(client, server);
    const hello = firstHello[0]!.fragment;
    const bytes = sealRecords(provider, keys.get(KeyLogLabel.clientApplicationTrafficSecret0), [{ type: ContentType.handshake, content: hello }]);
    const err = expectTlsError(() => server.receive(bytes));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expectProtectedAlert(server);
  });
});

describe('server record layer rejections (RFC 8446 §5)', () => {
  function fresh(): { client: Connection; server: ServerConnection } {
    return makePair(provider);
  }

  it('rejects application data before the handshake: unexpected_message', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.application_data, utf8('GET /'))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expectPlaintextAlert(server, AlertDescription.unexpected_message);
  });

  it('rejects a change_cipher_spec before the ClientHello: unexpected_message (RFC 8446 §5)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.change_cipher_spec, new Uint8Array([1]))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expectPlaintextAlert(server, AlertDescription.unexpected_message);
  });

  it('rejects a change_cipher_spec whose body is not 0x01: unexpected_message (RFC 8446 §5)', () => {
    for (const body of [[2], [1, 1], []]) {
      const { client, server } = fresh();
      transfer(client, server);
      server.takeOutput();
      const err = expectTlsError(() => server.receive(record(ContentType.change_cipher_spec, new Uint8Array(body))));
      expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
      expectProtectedAlert(server);
    }
  });

  it('drops a well-formed change_cipher_spec after the ClientHello (RFC 8446 §5)', () => {
    const { client, server } = fresh();
    transfer(client, server);
    server.receive(record(ContentType.change_cipher_spec, new Uint8Array([1])));
    handshake(client, server);
  });

  it('rejects a record longer than 2^14 + 256: record_overflow (RFC 8446 §5.2)', () => {
    const { server } = fresh();
    const header = record(ContentType.handshake, new Uint8Array(0));
    header[3] = 0x41;
    header[4] = 0x01; // 2^14 + 257
    const err = expectTlsError(() => server.receive(header));
    expect([err.alert, err.origin]).toEqual([AlertDescription.record_overflow, 'local']);
    expectPlaintextAlert(server, AlertDescription.record_overflow);
  });

  it('rejects a plaintext handshake record longer than 2^14: record_overflow (RFC 8446 §5.1)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.handshake, new Uint8Array(2 ** 14 + 1).fill(1))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.record_overflow, 'local']);
    expectPlaintextAlert(server, AlertDescription.record_overflow);
  });

  it('rejects an unknown record content type: unexpected_message (RFC 8446 §5)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(24, new Uint8Array([1]))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a zero-length handshake record: unexpected_message (RFC 8446 §5.1)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.handshake, new Uint8Array(0))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a handshake message type that is not TLS 1.3: unexpected_message (RFC 8446 §4)', () => {
    const { server } = fresh();
    // server_hello_done (14) from TLS 1.2.
    const err = expectTlsError(() => server.receive(record(ContentType.handshake, new Uint8Array([14, 0, 0, 0]))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a ServerHello sent to a server: unexpected_message (RFC 8446 §4)', () => {
    const { server } = fresh();
    const other = makePair(provider);
    transfer(other.client, other.server);
    const shFlight = parseRecords(other.server.takeOutput())[0]!;
    const err = expectTlsError(() => server.receive(record(shFlight.type, shFlight.fragment)));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a tampered protected record: bad_record_mac (RFC 8446 §5.2)', () => {
    const { client, server } = fresh();
    transfer(client, server);
    transfer(server, client);
    const err = expectTlsError(() =>
      transferAltered(client, server, (b) => {
        const out = b.slice();
        out[out.length - 1] = (out[out.length - 1] as number) ^ 1;
        return out;
      }),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.bad_record_mac, 'local']);
    expectProtectedAlert(server);
  });

  it('rejects an alert record of 3 bytes: decode_error (RFC 8446 §5.1, §6)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.alert, new Uint8Array([2, 40, 0]))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.decode_error, 'local']);
    expectPlaintextAlert(server, AlertDescription.decode_error);
  });

  it('reports a fatal alert from the peer with origin peer and sends nothing back (RFC 8446 §6.2)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.alert, new Uint8Array([2, AlertDescription.handshake_failure]))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.handshake_failure, 'peer']);
    expect(server.takeOutput().length).toBe(0);
    // Sticky failure (STYLE §4.4): the same error again.
    expect(expectTlsError(() => server.receive(new Uint8Array([0])))).toBe(err);
  });

  it('treats an unknown alert description as fatal (RFC 8446 §6.2)', () => {
    const { server } = fresh();
    const err = expectTlsError(() => server.receive(record(ContentType.alert, new Uint8Array([1, 200]))));
    expect([err.alert, err.origin]).toEqual([200, 'peer']);
    expect(server.takeOutput().length).toBe(0);
  });

  it('reports a fatal alert sent under the handshake key with origin peer', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    client.takeOutput();
    const alert = sealRecords(provider, keys.get(KeyLogLabel.clientHandshakeTrafficSecret), [
      { type: ContentType.alert, content: new Uint8Array([2, AlertDescription.bad_certificate]) },
    ]);
    const err = expectTlsError(() => server.receive(alert));
    expect([err.alert, err.origin]).toEqual([AlertDescription.bad_certificate, 'peer']);
    expect(server.takeOutput().length).toBe(0);
    expect(drainEvents(server)).toEqual([]);
  });
});

/** A key_share list with its one entry written twice (the encoder would refuse it). */
function duplicateShareList(data: Uint8Array): Uint8Array {
  const entry = data.subarray(2);
  const list = concat(entry, entry);
  const out = new Uint8Array(2 + list.length);
  out[0] = list.length >> 8;
  out[1] = list.length & 0xff;
  out.set(list, 2);
  return out;
}

