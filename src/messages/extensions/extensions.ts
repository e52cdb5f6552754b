/**
 * @module extensions
 * The extension block shared by the hello messages, EncryptedExtensions, CertificateRequest,
 * CertificateEntry and NewSessionTicket (RFC 8446 §4.2): the list codec, duplicate detection,
 * the §4.2 table of which extension may appear in which message, and dispatch to the
 * per-extension codecs. Unknown (and GREASE, RFC 8701) extension types are carried verbatim.
 *
 * RFC 8446 §4.2:
 *   struct {
 *       ExtensionType extension_type;
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 * Blocks (per message): ClientHello extensions<8..2^16-1>, ServerHello / HelloRetryRequest
 * extensions<6..2^16-1>, EncryptedExtensions extensions<0..2^16-1>, CertificateRequest
 * extensions<2..2^16-1>, CertificateEntry extensions<0..2^16-1>, NewSessionTicket
 * extensions<0..2^16-2>.
 */
import { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { illegalParameter } from '../../errors.ts';
import { ExtensionType, nameOf } from '../../protocol/registry.ts';
import { decodeAlpn, decodeAlpnServer, encodeAlpn } from './alpn.ts';
import type { Alpn } from './alpn.ts';
import { decodeCertificateAuthorities, encodeCertificateAuthorities } from './certificate-authorities.ts';
import type { CertificateAuthorities } from './certificate-authorities.ts';
import { decodeCompressCertificate, encodeCompressCertificate } from './compress-certificate.ts';
import type { CompressCertificate } from './compress-certificate.ts';
import { decodeCookie, encodeCookie } from './cookie.ts';
import type { Cookie } from './cookie.ts';
import { decodeEarlyData, decodeEarlyDataTicket, encodeEarlyData, encodeEarlyDataTicket } from './early-data.ts';
import type { EarlyData, EarlyDataTicket } from './early-data.ts';
import {
  decodeKeyShareClient,
  decodeKeyShareHrr,
  decodeKeyShareServer,
  encodeKeyShareClient,
  encodeKeyShareHrr,
  encodeKeyShareServer,
} from './key-share.ts';
import type { KeyShareClient, KeyShareHrr, KeyShareServer } from './key-share.ts';
import {
  decodePreSharedKeyClient,
  decodePreSharedKeyServer,
  encodePreSharedKeyClient,
  encodePreSharedKeyServer,
} from './pre-shared-key.ts';
import type { PreSharedKeyClient, PreSharedKeyServer } from './pre-shared-key.ts';
import { decodePskKeyExchangeModes, encodePskKeyExchangeModes } from './psk-key-exchange-modes.ts';
import type { PskKeyExchangeModes } from './psk-key-exchange-modes.ts';
import { decodeRecordSizeLimit, encodeRecordSizeLimit } from './record-size-limit.ts';
import type { RecordSizeLimit } from './record-size-limit.ts';
import { decodeServerName, decodeServerNameAck, encodeServerName, encodeServerNameAck } from './server-name.ts';
import type { ServerName, ServerNameAck } from './server-name.ts';
import { decodeSignatureAlgorithms, decodeSignatureAlgorithmsCert, encodeSignatureAlgorithms } from './signature-algorithms.ts';
import type { SignatureAlgorithms, SignatureAlgorithmsCert } from './signature-algorithms.ts';
import { decodeOcspResponse, decodeStatusRequest, encodeOcspResponse, encodeStatusRequest } from './status-request.ts';
import type { OcspResponse, StatusRequest } from './status-request.ts';
import { decodeSupportedGroups, encodeSupportedGroups } from './supported-groups.ts';
import type { SupportedGroups } from './supported-groups.ts';
import {
  decodeSupportedVersionsClient,
  decodeSupportedVersionsServer,
  encodeSupportedVersionsClient,
  encodeSupportedVersionsServer,
} from './supported-versions.ts';
import type { SupportedVersionsClient, SupportedVersionsServer } from './supported-versions.ts';

export type { KeyShareEntry } from './key-share.ts';
export type { PskIdentity } from './pre-shared-key.ts';

/** The message an extension block belongs to (the columns of the RFC 8446 §4.2 table). */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate'
  | 'new_session_ticket';

/** An extension type we do not parse (unknown, GREASE, or known but opaque to us): kept verbatim. */
export interface UnknownExtension {
  readonly kind: 'unknown';
  readonly type: number;
  readonly data: Uint8Array;
}

/** One decoded extension; `kind` says both the type and (where it matters) the message shape. */
export type Extension =
  | ServerName
  | ServerNameAck
  | SupportedGroups
  | SignatureAlgorithms
  | SignatureAlgorithmsCert
  | Alpn
  | RecordSizeLimit
  | SupportedVersionsClient
  | SupportedVersionsServer
  | KeyShareClient
  | KeyShareServer
  | KeyShareHrr
  | PskKeyExchangeModes
  | PreSharedKeyClient
  | PreSharedKeyServer
  | EarlyData
  | EarlyDataTicket
  | Cookie
  | StatusRequest
  | OcspResponse
  | CertificateAuthorities
  | CompressCertificate
  | UnknownExtension;

/**
 * Reads an extension block (`Extension extensions<min..2^16-1>`, bounds per `context`) and
 * decodes each extension for that message.
 *
 * Checks, in order, for each extension:
 * - RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type in a given
 *   extension block." The RFC names no alert; we use illegal_parameter (a well-formed block with
 *   an inconsistent field), as Go and rustls do for ClientHello.
 * - RFC 8446 §4.2: "If an implementation receives an extension which it recognizes and which is
 *   not specified for the message in which it appears, it MUST abort the handshake with an
 *   illegal_parameter alert." `EXTENSION_CONTEXTS` is that table.
 * - RFC 8446 §4.2.11: pre_shared_key "MUST be the last extension in the ClientHello ... Servers
 *   MUST check that it is the last extension and otherwise fail the handshake with an
 *   illegal_parameter alert."
 * Then the extension's own codec runs on its `extension_data`, which must be consumed exactly.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeExtensions(r: Reader, context: ExtensionContext): Extension[] {
  const block = r.vec16(BLOCK_MIN_LEN[context], BLOCK_MAX_LEN[context]);
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!block.isEmpty) {
    const type = block.u16();
    const data = block.opaque16(0, 0xffff);
    const name = nameOf(ExtensionType, type);
    if (seen.has(type)) throw illegalParameter(`${context}: duplicate extension ${name}`);
    seen.add(type);
    const allowed = EXTENSION_CONTEXTS.get(type);
    if (allowed !== undefined && !allowed.includes(context)) {
      throw illegalParameter(`${context}: extension ${name} is not allowed in this message`);
    }
    if (context === 'client_hello' && type === ExtensionType.pre_shared_key && !block.isEmpty) {
      throw illegalParameter('client_hello: pre_shared_key is not the last extension');
    }
    const kind = extensionKind(type, context);
    if (kind === 'unknown') {
      out.push({ kind: 'unknown', type, data: data.slice() });
      continue;
    }
    const body = new Reader(data, name);
    const ext = DECODERS[kind](body, context);
    body.end();
    out.push(ext);
  }
  return out;
}

/**
 * Writes an extension block for `context`. The encoder refuses (RangeError: a local bug, never
 * peer input) what the decoder would reject: duplicates, an extension the §4.2 table does not
 * allow in this message, a kind of the wrong shape for this message, pre_shared_key not last, a
 * block shorter or longer than the message's struct allows.
 */
export function encodeExtensions(w: Writer, exts: readonly Extension[], context: ExtensionContext): void {
  const seen = new Set<number>();
  exts.forEach((e, i) => {
    const type = extensionType(e);
    if (seen.has(type)) throw new RangeError(`${context}: duplicate extension ${nameOf(ExtensionType, type)}`);
    seen.add(type);
    const allowed = EXTENSION_CONTEXTS.get(type);
    if (allowed !== undefined && !allowed.includes(context)) {
      throw new RangeError(`${context}: extension ${nameOf(ExtensionType, type)} is not allowed in this message`);
    }
    if (e.kind !== 'unknown' && extensionKind(type, context) !== e.kind) {
      throw new RangeError(`${context}: extension kind ${e.kind} does not fit this message`);
    }
    if (context === 'client_hello' && type === ExtensionType.pre_shared_key && i !== exts.length - 1) {
      throw new RangeError('client_hello: pre_shared_key must be the last extension');
    }
  });
  const start = w.length;
  w.block16(() => {
    for (const e of exts) {
      w.u16(extensionType(e));
      w.block16(() => encodeExtensionData(w, e));
    }
  });
  const len = w.length - start - 2;
  if (len < BLOCK_MIN_LEN[context] || len > BLOCK_MAX_LEN[context]) {
    throw new RangeError(`${context}: extension block of ${len} bytes is outside its RFC 8446 bounds`);
  }
}

/** The first extension of the given kind, typed. */
export function findExtension<K extends Extension['kind']>(
  exts: readonly Extension[],
  kind: K,
): Extract<Extension, { kind: K }> | undefined {
  for (const e of exts) if (e.kind === kind) return e as Extract<Extension, { kind: K }>;
  return undefined;
}

/** Wire type (RFC 8446 §4.2 ExtensionType) of an extension. */
export function extensionType(e: Extension): number {
  switch (e.kind) {
    case 'server_name':
    case 'server_name_ack':
      return ExtensionType.server_name;
    case 'supported_groups':
      return ExtensionType.supported_groups;
    case 'signature_algorithms':
      return ExtensionType.signature_algorithms;
    case 'signature_algorithms_cert':
      return ExtensionType.signature_algorithms_cert;
    case 'alpn':
      return ExtensionType.application_layer_protocol_negotiation;
    case 'record_size_limit':
      return ExtensionType.record_size_limit;
    case 'supported_versions_client':
    case 'supported_versions_server':
      return ExtensionType.supported_versions;
    case 'key_share_client':
    case 'key_share_server':
    case 'key_share_hrr':
      return ExtensionType.key_share;
    case 'psk_key_exchange_modes':
      return ExtensionType.psk_key_exchange_modes;
    case 'pre_shared_key_client':
    case 'pre_shared_key_server':
      return ExtensionType.pre_shared_key;
    case 'early_data':
    case 'early_data_ticket':
      return ExtensionType.early_data;
    case 'cookie':
      return ExtensionType.cookie;
    case 'status_request':
    case 'ocsp_response':
      return ExtensionType.status_request;
    case 'certificate_authorities':
      return ExtensionType.certificate_authorities;
    case 'compress_certificate':
      return ExtensionType.compress_certificate;
    case 'unknown':
      return e.type;
  }
}

/**
 * The decoded shape of extension `type` in a message of `context` (assumes the §4.2 table
 * allows it there); `unknown` for types we carry verbatim.
 */
export function extensionKind(type: number, context: ExtensionContext): Extension['kind'] {
  switch (type) {
    case ExtensionType.server_name:
      return context === 'client_hello' ? 'server_name' : 'server_name_ack';
    case ExtensionType.status_request:
      return context === 'certificate' ? 'ocsp_response' : 'status_request';
    case ExtensionType.supported_groups:
      return 'supported_groups';
    case ExtensionType.signature_algorithms:
      return 'signature_algorithms';
    case ExtensionType.signature_algorithms_cert:
      return 'signature_algorithms_cert';
    case ExtensionType.application_layer_protocol_negotiation:
      return 'alpn';
    case ExtensionType.record_size_limit:
      return 'record_size_limit';
    case ExtensionType.supported_versions:
      return context === 'client_hello' ? 'supported_versions_client' : 'supported_versions_server';
    case ExtensionType.key_share:
      return context === 'client_hello' ? 'key_share_client' : context === 'server_hello' ? 'key_share_server' : 'key_share_hrr';
    case ExtensionType.psk_key_exchange_modes:
      return 'psk_key_exchange_modes';
    case ExtensionType.pre_shared_key:
      return context === 'client_hello' ? 'pre_shared_key_client' : 'pre_shared_key_server';
    case ExtensionType.early_data:
      return context === 'new_session_ticket' ? 'early_data_ticket' : 'early_data';
    case ExtensionType.cookie:
      return 'cookie';
    case ExtensionType.certificate_authorities:
      return 'certificate_authorities';
    case ExtensionType.compress_certificate:
      return 'compress_certificate';
    default:
      return 'unknown';
  }
}

function encodeExtensionData(w: Writer, e: Extension): void {
  switch (e.kind) {
    case 'server_name':
      return encodeServerName(w, e);
    case 'server_name_ack':
      return encodeServerNameAck(w, e);
    case 'supported_groups':
      return encodeSupportedGroups(w, e);
    case 'signature_algorithms':
    case 'signature_algorithms_cert':
      return encodeSignatureAlgorithms(w, e);
    case 'alpn':
      return encodeAlpn(w, e);
    case 'record_size_limit':
      return encodeRecordSizeLimit(w, e);
    case 'supported_versions_client':
      return encodeSupportedVersionsClient(w, e);
    case 'supported_versions_server':
      return encodeSupportedVersionsServer(w, e);
    case 'key_share_client':
      return encodeKeyShareClient(w, e);
    case 'key_share_server':
      return encodeKeyShareServer(w, e);
    case 'key_share_hrr':
      return encodeKeyShareHrr(w, e);
    case 'psk_key_exchange_modes':
      return encodePskKeyExchangeModes(w, e);
    case 'pre_shared_key_client':
      return encodePreSharedKeyClient(w, e);
    case 'pre_shared_key_server':
      return encodePreSharedKeyServer(w, e);
    case 'early_data':
      return encodeEarlyData(w, e);
    case 'early_data_ticket':
      return encodeEarlyDataTicket(w, e);
    case 'cookie':
      return encodeCookie(w, e);
    case 'status_request':
      return encodeStatusRequest(w, e);
    case 'ocsp_response':
      return encodeOcspResponse(w, e);
    case 'certificate_authorities':
      return encodeCertificateAuthorities(w, e);
    case 'compress_certificate':
      return encodeCompressCertificate(w, e);
    case 'unknown':
      return w.bytes(e.data);
  }
}

type KnownKind = Exclude<Extension['kind'], 'unknown'>;

/** Per-kind decoders; the mapped type makes a missing kind a compile error. */
const DECODERS: { readonly [K in KnownKind]: (r: Reader, context: ExtensionContext) => Extension } = {
  server_name: decodeServerName,
  server_name_ack: decodeServerNameAck,
  supported_groups: decodeSupportedGroups,
  signature_algorithms: decodeSignatureAlgorithms,
  signature_algorithms_cert: decodeSignatureAlgorithmsCert,
  // RFC 7301 §3.1: the server's list holds exactly one name.
  alpn: (r, context) => (context === 'client_hello' ? decodeAlpn(r) : decodeAlpnServer(r)),
  record_size_limit: decodeRecordSizeLimit,
  supported_versions_client: decodeSupportedVersionsClient,
  supported_versions_server: decodeSupportedVersionsServer,
  key_share_client: decodeKeyShareClient,
  key_share_server: decodeKeyShareServer,
  key_share_hrr: decodeKeyShareHrr,
  psk_key_exchange_modes: decodePskKeyExchangeModes,
  pre_shared_key_client: decodePreSharedKeyClient,
  pre_shared_key_server: decodePreSharedKeyServer,
  early_data: decodeEarlyData,
  early_data_ticket: decodeEarlyDataTicket,
  cookie: decodeCookie,
  status_request: decodeStatusRequest,
  ocsp_response: decodeOcspResponse,
  certificate_authorities: decodeCertificateAuthorities,
  compress_certificate: decodeCompressCertificate,
};

const CH = 'client_hello';
const SH = 'server_hello';
const HRR = 'hello_retry_request';
const EE = 'encrypted_extensions';
const CR = 'certificate_request';
const CT = 'certificate';
const NST = 'new_session_ticket';

/**
 * RFC 8446 §4.2 table: the messages each recognised extension may appear in (CH, SH, HRR, EE,
 * CR, CT, NST), plus RFC 8449 §5 record_size_limit (CH, EE) and RFC 8879 §7.1 compress_certificate (CH, CR). Types listed here but not parsed
 * (max_fragment_length, padding, post_handshake_auth, ...) are still checked, then carried as
 * `unknown`. Types absent from the table are never an error here.
 */
export const EXTENSION_CONTEXTS: ReadonlyMap<number, readonly ExtensionContext[]> = new Map<number, readonly ExtensionContext[]>([
  [ExtensionType.server_name, [CH, EE]], // RFC 6066
  [ExtensionType.max_fragment_length, [CH, EE]], // RFC 6066
  [ExtensionType.status_request, [CH, CR, CT]], // RFC 6066
  [ExtensionType.supported_groups, [CH, EE]], // RFC 7919
  [ExtensionType.signature_algorithms, [CH, CR]], // RFC 8446
  [ExtensionType.use_srtp, [CH, EE]], // RFC 5764
  [ExtensionType.heartbeat, [CH, EE]], // RFC 6520
  [ExtensionType.application_layer_protocol_negotiation, [CH, EE]], // RFC 7301
  [ExtensionType.signed_certificate_timestamp, [CH, CR, CT]], // RFC 6962
  [ExtensionType.client_certificate_type, [CH, EE]], // RFC 7250
  [ExtensionType.server_certificate_type, [CH, EE]], // RFC 7250
  [ExtensionType.padding, [CH]], // RFC 7685
  [ExtensionType.compress_certificate, [CH, CR]], // RFC 8879 §7.1
  [ExtensionType.record_size_limit, [CH, EE]], // RFC 8449 §5
  [ExtensionType.key_share, [CH, SH, HRR]], // RFC 8446
  [ExtensionType.pre_shared_key, [CH, SH]], // RFC 8446
  [ExtensionType.psk_key_exchange_modes, [CH]], // RFC 8446
  [ExtensionType.early_data, [CH, EE, NST]], // RFC 8446
  [ExtensionType.cookie, [CH, HRR]], // RFC 8446
  [ExtensionType.supported_versions, [CH, SH, HRR]], // RFC 8446
  [ExtensionType.certificate_authorities, [CH, CR]], // RFC 8446
  [ExtensionType.oid_filters, [CR]], // RFC 8446
  [ExtensionType.post_handshake_auth, [CH]], // RFC 8446
  [ExtensionType.signature_algorithms_cert, [CH, CR]], // RFC 8446
]);

/** Lower bound of each message's extension block, from its RFC 8446 §4 struct. */
const BLOCK_MIN_LEN: { readonly [C in ExtensionContext]: number } = {
  client_hello: 8, // RFC 8446 §4.1.2
  server_hello: 6, // RFC 8446 §4.1.3
  hello_retry_request: 6, // RFC 8446 §4.1.3 (same struct as ServerHello)
  encrypted_extensions: 0, // RFC 8446 §4.3.1
  certificate_request: 2, // RFC 8446 §4.3.2
  certificate: 0, // RFC 8446 §4.4.2
  new_session_ticket: 0, // RFC 8446 §4.6.1
};
/** Upper bound of each message's extension block (NewSessionTicket: <0..2^16-2>, RFC 8446 §4.6.1). */
const BLOCK_MAX_LEN: { readonly [C in ExtensionContext]: number } = {
  client_hello: 0xffff,
  server_hello: 0xffff,
  hello_retry_request: 0xffff,
  encrypted_extensions: 0xffff,
  certificate_request: 0xffff,
  certificate: 0xffff,
  new_session_ticket: 0xfffe,
};
