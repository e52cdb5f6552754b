/**
 * @module test/handshake/conformance-server
 * Server-side rows of docs/conformance.md that had no test (STYLE §8): the retried ClientHello
 * (suite choice and cookie, RFC 8446 §4.1.4, §4.2.2), no certificate for the client's schemes
 * (§4.2.3), rejected 0-RTT records (§4.2.10), a KeyUpdate before the handshake completes
 * (§4.6.3), a ClientHello that does not end its record (§5.1) and GREASE (RFC 8701). Where the
 * ClientHello must be edited and the handshake still complete, the test plays the client: it
 * reads the server's secrets from the server's key log and sends the client Finished itself.
 */
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/bytes.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TLS_AES_128_GCM_SHA256 } from '../../src/crypto/suites.ts';
import type { ServerConnection } from '../../src/connection/server.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import { finishedVerifyData } from '../../src/keyschedule/finished.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import type { Extension } from '../../src/messages/extensions/extensions.ts';
import { encodeHandshake } from '../../src/messages/handshake.ts';
import { MAX_SKIPPED_EARLY_DATA } from '../../src/protocol/limits.ts';
import {
  AlertDescription,
  CipherSuite,
  ContentType,
  HandshakeType,
  KeyUpdateRequest,
  NamedGroup,
  ProtocolVersion,
  SignatureScheme,
} from '../../src/protocol/registry.ts';
import { expectTlsError, handshake, makePair, transfer, transferAltered, type PairOptions } from '../helpers/pair.ts';
import {
  KeyCapture,
  decodeMessage,
  editClientHello,
  encodeClientHelloRaw,
  parseRecords,
  protectionAt,
  rawExtensions,
  record,
  sealRecords,
  splitHandshakeMessages,
} from '../helpers/tamper.ts';

const provider = nobleProvider;
const suite = TLS_AES_128_GCM_SHA256;
const sha256 = provider.hash('sha256');

/**
 * A server with its secrets captured, and the ClientHello a real client would send it (decoded,
 * to be edited by the test, which then plays the client).
 */
function serverAndHello(opts: PairOptions = {}): { server: ServerConnection; keys: KeyCapture; hello: ClientHello } {
  const keys = new KeyCapture();
  const { client, server } = makePair(provider, {
    ...opts,
    client: { cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256], ...opts.client },
    server: { ...opts.server, keyLog: keys.keyLog },
  });
  const m = decodeMessage(parseRecords(client.takeOutput())[0]!.fragment);
  if (m.type !== HandshakeType.client_hello) throw new Error('test: not a ClientHello');
  return { server, keys, hello: m };
}

/**
 * Plays the client after `helloRaw` went out and the server answered with `flight`: opens the
 * server's protected messages with the logged server handshake secret and sends a correct
 * client Finished under the client handshake secret (RFC 8446 §4.4.4).
 */
function finishAsClient(server: ServerConnection, keys: KeyCapture, helloRaw: Uint8Array, flight: Uint8Array): Uint8Array[] {
  const [sh, ...rest] = parseRecords(flight);
  expect(sh?.type).toBe(ContentType.handshake);
  const opener = protectionAt(provider, suite, keys.get(KeyLogLabel.serverHandshakeTrafficSecret));
  const plain: Uint8Array[] = [];
  for (const r of rest) {
    if (r.type !== ContentType.application_data) continue;
    const header = record(r.type, r.fragment, r.version).subarray(0, 5);
    plain.push(opener.open({ contentType: r.type, legacyRecordVersion: r.version, header, fragment: r.fragment }).plaintext.slice());
  }
  const serverMessages = splitHandshakeMessages(concat(...plain));
  expect(serverMessages.map((m) => m[0])).toEqual([
    HandshakeType.encrypted_extensions,
    HandshakeType.certificate,
    HandshakeType.certificate_verify,
    HandshakeType.finished,
  ]);
  const clientSecret = keys.get(KeyLogLabel.clientHandshakeTrafficSecret);
  const th = sha256.digest(concat(helloRaw, sh!.fragment, ...serverMessages));
  const fin = encodeHandshake({ type: HandshakeType.finished, verifyData: finishedVerifyData(sha256, clientSecret, th) });
  server.receive(sealRecords(provider, clientSecret, [{ type: ContentType.handshake, content: fin }]));
  return serverMessages;
}

