/**
 * Extension block rules of RFC 8446 §4.2 and the per-extension codecs (RFC 8446 §4.2.x,
 * RFC 6066 §3 / §8, RFC 7301 §3.1, RFC 8449 §4).
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/bytes/bytes.ts';
import { Reader } from '../../../src/codec/reader.ts';
import { Writer, encodeWith } from '../../../src/codec/writer.ts';
import { TlsError } from '../../../src/errors.ts';
import {
  EXTENSION_CONTEXTS,
  decodeExtensions,
  encodeExtensions,
  extensionType,
  findExtension,
} from '../../../src/messages/extensions/extensions.ts';
import type { Extension, ExtensionContext } from '../../../src/messages/extensions/extensions.ts';
import { AlertDescription, ExtensionType } from '../../../src/protocol/registry.ts';

const { decode_error, illegal_parameter } = AlertDescription;

/** An extension block from raw (type, hex data) pairs. */
function block(...exts: readonly (readonly [number, string])[]): Uint8Array {
  return encodeWith((w) =>
    w.block16(() => {
      for (const [t, hex] of exts) {
        w.u16(t);
        w.opaque16(fromHex(hex));
      }
    }),
  );
}

function decode(bytes: Uint8Array, ctx: ExtensionContext): Extension[] {
  const r = new Reader(bytes, 'test');
  const out = decodeExtensions(r, ctx);
  r.end();
  return out;
}

/** The alert of the TlsError thrown by `fn` (fails the test if none or another error type). */
function alertOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    return (e as TlsError).alert;
  }
  throw new Error('expected a TlsError');
}

const padding8: readonly [number, string] = [0xfafa, '0000']; // GREASE filler, 6 bytes with header

