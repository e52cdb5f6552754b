/**
 * @module node/certificate-compression
 * RFC 8879 certificate compression on node:zlib (synchronous calls): zlib (RFC 1950) and brotli
 * (RFC 7932) in every Node this package supports, zstd (RFC 8878) only where node:zlib has it
 * (Node 22.15 / 23.8 and later; detected, never emulated). Compression runs at the highest level:
 * a server compresses each chain once (config `compressedCertificates`), so ratio beats speed.
 * Decompression stops past `maxLength` (node:zlib `maxOutputLength`, checked per output chunk),
 * and refuses data after the end of the compressed stream.
 */
import * as zlib from 'node:zlib';
import type { CertificateCompressor } from '../compression/algorithm.ts';
import { CertificateCompressionAlgorithm as AlgorithmId } from '../protocol/registry.ts';

/** zlib (RFC 1950), level 9. */
export const zlibCertificateCompressor: CertificateCompressor = {
  id: AlgorithmId.zlib,
  compress: (data) => plain(zlib.deflateSync(data, { level: zlib.constants.Z_BEST_COMPRESSION })),
  decompress: (data, maxLength) => whole(data, zlib.inflateSync(data, bounded(maxLength))),
};

/** brotli (RFC 7932), quality 11, told the input size. */
export const brotliCertificateCompressor: CertificateCompressor = {
  id: AlgorithmId.brotli,
  compress: (data) =>
    plain(
      zlib.brotliCompressSync(data, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      }),
    ),
  decompress: (data, maxLength) => whole(data, zlib.brotliDecompressSync(data, bounded(maxLength))),
};

/** A Buffer as a plain Uint8Array over the same memory (the engine's byte type; Buffer.slice shares). */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** What a node:zlib sync call returns with `info: true`: the output and the engine (input consumed). */
interface Decompressed {
  readonly buffer: Uint8Array;
  readonly engine: { readonly bytesWritten: number };
}

/**
 * The output of a decompression that consumed all of `data`: node:zlib stops at the end of the
 * compressed stream and ignores what follows, which a CompressedCertificate must not carry.
 */
function whole(data: Uint8Array, result: unknown): Uint8Array {
  const r = result as Decompressed;
  if (r.engine.bytesWritten !== data.length) throw new Error('data after the end of the compressed stream');
  return plain(r.buffer);
}

/** Options of a bounded decompression that reports the input it consumed (`info`, in every node:zlib sync call). */
function bounded(maxLength: number): zlib.ZlibOptions & zlib.BrotliOptions {
  return { maxOutputLength: maxLength, info: true } as zlib.ZlibOptions & zlib.BrotliOptions;
}

/** The zstd functions of node:zlib, when this runtime has them (not in Node 20's typings). */
interface ZstdFunctions {
  readonly zstdCompressSync: (data: Uint8Array, options: { params: Record<number, number> }) => Uint8Array;
  readonly zstdDecompressSync: (data: Uint8Array, options: { maxOutputLength: number; info: true }) => Decompressed;
}

function zstdFunctions(): ZstdFunctions | undefined {
  const z = zlib as unknown as Partial<ZstdFunctions>;
  return typeof z.zstdCompressSync === 'function' && typeof z.zstdDecompressSync === 'function' ? (z as ZstdFunctions) : undefined;
}

/** zstd (RFC 8878), level 19, or undefined where node:zlib has no zstd. */
export const zstdCertificateCompressor: CertificateCompressor | undefined = ((): CertificateCompressor | undefined => {
  const z = zstdFunctions();
  if (z === undefined) return undefined;
  // ZSTD_c_compressionLevel is parameter 100 in zstd.h (zlib.constants.ZSTD_c_compressionLevel).
  const level = (zlib.constants as unknown as Record<string, number>)['ZSTD_c_compressionLevel'] ?? 100;
  return {
    id: AlgorithmId.zstd,
    compress: (data) => plain(z.zstdCompressSync(data, { params: { [level]: 19 } })),
    decompress: (data, maxLength) => whole(data, z.zstdDecompressSync(data, { maxOutputLength: maxLength, info: true })),
  };
})();

/**
 * The node:zlib algorithms in our order of preference: brotli (the smallest certificates, and the
 * one browsers offer), zstd where available, zlib (what every RFC 8879 peer has).
 */
export function nodeCertificateCompressors(): CertificateCompressor[] {
  return [brotliCertificateCompressor, ...(zstdCertificateCompressor ? [zstdCertificateCompressor] : []), zlibCertificateCompressor];
}