/** `count` records of `size` ciphertext bytes each, sealed under a key the server does not have. */
function foreignRecords(count: number, size: number): Uint8Array {
  const content = { type: ContentType.application_data, content: new Uint8Array(size - 1 - 16) };
  return sealRecords(provider, provider.randomBytes(32), Array.from({ length: count }, () => content));
}

function withEarlyData(ch: ClientHello): Uint8Array {
  return encodeHandshake({ ...ch, extensions: [...ch.extensions, { kind: 'early_data' } as Extension] });
}

describe('server: the retried ClientHello (RFC 8446 §4.1.4, §4.2.2)', () => {
  const RETRY: PairOptions = {
    client: {
      groups: [NamedGroup.secp256r1, NamedGroup.x25519],
      keyShareGroups: [NamedGroup.secp256r1],
      cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384],
    },
    server: { groups: [NamedGroup.x25519] },
  };

  /** Runs to the client's second ClientHello and delivers it through `edit`; returns the server's alert. */
  function rejectRetry(edit: (ch: ClientHello) => ClientHello): number {
    const { client, server } = makePair(provider, RETRY);
    transfer(client, server);
    transfer(server, client); // HelloRetryRequest
    const err = expectTlsError(() => transferAltered(client, server, (b) => editClientHello(b, edit)));
    expect(err.origin).toBe('local');
    expect(server.takeOutput()).toEqual(record(ContentType.alert, new Uint8Array([2, err.alert])));
    return err.alert;
  }

  function cookieOf(ch: ClientHello): Uint8Array | undefined {
    const c = ch.extensions.find((e) => e.kind === 'cookie');
    return c?.kind === 'cookie' ? c.cookie : undefined;
  }

  it('completes the unaltered retry, whose hello echoes our cookie (control)', () => {
    const { client, server } = makePair(provider, RETRY);
    transfer(client, server);
    transfer(server, client);
    let cookie: Uint8Array | undefined;
    transferAltered(client, server, (b) =>
      editClientHello(b, (ch) => {
        cookie = cookieOf(ch);
        return ch;
      }),
    );
    expect(cookie?.length).toBeGreaterThan(0);
    handshake(client, server);
    expect(server.negotiated?.didRetry).toBe(true);
  });

  it('rejects a retried ClientHello that would change the server\'s suite choice: illegal_parameter (RFC 8446 §4.1.4)', () => {
    // The first hello made the server choose TLS_AES_128_GCM_SHA256; the retry offers only
    // TLS_AES_256_GCM_SHA384. (The §4.1.2 cipher_suites comparison catches this first; with
    // cipher_suites unchanged the server's choice cannot change.)
    const alert = rejectRetry((ch) => ({ ...ch, cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384] }));
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('rejects a retried ClientHello without our cookie: illegal_parameter (RFC 8446 §4.2.2)', () => {
    const alert = rejectRetry((ch) => {
      expect(cookieOf(ch)).toBeDefined();
      return { ...ch, extensions: ch.extensions.filter((e) => e.kind !== 'cookie') };
    });
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('rejects a retried ClientHello with an altered cookie: illegal_parameter (RFC 8446 §4.2.2)', () => {
    const alert = rejectRetry((ch) => ({
      ...ch,
      extensions: ch.extensions.map((e) => (e.kind === 'cookie' ? { ...e, cookie: e.cookie.map((b, i) => (i === 0 ? b ^ 1 : b)) } : e)),
    }));
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });
});

describe('server: certificate selection (RFC 8446 §4.2.3, §4.4.2.2)', () => {
  it('aborts with handshake_failure when no certificate signs with a scheme the client offered (RFC 8446 §4.2.3)', () => {
    // ECDSA P-256 certificate; the client accepts only Ed25519 and RSA-PSS signatures.
    const { client, server } = makePair(provider, {
      keyType: 'ecdsa-p256',
      client: { signatureSchemes: [SignatureScheme.ed25519, SignatureScheme.rsa_pss_rsae_sha256] },
    });
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.handshake_failure, 'local']);
    const peerErr = expectTlsError(() => transfer(server, client));
    expect([peerErr.alert, peerErr.origin]).toEqual([AlertDescription.handshake_failure, 'peer']);
  });

  it('picks the certificate whose key fits the client\'s schemes (control)', () => {
    const { client, server } = makePair(provider, {
      keyType: 'ed25519',
      client: { signatureSchemes: [SignatureScheme.ed25519, SignatureScheme.rsa_pss_rsae_sha256] },
    });
    handshake(client, server);
    expect(server.negotiated?.signatureSchemeId).toBe(SignatureScheme.ed25519);
  });
});

