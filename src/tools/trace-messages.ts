/**
 * @module tools/trace-messages
 * The handshake messages of RFC 8446 §4, written out field by field for `puretls connect --trace`:
 * each message with its section and what it is for, each field under its RFC name with its value
 * and, where a value needs it, what it means. The input is the message as the engine's codecs
 * decoded it (connection/observer.ts): nothing here parses bytes except the certificates, which
 * the x509 layer reads.
 */
import { fromUtf8, toHex } from '../bytes/bytes.ts';
import type { Extension } from '../messages/extensions/extensions.ts';
import { decodeHandshakeBody, type CompressedCertificate, type HandshakeMessage } from '../messages/handshake.ts';
import { nodeCertificateCompressors } from '../node/certificate-compression.ts';
import {
  CertificateCompressionAlgorithm,
  CipherSuite,
  ExtensionType,
  HandshakeType,
  isGrease,
  KeyUpdateRequest,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  PskKeyExchangeMode,
  SignatureScheme,
} from '../protocol/registry.ts';
import { certificateSummary } from './certificate-text.ts';

/** The heading of a message: its name, RFC section and purpose. */
export function messageHeading(m: HandshakeMessage): { name: string; section: string; purpose: string } {
  switch (m.type) {
    case HandshakeType.client_hello:
      return { name: 'ClientHello', section: '§4.1.2', purpose: "the client's offer: versions, cipher suites, key shares, signature schemes" };
    case HandshakeType.server_hello:
      return m.isHelloRetryRequest
        ? { name: 'HelloRetryRequest', section: '§4.1.4', purpose: 'a ServerHello with the special random: "try again with a key share for the group I name"' }
        : { name: 'ServerHello', section: '§4.1.3', purpose: "the server's choice of suite and its key share; every later handshake message is encrypted" };
    case HandshakeType.encrypted_extensions:
      return { name: 'EncryptedExtensions', section: '§4.3.1', purpose: "the server's answers to extensions that need no key share, now encrypted" };
    case HandshakeType.certificate_request:
      return { name: 'CertificateRequest', section: '§4.3.2', purpose: 'the server asks the client for a certificate' };
    case HandshakeType.certificate:
      return { name: 'Certificate', section: '§4.4.2', purpose: 'a certificate chain, the end-entity certificate first' };
    case HandshakeType.certificate_verify:
      return { name: 'CertificateVerify', section: '§4.4.3', purpose: "a signature over the transcript so far: proof of holding the certificate's private key" };
    case HandshakeType.finished:
      return { name: 'Finished', section: '§4.4.4', purpose: 'an HMAC over the whole transcript: both sides saw the same handshake' };
    case HandshakeType.new_session_ticket:
      return { name: 'NewSessionTicket', section: '§4.6.1', purpose: 'a ticket to resume this session later (sent after the handshake)' };
    case HandshakeType.end_of_early_data:
      return { name: 'EndOfEarlyData', section: '§4.5', purpose: 'the end of the 0-RTT data' };
    case HandshakeType.key_update:
      return { name: 'KeyUpdate', section: '§4.6.3', purpose: 'the sender switches to its next traffic secret (§7.2)' };
    case HandshakeType.compressed_certificate:
      return { name: 'CompressedCertificate', section: 'RFC 8879 §4', purpose: 'a Certificate message, compressed, in its place' };
  }
}

