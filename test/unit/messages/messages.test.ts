/**
 * Per-message codec rules of RFC 8446 §4 (vector bounds, trailing bytes, field values) plus the
 * Alert (RFC 8446 §6) and change_cipher_spec (RFC 8446 §5) payloads.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/bytes/bytes.ts';
import { Reader } from '../../../src/codec/reader.ts';
import { Writer, encodeWith } from '../../../src/codec/writer.ts';
import { TlsError } from '../../../src/errors.ts';
import { alertFromBytes, alertToBytes, decodeAlert } from '../../../src/messages/alert.ts';
import { CHANGE_CIPHER_SPEC_PAYLOAD, decodeChangeCipherSpec, encodeChangeCipherSpec } from '../../../src/messages/change-cipher-spec.ts';
import { clientHelloBindersLen } from '../../../src/messages/client-hello.ts';
import type { ClientHello } from '../../../src/messages/client-hello.ts';
import { findExtension } from '../../../src/messages/extensions/extensions.ts';
import type { Extension } from '../../../src/messages/extensions/extensions.ts';
import { decodeHandshake, decodeHandshakeBody, encodeHandshake } from '../../../src/messages/handshake.ts';
import type { HandshakeMessage } from '../../../src/messages/handshake.ts';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../../src/messages/server-hello.ts';
import type { ServerHello } from '../../../src/messages/server-hello.ts';
import { AlertDescription, HandshakeType } from '../../../src/protocol/registry.ts';

const { decode_error, illegal_parameter, unexpected_message } = AlertDescription;

function alertOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    return (e as TlsError).alert;
  }
  throw new Error('expected a TlsError');
}

const body = (m: HandshakeMessage): Uint8Array => encodeHandshake(m).subarray(4);
const grease: Extension = { kind: 'unknown', type: 0x0a0a, data: new Uint8Array(4) };

const ch: ClientHello = {
  type: 1,
  legacyVersion: 0x0303,
  random: new Uint8Array(32).fill(7),
  legacySessionId: new Uint8Array(32).fill(1),
  cipherSuites: [0x1301, 0x1302],
  legacyCompressionMethods: Uint8Array.of(0),
  extensions: [{ kind: 'supported_versions_client', versions: [0x0304] }, grease],
};

/** A ClientHello body from raw parts (hex), for malformed-input tests. */
function rawClientHello(parts: { sessionId?: string; suites?: string; compression?: string; exts?: string; tail?: string }): Uint8Array {
  const exts = parts.exts ?? '000b002b0003020304fafa0000';
  return fromHex(`0303${'07'.repeat(32)}${parts.sessionId ?? '00'}${parts.suites ?? '00021301'}${parts.compression ?? '0100'}${exts}${parts.tail ?? ''}`);
}

describe('ClientHello (RFC 8446 §4.1.2)', () => {
  it('round-trips', () => {
    expect(decodeHandshakeBody(1, body(ch))).toEqual(ch);
  });
  it('accepts the raw test vector as a baseline', () => {
    expect(decodeHandshakeBody(1, rawClientHello({})).type).toBe(1);
  });
  it('rejects a legacy_session_id of 33 bytes with decode_error (<0..32>)', () => {
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ sessionId: '21' + '00'.repeat(33) })))).toBe(decode_error);
  });
  it('rejects empty or odd-length cipher_suites with decode_error (<2..2^16-2>)', () => {
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ suites: '0000' })))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ suites: '0003130113' })))).toBe(decode_error);
  });
  it('rejects empty legacy_compression_methods with decode_error (<1..2^8-1>)', () => {
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ compression: '00' })))).toBe(decode_error);
  });
  it('rejects a missing extension block and trailing bytes with decode_error', () => {
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ exts: '' })))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ tail: '00' })))).toBe(decode_error);
  });
  it('rejects every truncation with decode_error', () => {
    const b = body(ch);
    for (let n = 0; n < b.length; n++) expect(alertOf(() => decodeHandshakeBody(1, b.subarray(0, n)))).toBe(decode_error);
  });
  it('decodes key_share in ClientHello as client_shares: a bare KeyShareEntry is decode_error (RFC 8446 §4.2.8)', () => {
    const exts = '000e00330006001d000201ff' + 'fafa0000';
    expect(alertOf(() => decodeHandshakeBody(1, rawClientHello({ exts })))).toBe(decode_error);
  });
  it('clientHelloBindersLen is 0 without pre_shared_key and 2 + sum(1 + len) with it (RFC 8446 §4.2.11.2)', () => {
    expect(clientHelloBindersLen(body(ch))).toBe(0);
    const withPsk: ClientHello = {
      ...ch,
      extensions: [
        ...ch.extensions,
        { kind: 'pre_shared_key_client', identities: [{ identity: fromHex('01'), obfuscatedTicketAge: 0 }, { identity: fromHex('02'), obfuscatedTicketAge: 0 }], binders: [new Uint8Array(32), new Uint8Array(48)] },
      ],
    };
    expect(clientHelloBindersLen(body(withPsk))).toBe(2 + 33 + 49);
  });
});

