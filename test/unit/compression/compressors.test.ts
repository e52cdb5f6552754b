/**
 * The certificate compressors on their own (RFC 8879 §4): fflate's pure zlib and node:zlib's
 * zlib / brotli, each way against the other, and what each refuses: output past `maxLength`
 * (stopping early), truncated data, a wrong ADLER32 (RFC 1950 §2.3, which fflate does not check
 * by itself), data after the end of the compressed stream.
 */
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CertificateCompressor } from '../../../src/compression/algorithm.ts';
import { CompressedCertificateCache } from '../../../src/compression/cache.ts';
import { fflateZlibCertificateCompressor as fflate } from '../../../src/compression/fflate.ts';
import { brotliCertificateCompressor, zlibCertificateCompressor, zstdCertificateCompressor } from '../../../src/node/certificate-compression.ts';

/** 3000 bytes that compress, but not to nothing. */
const DATA = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + (i >> 5)) % 251);

const ALL: readonly [string, CertificateCompressor][] = [
  ['fflate zlib', fflate],
  ['node:zlib zlib', zlibCertificateCompressor],
  ['node:zlib brotli', brotliCertificateCompressor],
  ...(zstdCertificateCompressor ? [['node:zlib zstd', zstdCertificateCompressor] as [string, CertificateCompressor]] : []),
];

describe.each(ALL)('%s', (_name, c) => {
  it('round-trips, returns a plain Uint8Array, and compresses', () => {
    const packed = c.compress!(DATA);
    expect(packed.length).toBeLessThan(DATA.length);
    const back = c.decompress(packed, DATA.length);
    expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
    expect(back).toEqual(DATA);
  });
  it('refuses output past maxLength, truncated data and trailing bytes', () => {
    const packed = c.compress!(DATA);
    expect(() => c.decompress(packed, DATA.length - 1)).toThrow();
    expect(() => c.decompress(packed.subarray(0, packed.length - 6), DATA.length)).toThrow();
    expect(() => c.decompress(Uint8Array.from([...packed, 0, 0, 0, 0]), DATA.length + 4)).toThrow();
  });
});

describe('zlib interoperability (RFC 1950)', () => {
  it('fflate inflates node:zlib output and node:zlib inflates fflate output', () => {
    expect(fflate.decompress(zlibCertificateCompressor.compress!(DATA), DATA.length)).toEqual(DATA);
    expect(zlibCertificateCompressor.decompress(fflate.compress!(DATA), DATA.length)).toEqual(DATA);
  });
  it('fflate checks ADLER32 (RFC 1950 §2.3 "A compliant decompressor must check ... ADLER32")', () => {
    const packed = zlib.deflateSync(DATA);
    packed[packed.length - 1]! ^= 1;
    expect(() => fflate.decompress(packed, DATA.length)).toThrow(/ADLER32/);
    expect(() => zlibCertificateCompressor.decompress(packed, DATA.length)).toThrow();
  });
  it('fflate stops early on a bomb: 8 MiB of zeros against a 64 KiB bound', () => {
    const bomb = zlib.deflateSync(new Uint8Array(8 << 20), { level: 9 });
    const before = process.memoryUsage().arrayBuffers;
    expect(() => fflate.decompress(bomb, 1 << 16)).toThrow(/longer than 65536/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
  });
});

describe('CompressedCertificateCache', () => {
  it('compresses a body once per algorithm, keeps what does not shrink as undefined, and evicts the oldest past its bound', () => {
    const cache = new CompressedCertificateCache();
    let calls = 0;
    const count = (d: Uint8Array): Uint8Array => (calls++, zlibCertificateCompressor.compress!(d));
    const first = cache.compress(1, count, DATA);
    expect(cache.compress(1, count, DATA.slice())).toBe(first);
    expect(calls).toBe(1);
    cache.compress(2, count, DATA);
    expect(calls).toBe(2);
    expect(cache.compress(1, () => new Uint8Array(5000), new Uint8Array(100))).toBeUndefined();
    for (let i = 0; i < 300; i++) cache.compress(1, count, Uint8Array.of(i & 0xff, i >> 8, 1, 2, 3));
    const before = calls;
    cache.compress(1, count, DATA);
    expect(calls).toBe(before + 1);
  });
});