/** The fields of `m`, sent by `sender`, one line each (nested lines indented by two more spaces). */
export function messageFields(m: HandshakeMessage, sender: 'client' | 'server'): string[] {
  switch (m.type) {
    case HandshakeType.client_hello:
      return [
        field('legacy_version', `${hex16(m.legacyVersion)} (${versionName(m.legacyVersion)}: frozen; the version is negotiated in supported_versions, §4.2.1)`),
        field('random', `${toHex(m.random)}`),
        field(
          'legacy_session_id',
          m.legacySessionId.length === 0 ? 'empty' : `${toHex(m.legacySessionId)} (${m.legacySessionId.length} bytes: middlebox compatibility mode, Appendix D.4)`,
        ),
        field('cipher_suites', `${m.cipherSuites.length} (Appendix B.4)`),
        ...m.cipherSuites.map((s) => `  ${hex16(s)} ${suiteName(s)}`),
        field('legacy_compression_methods', m.legacyCompressionMethods.length === 1 && m.legacyCompressionMethods[0] === 0 ? 'null (0)' : toHex(m.legacyCompressionMethods)),
        ...extensionLines(m.extensions),
      ];
    case HandshakeType.server_hello:
      return [
        field('legacy_version', `${hex16(m.legacyVersion)} (${versionName(m.legacyVersion)}: frozen, see supported_versions)`),
        field('random', m.isHelloRetryRequest ? `${toHex(m.random)} (SHA-256("HelloRetryRequest"): marks a HelloRetryRequest)` : toHex(m.random)),
        field('legacy_session_id_echo', m.legacySessionIdEcho.length === 0 ? 'empty' : `${toHex(m.legacySessionIdEcho)} (echoes the client's)`),
        field('cipher_suite', `${hex16(m.cipherSuite)} ${suiteName(m.cipherSuite)}`),
        field('legacy_compression_method', m.legacyCompressionMethod === 0 ? 'null (0)' : String(m.legacyCompressionMethod)),
        ...extensionLines(m.extensions),
      ];
    case HandshakeType.encrypted_extensions:
      return extensionLines(m.extensions);
    case HandshakeType.certificate_request:
      return [
        field('certificate_request_context', m.certificateRequestContext.length === 0 ? 'empty (during the handshake)' : toHex(m.certificateRequestContext)),
        ...extensionLines(m.extensions),
      ];
    case HandshakeType.certificate:
      return [
        field('certificate_request_context', m.certificateRequestContext.length === 0 ? 'empty' : toHex(m.certificateRequestContext)),
        field('certificate_list', m.certificateList.length === 0 ? '0 entries (no certificate)' : `${m.certificateList.length} entries`),
        ...m.certificateList.flatMap((e, i) => [
          `  [${i}] ${e.certData.length} bytes of DER${i === 0 ? ' (end-entity)' : ''}`,
          ...certificateSummary(e.certData).map((l) => `      ${l}`),
          ...extensionLines(e.extensions).map((l) => `    ${l}`),
        ]),
      ];
    case HandshakeType.certificate_verify:
      return [
        field('algorithm', `${hex16(m.algorithm)} ${nameOf(SignatureScheme, m.algorithm)}`),
        field('signature', `${bytesText(m.signature)}`),
        `  signed: 64 spaces (0x20), "TLS 1.3, ${sender} CertificateVerify", 0x00, Transcript-Hash(every message before this one)`,
      ];
    case HandshakeType.finished:
      return [
        field('verify_data', toHex(m.verifyData)),
        '  = HMAC(finished_key, Transcript-Hash(every message before this one)),',
        `    finished_key = HKDF-Expand-Label(${sender}_handshake_traffic_secret, "finished", "", Hash.length)`,
      ];
    case HandshakeType.new_session_ticket:
      return [
        field('ticket_lifetime', `${m.ticketLifetime} s${m.ticketLifetime > 0 ? ` (${duration(m.ticketLifetime)})` : ' (do not cache)'}`),
        field('ticket_age_add', `${m.ticketAgeAdd} (hides the ticket age on the wire)`),
        field('ticket_nonce', `${toHex(m.ticketNonce)} (PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length))`),
        field('ticket', `${bytesText(m.ticket)} (opaque to the client)`),
        ...extensionLines(m.extensions),
      ];
    case HandshakeType.end_of_early_data:
      return [];
    case HandshakeType.key_update:
      return [
        field(
          'request_update',
          `${nameOf(KeyUpdateRequest, m.requestUpdate)}${m.requestUpdate === KeyUpdateRequest.update_requested ? ' (the receiver must send a KeyUpdate too)' : ''}`,
        ),
      ];
    case HandshakeType.compressed_certificate:
      return compressedCertificateLines(m, sender);
  }
}

/**
 * RFC 8879 §4: the three fields, then the Certificate inside when node:zlib can decompress it
 * (the engine has already checked it: this only shows it).
 */