describe('extension block (RFC 8446 §4.2)', () => {
  it('rejects two extensions of the same type in one block with illegal_parameter (RFC 8446 §4.2)', () => {
    const b = block([ExtensionType.supported_groups, '0002001d'], [ExtensionType.supported_groups, '00020017']);
    expect(alertOf(() => decode(b, 'client_hello'))).toBe(illegal_parameter);
    const ee = block([ExtensionType.early_data, ''], [ExtensionType.early_data, '']);
    expect(alertOf(() => decode(ee, 'encrypted_extensions'))).toBe(illegal_parameter);
  });

  it('rejects two unknown extensions of the same type too (RFC 8446 §4.2)', () => {
    const b = block([0x1234, ''], [0x1234, '00'], padding8);
    expect(alertOf(() => decode(b, 'client_hello'))).toBe(illegal_parameter);
  });

  it.each([
    ['key_share in EncryptedExtensions', ExtensionType.key_share, '001d0001aa', 'encrypted_extensions'],
    ['cookie in ServerHello', ExtensionType.cookie, '000101', 'server_hello'],
    ['supported_groups in ServerHello', ExtensionType.supported_groups, '0002001d0000', 'server_hello'],
    ['early_data in ServerHello', ExtensionType.early_data, '', 'server_hello'],
    ['pre_shared_key in HelloRetryRequest', ExtensionType.pre_shared_key, '0000', 'hello_retry_request'],
    ['signature_algorithms in EncryptedExtensions', ExtensionType.signature_algorithms, '00020804', 'encrypted_extensions'],
    ['supported_versions in EncryptedExtensions', ExtensionType.supported_versions, '0304', 'encrypted_extensions'],
    ['server_name in a CertificateEntry', ExtensionType.server_name, '', 'certificate'],
    ['status_request in NewSessionTicket', ExtensionType.status_request, '', 'new_session_ticket'],
    ['padding (recognised, not parsed) in EncryptedExtensions', ExtensionType.padding, '0000', 'encrypted_extensions'],
    ['post_handshake_auth in CertificateRequest', ExtensionType.post_handshake_auth, '', 'certificate_request'],
    ['oid_filters in ClientHello', ExtensionType.oid_filters, '0000', 'client_hello'],
  ] as const)('rejects %s with illegal_parameter (RFC 8446 §4.2 table)', (_n, type, hex, ctx) => {
    const b = block([type, hex], padding8, [0x0a0a, ''], [0x1a1a, '']);
    expect(alertOf(() => decode(b, ctx))).toBe(illegal_parameter);
  });

  it.each(['client_hello', 'certificate_request', 'certificate', 'server_hello', 'hello_retry_request', 'encrypted_extensions', 'new_session_ticket'] as const)(
    'keeps unknown and GREASE extensions verbatim in %s (RFC 8446 §4.2, RFC 8701)',
    (ctx) => {
      const b = block([0x2a2a, 'deadbeef'], [0xff01, '00'], [0x7777, ''], [0xfe0d, '00']);
      expect(decode(b, ctx)).toEqual([
        { kind: 'unknown', type: 0x2a2a, data: fromHex('deadbeef') },
        { kind: 'unknown', type: 0xff01, data: fromHex('00') },
        { kind: 'unknown', type: 0x7777, data: new Uint8Array(0) },
        { kind: 'unknown', type: 0xfe0d, data: fromHex('00') },
      ]);
    },
  );

  it('keeps recognised-but-unparsed extensions (padding, post_handshake_auth) as unknown where allowed', () => {
    const b = block([ExtensionType.post_handshake_auth, ''], [ExtensionType.padding, '000000']);
    expect(decode(b, 'client_hello').map((e) => e.kind)).toEqual(['unknown', 'unknown']);
  });

  it('rejects pre_shared_key that is not the last ClientHello extension with illegal_parameter (RFC 8446 §4.2.11)', () => {
    const psk = pskData(1, 1);
    const notLast = block([ExtensionType.pre_shared_key, psk], [ExtensionType.supported_versions, '020304']);
    expect(alertOf(() => decode(notLast, 'client_hello'))).toBe(illegal_parameter);
    const last = block([ExtensionType.supported_versions, '020304'], [ExtensionType.pre_shared_key, psk]);
    expect(decode(last, 'client_hello').map((e) => e.kind)).toEqual(['supported_versions_client', 'pre_shared_key_client']);
  });

  it('rejects extension blocks below their struct minimum with decode_error (RFC 8446 §4.1.2, §4.1.3, §4.3.2)', () => {
    const six = block([0x1234, '']); // 4 bytes of content
    expect(alertOf(() => decode(six, 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(six, 'server_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(fromHex('0000'), 'certificate_request'))).toBe(decode_error);
    expect(decode(fromHex('0000'), 'encrypted_extensions')).toEqual([]);
  });

  it('rejects a NewSessionTicket extension block of 2^16-1 bytes with decode_error (RFC 8446 §4.6.1 <0..2^16-2>)', () => {
    const big = block([0x1234, '00'.repeat(0xffff - 4)]);
    expect(alertOf(() => decode(big, 'new_session_ticket'))).toBe(decode_error);
    expect(decode(big, 'encrypted_extensions')).toHaveLength(1);
  });

  it('rejects truncated blocks and extensions with decode_error (RFC 8446 §4.2)', () => {
    const b = block([ExtensionType.supported_groups, '0002001d'], padding8);
    for (let n = 0; n < b.length; n++) {
      expect(alertOf(() => decode(b.subarray(0, n), 'client_hello'))).toBe(decode_error);
    }
    expect(alertOf(() => decode(fromHex('0004001a0005'), 'encrypted_extensions'))).toBe(decode_error);
  });

  it('rejects trailing bytes inside extension_data with decode_error (RFC 8446 §4.2)', () => {
    expect(alertOf(() => decode(block([ExtensionType.supported_versions, '030400']), 'server_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([ExtensionType.early_data, '00']), 'encrypted_extensions'))).toBe(decode_error);
    expect(alertOf(() => decode(block([ExtensionType.key_share, '00170000']), 'hello_retry_request'))).toBe(decode_error);
  });

  it('the table allows each parsed kind in the messages RFC 8446 §4.2 lists', () => {
    expect(EXTENSION_CONTEXTS.get(ExtensionType.key_share)).toEqual(['client_hello', 'server_hello', 'hello_retry_request']);
    expect(EXTENSION_CONTEXTS.get(ExtensionType.early_data)).toEqual(['client_hello', 'encrypted_extensions', 'new_session_ticket']);
    expect(EXTENSION_CONTEXTS.get(ExtensionType.record_size_limit)).toEqual(['client_hello', 'encrypted_extensions']);
    expect(EXTENSION_CONTEXTS.has(0x0a0a)).toBe(false);
  });
});

describe('server_name (RFC 6066 §3)', () => {
  const sni = (nameHex: string, type = '00'): string => {
    const name = `${type}${(nameHex.length / 2).toString(16).padStart(4, '0')}${nameHex}`;
    return `${(name.length / 2).toString(16).padStart(4, '0')}${name}`;
  };
  const ascii = (s: string): string => [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');

  it('decodes one host_name and keeps a trailing dot', () => {
    const [e] = decode(block([0, sni(ascii('example.com.'))], padding8), 'client_hello');
    expect(e).toEqual({ kind: 'server_name', hostName: 'example.com.' });
  });
  it('rejects a host_name containing NUL with illegal_parameter', () => {
    expect(alertOf(() => decode(block([0, sni(ascii('a.com') + '00' + ascii('b.com'))], padding8), 'client_hello'))).toBe(illegal_parameter);
  });
  it('rejects a non-ASCII host_name with illegal_parameter', () => {
    expect(alertOf(() => decode(block([0, sni('c3a9')], padding8), 'client_hello'))).toBe(illegal_parameter);
  });
  it('rejects an empty host_name and an empty list with decode_error (HostName<1..2^16-1>)', () => {
    expect(alertOf(() => decode(block([0, sni('')], padding8), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([0, '0000'], padding8), 'client_hello'))).toBe(decode_error);
  });
  it('rejects a second name with illegal_parameter and an unknown name_type with decode_error', () => {
    const one = sni(ascii('a')).slice(4);
    const two = `${((one.length * 2) / 2).toString(16).padStart(4, '0')}${one}${one}`;
    expect(alertOf(() => decode(block([0, two], padding8), 'client_hello'))).toBe(illegal_parameter);
    expect(alertOf(() => decode(block([0, sni(ascii('a'), '01')], padding8), 'client_hello'))).toBe(decode_error);
  });
  it('EncryptedExtensions server_name is an empty acknowledgement; data there is decode_error', () => {
    expect(decode(block([0, '']), 'encrypted_extensions')).toEqual([{ kind: 'server_name_ack' }]);
    expect(alertOf(() => decode(block([0, sni(ascii('a'))]), 'encrypted_extensions'))).toBe(decode_error);
  });
  it('the encoder refuses a host name with NUL (RangeError, a local bug)', () => {
    expect(() => encodeWith((w) => encodeExtensions(w, [{ kind: 'server_name', hostName: 'a\0b' }, { kind: 'unknown', type: 0xfafa, data: new Uint8Array(4) }], 'client_hello'))).toThrow(RangeError);
  });
});

describe('application_layer_protocol_negotiation (RFC 7301 §3.1)', () => {
  it('decodes the client list', () => {
    const [e] = decode(block([16, '000c02683208687474702f312e31'], padding8), 'client_hello');
    expect(e).toEqual({ kind: 'alpn', protocolNameList: [fromHex('6832'), fromHex('687474702f312e31')] });
  });
  it('rejects an empty protocol name and an empty list with decode_error', () => {
    expect(alertOf(() => decode(block([16, '0003000168'], padding8), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([16, '0000'], padding8), 'client_hello'))).toBe(decode_error);
  });
  it('rejects a server list with two names with illegal_parameter ("exactly one ProtocolName")', () => {
    expect(alertOf(() => decode(block([16, '0006026832026833']), 'encrypted_extensions'))).toBe(illegal_parameter);
    expect(decode(block([16, '0003026832']), 'encrypted_extensions')).toEqual([{ kind: 'alpn', protocolNameList: [fromHex('6832')] }]);
  });
});

describe('record_size_limit (RFC 8449 §4)', () => {
  it('rejects a limit below 64 with illegal_parameter', () => {
    expect(alertOf(() => decode(block([28, '003f']), 'encrypted_extensions'))).toBe(illegal_parameter);
    expect(decode(block([28, '0040']), 'encrypted_extensions')).toEqual([{ kind: 'record_size_limit', recordSizeLimit: 64 }]);
  });
  it('rejects a 1-byte or 3-byte body with decode_error', () => {
    expect(alertOf(() => decode(block([28, '40']), 'encrypted_extensions'))).toBe(decode_error);
    expect(alertOf(() => decode(block([28, '400100']), 'encrypted_extensions'))).toBe(decode_error);
  });
});

describe('key_share (RFC 8446 §4.2.8)', () => {
  it('decodes the three shapes by message', () => {
    expect(decode(block([51, '0006001d000201ff'], padding8), 'client_hello')[0]).toEqual({
      kind: 'key_share_client',
      clientShares: [{ group: 0x1d, keyExchange: fromHex('01ff') }],
    });
    expect(decode(block([51, '001d000201ff'], [43, '0304']), 'server_hello')[0]).toEqual({
      kind: 'key_share_server',
      serverShare: { group: 0x1d, keyExchange: fromHex('01ff') },
    });
    expect(decode(block([51, '0017'], [43, '0304']), 'hello_retry_request')[0]).toEqual({ kind: 'key_share_hrr', selectedGroup: 0x17 });
  });
  it('accepts an empty client_shares list (the client asks for HRR)', () => {
    expect(decode(block([51, '0000'], padding8), 'client_hello')[0]).toEqual({ kind: 'key_share_client', clientShares: [] });
  });
  it('rejects an empty key_exchange with decode_error (key_exchange<1..2^16-1>)', () => {
    expect(alertOf(() => decode(block([51, '0004001d0000'], padding8), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([51, '001d0000'], [43, '0304']), 'server_hello'))).toBe(decode_error);
  });
  it('rejects two shares for the same group with illegal_parameter', () => {
    expect(alertOf(() => decode(block([51, '000a001d000101001d000102'], padding8), 'client_hello'))).toBe(illegal_parameter);
  });
});

describe('supported_versions, supported_groups, signature_algorithms, psk_key_exchange_modes, cookie (RFC 8446 §4.2.x)', () => {
  it('rejects a client versions list shorter than 2 or of odd length with decode_error (versions<2..254>)', () => {
    expect(alertOf(() => decode(block([43, '00'], padding8), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([43, '030304'], padding8), 'client_hello'))).toBe(decode_error);
    expect(decode(block([43, '0403040303'], padding8), 'client_hello')[0]).toEqual({ kind: 'supported_versions_client', versions: [0x0304, 0x0303] });
  });
  it('rejects an empty or odd named_group_list with decode_error', () => {
    expect(alertOf(() => decode(block([10, '0000'], padding8), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([10, '0003001d00'], padding8), 'client_hello'))).toBe(decode_error);
  });
  it('rejects an empty or odd signature algorithms list with decode_error (<2..2^16-2>)', () => {
    expect(alertOf(() => decode(block([13, '0000'], padding8), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block([50, '0003080408'], padding8), 'client_hello'))).toBe(decode_error);
    expect(decode(block([50, '00020804'], padding8), 'client_hello')[0]).toEqual({ kind: 'signature_algorithms_cert', supportedSignatureAlgorithms: [0x0804] });
  });
  it('rejects an empty ke_modes list with decode_error (<1..255>)', () => {
    expect(alertOf(() => decode(block([45, '00'], padding8), 'client_hello'))).toBe(decode_error);
    expect(decode(block([45, '0201ee'], padding8), 'client_hello')[0]).toEqual({ kind: 'psk_key_exchange_modes', keModes: [1, 0xee] });
  });
  it('rejects an empty cookie with decode_error (cookie<1..2^16-1>)', () => {
    expect(alertOf(() => decode(block([44, '0000'], [43, '0304']), 'hello_retry_request'))).toBe(decode_error);
  });
  it('rejects early_data in NewSessionTicket without max_early_data_size with decode_error (RFC 8446 §4.2.10)', () => {
    expect(alertOf(() => decode(block([42, '']), 'new_session_ticket'))).toBe(decode_error);
    expect(decode(block([42, '00004000']), 'new_session_ticket')).toEqual([{ kind: 'early_data_ticket', maxEarlyDataSize: 0x4000 }]);
  });
});

/** OfferedPsks with `ids` identities and `binders` 32-byte binders. */
function pskData(ids: number, binders: number): string {
  const id = '0003aabbcc' + '00000001';
  const idList = id.repeat(ids);
  const b = '20' + '11'.repeat(32);
  const bList = b.repeat(binders);
  const len = (hex: string): string => (hex.length / 2).toString(16).padStart(4, '0');
  return len(idList) + idList + len(bList) + bList;
}

describe('pre_shared_key (RFC 8446 §4.2.11)', () => {
  it('decodes identities and binders', () => {
    const [e] = decode(block(padding8, [41, pskData(2, 2)]), 'client_hello').slice(1);
    expect(e).toEqual({
      kind: 'pre_shared_key_client',
      identities: [
        { identity: fromHex('aabbcc'), obfuscatedTicketAge: 1 },
        { identity: fromHex('aabbcc'), obfuscatedTicketAge: 1 },
      ],
      binders: [new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x11)],
    });
  });
  it('rejects a binder count different from the identity count with illegal_parameter', () => {
    expect(alertOf(() => decode(block(padding8, [41, pskData(2, 1)]), 'client_hello'))).toBe(illegal_parameter);
  });
  it('rejects a binder shorter than 32 bytes and an empty identity list with decode_error', () => {
    const shortBinder = '00090003aabbcc00000001' + '0020' + '1f' + '11'.repeat(31);
    expect(alertOf(() => decode(block(padding8, [41, shortBinder]), 'client_hello'))).toBe(decode_error);
    expect(alertOf(() => decode(block(padding8, [41, '0000' + '0021' + '20' + '11'.repeat(32)]), 'client_hello'))).toBe(decode_error);
  });
  it('decodes the ServerHello selected_identity', () => {
    expect(decode(block([41, '0001'], [43, '0304']), 'server_hello')[0]).toEqual({ kind: 'pre_shared_key_server', selectedIdentity: 1 });
  });
});

describe('status_request (RFC 6066 §8, RFC 8446 §4.4.2.1)', () => {
  it('carries the ClientHello request verbatim and decodes a CertificateEntry OCSP response', () => {
    expect(decode(block([5, '0100000000'], padding8), 'client_hello')[0]).toEqual({ kind: 'status_request', request: fromHex('0100000000') });
    expect(decode(block([5, '01000003aabbcc']), 'certificate')).toEqual([{ kind: 'ocsp_response', ocspResponse: fromHex('aabbcc') }]);
  });
  it('rejects a CertificateStatus of unknown status_type or empty response with decode_error', () => {
    expect(alertOf(() => decode(block([5, '02000003aabbcc']), 'certificate'))).toBe(decode_error);
    expect(alertOf(() => decode(block([5, '01000000']), 'certificate'))).toBe(decode_error);
  });
});

describe('certificate_authorities (RFC 8446 §4.2.4)', () => {
  it('decodes names and rejects an empty name or list with decode_error', () => {
    expect(decode(block([47, '00050003300100']), 'certificate_request')).toEqual([{ kind: 'certificate_authorities', authorities: [fromHex('300100')] }]);
    expect(alertOf(() => decode(block([47, '0000']), 'certificate_request'))).toBe(decode_error);
    expect(alertOf(() => decode(block([47, '000400000000']), 'certificate_request'))).toBe(decode_error);
  });
});

describe('encodeExtensions refuses what decodeExtensions rejects', () => {
  const enc = (exts: readonly Extension[], ctx: ExtensionContext): Uint8Array => encodeWith((w: Writer) => encodeExtensions(w, exts, ctx));
  const filler: Extension = { kind: 'unknown', type: 0xfafa, data: new Uint8Array(4) };
  it('rejects a kind of the wrong shape, a disallowed type, duplicates, and pre_shared_key not last', () => {
    expect(() => enc([{ kind: 'key_share_hrr', selectedGroup: 0x1d }, filler], 'server_hello')).toThrow(RangeError);
    expect(() => enc([{ kind: 'cookie', cookie: fromHex('01') }, filler], 'server_hello')).toThrow(RangeError);
    expect(() => enc([filler, filler], 'client_hello')).toThrow(RangeError);
    expect(() =>
      enc([{ kind: 'pre_shared_key_server', selectedIdentity: 0 }], 'server_hello'),
    ).not.toThrow();
    expect(() =>
      enc([{ kind: 'pre_shared_key_client', identities: [{ identity: fromHex('01'), obfuscatedTicketAge: 0 }], binders: [new Uint8Array(32)] }, filler], 'client_hello'),
    ).toThrow(RangeError);
    expect(() => enc([], 'client_hello')).toThrow(RangeError);
  });
  it('findExtension returns the first of a kind, extensionType gives the wire type', () => {
    const exts: Extension[] = [filler, { kind: 'supported_versions_server', selectedVersion: 0x0304 }];
    expect(findExtension(exts, 'supported_versions_server')?.selectedVersion).toBe(0x0304);
    expect(findExtension(exts, 'cookie')).toBeUndefined();
    expect(exts.map(extensionType)).toEqual([0xfafa, 43]);
  });
});
