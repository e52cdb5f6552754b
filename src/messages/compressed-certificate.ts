/**
 * @module compressed-certificate
 * The CompressedCertificate message of RFC 8879 §4: a Certificate message (RFC 8446 §4.4.2,
 * its body without the 4-byte handshake header, RFC 8879 erratum 8753) compressed with an
 * algorithm the peer offered in compress_certificate, sent in its place. Decompressing it is the
 * handshake's job (handshake/common/certificate-compression.ts): this is only the framing.
 *
 * RFC 8879 §4:
 *   struct {
 *        CertificateCompressionAlgorithm algorithm;
 *        uint24 uncompressed_length;
 *        opaque compressed_certificate_message<1..2^24-1>;
 *   } CompressedCertificate;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';

export interface CompressedCertificate {
  readonly type: typeof HandshakeType.compressed_certificate;
  /** CertificateCompressionAlgorithm (RFC 8879 §3). */
  readonly algorithm: number;
  /** The length of the Certificate body once decompressed. */
  readonly uncompressedLength: number;
  readonly compressedCertificateMessage: Uint8Array;
}

/** @throws TlsError decode_error */
export function decodeCompressedCertificate(r: Reader): CompressedCertificate {
  const algorithm = r.u16();
  const uncompressedLength = r.u24();
  const compressedCertificateMessage = r.opaque24(1, 0xffffff).slice();
  r.end();
  return { type: 25, algorithm, uncompressedLength, compressedCertificateMessage };
}
export function encodeCompressedCertificate(w: Writer, m: CompressedCertificate): void {
  w.u16(m.algorithm);
  w.u24(m.uncompressedLength);
  if (m.compressedCertificateMessage.length === 0) throw new RangeError('compressed_certificate: empty compressed_certificate_message');
  w.opaque24(m.compressedCertificateMessage);
}