function compressedCertificateLines(m: CompressedCertificate, sender: 'client' | 'server'): string[] {
  const size = m.compressedCertificateMessage.length;
  const lines = [
    field('algorithm', `${m.algorithm} ${nameOf(CertificateCompressionAlgorithm, m.algorithm)}`),
    field('uncompressed_length', `${m.uncompressedLength} bytes (the Certificate body)`),
    field('compressed_certificate_message', `${size} bytes (${Math.round((100 * size) / Math.max(1, m.uncompressedLength))}% of the Certificate)`),
  ];
  const algorithm = nodeCertificateCompressors().find((a) => a.id === m.algorithm);
  if (!algorithm) return lines;
  try {
    const body = algorithm.decompress(m.compressedCertificateMessage, m.uncompressedLength);
    const inner = decodeHandshakeBody(HandshakeType.certificate, body);
    return [...lines, '  decompressed, the Certificate (§4.4.2):', ...messageFields(inner, sender).map((l) => `    ${l}`)];
  } catch {
    return [...lines, '  (does not decompress to a Certificate)'];
  }
}

/** One `name: value` line. */
function field(name: string, value: string): string {
  return `${name}: ${value}`;
}

function extensionLines(exts: readonly Extension[]): string[] {
  if (exts.length === 0) return ['extensions: none'];
  return [`extensions: ${exts.length}`, ...exts.flatMap((e) => extensionText(e).map((l, i) => (i === 0 ? `  ${l}` : `      ${l}`)))];
}

/** An extension: a heading line `name (type), section: summary`, then detail lines. */
function extensionText(e: Extension): string[] {
  const head = (type: number, summary: string): string => {
    const name = nameOf(ExtensionType, type);
    return `${name} (${type}), ${EXTENSION_SECTION[name] ?? 'RFC 8446 §4.2'}${summary === '' ? '' : `: ${summary}`}`;
  };
  switch (e.kind) {
    case 'server_name':
      return [head(ExtensionType.server_name, `host_name "${e.hostName}"`)];
    case 'server_name_ack':
      return [head(ExtensionType.server_name, 'empty (the server used the name)')];
    case 'supported_groups':
      return [head(ExtensionType.supported_groups, e.namedGroupList.map(groupName).join(', '))];
    case 'signature_algorithms':
    case 'signature_algorithms_cert': {
      const type = e.kind === 'signature_algorithms' ? ExtensionType.signature_algorithms : ExtensionType.signature_algorithms_cert;
      return [head(type, `${e.supportedSignatureAlgorithms.length} schemes`), ...wrapList(e.supportedSignatureAlgorithms.map(schemeName))];
    }
    case 'alpn':
      return [head(ExtensionType.application_layer_protocol_negotiation, e.protocolNameList.map((p) => JSON.stringify(fromUtf8(p) ?? toHex(p))).join(', '))];
    case 'record_size_limit':
      return [head(ExtensionType.record_size_limit, `${e.recordSizeLimit} bytes`)];
    case 'supported_versions_client':
      return [head(ExtensionType.supported_versions, e.versions.map((v) => `${versionName(v)} (${hex16(v)})`).join(', '))];
    case 'supported_versions_server':
      return [head(ExtensionType.supported_versions, `selected ${versionName(e.selectedVersion)} (${hex16(e.selectedVersion)})`)];
    case 'key_share_client':
      return [
        head(ExtensionType.key_share, `${e.clientShares.length} share${e.clientShares.length === 1 ? '' : 's'}`),
        ...e.clientShares.map((s) => `${groupName(s.group)}: ${bytesText(s.keyExchange)}`),
      ];
    case 'key_share_server':
      return [head(ExtensionType.key_share, groupName(e.serverShare.group)), `${bytesText(e.serverShare.keyExchange)}`];
    case 'key_share_hrr':
      return [head(ExtensionType.key_share, `selected_group ${groupName(e.selectedGroup)}: send a share for it`)];
    case 'psk_key_exchange_modes':
      return [
        head(
          ExtensionType.psk_key_exchange_modes,
          e.keModes.map((m) => `${nameOf(PskKeyExchangeMode, m)}${m === PskKeyExchangeMode.psk_dhe_ke ? ' (PSK with (EC)DHE)' : ' (PSK only)'}`).join(', '),
        ),
      ];
    case 'pre_shared_key_client':
      return [
        head(ExtensionType.pre_shared_key, `${e.identities.length} identit${e.identities.length === 1 ? 'y' : 'ies'}`),
        ...e.identities.map((id, i) => `identity ${i}: ${bytesText(id.identity)}, obfuscated_ticket_age ${id.obfuscatedTicketAge}`),
        ...e.binders.map((b, i) => `binder ${i}: ${toHex(b)} (HMAC over the ClientHello up to the binders, §4.2.11.2)`),
      ];
    case 'pre_shared_key_server':
      return [head(ExtensionType.pre_shared_key, `selected_identity ${e.selectedIdentity} (the session resumes)`)];
    case 'early_data':
      return [head(ExtensionType.early_data, 'empty (0-RTT data offered / accepted)')];
    case 'early_data_ticket':
      return [head(ExtensionType.early_data, `max_early_data_size ${e.maxEarlyDataSize} bytes`)];
    case 'cookie':
      return [head(ExtensionType.cookie, `${bytesText(e.cookie)} (echo it in the next ClientHello)`)];
    case 'status_request':
      return [head(ExtensionType.status_request, e.request.length === 0 ? 'empty' : `OCSP (${e.request.length} bytes)`)];
    case 'ocsp_response':
      return [head(ExtensionType.status_request, `stapled OCSP response, ${e.ocspResponse.length} bytes`)];
    case 'certificate_authorities':
      return [head(ExtensionType.certificate_authorities, `${e.authorities.length} distinguished names`)];
    case 'compress_certificate':
      return [head(ExtensionType.compress_certificate, e.algorithms.map((a) => nameOf(CertificateCompressionAlgorithm, a)).join(', '))];
    case 'unknown':
      return [
        `${isGrease(e.type) ? `GREASE ${hex16(e.type)} (RFC 8701: a reserved value, to be ignored)` : `${nameOf(ExtensionType, e.type)} (${e.type})`}: ${bytesText(e.data)}`,
      ];
  }
}

