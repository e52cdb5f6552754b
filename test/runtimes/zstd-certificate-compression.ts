/**
 * @module test/runtimes/zstd-certificate-compression
 * Run by Bun (deno-bun.test.ts): zstd certificate compression (RFC 8879, algorithm 3) for real,
 * in a runtime whose node:zlib has zstd (Node 20 has not). Our client and server, pure provider,
 * in memory, offering zstd only; then a zstd bomb (8 MiB of zeros) the client must refuse. Prints a JSON summary.
 */
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { ClientConnection, ServerConnection, TlsError, certifiedKey, clientConfig, nobleProvider, parseCertificateChain, serverConfig, trustExactly } from '../../src/index.ts';
import { nodeCertificateCompressors, zstdCertificateCompressor } from '../../src/node/certificate-compression.ts';
import type { Connection } from '../../src/index.ts';

const dir = new URL('../../vectors/certs/ecdsa-p256/', import.meta.url);
const pem = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

function pump(from: Connection, to: Connection): void {
  const out = from.takeOutput();
  if (out.length > 0) to.receive(out);
}

function run(server: { compress: (d: Uint8Array) => Uint8Array } | undefined): { compression: string | undefined; chain: number } | { alert: string } {
  const zstd = zstdCertificateCompressor!;
  const provider = nobleProvider;
  const s = new ServerConnection(
    serverConfig({ provider, certificates: [certifiedKey(provider, pem('end.chain.pem'), pem('end.key'))], certificateCompression: [server ? { ...zstd, ...server } : zstd] }),
  );
  const c = new ClientConnection(clientConfig({ provider, verifier: trustExactly(parseCertificateChain(pem('ca.pem'))), certificateCompression: [zstd] }), { serverName: 'localhost' });
  try {
    for (let i = 0; i < 6; i++) {
      pump(c, s);
      pump(s, c);
    }
  } catch (e) {
    if (e instanceof TlsError) return { alert: e.alertName };
    throw e;
  }
  return { compression: c.negotiated?.certificateCompression, chain: c.negotiated?.peerCertificates.length ?? 0 };
}

const bomb = (zlib as unknown as { zstdCompressSync: (d: Uint8Array) => Uint8Array }).zstdCompressSync(new Uint8Array(8 << 20));
console.log(
  JSON.stringify({
    ids: nodeCertificateCompressors().map((a) => a.id),
    honest: run(undefined),
    // Whatever the server's body, it sends 8 MiB of zeros (275 bytes of zstd).
    bomb: run({ compress: () => bomb }),
  }),
);