describe('server: rejected 0-RTT data (RFC 8446 §4.2.10)', () => {
  const RECORD = 1 << 14;
  const FITTING = Math.floor(MAX_SKIPPED_EARLY_DATA / RECORD);

  it(`skips undecryptable records after a hello with early_data, up to MAX_SKIPPED_EARLY_DATA (${MAX_SKIPPED_EARLY_DATA} bytes), then completes (RFC 8446 §4.2.10)`, () => {
    expect(FITTING * RECORD).toBe(MAX_SKIPPED_EARLY_DATA);
    const { server, keys, hello } = serverAndHello();
    const raw = withEarlyData(hello);
    server.receive(concat(record(ContentType.handshake, raw, 0x0301), foreignRecords(FITTING, RECORD)));
    expect(server.error).toBeUndefined();
    const flight = server.takeOutput();
    finishAsClient(server, keys, raw, flight);
    expect(server.error).toBeUndefined();
    expect(server.isHandshakeDone).toBe(true);
  });

  it('fails with bad_record_mac once the skipped bytes exceed MAX_SKIPPED_EARLY_DATA (RFC 8446 §4.2.10)', () => {
    const { server, hello } = serverAndHello();
    const raw = withEarlyData(hello);
    server.receive(concat(record(ContentType.handshake, raw, 0x0301), foreignRecords(FITTING, RECORD)));
    const err = expectTlsError(() => server.receive(foreignRecords(1, 18)));
    expect([err.alert, err.origin]).toEqual([AlertDescription.bad_record_mac, 'local']);
  });

  it('skips nothing when the hello did not offer early_data: bad_record_mac (RFC 8446 §5.2)', () => {
    const { server, hello } = serverAndHello();
    server.receive(record(ContentType.handshake, encodeHandshake(hello), 0x0301));
    const err = expectTlsError(() => server.receive(foreignRecords(1, 18)));
    expect([err.alert, err.origin]).toEqual([AlertDescription.bad_record_mac, 'local']);
  });
});

describe('server: messages at the wrong time or place (RFC 8446 §4.6.3, §5.1)', () => {
  it('rejects a KeyUpdate before the handshake completes: unexpected_message (RFC 8446 §4.6.3)', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
    transfer(client, server);
    transfer(server, client);
    const keyUpdate = encodeHandshake({ type: HandshakeType.key_update, requestUpdate: KeyUpdateRequest.update_not_requested });
    const bytes = sealRecords(provider, keys.get(KeyLogLabel.clientHandshakeTrafficSecret), [{ type: ContentType.handshake, content: keyUpdate }]);
    const err = expectTlsError(() => server.receive(bytes));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expect(server.isHandshakeDone).toBe(false);
  });

  it('rejects a ClientHello that does not end its record: unexpected_message (RFC 8446 §5.1)', () => {
    const { client, server } = makePair(provider);
    const keyUpdate = encodeHandshake({ type: HandshakeType.key_update, requestUpdate: KeyUpdateRequest.update_not_requested });
    const err = expectTlsError(() =>
      transferAltered(client, server, (b) => {
        const [ch] = parseRecords(b);
        // A complete second message in the same record as the ClientHello.
        return record(ContentType.handshake, concat(ch!.fragment, keyUpdate), ch!.version);
      }),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expect(server.takeOutput()).toEqual(record(ContentType.alert, new Uint8Array([2, AlertDescription.unexpected_message])));
  });
});