const sh: ServerHello = {
  type: 2,
  isHelloRetryRequest: false,
  legacyVersion: 0x0303,
  random: new Uint8Array(32).fill(9),
  legacySessionIdEcho: new Uint8Array(0),
  cipherSuite: 0x1301,
  legacyCompressionMethod: 0,
  extensions: [
    { kind: 'supported_versions_server', selectedVersion: 0x0304 },
    { kind: 'key_share_server', serverShare: { group: 0x1d, keyExchange: new Uint8Array(32).fill(2) } },
  ],
};
const hrr: ServerHello = {
  ...sh,
  isHelloRetryRequest: true,
  random: HELLO_RETRY_REQUEST_RANDOM,
  extensions: [
    { kind: 'supported_versions_server', selectedVersion: 0x0304 },
    { kind: 'key_share_hrr', selectedGroup: 0x17 },
    { kind: 'cookie', cookie: fromHex('c0ffee') },
  ],
};

describe('ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4)', () => {
  it('HELLO_RETRY_REQUEST_RANDOM is SHA-256("HelloRetryRequest") as printed in RFC 8446 §4.1.3', () => {
    expect(HELLO_RETRY_REQUEST_RANDOM).toEqual(fromHex('CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C'.toLowerCase()));
  });
  it('round-trips a ServerHello and a HelloRetryRequest', () => {
    expect(decodeHandshakeBody(2, body(sh))).toEqual(sh);
    expect(decodeHandshakeBody(2, body(hrr))).toEqual(hrr);
  });
  it('a ServerHello with the special random decodes as HelloRetryRequest with the HRR extension table', () => {
    const m = decodeHandshakeBody(2, body(hrr));
    if (m.type !== HandshakeType.server_hello) throw new Error('type');
    expect(m.isHelloRetryRequest).toBe(true);
    expect(findExtension(m.extensions, 'key_share_hrr')?.selectedGroup).toBe(0x17);
  });
  it('rejects cookie in a ServerHello with illegal_parameter but accepts it in a HelloRetryRequest (RFC 8446 §4.2)', () => {
    const withCookie: ServerHello = { ...hrr, extensions: [{ kind: 'supported_versions_server', selectedVersion: 0x0304 }, { kind: 'cookie', cookie: fromHex('01') }] };
    const b = body(withCookie).slice();
    expect(decodeHandshakeBody(2, b)).toEqual(withCookie);
    b.set(sh.random, 2); // same bytes, ordinary random: now cookie is not allowed
    expect(alertOf(() => decodeHandshakeBody(2, b))).toBe(illegal_parameter);
  });
  it('rejects a legacy_session_id_echo of 33 bytes, a short extension block, and trailing bytes with decode_error', () => {
    const head = `0303${'09'.repeat(32)}`;
    expect(alertOf(() => decodeHandshakeBody(2, fromHex(`${head}21${'00'.repeat(33)}130100000600 2b00020304`.replace(' ', ''))))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(2, fromHex(`${head}00130100 0004fafa0000`.replace(' ', ''))))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(2, fromHex(`${head}00130100 0006002b00020304 00`.replaceAll(' ', ''))))).toBe(decode_error);
    expect(decodeHandshakeBody(2, fromHex(`${head}00130100 0006002b00020304`.replace(' ', ''))).type).toBe(2);
  });
  it('the encoder refuses isHelloRetryRequest inconsistent with random (RangeError)', () => {
    expect(() => encodeHandshake({ ...sh, isHelloRetryRequest: true })).toThrow(RangeError);
  });
});

