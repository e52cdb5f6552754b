/**
 * @module test/fuzz/targets/compressed-certificate
 * Fuzz target: a peer's CompressedCertificate (RFC 8879 §4) as the handshake takes it: the body
 * decoded, then `receivedCertificate` with zlib (fflate's pure inflater, what browsers run) and
 * brotli (node:zlib) offered: bounds before inflating, bounded decompression, the exact length
 * check, the Certificate inside decoded. Oracle: only a TlsError other than internal_error, and a
 * Certificate that decodes came from exactly uncompressed_length bytes (re-encoding gives them).
 */
import { Reader } from '../../../src/codec/reader.ts';
import { fflateZlibCertificateCompressor } from '../../../src/compression/fflate.ts';
import { receivedCertificate, type ReceivedCertificate } from '../../../src/handshake/common/certificate-compression.ts';
import { decodeCompressedCertificate } from '../../../src/messages/compressed-certificate.ts';
import { encodeHandshake } from '../../../src/messages/handshake.ts';
import { brotliCertificateCompressor } from '../../../src/node/certificate-compression.ts';
import { expectOnlyTlsErrors } from './setup.ts';

const OFFERED = [fflateZlibCertificateCompressor, brotliCertificateCompressor];

export function fuzz(data: Uint8Array): void {
  let uncompressedLength = 0;
  let received: ReceivedCertificate | undefined;
  expectOnlyTlsErrors(() => {
    const message = decodeCompressedCertificate(new Reader(data, 'fuzz'));
    uncompressedLength = message.uncompressedLength;
    received = receivedCertificate(message, OFFERED);
  });
  if (received === undefined) return;
  const again = encodeHandshake(received.certificate).length - 4;
  if (again !== uncompressedLength) throw new Error(`compressed-certificate: a ${again}-byte Certificate from uncompressed_length ${uncompressedLength}`);
}
