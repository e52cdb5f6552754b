/**
 * @module compression/fflate
 * RFC 8879 zlib certificate compression in pure JavaScript, on fflate, for runtimes without
 * node:zlib (browsers, Workers; Deno and Bun have node:zlib too): the `puretls/fflate` entry, kept
 * out of the main bundle. Decompression is bounded: the input goes to fflate's streaming inflater
 * in slices of INPUT_SLICE bytes, and inflating stops at the first slice that takes the output
 * past `maxLength` (one slice of deflate data expands at most 1032-fold, so the overshoot is
 * bounded too: about 5 MB of buffers for a 64 KiB bound). fflate does not check the zlib
 * trailer; RFC 1950 §2.3 says "A compliant decompressor must check ... ADLER32", so we do.
 */
import { Unzlib, zlibSync } from 'fflate';
import { CertificateCompressionAlgorithm as AlgorithmId } from '../protocol/registry.ts';
import type { CertificateCompressor } from './algorithm.ts';

/** zlib (RFC 1950): level 9 compression and bounded decompression, in pure JavaScript. */
export const fflateZlibCertificateCompressor: CertificateCompressor = {
  id: AlgorithmId.zlib,
  compress: (data) => zlibSync(data, { level: 9 }),
  decompress: inflateZlib,
};

/** Input bytes given to the inflater at a time: bounds the output overshoot to ~1032 × this. */
const INPUT_SLICE = 1024;

/** RFC 1950 zlib data → at most `maxLength` bytes. @throws Error for corrupt data or more output */
function inflateZlib(data: Uint8Array, maxLength: number): Uint8Array {
  if (data.length < ZLIB_OVERHEAD) throw new Error('zlib: shorter than a zlib header and trailer');
  const out = new Uint8Array(maxLength);
  let length = 0;
  let tooLong = false;
  let ended = false;
  const inflater = new Unzlib((chunk, final) => {
    if (length + chunk.length > maxLength) tooLong = true;
    else out.set(chunk, length);
    length += chunk.length;
    if (final) ended = true;
  });
  for (let at = 0; at < data.length && !tooLong; at += INPUT_SLICE) {
    inflater.push(data.subarray(at, at + INPUT_SLICE), at + INPUT_SLICE >= data.length);
  }
  if (tooLong) throw new Error(`zlib: output longer than ${maxLength} bytes`);
  if (!ended) throw new Error('zlib: truncated data');
  const result = out.subarray(0, length);
  const t = data.length - 4;
  const expected = ((data[t]! << 24) | (data[t + 1]! << 16) | (data[t + 2]! << 8) | data[t + 3]!) >>> 0;
  if (adler32(result) !== expected) throw new Error('zlib: ADLER32 mismatch');
  return result;
}

/** CMF, FLG (RFC 1950 §2.2) and ADLER32. */
const ZLIB_OVERHEAD = 6;

/** RFC 1950 §8.2 Adler-32. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552: the most bytes before b can overflow 2^32 (zlib's NMAX).
  for (let i = 0; i < data.length; i += 5552) {
    const end = Math.min(i + 5552, data.length);
    for (let j = i; j < end; j++) {
      a += data[j]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