describe('server: GREASE (RFC 8701, RFC 8446 §9.3)', () => {
  it('completes with GREASE cipher suites, extensions, groups, a GREASE key share, signature algorithms and versions (RFC 8701 §3)', () => {
    const { server, keys, hello } = serverAndHello();
    const greased: ClientHello = {
      ...hello,
      cipherSuites: [0x0a0a, ...hello.cipherSuites, 0xfafa],
      extensions: hello.extensions.map((e): Extension => {
        switch (e.kind) {
          case 'supported_groups':
            return { ...e, namedGroupList: [0x2a2a, ...e.namedGroupList] };
          case 'key_share_client':
            return { ...e, clientShares: [{ group: 0x2a2a, keyExchange: new Uint8Array([0]) }, ...e.clientShares] };
          case 'signature_algorithms':
            return { ...e, supportedSignatureAlgorithms: [0x3a3a, ...e.supportedSignatureAlgorithms] };
          case 'supported_versions_client':
            return { ...e, versions: [0x4a4a, ...e.versions] };
          default:
            return e;
        }
      }),
    };
    // GREASE extensions first (empty) and last (one byte), around the real ones.
    const raw = encodeClientHelloRaw(greased, [
      { type: 0x5a5a, data: new Uint8Array(0) },
      ...rawExtensions(greased),
      { type: 0x6a6a, data: new Uint8Array([0]) },
    ]);
    expect(greased.extensions.some((e) => e.kind === 'supported_versions_client' && e.versions.includes(ProtocolVersion.TLSv1_3))).toBe(true);
    server.receive(record(ContentType.handshake, raw, 0x0301));
    expect(server.error).toBeUndefined();
    finishAsClient(server, keys, raw, server.takeOutput());
    expect(server.error).toBeUndefined();
    expect(server.isHandshakeDone).toBe(true);
    expect(server.negotiated?.cipherSuiteId).toBe(CipherSuite.TLS_AES_128_GCM_SHA256);
    // The default client shares X25519MLKEM768 and x25519; the server prefers the hybrid.
    expect(server.negotiated?.groupId).toBe(NamedGroup.X25519MLKEM768);
  });
});

describe('server: Encrypted Client Hello, not implemented (RFC 9849)', () => {
  it('ignores an encrypted_client_hello extension, completes with the outer ClientHello and sends no ECH extension back (RFC 9849 §6.1.6)', () => {
    const { server, keys, hello } = serverAndHello();
    // ECHClientHello of type outer (RFC 9849 §5): type 0, HPKE suite HKDF-SHA256 / AES-128-GCM,
    // config_id, a 32-byte enc and a 144-byte payload, as a client (or GREASE ECH, §6.2) sends it.
    const echOuter = concat(
      new Uint8Array([0, 0x00, 0x01, 0x00, 0x01, 0x2a, 0x00, 32]),
      new Uint8Array(32).fill(7),
      new Uint8Array([0x00, 144]),
      new Uint8Array(144).fill(9),
    );
    const raw = encodeClientHelloRaw(hello, [...rawExtensions(hello), { type: 0xfe0d, data: echOuter }]);
    server.receive(record(ContentType.handshake, raw, 0x0301));
    expect(server.error).toBeUndefined();
    const serverMessages = finishAsClient(server, keys, raw, server.takeOutput());
    expect(server.error).toBeUndefined();
    expect(server.isHandshakeDone).toBe(true);
    // EncryptedExtensions: type(1) length(3) extensions<0..2^16-1>; no encrypted_client_hello
    // (retry_configs would mean we implement ECH, §7.1).
    const ee = serverMessages[0]!;
    const types: number[] = [];
    let at = 6;
    for (; at + 4 <= ee.length; at += 4 + ((ee[at + 2]! << 8) | ee[at + 3]!)) types.push((ee[at]! << 8) | ee[at + 1]!);
    expect(ee[0]).toBe(HandshakeType.encrypted_extensions);
    expect(at).toBe(ee.length);
    expect(types).not.toContain(0xfe0d);
  });
});
