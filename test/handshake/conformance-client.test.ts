/**
 * @module test/handshake/conformance-client
 * Client-side rows of docs/conformance.md that had no test (STYLE §8): what the client does with
 * server messages it never asked for or that arrive at the wrong time — certificate entry
 * extensions, CertificateRequest in and after the handshake, supported_groups in
 * EncryptedExtensions, EndOfEarlyData, KeyUpdate during the handshake and the NewSessionTicket
 * lifetime cap (RFC 8446 §4.2, §4.2.7, §4.3.2, §4.4.2, §4.5, §4.6.1-§4.6.3). Server flights are
 * altered by opening and re-sealing them with the secrets from the key log; where the change
 * must still authenticate, the test re-signs CertificateVerify and recomputes Finished with the
 * server's own key.
 */
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/bytes.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TLS_AES_128_GCM_SHA256 } from '../../src/crypto/suites.ts';
import type { ClientConnection } from '../../src/connection/client.ts';
import type { ServerConnection } from '../../src/connection/server.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import { certificateVerifyContent } from '../../src/handshake/common/signature-content.ts';
import { finishedVerifyData } from '../../src/keyschedule/finished.ts';
import { encodeHandshake, type HandshakeMessage } from '../../src/messages/handshake.ts';
import { MAX_TICKET_LIFETIME_S } from '../../src/protocol/limits.ts';
import {
  AlertDescription,
  CipherSuite,
  ContentType,
  ExtensionType,
  HandshakeType,
  KeyUpdateRequest,
  NamedGroup,
  SignatureScheme,
} from '../../src/protocol/registry.ts';
import { drainEvents, expectTlsError, handshake, makePair, testCertifiedKey, type PairOptions } from '../helpers/pair.ts';
import {
  KeyCapture,
  decodeMessage,
  encodeRecords,
  parseRecords,
  protectionAt,
  record,
  resealHandshake,
  sealRecords,
  splitHandshakeMessages,
  type WireRecord,
} from '../helpers/tamper.ts';

const provider = nobleProvider;
const suite = TLS_AES_128_GCM_SHA256;
const sha256 = provider.hash('sha256');
/** Every pair here negotiates TLS_AES_128_GCM_SHA256, the suite the tamper helpers assume. */
const BASE: PairOptions = { client: { cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256] } };

/** A client that has processed the ServerHello; the rest of the server flight is held back. */
interface HeldFlight {
  readonly client: ClientConnection;
  readonly server: ServerConnection;
  readonly keys: KeyCapture;
  /** The raw ClientHello and ServerHello messages (header included): the transcript so far. */
  readonly clientHello: Uint8Array;
  readonly serverHello: Uint8Array;
  /** The server's records after the ServerHello (change_cipher_spec and protected records). */
  readonly rest: Uint8Array;
  readonly serverHandshakeSecret: Uint8Array;
}

function holdServerFlight(opts: PairOptions = {}): HeldFlight {
  const keys = new KeyCapture();
  const { client, server } = makePair(provider, { ...opts, client: { ...BASE.client, ...opts.client, keyLog: keys.keyLog } });
  const hello = client.takeOutput();
  server.receive(hello);
  const [sh, ...rest] = parseRecords(server.takeOutput());
  client.receive(record(sh!.type, sh!.fragment));
  return {
    client,
    server,
    keys,
    clientHello: parseRecords(hello)[0]!.fragment,
    serverHello: sh!.fragment,
    rest: encodeRecords(rest),
    serverHandshakeSecret: keys.get(KeyLogLabel.serverHandshakeTrafficSecret),
  };
}

/** Delivers the held flight with its protected messages passed through `edit`; returns the client's error. */
function rejectFlight(edit: (msgs: HandshakeMessage[]) => (HandshakeMessage | Uint8Array)[], opts: PairOptions = {}): number {
  const f = holdServerFlight(opts);
  const err = expectTlsError(() => f.client.receive(resealHandshake(provider, f.serverHandshakeSecret, f.rest, edit)));
  expect(err.origin).toBe('local');
  return err.alert;
}

/**
 * `edit`, then CertificateVerify re-signed with the server's key and Finished recomputed over
 * the edited transcript (RFC 8446 §4.4.3, §4.4.4): the flight a real server would have sent had
 * it meant to send the edited messages.
 */
function authenticated(f: HeldFlight, edit: (msgs: HandshakeMessage[]) => HandshakeMessage[]): (msgs: HandshakeMessage[]) => Uint8Array[] {
  const signingKey = testCertifiedKey(provider).key;
  return (msgs) => {
    const transcript: Uint8Array[] = [f.clientHello, f.serverHello];
    const out: Uint8Array[] = [];
    for (const m of edit(msgs)) {
      const hashNow = sha256.digest(concat(...transcript));
      let msg: HandshakeMessage = m;
      if (m.type === HandshakeType.certificate_verify) {
        msg = { ...m, signature: signingKey.sign(m.algorithm, certificateVerifyContent('server', hashNow), provider.randomBytes) };
      } else if (m.type === HandshakeType.finished) {
        msg = { ...m, verifyData: finishedVerifyData(sha256, f.serverHandshakeSecret, hashNow) };
      }
      const raw = encodeHandshake(msg);
      transcript.push(raw);
      out.push(raw);
    }
    return out;
  };
}

