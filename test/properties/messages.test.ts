/**
 * Property tests for the handshake message codecs (RFC 8446 §4), after Go's
 * handshake_messages_test.go: random instances of every message type round-trip, every strict
 * prefix of an encoding is rejected, and hostile bytes only ever produce a TlsError — or a
 * message that re-encodes to exactly those bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/codec/reader.ts';
import { TlsError } from '../../src/errors.ts';
import { EXTENSION_CONTEXTS, decodeExtensions, encodeExtensions, extensionKind } from '../../src/messages/extensions/extensions.ts';
import type { Extension, ExtensionContext, KeyShareEntry } from '../../src/messages/extensions/extensions.ts';
import { decodeHandshake, decodeHandshakeBody, encodeHandshake } from '../../src/messages/handshake.ts';
import type { HandshakeMessage } from '../../src/messages/handshake.ts';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../src/messages/server-hello.ts';
import { encodeWith } from '../../src/codec/writer.ts';
import { equalBytes } from '../../src/bytes/bytes.ts';

const RUNS = 300;

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength, maxLength });
const u16s = (minLength: number, maxLength: number): fc.Arbitrary<number[]> => fc.array(u16, { minLength, maxLength });

// ---- extensions -------------------------------------------------------------------------------

const keyShareEntry: fc.Arbitrary<KeyShareEntry> = fc.record({ group: u16, keyExchange: bytes(1, 40) });
const hostName = fc.array(fc.integer({ min: 1, max: 0x7f }), { minLength: 1, maxLength: 30 }).map((cs) => String.fromCharCode(...cs));

const X = {
  serverName: hostName.map((h): Extension => ({ kind: 'server_name', hostName: h })),
  serverNameAck: fc.constant<Extension>({ kind: 'server_name_ack' }),
  supportedGroups: u16s(1, 8).map((l): Extension => ({ kind: 'supported_groups', namedGroupList: l })),
  sigAlgs: u16s(1, 8).map((l): Extension => ({ kind: 'signature_algorithms', supportedSignatureAlgorithms: l })),
  sigAlgsCert: u16s(1, 8).map((l): Extension => ({ kind: 'signature_algorithms_cert', supportedSignatureAlgorithms: l })),
  alpnClient: fc.array(bytes(1, 12), { minLength: 1, maxLength: 4 }).map((l): Extension => ({ kind: 'alpn', protocolNameList: l })),
  alpnServer: bytes(1, 12).map((n): Extension => ({ kind: 'alpn', protocolNameList: [n] })),
  recordSizeLimit: fc.integer({ min: 64, max: 0xffff }).map((v): Extension => ({ kind: 'record_size_limit', recordSizeLimit: v })),
  versionsClient: u16s(1, 6).map((v): Extension => ({ kind: 'supported_versions_client', versions: v })),
  versionServer: u16.map((v): Extension => ({ kind: 'supported_versions_server', selectedVersion: v })),
  keyShareClient: fc
    .uniqueArray(keyShareEntry, { maxLength: 3, selector: (e) => e.group })
    .map((s): Extension => ({ kind: 'key_share_client', clientShares: s })),
  keyShareServer: keyShareEntry.map((s): Extension => ({ kind: 'key_share_server', serverShare: s })),
  keyShareHrr: u16.map((g): Extension => ({ kind: 'key_share_hrr', selectedGroup: g })),
  pskModes: fc.array(u8, { minLength: 1, maxLength: 4 }).map((m): Extension => ({ kind: 'psk_key_exchange_modes', keModes: m })),
  pskClient: fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc
      .tuple(
        fc.array(fc.record({ identity: bytes(1, 30), obfuscatedTicketAge: u32 }), { minLength: n, maxLength: n }),
        fc.array(bytes(32, 48), { minLength: n, maxLength: n }),
      )
      .map(([identities, binders]): Extension => ({ kind: 'pre_shared_key_client', identities, binders })),
  ),
  pskServer: u16.map((i): Extension => ({ kind: 'pre_shared_key_server', selectedIdentity: i })),
  earlyData: fc.constant<Extension>({ kind: 'early_data' }),
  earlyDataTicket: u32.map((v): Extension => ({ kind: 'early_data_ticket', maxEarlyDataSize: v })),
  cookie: bytes(1, 40).map((c): Extension => ({ kind: 'cookie', cookie: c })),
  statusRequest: bytes(0, 12).map((b): Extension => ({ kind: 'status_request', request: b })),
  ocspResponse: bytes(1, 40).map((b): Extension => ({ kind: 'ocsp_response', ocspResponse: b })),
  certificateAuthorities: fc.array(bytes(1, 20), { minLength: 1, maxLength: 3 }).map((a): Extension => ({ kind: 'certificate_authorities', authorities: a })),
};

/** Types no context parses and the §4.2 table does not list (GREASE, private use, ...). */
const unknownType = u16.filter((t) => !EXTENSION_CONTEXTS.has(t) && extensionKind(t, 'client_hello') === 'unknown');
const unknowns: fc.Arbitrary<Extension[]> = fc
  .uniqueArray(unknownType, { maxLength: 3 })
  .chain((types) => fc.tuple(...types.map((type) => bytes(0, 10).map((data): Extension => ({ kind: 'unknown', type, data })))));

