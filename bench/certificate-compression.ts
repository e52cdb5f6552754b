/**
 * @module bench/certificate-compression
 * RFC 8879 certificate compression on real chains: the bytes of the Certificate message each
 * algorithm saves, and what compressing and decompressing cost (median of ROUNDS, one process,
 * interleaved by algorithm). Chains: two public chains from Go's crypto/x509 tests
 * (vectors/public-chains/) and the test PKI's RSA-2048 and ECDSA P-256 chains (leaf +
 * intermediate); then what a server pays per handshake once a chain is cached.
 * `npx tsx bench/certificate-compression.ts` prints Markdown tables.
 */
import { readFileSync } from 'node:fs';
import { fflateZlibCertificateCompressor } from '../src/compression/fflate.ts';
import type { CertificateCompressor } from '../src/compression/algorithm.ts';
import { encodeHandshake } from '../src/messages/handshake.ts';
import { brotliCertificateCompressor, zlibCertificateCompressor, zstdCertificateCompressor } from '../src/node/certificate-compression.ts';
import { HandshakeType } from '../src/protocol/registry.ts';
import { CompressedCertificateCache } from '../src/compression/cache.ts';
import { parseCertificateChain } from '../src/x509/certificate.ts';

const ROUNDS = 41;

const chains: readonly { readonly name: string; readonly file: string }[] = [
  { name: 'udctest.ads.vt.edu (RSA, 3 certificates, public)', file: 'vectors/public-chains/vt-rsa.pem' },
  { name: '*.tm.cn (ECDSA P-256 leaf with SCTs + P-384 CA, public)', file: 'vectors/public-chains/trustasia-ecdsa.pem' },
  { name: 'test PKI rsa-2048 (leaf + intermediate)', file: 'vectors/certs/rsa-2048/end.chain.pem' },
  { name: 'test PKI ecdsa-p256 (leaf + intermediate)', file: 'vectors/certs/ecdsa-p256/end.chain.pem' },
];

const algorithms: readonly { readonly name: string; readonly c: CertificateCompressor }[] = [
  { name: 'zlib (node:zlib, level 9)', c: zlibCertificateCompressor },
  { name: 'brotli (node:zlib, quality 11)', c: brotliCertificateCompressor },
  ...(zstdCertificateCompressor ? [{ name: 'zstd (node:zlib, level 19)', c: zstdCertificateCompressor }] : []),
  { name: 'zlib (fflate, level 9)', c: fflateZlibCertificateCompressor },
];

function medianUs(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(ROUNDS / 2)]!;
}

console.log(`Node ${process.version}; zstd in node:zlib: ${zstdCertificateCompressor ? 'yes' : 'no'}; median of ${ROUNDS}\n`);
console.log('| chain | Certificate body | algorithm | compressed | saved | compress | decompress |');
console.log('|---|---|---|---|---|---|---|');
for (const { name, file } of chains) {
  const chain = parseCertificateChain(readFileSync(file, 'utf8'));
  const body = encodeHandshake({ type: HandshakeType.certificate, certificateRequestContext: new Uint8Array(0), certificateList: chain.map((certData) => ({ certData, extensions: [] })) }).subarray(4);
  for (const { name: alg, c } of algorithms) {
    const compressed = c.compress!(body);
    const back = c.decompress(compressed, body.length);
    if (back.length !== body.length || !back.every((b, i) => b === body[i])) throw new Error(`${alg}: round trip failed`);
    const compressUs = medianUs(() => c.compress!(body));
    const decompressUs = medianUs(() => c.decompress(compressed, body.length));
    const saved = body.length - compressed.length;
    console.log(
      `| ${name} | ${body.length} B | ${alg} | ${compressed.length} B | ${saved} B (${((100 * saved) / body.length).toFixed(0)}%) | ${compressUs.toFixed(0)} µs | ${decompressUs.toFixed(0)} µs |`,
    );
  }
}


// What a handshake pays once the chain is in the cache: the server encodes the Certificate body
// (it did so anyway without compression), hashes it and compares it with the cached one; the
// client decompresses (the table above). A full handshake costs about 1-3 ms of CPU (README, Speed).
console.log(`\nServer work per handshake with a cached compressed chain (median of ${ROUNDS}, ×1000 calls):\n`);
console.log('| chain | Certificate body | encode + cache lookup (hash, compare) |');
console.log('|---|---|---|');
for (const { name, file } of chains) {
  const chain = parseCertificateChain(readFileSync(file, 'utf8'));
  const certificate = { type: HandshakeType.certificate, certificateRequestContext: new Uint8Array(0), certificateList: chain.map((certData) => ({ certData, extensions: [] })) } as const;
  const cache = new CompressedCertificateCache();
  const compress = brotliCertificateCompressor.compress!;
  cache.compress(2, compress, encodeHandshake(certificate).subarray(4));
  const us = medianUs(() => {
    for (let i = 0; i < 1000; i++) cache.compress(2, compress, encodeHandshake(certificate).subarray(4));
  }) / 1000;
  console.log(`| ${name} | ${encodeHandshake(certificate).length - 4} B | ${us.toFixed(1)} µs |`);
}
