/**
 * @module compress-certificate
 * The compress_certificate extension of RFC 8879 §3: the certificate compression algorithms the
 * sender can decompress. In a ClientHello it offers them for the server's Certificate, in a
 * CertificateRequest for the client's. "A unidirectional indication; no corresponding response
 * extension is needed."
 *
 * RFC 8879 §3:
 *   enum { zlib(1), brotli(2), zstd(3), (65535) } CertificateCompressionAlgorithm;
 *   struct {
 *       CertificateCompressionAlgorithm algorithms<2..2^8-2>;
 *   } CertificateCompressionAlgorithms;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { readU16ListVec8 } from '../lists.ts';

export interface CompressCertificate {
  readonly kind: 'compress_certificate';
  /** CertificateCompressionAlgorithm code points, in the sender's order. */
  readonly algorithms: readonly number[];
}

/** @throws TlsError decode_error (empty, odd or over-long list) */
export function decodeCompressCertificate(r: Reader): CompressCertificate {
  return { kind: 'compress_certificate', algorithms: readU16ListVec8(r, 2, 0xfe) };
}
export function encodeCompressCertificate(w: Writer, e: CompressCertificate): void {
  if (e.algorithms.length < 1 || e.algorithms.length > 0x7f) throw new RangeError('compress_certificate: 1..127 algorithms');
  w.block8(() => {
    for (const a of e.algorithms) w.u16(a);
  });
}