/** Opens protected records under `secret` (from sequence 0) and returns their handshake messages. */
function openHandshake(secret: Uint8Array, records: readonly WireRecord[]): Uint8Array[] {
  const p = protectionAt(provider, suite, secret);
  const plain: Uint8Array[] = [];
  for (const r of records) {
    if (r.type !== ContentType.application_data) continue;
    const header = record(r.type, r.fragment, r.version).subarray(0, 5);
    const inner = p.open({ contentType: r.type, legacyRecordVersion: r.version, header, fragment: r.fragment });
    expect(inner.contentType).toBe(ContentType.handshake);
    plain.push(inner.plaintext.slice());
  }
  return splitHandshakeMessages(concat(...plain));
}

/** Inserts `extra` right after EncryptedExtensions. */
function afterEncryptedExtensions(extra: HandshakeMessage | Uint8Array): (msgs: HandshakeMessage[]) => (HandshakeMessage | Uint8Array)[] {
  return (msgs) => [msgs[0]!, extra, ...msgs.slice(1)];
}

const CERTIFICATE_REQUEST: HandshakeMessage = {
  type: HandshakeType.certificate_request,
  certificateRequestContext: new Uint8Array(0),
  extensions: [{ kind: 'signature_algorithms', supportedSignatureAlgorithms: [SignatureScheme.ecdsa_secp256r1_sha256] }],
};

/** A connected pair with the client's secrets captured. */
function connected(): { client: ClientConnection; server: ServerConnection; keys: KeyCapture } {
  const keys = new KeyCapture();
  // No tickets from the server: the tests below seal the server's first application record themselves.
  const { client, server } = makePair(provider, { client: { ...BASE.client, keyLog: keys.keyLog }, server: { tickets: 0 } });
  handshake(client, server);
  drainEvents(client);
  return { client, server, keys };
}

/** One handshake message as the server would send it under its first application key. */
function fromServerAfterHandshake(keys: KeyCapture, msg: HandshakeMessage): Uint8Array {
  return sealRecords(provider, keys.get(KeyLogLabel.serverApplicationTrafficSecret0), [
    { type: ContentType.handshake, content: encodeHandshake(msg) },
  ]);
}

function ticket(ticketLifetime: number): HandshakeMessage {
  return {
    type: HandshakeType.new_session_ticket,
    ticketLifetime,
    ticketAgeAdd: 0x01020304,
    ticketNonce: new Uint8Array(1),
    ticket: new Uint8Array(16).fill(9),
    extensions: [],
  };
}

