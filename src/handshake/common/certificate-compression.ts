/**
 * @module certificate-compression
 * RFC 8879 in the handshake, for both sides: a peer's CompressedCertificate turned back into the
 * Certificate it carries (bounded before anything is inflated), and our Certificate sent
 * compressed when the peer offered an algorithm we compress with. The transcript holds the
 * messages as sent (RFC 8446 §4.4.1): the CompressedCertificate, never the Certificate inside.
 */
import { Reader } from '../../codec/reader.ts';
import type { CommonConfig } from '../../config.ts';
import { TlsError, illegalParameter, unexpectedMessage } from '../../errors.ts';
import { decodeCertificate, type Certificate } from '../../messages/certificate.ts';
import type { CompressedCertificate } from '../../messages/compressed-certificate.ts';
import { encodeHandshake, HANDSHAKE_HEADER_LEN } from '../../messages/handshake.ts';
import { MAX_UNCOMPRESSED_CERTIFICATE_LEN } from '../../protocol/limits.ts';
import { AlertDescription, CertificateCompressionAlgorithm, HandshakeType, nameOf } from '../../protocol/registry.ts';
import type { Transcript } from '../../transcript.ts';
import type { HandshakeOutput } from '../output.ts';
import { sendMessage } from './send.ts';

/** The Certificate a peer sent, and the algorithm it came compressed with (undefined: as is). */
export interface ReceivedCertificate {
  readonly certificate: Certificate;
  readonly compression: number | undefined;
}

/**
 * `message` (a Certificate or a CompressedCertificate) as the Certificate it is or carries.
 * `offered`: the algorithms our compress_certificate offered for it (empty: we sent none).
 *
 * RFC 8879 §4: the algorithm "MUST be one of the algorithms listed in the peer's
 * compress_certificate extension" (illegal_parameter otherwise; without our extension the message
 * itself is unexpected_message, RFC 8446 §6.2). uncompressed_length is checked against the
 * Certificate bound before decompressing (§5: "the same limit as if no compression were used"),
 * the decompressor may produce no more than that, and "If the received CompressedCertificate
 * message cannot be decompressed, the connection MUST be terminated with the "bad_certificate"
 * alert", as when "the specified length does not match the actual length". The Certificate inside
 * is then "processed as if it were encoded without being compressed" (§5): decode_error and the
 * like as for any Certificate.
 * @throws TlsError unexpected_message, illegal_parameter, bad_certificate, decode_error
 */
export function receivedCertificate(message: Certificate | CompressedCertificate, offered: CommonConfig['certificateCompression']): ReceivedCertificate {
  if (message.type === HandshakeType.certificate) return { certificate: message, compression: undefined };
  if (offered.length === 0) throw unexpectedMessage('compressed_certificate: we offered no certificate compression');
  const name = nameOf(CertificateCompressionAlgorithm, message.algorithm);
  const algorithm = offered.find((a) => a.id === message.algorithm);
  if (algorithm === undefined) throw illegalParameter(`compressed_certificate: algorithm ${name} was not offered`);
  const length = message.uncompressedLength;
  if (length < 1 || length > MAX_UNCOMPRESSED_CERTIFICATE_LEN) {
    throw new TlsError(AlertDescription.bad_certificate, `compressed_certificate: uncompressed_length ${length} is outside 1..${MAX_UNCOMPRESSED_CERTIFICATE_LEN}`);
  }
  let body: Uint8Array;
  try {
    body = algorithm.decompress(message.compressedCertificateMessage, length);
  } catch (e) {
    throw new TlsError(AlertDescription.bad_certificate, `compressed_certificate: ${name} decompression failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!(body instanceof Uint8Array) || body.length !== length) {
    const got = body instanceof Uint8Array ? `${body.length} bytes` : 'no bytes';
    throw new TlsError(AlertDescription.bad_certificate, `compressed_certificate: decompressed to ${got}, uncompressed_length says ${length}`);
  }
  // A subclass (a Buffer, whose slice() shares memory) is copied into a plain Uint8Array.
  const plain = Object.getPrototypeOf(body) === Uint8Array.prototype ? body : new Uint8Array(body);
  return { certificate: decodeCertificate(new Reader(plain, 'certificate')), compression: algorithm.id };
}

/**
 * Sends `certificate` (RFC 8446 §4.4.2), compressed (RFC 8879 §4) with the first of our
 * algorithms that compresses and that the peer listed in `peerOffers`, when that is smaller (an
 * empty Certificate never is); as is otherwise. Compressed once per body and algorithm
 * (`config.compressedCertificates`). Returns the algorithm used, or undefined.
 */
export function sendCertificate(
  out: HandshakeOutput,
  transcript: Transcript,
  config: CommonConfig,
  certificate: Certificate,
  peerOffers: readonly number[] | undefined,
): number | undefined {
  const algorithm = peerOffers && config.certificateCompression.find((a) => a.compress !== undefined && peerOffers.includes(a.id));
  if (!algorithm?.compress || certificate.certificateList.length === 0) {
    sendMessage(out, transcript, certificate);
    return undefined;
  }
  const body = encodeHandshake(certificate).subarray(HANDSHAKE_HEADER_LEN);
  const compressed = config.compressedCertificates.compress(algorithm.id, algorithm.compress, body);
  if (compressed === undefined) {
    sendMessage(out, transcript, certificate);
    return undefined;
  }
  sendMessage(out, transcript, {
    type: HandshakeType.compressed_certificate,
    algorithm: algorithm.id,
    uncompressedLength: body.length,
    compressedCertificateMessage: compressed,
  });
  return algorithm.id;
}
