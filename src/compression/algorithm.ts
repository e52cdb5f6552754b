/**
 * @module compression/algorithm
 * A certificate compression algorithm (RFC 8879) as the engine uses it: a code point and two
 * synchronous functions. The engine has no compressor of its own; the caller passes the ones its
 * runtime has (`puretls/node`: zlib, brotli and, where node:zlib has it, zstd; `puretls/fflate`:
 * zlib in pure JavaScript for browsers, Deno, Bun and Workers). docs/02-configuration.md says
 * which are on by default where.
 */

export interface CertificateCompressor {
  /** RFC 8879 §3 CertificateCompressionAlgorithm: zlib(1), brotli(2), zstd(3). */
  readonly id: number;
  /**
   * Compresses a Certificate message body (RFC 8879 §4). Absent: the algorithm is offered for
   * the peer's certificate only, never used for ours.
   */
  readonly compress?: (data: Uint8Array) => Uint8Array;
  /**
   * Decompresses peer data. Must never produce more than `maxLength` bytes nor allocate much more
   * than that: it stops and throws once the output would pass `maxLength` (a decompression bomb),
   * and throws on corrupt input. The engine bounds `maxLength` before calling (RFC 8879 §5,
   * MAX_UNCOMPRESSED_CERTIFICATE_LEN), turns any exception into bad_certificate and checks the
   * exact length itself.
   */
  readonly decompress: (data: Uint8Array, maxLength: number) => Uint8Array;
}