describe('EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify (RFC 8446 §4.3, §4.4)', () => {
  it('EncryptedExtensions: empty list is fine, trailing bytes are decode_error', () => {
    expect(decodeHandshakeBody(8, fromHex('0000'))).toEqual({ type: 8, extensions: [] });
    expect(alertOf(() => decodeHandshakeBody(8, fromHex('000000')))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(8, new Uint8Array(0)))).toBe(decode_error);
  });
  it('CertificateRequest: an extension block shorter than 2 bytes is decode_error (extensions<2..2^16-1>)', () => {
    expect(alertOf(() => decodeHandshakeBody(13, fromHex('000000')))).toBe(decode_error);
    expect(decodeHandshakeBody(13, fromHex('0100' + '0008000d000400020804'))).toEqual({
      type: 13,
      certificateRequestContext: fromHex('00'),
      extensions: [{ kind: 'signature_algorithms', supportedSignatureAlgorithms: [0x0804] }],
    });
  });
  it('Certificate: an empty list is well-formed; empty cert_data is decode_error (<1..2^24-1>)', () => {
    expect(decodeHandshakeBody(11, fromHex('00000000'))).toEqual({ type: 11, certificateRequestContext: new Uint8Array(0), certificateList: [] });
    expect(alertOf(() => decodeHandshakeBody(11, fromHex('000000050000000000')))).toBe(decode_error);
  });
  it('Certificate: entry extensions use the CT column (status_request ok, supported_groups illegal_parameter)', () => {
    const ok = fromHex('00' + '000011' + '000002' + '3000' + '000a' + '0005000601000002aabb');
    const m = decodeHandshakeBody(11, ok);
    if (m.type !== HandshakeType.certificate) throw new Error('type');
    expect(m.certificateList[0]?.extensions).toEqual([{ kind: 'ocsp_response', ocspResponse: fromHex('aabb') }]);
    const bad = fromHex('00' + '00000f' + '000002' + '3000' + '0008' + '000a00040002001d');
    expect(alertOf(() => decodeHandshakeBody(11, bad))).toBe(illegal_parameter);
  });
  it('CertificateVerify: trailing bytes and truncation are decode_error', () => {
    expect(decodeHandshakeBody(15, fromHex('08040002abcd'))).toEqual({ type: 15, algorithm: 0x0804, signature: fromHex('abcd') });
    expect(alertOf(() => decodeHandshakeBody(15, fromHex('08040002abcdef')))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(15, fromHex('08040002ab')))).toBe(decode_error);
  });
});