/** Where each extension is specified. */
const EXTENSION_SECTION: Readonly<Record<string, string>> = {
  server_name: 'RFC 6066 §3',
  status_request: 'RFC 6066 §8, §4.4.2.1',
  supported_groups: '§4.2.7',
  signature_algorithms: '§4.2.3',
  application_layer_protocol_negotiation: 'RFC 7301',
  record_size_limit: 'RFC 8449',
  pre_shared_key: '§4.2.11',
  early_data: '§4.2.10',
  supported_versions: '§4.2.1',
  cookie: '§4.2.2',
  psk_key_exchange_modes: '§4.2.9',
  certificate_authorities: '§4.2.4',
  signature_algorithms_cert: '§4.2.3',
  key_share: '§4.2.8',
  compress_certificate: 'RFC 8879 §3',
};

/** Short values in full; longer ones as their first 32 bytes and their length. */
export function bytesText(b: Uint8Array): string {
  if (b.length <= MAX_FULL_HEX) return `${b.length} bytes ${toHex(b)}`;
  return `${b.length} bytes ${toHex(b.subarray(0, MAX_FULL_HEX))}…`;
}
const MAX_FULL_HEX = 32;

function wrapList(items: readonly string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line !== '' && line.length + item.length + 2 > WRAP) {
      lines.push(`${line},`);
      line = '';
    }
    line = line === '' ? item : `${line}, ${item}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
const WRAP = 88;

export function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}

export function groupName(g: number): string {
  return isGrease(g) ? `GREASE ${hex16(g)}` : nameOf(NamedGroup, g);
}

function schemeName(s: number): string {
  return isGrease(s) ? `GREASE ${hex16(s)}` : nameOf(SignatureScheme, s);
}

export function suiteName(s: number): string {
  return isGrease(s) ? 'GREASE (RFC 8701)' : nameOf(CipherSuite, s);
}

function versionName(v: number): string {
  if (isGrease(v)) return 'GREASE';
  const names: Record<number, string> = { [ProtocolVersion.TLSv1_0]: 'TLS 1.0', [ProtocolVersion.TLSv1_2]: 'TLS 1.2', [ProtocolVersion.TLSv1_3]: 'TLS 1.3', 0x0302: 'TLS 1.1' };
  return names[v] ?? hex16(v);
}

function duration(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