/** A valid block: all `mandatory`, any of `optional`, some unknowns, shuffled; `last` (if drawn) at the end. */
function extensionBlock(
  mandatory: readonly fc.Arbitrary<Extension>[],
  optional: readonly fc.Arbitrary<Extension>[],
  last?: fc.Arbitrary<Extension>,
): fc.Arbitrary<Extension[]> {
  return fc
    .tuple(
      fc.tuple(...mandatory),
      fc.tuple(...optional.map((a) => fc.option(a, { nil: undefined }))),
      unknowns,
      last ? fc.option(last, { nil: undefined }) : fc.constant(undefined),
    )
    .chain(([m, o, u, l]) => {
      const all = [...m, ...o.filter((e): e is Extension => e !== undefined), ...u];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }).map((s) => (l ? [...s, l] : s));
    });
}

const BLOCKS: { readonly [C in ExtensionContext]: fc.Arbitrary<Extension[]> } = {
  client_hello: extensionBlock(
    [X.versionsClient, X.keyShareClient],
    [X.serverName, X.supportedGroups, X.sigAlgs, X.sigAlgsCert, X.alpnClient, X.recordSizeLimit, X.pskModes, X.earlyData, X.cookie, X.statusRequest, X.certificateAuthorities],
    X.pskClient,
  ),
  server_hello: extensionBlock([X.versionServer], [X.keyShareServer, X.pskServer]),
  hello_retry_request: extensionBlock([X.versionServer], [X.keyShareHrr, X.cookie]),
  encrypted_extensions: extensionBlock([], [X.serverNameAck, X.supportedGroups, X.alpnServer, X.recordSizeLimit, X.earlyData]),
  certificate_request: extensionBlock([X.sigAlgs], [X.sigAlgsCert, X.statusRequest, X.certificateAuthorities]),
  certificate: extensionBlock([], [X.ocspResponse]),
  new_session_ticket: extensionBlock([], [X.earlyDataTicket]),
};

// ---- messages ---------------------------------------------------------------------------------

const random32 = bytes(32, 32).filter((r) => !equalBytes(r, HELLO_RETRY_REQUEST_RANDOM));

const MESSAGES: Record<string, fc.Arbitrary<HandshakeMessage>> = {
  ClientHello: fc.record({
    type: fc.constant(1 as const),
    legacyVersion: u16,
    random: bytes(32, 32),
    legacySessionId: bytes(0, 32),
    cipherSuites: u16s(1, 10),
    legacyCompressionMethods: bytes(1, 4),
    extensions: BLOCKS.client_hello,
  }),
  ServerHello: fc.record({
    type: fc.constant(2 as const),
    isHelloRetryRequest: fc.constant(false),
    legacyVersion: u16,
    random: random32,
    legacySessionIdEcho: bytes(0, 32),
    cipherSuite: u16,
    legacyCompressionMethod: u8,
    extensions: BLOCKS.server_hello,
  }),
  HelloRetryRequest: fc.record({
    type: fc.constant(2 as const),
    isHelloRetryRequest: fc.constant(true),
    legacyVersion: u16,
    random: fc.constant(HELLO_RETRY_REQUEST_RANDOM),
    legacySessionIdEcho: bytes(0, 32),
    cipherSuite: u16,
    legacyCompressionMethod: u8,
    extensions: BLOCKS.hello_retry_request,
  }),
  EncryptedExtensions: fc.record({ type: fc.constant(8 as const), extensions: BLOCKS.encrypted_extensions }),
  CertificateRequest: fc.record({
    type: fc.constant(13 as const),
    certificateRequestContext: bytes(0, 16),
    extensions: BLOCKS.certificate_request,
  }),
  Certificate: fc.record({
    type: fc.constant(11 as const),
    certificateRequestContext: bytes(0, 16),
    certificateList: fc.array(fc.record({ certData: bytes(1, 60), extensions: BLOCKS.certificate }), { maxLength: 3 }),
  }),
  CertificateVerify: fc.record({ type: fc.constant(15 as const), algorithm: u16, signature: bytes(0, 80) }),
  Finished: fc.record({ type: fc.constant(20 as const), verifyData: bytes(1, 64) }),
  NewSessionTicket: fc.record({
    type: fc.constant(4 as const),
    ticketLifetime: u32,
    ticketAgeAdd: u32,
    ticketNonce: bytes(0, 16),
    ticket: bytes(1, 60),
    extensions: BLOCKS.new_session_ticket,
  }),
  EndOfEarlyData: fc.constant({ type: 5 as const }),
  KeyUpdate: fc.record({ type: fc.constant(24 as const), requestUpdate: fc.constantFrom(0, 1) }),
};