describe('Finished, EndOfEarlyData, NewSessionTicket, KeyUpdate (RFC 8446 §4.4.4, §4.5, §4.6)', () => {
  it('Finished: empty verify_data is decode_error', () => {
    expect(alertOf(() => decodeHandshakeBody(20, new Uint8Array(0)))).toBe(decode_error);
    expect(decodeHandshakeBody(20, fromHex('aa'))).toEqual({ type: 20, verifyData: fromHex('aa') });
  });
  it('EndOfEarlyData: any body byte is decode_error', () => {
    expect(decodeHandshakeBody(5, new Uint8Array(0))).toEqual({ type: 5 });
    expect(alertOf(() => decodeHandshakeBody(5, fromHex('00')))).toBe(decode_error);
  });
  it('NewSessionTicket: an empty ticket is decode_error (ticket<1..2^16-1>), early_data carries max_early_data_size', () => {
    const head = '00001c20' + '01020304' + '0100';
    expect(alertOf(() => decodeHandshakeBody(4, fromHex(head + '0000' + '0000')))).toBe(decode_error);
    expect(decodeHandshakeBody(4, fromHex(head + '0001ee' + '0008002a000400000400'))).toEqual({
      type: 4,
      ticketLifetime: 7200,
      ticketAgeAdd: 0x01020304,
      ticketNonce: fromHex('00'),
      ticket: fromHex('ee'),
      extensions: [{ kind: 'early_data_ticket', maxEarlyDataSize: 1024 }],
    });
  });
  it('KeyUpdate: request_update other than 0/1 is illegal_parameter (RFC 8446 §4.6.3)', () => {
    expect(decodeHandshakeBody(24, fromHex('00'))).toEqual({ type: 24, requestUpdate: 0 });
    expect(decodeHandshakeBody(24, fromHex('01'))).toEqual({ type: 24, requestUpdate: 1 });
    expect(alertOf(() => decodeHandshakeBody(24, fromHex('02')))).toBe(illegal_parameter);
    expect(alertOf(() => decodeHandshakeBody(24, fromHex('ff')))).toBe(illegal_parameter);
  });
  it('KeyUpdate: empty or 2-byte bodies are decode_error', () => {
    expect(alertOf(() => decodeHandshakeBody(24, new Uint8Array(0)))).toBe(decode_error);
    expect(alertOf(() => decodeHandshakeBody(24, fromHex('0000')))).toBe(decode_error);
  });
});

describe('handshake framing (RFC 8446 §4)', () => {
  it.each([0, 3, 6, 12, 14, 16, 21, 22, 254, 255])('rejects msg_type %i with unexpected_message', (t) => {
    expect(alertOf(() => decodeHandshakeBody(t, new Uint8Array(0)))).toBe(unexpected_message);
  });
  it('encodeHandshake writes msg_type and a uint24 length; decodeHandshake reads one message and leaves the rest', () => {
    const enc = encodeHandshake({ type: 24, requestUpdate: 1 });
    expect(enc).toEqual(fromHex('1800000101'));
    const r = new Reader(fromHex('180000010114000001aa'), 'handshake');
    expect(decodeHandshake(r)).toEqual({ type: 24, requestUpdate: 1 });
    expect(decodeHandshake(r)).toEqual({ type: 20, verifyData: fromHex('aa') });
    expect(r.isEmpty).toBe(true);
  });
  it('a header whose length exceeds the data is decode_error', () => {
    expect(alertOf(() => decodeHandshake(new Reader(fromHex('18000002 01'.replace(' ', '')))))).toBe(decode_error);
  });
});

describe('Alert (RFC 8446 §6) and change_cipher_spec (RFC 8446 §5)', () => {
  it('an alert is exactly two bytes; other lengths are decode_error', () => {
    expect(alertFromBytes(fromHex('0228'))).toEqual({ level: 2, description: 40 });
    expect(alertToBytes({ level: 1, description: 0 })).toEqual(fromHex('0100'));
    expect(alertOf(() => alertFromBytes(fromHex('02')))).toBe(decode_error);
    expect(alertOf(() => alertFromBytes(fromHex('022800')))).toBe(decode_error);
    expect(alertOf(() => decodeAlert(new Reader(new Uint8Array(0))))).toBe(decode_error);
  });
  it('change_cipher_spec must be the single byte 0x01, else unexpected_message', () => {
    expect(decodeChangeCipherSpec(new Reader(CHANGE_CIPHER_SPEC_PAYLOAD))).toEqual({ type: 1 });
    expect(encodeWith((w: Writer) => encodeChangeCipherSpec(w, { type: 1 }))).toEqual(fromHex('01'));
    for (const bad of ['', '02', '00', '0101']) {
      expect(alertOf(() => decodeChangeCipherSpec(new Reader(fromHex(bad))))).toBe(unexpected_message);
    }
  });
});
