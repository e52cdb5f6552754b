/**
 * @module handshake
 * The `HandshakeMessage` union of every TLS 1.3 handshake message, the 4-byte handshake header
 * of RFC 8446 §4, and dispatch from `msg_type` to the per-message codecs.
 *
 * RFC 8446 §4:
 *   struct {
 *       HandshakeType msg_type;    // handshake type
 *       uint24 length;             // remaining bytes in message
 *       select (Handshake.msg_type) {
 *           case client_hello:          ClientHello;
 *           case server_hello:          ServerHello;
 *           case end_of_early_data:     EndOfEarlyData;
 *           case encrypted_extensions:  EncryptedExtensions;
 *           case certificate_request:   CertificateRequest;
 *           case certificate:           Certificate;
 *           case certificate_verify:    CertificateVerify;
 *           case finished:              Finished;
 *           case new_session_ticket:    NewSessionTicket;
 *           case key_update:            KeyUpdate;
 *           case compressed_certificate: CompressedCertificate;  // RFC 8879 §4
 *       };
 *   } Handshake;
 */
import { Reader } from '../codec/reader.ts';
import { Writer } from '../codec/writer.ts';
import { unexpectedMessage } from '../errors.ts';
import { HandshakeType, nameOf } from '../protocol/registry.ts';
import { decodeCertificateRequest, encodeCertificateRequest } from './certificate-request.ts';
import type { CertificateRequest } from './certificate-request.ts';
import { decodeCertificateVerify, encodeCertificateVerify } from './certificate-verify.ts';
import type { CertificateVerify } from './certificate-verify.ts';
import { decodeCertificate, encodeCertificate } from './certificate.ts';
import { decodeCompressedCertificate, encodeCompressedCertificate } from './compressed-certificate.ts';
import type { CompressedCertificate } from './compressed-certificate.ts';
import type { Certificate } from './certificate.ts';
import { decodeClientHello, encodeClientHello } from './client-hello.ts';
import type { ClientHello } from './client-hello.ts';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from './encrypted-extensions.ts';
import type { EncryptedExtensions } from './encrypted-extensions.ts';
import { decodeEndOfEarlyData, encodeEndOfEarlyData } from './end-of-early-data.ts';
import type { EndOfEarlyData } from './end-of-early-data.ts';
import { decodeFinished, encodeFinished } from './finished.ts';
import type { Finished } from './finished.ts';
import { decodeKeyUpdate, encodeKeyUpdate } from './key-update.ts';
import type { KeyUpdate } from './key-update.ts';
import { decodeNewSessionTicket, encodeNewSessionTicket } from './new-session-ticket.ts';
import type { NewSessionTicket } from './new-session-ticket.ts';
import { decodeServerHello, encodeServerHello } from './server-hello.ts';
import type { ServerHello } from './server-hello.ts';

export type { CertificateRequest } from './certificate-request.ts';
export type { CertificateVerify } from './certificate-verify.ts';
export type { Certificate, CertificateEntry } from './certificate.ts';
export type { ClientHello } from './client-hello.ts';
export type { CompressedCertificate } from './compressed-certificate.ts';
export type { EncryptedExtensions } from './encrypted-extensions.ts';
export type { EndOfEarlyData } from './end-of-early-data.ts';
export type { Finished } from './finished.ts';
export type { KeyUpdate } from './key-update.ts';
export type { NewSessionTicket } from './new-session-ticket.ts';
export type { ServerHello } from './server-hello.ts';
export { HELLO_RETRY_REQUEST_RANDOM } from './server-hello.ts';
export { clientHelloBindersLen } from './client-hello.ts';

/** Every TLS 1.3 handshake message, discriminated by `type` (the wire HandshakeType). */
export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | EncryptedExtensions
  | CertificateRequest
  | Certificate
  | CertificateVerify
  | Finished
  | NewSessionTicket
  | EndOfEarlyData
  | KeyUpdate
  | CompressedCertificate;

/** Length of the handshake header: msg_type (1) + uint24 length (3). */
export const HANDSHAKE_HEADER_LEN = 4;

/**
 * Decodes the body of a handshake message of type `type` (the header already removed by the
 * joiner). A type outside RFC 8446 §4's list (including message_hash, which never goes on the
 * wire, and TLS 1.2-only types) is an unexpected_message (RFC 8446 §6.2 / §5.1 "an
 * inappropriate message").
 * @throws TlsError unexpected_message, decode_error, illegal_parameter
 */
export function decodeHandshakeBody(type: number, body: Uint8Array): HandshakeMessage {
  const r = new Reader(body, nameOf(HandshakeType, type));
  switch (type) {
    case HandshakeType.client_hello:
      return decodeClientHello(r);
    case HandshakeType.server_hello:
      return decodeServerHello(r);
    case HandshakeType.new_session_ticket:
      return decodeNewSessionTicket(r);
    case HandshakeType.end_of_early_data:
      return decodeEndOfEarlyData(r);
    case HandshakeType.encrypted_extensions:
      return decodeEncryptedExtensions(r);
    case HandshakeType.certificate:
      return decodeCertificate(r);
    case HandshakeType.certificate_request:
      return decodeCertificateRequest(r);
    case HandshakeType.certificate_verify:
      return decodeCertificateVerify(r);
    case HandshakeType.finished:
      return decodeFinished(r);
    case HandshakeType.key_update:
      return decodeKeyUpdate(r);
    case HandshakeType.compressed_certificate:
      return decodeCompressedCertificate(r);
    default:
      throw unexpectedMessage(`handshake: unknown message type ${nameOf(HandshakeType, type)}`);
  }
}

/**
 * Decodes one whole handshake message (header + body) from `r`: exactly `length` body bytes are
 * consumed; bytes after the message stay in `r`.
 * @throws TlsError decode_error, unexpected_message, illegal_parameter
 */
export function decodeHandshake(r: Reader): HandshakeMessage {
  const type = r.u8();
  const body = r.opaque24(0, 0xffffff);
  return decodeHandshakeBody(type, body);
}

/** Encodes `m` with its 4-byte header: exactly the bytes that enter the transcript. */
export function encodeHandshake(m: HandshakeMessage): Uint8Array {
  const w = new Writer();
  w.u8(m.type);
  w.block24(() => encodeHandshakeBody(w, m));
  return w.finish();
}

/** Writes the body of `m` (no header). */
export function encodeHandshakeBody(w: Writer, m: HandshakeMessage): void {
  switch (m.type) {
    case HandshakeType.client_hello:
      return encodeClientHello(w, m);
    case HandshakeType.server_hello:
      return encodeServerHello(w, m);
    case HandshakeType.new_session_ticket:
      return encodeNewSessionTicket(w, m);
    case HandshakeType.end_of_early_data:
      return encodeEndOfEarlyData(w, m);
    case HandshakeType.encrypted_extensions:
      return encodeEncryptedExtensions(w, m);
    case HandshakeType.certificate:
      return encodeCertificate(w, m);
    case HandshakeType.certificate_request:
      return encodeCertificateRequest(w, m);
    case HandshakeType.certificate_verify:
      return encodeCertificateVerify(w, m);
    case HandshakeType.finished:
      return encodeFinished(w, m);
    case HandshakeType.key_update:
      return encodeKeyUpdate(w, m);
    case HandshakeType.compressed_certificate:
      return encodeCompressedCertificate(w, m);
  }
}