describe('client: server messages it did not ask for (RFC 8446 §4.2)', () => {
  it('accepts the re-signed, unaltered flight (control for the re-signing helper)', () => {
    const f = holdServerFlight();
    f.client.receive(resealHandshake(provider, f.serverHandshakeSecret, f.rest, authenticated(f, (m) => m)));
    expect(f.client.error).toBeUndefined();
    expect(f.client.isHandshakeDone).toBe(true);
  });

  it('rejects a Certificate entry extension it did not request (signed_certificate_timestamp): unsupported_extension (RFC 8446 §4.2, §4.4.2)', () => {
    const alert = rejectFlight((msgs) =>
      msgs.map((m) =>
        m.type === HandshakeType.certificate
          ? {
              ...m,
              certificateList: m.certificateList.map((e, i) =>
                i === 0 ? { ...e, extensions: [{ kind: 'unknown' as const, type: ExtensionType.signed_certificate_timestamp, data: new Uint8Array([0, 0]) }] } : e,
              ),
            }
          : m,
      ),
    );
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('rejects an OCSP status entry extension it did not request: unsupported_extension (RFC 8446 §4.4.2.1)', () => {
    const alert = rejectFlight((msgs) =>
      msgs.map((m) =>
        m.type === HandshakeType.certificate
          ? {
              ...m,
              certificateList: m.certificateList.map((e, i) =>
                i === 0 ? { ...e, extensions: [{ kind: 'ocsp_response' as const, ocspResponse: new Uint8Array([0x30, 0]) }] } : e,
              ),
            }
          : m,
      ),
    );
    expect(alert).toBe(AlertDescription.unsupported_extension);
  });

  it('accepts supported_groups in EncryptedExtensions and ignores it: the ServerHello group stands (RFC 8446 §4.2.7)', () => {
    const keys = new KeyCapture();
    const { client, server } = makePair(provider, {
      client: { ...BASE.client, groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519], keyLog: keys.keyLog },
      // The server lists a group the client never offered, and prefers P-256 in its list.
      server: { advertisedGroups: [NamedGroup.secp384r1, NamedGroup.secp256r1, NamedGroup.x25519] },
    });
    const hello = client.takeOutput();
    server.receive(hello);
    const flight = server.takeOutput();
    client.receive(flight);
    // The EncryptedExtensions the client accepted really carried supported_groups.
    const ee = decodeMessage(openHandshake(keys.get(KeyLogLabel.serverHandshakeTrafficSecret), parseRecords(flight).slice(1))[0]!);
    expect(ee.type === HandshakeType.encrypted_extensions && ee.extensions.find((e) => e.kind === 'supported_groups')).toEqual({
      kind: 'supported_groups',
      namedGroupList: [NamedGroup.secp384r1, NamedGroup.secp256r1, NamedGroup.x25519],
    });
    handshake(client, server);
    expect(client.error).toBeUndefined();
    expect(client.negotiated?.groupId).toBe(NamedGroup.x25519);
    expect(client.negotiated?.didRetry).toBe(false);
  });
});

describe('client: CertificateRequest (RFC 8446 §4.3.2, §4.4.2, §4.6.2)', () => {
  it('rejects a CertificateRequest with a non-empty context in the handshake: illegal_parameter (RFC 8446 §4.3.2)', () => {
    const alert = rejectFlight(afterEncryptedExtensions({ ...CERTIFICATE_REQUEST, certificateRequestContext: new Uint8Array([1]) }));
    expect(alert).toBe(AlertDescription.illegal_parameter);
  });

  it('answers a CertificateRequest with an empty Certificate, then Finished over it, and completes (RFC 8446 §4.4.2)', () => {
    const f = holdServerFlight();
    let serverTranscript: Uint8Array[] = [];
    const edit = authenticated(f, (msgs) => [msgs[0]!, CERTIFICATE_REQUEST, ...msgs.slice(1)]);
    f.client.receive(
      resealHandshake(provider, f.serverHandshakeSecret, f.rest, (msgs) => {
        serverTranscript = edit(msgs);
        return serverTranscript;
      }),
    );
    expect(f.client.error).toBeUndefined();
    expect(f.client.isHandshakeDone).toBe(true);

    const clientSecret = f.keys.get(KeyLogLabel.clientHandshakeTrafficSecret);
    const sent = openHandshake(clientSecret, parseRecords(f.client.takeOutput()));
    expect(sent.map((m) => decodeMessage(m).type)).toEqual([HandshakeType.certificate, HandshakeType.finished]);
    expect(decodeMessage(sent[0]!)).toEqual({
      type: HandshakeType.certificate,
      certificateRequestContext: new Uint8Array(0),
      certificateList: [],
    });
    // RFC 8446 §4.4.4: the client Finished covers its (empty) Certificate.
    const th = sha256.digest(concat(f.clientHello, f.serverHello, ...serverTranscript, sent[0]!));
    expect(decodeMessage(sent[1]!)).toEqual({ type: HandshakeType.finished, verifyData: finishedVerifyData(sha256, clientSecret, th) });
  });

  it('rejects a CertificateRequest after the handshake (no post_handshake_auth offered): unexpected_message (RFC 8446 §4.6.2)', () => {
    const { client, keys } = connected();
    const err = expectTlsError(() =>
      client.receive(fromServerAfterHandshake(keys, { ...CERTIFICATE_REQUEST, certificateRequestContext: new Uint8Array([7]) })),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });
});

describe('client: messages at the wrong time (RFC 8446 §4.5, §4.6.3)', () => {
  const END_OF_EARLY_DATA = encodeHandshake({ type: HandshakeType.end_of_early_data });

  it('rejects EndOfEarlyData from the server during the handshake: unexpected_message (RFC 8446 §4.5)', () => {
    expect(rejectFlight(afterEncryptedExtensions(END_OF_EARLY_DATA))).toBe(AlertDescription.unexpected_message);
  });

  it('rejects EndOfEarlyData from the server after the handshake: unexpected_message (RFC 8446 §4.5)', () => {
    const { client, keys } = connected();
    const err = expectTlsError(() => client.receive(fromServerAfterHandshake(keys, { type: HandshakeType.end_of_early_data })));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a KeyUpdate before the handshake completes: unexpected_message (RFC 8446 §4.6.3)', () => {
    const keyUpdate = encodeHandshake({ type: HandshakeType.key_update, requestUpdate: KeyUpdateRequest.update_not_requested });
    expect(rejectFlight(afterEncryptedExtensions(keyUpdate))).toBe(AlertDescription.unexpected_message);
  });
});

describe('client: NewSessionTicket lifetime (RFC 8446 §4.6.1)', () => {
  it(`accepts a ticket lifetime of exactly ${MAX_TICKET_LIFETIME_S} s (7 days)`, () => {
    const { client, keys } = connected();
    client.receive(fromServerAfterHandshake(keys, ticket(604800)));
    expect(client.error).toBeUndefined();
  });

  it('rejects a ticket lifetime over 604800 s: illegal_parameter (RFC 8446 §4.6.1)', () => {
    const { client, keys } = connected();
    const err = expectTlsError(() => client.receive(fromServerAfterHandshake(keys, ticket(604801))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.illegal_parameter, 'local']);
  });
});