const anyMessage = fc.oneof(...Object.values(MESSAGES));

/** Decodes one framed message that must fill `b` exactly. */
function decodeFramed(b: Uint8Array): HandshakeMessage {
  const r = new Reader(b, 'handshake');
  const m = decodeHandshake(r);
  r.end();
  return m;
}

/** Runs `fn`; anything thrown must be a TlsError. Returns the result or undefined. */
function onlyTlsErrors<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TlsError)) throw e;
    return undefined;
  }
}

describe('handshake message properties (RFC 8446 §4)', () => {
  for (const [name, arb] of Object.entries(MESSAGES)) {
    it(`${name}: decode(encode(m)) deep-equals m`, () => {
      fc.assert(
        fc.property(arb, (m) => {
          expect(decodeFramed(encodeHandshake(m))).toEqual(m);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: every strict prefix of the encoding fails with a TlsError`, () => {
      fc.assert(
        fc.property(arb, (m) => {
          const enc = encodeHandshake(m);
          for (let n = 0; n < enc.length; n++) {
            expect(() => decodeFramed(enc.subarray(0, n))).toThrow(TlsError);
            // Body prefixes too, except Finished, whose body is all verify_data (any non-empty
            // prefix is a well-formed Finished; its length is checked against the hash).
            if (m.type !== 20 && n >= 4) expect(() => decodeHandshakeBody(m.type, enc.subarray(4, n))).toThrow(TlsError);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it('decoding random bytes as any message type throws only TlsError, and what decodes re-encodes identically', () => {
    fc.assert(
      fc.property(u8, bytes(0, 80), (type, body) => {
        const m = onlyTlsErrors(() => decodeHandshakeBody(type, body));
        if (m) expect(encodeHandshake(m).subarray(4)).toEqual(body);
      }),
      { numRuns: 3000 },
    );
  });

  it('decoding a mutated valid message throws only TlsError, and what decodes re-encodes identically', () => {
    const mutated = anyMessage
      .map((m) => encodeHandshake(m))
      .chain((enc) =>
        fc.tuple(
          fc.constant(enc),
          fc.array(fc.tuple(fc.nat(enc.length - 1), u8), { minLength: 1, maxLength: 3 }),
          fc.nat(enc.length),
        ),
      )
      .map(([enc, edits, cut]) => {
        const b = enc.slice();
        for (const [i, v] of edits) b[i] = v;
        return cut === enc.length ? b : b.subarray(0, Math.max(cut, 4));
      });
    fc.assert(
      fc.property(mutated, (b) => {
        const m = onlyTlsErrors(() => decodeHandshakeBody(b[0] as number, b.subarray(4)));
        if (m) expect(encodeHandshake(m).subarray(4)).toEqual(b.subarray(4));
      }),
      { numRuns: 3000 },
    );
  });

  it('decoding random extension blocks in every context throws only TlsError, and re-encodes identically', () => {
    const contexts = Object.keys(BLOCKS) as ExtensionContext[];
    const blockBytes = fc.array(fc.tuple(fc.constantFrom(0, 5, 10, 13, 16, 28, 41, 42, 43, 44, 45, 47, 50, 51, 0x0a0a), bytes(0, 12)), { maxLength: 4 }).map((exts) =>
      encodeWith((w) =>
        w.block16(() => {
          for (const [t, d] of exts) {
            w.u16(t);
            w.opaque16(d);
          }
        }),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...contexts), fc.oneof(blockBytes, bytes(0, 40)), (ctx, b) => {
        const exts = onlyTlsErrors(() => {
          const r = new Reader(b, 'ext');
          const out = decodeExtensions(r, ctx);
          r.end();
          return out;
        });
        if (exts) expect(encodeWith((w) => encodeExtensions(w, exts, ctx))).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });
});
