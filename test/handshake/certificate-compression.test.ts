/**
 * Certificate compression (RFC 8879, issue 12 item 6) in the engine, both providers: our client ↔
 * our server with every algorithm this runtime has (node:zlib zlib and brotli, zstd where node:zlib
 * has it, fflate's zlib), both directions (the server's Certificate, the client's in the handshake
 * and after it), the transcript holding the CompressedCertificate as sent, the per-chain cache,
 * and what a hostile peer gets: bad_certificate for garbage, a wrong length, a decompression bomb
 * or an oversized uncompressed_length (checked before inflating), illegal_parameter for an
 * algorithm we did not offer, unexpected_message when we offered none.
 */
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CertificateCompressor } from '../../src/compression/algorithm.ts';
import { fflateZlibCertificateCompressor } from '../../src/compression/fflate.ts';
import { clientConfig, serverConfig, type ClientConfigInput, type ServerConfigInput } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { ObservedEvent } from '../../src/connection/observer.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { receivedCertificate } from '../../src/handshake/common/certificate-compression.ts';
import type { HandshakeMessage } from '../../src/messages/handshake.ts';
import {
  brotliCertificateCompressor,
  nodeCertificateCompressors,
  zlibCertificateCompressor,
  zstdCertificateCompressor,
} from '../../src/node/certificate-compression.ts';
import { MAX_UNCOMPRESSED_CERTIFICATE_LEN } from '../../src/protocol/limits.ts';
import { AlertDescription, CertificateCompressionAlgorithm, HandshakeType } from '../../src/protocol/registry.ts';
import { certifiedKey, type CertifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { drainEvents, expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { certPaths } from '../helpers/pki.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { KeyCapture, encodeRecords, parseRecords, record, resealHandshake } from '../helpers/tamper.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import { encodeHandshake } from '../../src/messages/handshake.ts';

const ALGORITHMS: readonly { readonly name: string; readonly compressor: CertificateCompressor }[] = [
  { name: 'node:zlib zlib', compressor: zlibCertificateCompressor },
  { name: 'node:zlib brotli', compressor: brotliCertificateCompressor },
  { name: 'fflate zlib', compressor: fflateZlibCertificateCompressor },
  ...(zstdCertificateCompressor ? [{ name: 'node:zlib zstd', compressor: zstdCertificateCompressor }] : []),
];

/** The test PKI's client certificate (EKU clientAuth) with its intermediate. */
function clientKey(provider: CryptoProvider): CertifiedKey {
  const p = certPaths('ecdsa-p256');
  return certifiedKey(provider, readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8'), readFileSync(p.clientKey, 'utf8'));
}

interface Seen {
  readonly sent: HandshakeMessage[];
}

function observe(seen: Seen): (e: ObservedEvent) => void {
  return (e) => {
    if (e.kind === 'handshakeMessage' && e.direction === 'sent') seen.sent.push(e.message);
  };
}

function pair(
  provider: CryptoProvider,
  server: Partial<ServerConfigInput>,
  client: Partial<ClientConfigInput>,
): { client: ClientConnection; server: ServerConnection; serverSent: Seen; clientSent: Seen } {
  const serverSent: Seen = { sent: [] };
  const clientSent: Seen = { sent: [] };
  const s = new ServerConnection(serverConfig({ provider, certificates: [testCertifiedKey(provider)], ...server }), { observer: observe(serverSent) });
  const c = new ClientConnection(clientConfig({ provider, verifier: trustExactly([testRoot()]), ...client }), {
    serverName: 'localhost',
    observer: observe(clientSent),
  });
  return { client: c, server: s, serverSent, clientSent };
}

/** Moves bytes both ways until one side fails (its error is then on the connection). */
function handshakeUntilError(client: ClientConnection, server: ServerConnection): void {
  for (let i = 0; i < 10; i++) {
    try {
      transfer(client, server);
      transfer(server, client);
    } catch {
      return;
    }
  }
  throw new Error('no error');
}

function types(seen: Seen): number[] {
  return seen.sent.map((m) => m.type);
}

/** Algorithm `id` with a compressor whose output is `make(body)`: what a broken or hostile peer sends. */
function lying(id: number, make: (body: Uint8Array) => Uint8Array): CertificateCompressor {
  const honest = nodeCertificateCompressors().find((a) => a.id === id);
  if (!honest) throw new Error(`no node:zlib algorithm ${id}`);
  return { id, compress: make, decompress: honest.decompress };
}

/** Decompression bombs that fit one record: 8 MiB of zeros as zlib (8 KB), 64 MiB as brotli (a few hundred bytes). */
const zlibBomb = zlib.deflateSync(new Uint8Array(8 << 20), { level: 9 });
const brotliBomb = zlib.brotliCompressSync(new Uint8Array(64 << 20), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });

describe.each(PROVIDERS)('certificate compression, RFC 8879 ($name)', (provider) => {
  describe.each(ALGORITHMS)('$name', ({ compressor }) => {
    it("compresses the server's Certificate when the client offers it; the client decompresses and verifies (RFC 8879 §4)", () => {
      const { client, server, serverSent } = pair(provider, { certificateCompression: [compressor] }, { certificateCompression: [compressor] });
      handshake(client, server);
      expect(types(serverSent)).toContain(HandshakeType.compressed_certificate);
      expect(types(serverSent)).not.toContain(HandshakeType.certificate);
      const sent = serverSent.sent.find((m) => m.type === HandshakeType.compressed_certificate);
      expect(sent?.type === HandshakeType.compressed_certificate && sent.algorithm).toBe(compressor.id);
      const name = Object.entries(CertificateCompressionAlgorithm).find(([, v]) => v === compressor.id)?.[0];
      expect(client.negotiated?.certificateCompression).toBe(name);
      expect(server.negotiated?.certificateCompression).toBe(name);
      expect(client.negotiated?.peerCertificates).toEqual(testCertifiedKey(provider).chain);
      client.write(new TextEncoder().encode('ping'));
      transfer(client, server);
      expect(new TextDecoder().decode(readAll(server))).toBe('ping');
    });

    it("compresses the client's Certificate when the CertificateRequest offers it, in the handshake and after it (RFC 8879 §3)", () => {
      const auth = { mode: 'required' as const, verifier: trustExactly([testRoot()]) };
      const { client, server, clientSent } = pair(
        provider,
        { certificateCompression: [compressor], clientAuth: auth },
        { certificateCompression: [compressor], certificates: [clientKey(provider)], postHandshakeAuth: true },
      );
      handshake(client, server);
      expect(clientSent.sent.filter((m) => m.type === HandshakeType.compressed_certificate)).toHaveLength(1);
      expect(server.negotiated?.peerCertificates).toEqual(clientKey(provider).chain);
      drainEvents(server);
      server.requestClientCertificate();
      transfer(server, client);
      transfer(client, server);
      const authenticated = drainEvents(server).filter((e) => e.kind === 'clientCertificate');
      expect(authenticated).toHaveLength(1);
      expect(clientSent.sent.filter((m) => m.type === HandshakeType.compressed_certificate)).toHaveLength(2);
    });
  });

  it('sends the Certificate as is when the peer offers nothing we compress with, or offers nothing', () => {
    for (const clientSide of [[], [{ id: CertificateCompressionAlgorithm.zstd, decompress: () => new Uint8Array(0) }]]) {
      const { client, server, serverSent } = pair(provider, { certificateCompression: [zlibCertificateCompressor] }, { certificateCompression: clientSide });
      handshake(client, server);
      expect(types(serverSent)).toContain(HandshakeType.certificate);
      expect(client.negotiated?.certificateCompression).toBeUndefined();
    }
  });

  it("picks the first of the server's algorithms that the client offers, whatever the client's order", () => {
    const { client, server } = pair(
      provider,
      { certificateCompression: [zlibCertificateCompressor, brotliCertificateCompressor] },
      { certificateCompression: [brotliCertificateCompressor, zlibCertificateCompressor] },
    );
    handshake(client, server);
    expect(client.negotiated?.certificateCompression).toBe('zlib');
  });

  it('compresses a chain once per algorithm, not in every handshake, even when it is reloaded each time (the cache is per config, by content)', () => {
    let calls = 0;
    const counting: CertificateCompressor = { ...brotliCertificateCompressor, compress: (d) => (calls++, brotliCertificateCompressor.compress!(d)) };
    const key = testCertifiedKey(provider);
    // A hook that builds a new CertifiedKey for every handshake (as an SNI hook loading files would).
    const selectCertificate = (): CertifiedKey => certifiedKey(provider, [...key.chain], readFileSync(certPaths('ecdsa-p256').endKey, 'utf8'));
    const config = serverConfig({ provider, certificates: [key], selectCertificate, certificateCompression: [counting] });
    for (let i = 0; i < 3; i++) {
      const server = new ServerConnection(config);
      const client = new ClientConnection(clientConfig({ provider, verifier: trustExactly([testRoot()]), certificateCompression: [brotliCertificateCompressor], sessionCache: false }), { serverName: 'localhost' });
      handshake(client, server);
      expect(client.negotiated?.certificateCompression).toBe('brotli');
    }
    expect(calls).toBe(1);
  });

  describe('hostile CompressedCertificate', () => {
    /**
     * Runs to the server's first flight and delivers it to a client offering `offered`, with the
     * server's Certificate replaced by `replacement` (re-sealed under the logged handshake key);
     * returns the client's error.
     */
    function clientGets(replacement: HandshakeMessage, offered: readonly CertificateCompressor[]): ReturnType<typeof expectTlsError> {
      const keys = new KeyCapture();
      const { client, server } = pair(provider, { preferChaCha20: false }, { certificateCompression: offered, keyLog: keys.keyLog });
      transfer(client, server);
      const [sh, ...rest] = parseRecords(server.takeOutput());
      return expectTlsError(() => {
        client.receive(record(sh!.type, sh!.fragment));
        const secret = keys.get(KeyLogLabel.serverHandshakeTrafficSecret);
        const swap = (msgs: HandshakeMessage[]): HandshakeMessage[] => msgs.map((m) => (m.type === HandshakeType.certificate ? replacement : m));
        client.receive(resealHandshake(provider, secret, encodeRecords(rest), swap));
      });
    }

    /** The server's real Certificate body (what uncompressed_length describes). */
    const body = (): Uint8Array => {
      const key = testCertifiedKey(provider);
      const raw = encodeHandshake({ type: HandshakeType.certificate, certificateRequestContext: new Uint8Array(0), certificateList: key.chain.map((certData) => ({ certData, extensions: [] })) });
      return raw.subarray(4);
    };
    const compressed = (algorithm: number, uncompressedLength: number, data: Uint8Array): HandshakeMessage => ({
      type: HandshakeType.compressed_certificate,
      algorithm,
      uncompressedLength,
      compressedCertificateMessage: data,
    });

    it('the re-sealed flight is accepted when the CompressedCertificate is honest (the harness changes nothing else)', () => {
      const b = body();
      const err = clientGets(compressed(1, b.length, zlibCertificateCompressor.compress!(b)), [zlibCertificateCompressor]);
      // The transcript now differs from the server's, so CertificateVerify is the first to fail.
      expect(err.alert).toBe(AlertDescription.decrypt_error);
    });

    it('garbage is bad_certificate (RFC 8879 §4 "cannot be decompressed")', () => {
      for (const c of [zlibCertificateCompressor, brotliCertificateCompressor, fflateZlibCertificateCompressor]) {
        const err = clientGets(compressed(c.id, body().length, new Uint8Array(40).fill(0x5a)), [c]);
        expect(err.alert).toBe(AlertDescription.bad_certificate);
      }
    });

    it('a decompressed length other than uncompressed_length is bad_certificate, longer or shorter (RFC 8879 §4)', () => {
      for (const c of [zlibCertificateCompressor, brotliCertificateCompressor, fflateZlibCertificateCompressor]) {
        const b = body();
        expect(clientGets(compressed(c.id, b.length - 1, c.compress!(b)), [c]).alert).toBe(AlertDescription.bad_certificate);
        expect(clientGets(compressed(c.id, b.length + 1, c.compress!(b)), [c]).alert).toBe(AlertDescription.bad_certificate);
      }
    });

    it('a decompression bomb is bad_certificate, the decompressor stopping at uncompressed_length (RFC 8879 §5)', () => {
      for (const [c, bomb] of [
        [zlibCertificateCompressor, zlibBomb],
        [fflateZlibCertificateCompressor, zlibBomb],
        [brotliCertificateCompressor, brotliBomb],
      ] as const) {
        // ArrayBuffer memory added while the decompressor runs, read the moment it returns or throws.
        let growth = 0;
        const measured: CertificateCompressor = {
          id: c.id,
          decompress: (d, max) => {
            const before = process.memoryUsage().arrayBuffers;
            try {
              return c.decompress(d, max);
            } finally {
              growth = process.memoryUsage().arrayBuffers - before;
            }
          },
        };
        const err = clientGets(compressed(c.id, MAX_UNCOMPRESSED_CERTIFICATE_LEN, bomb), [measured]);
        expect(err.alert).toBe(AlertDescription.bad_certificate);
        expect(err.message).toMatch(/decompression failed/);
        expect(growth).toBeLessThan(8 << 20);
      }
    });

    it('an uncompressed_length above the Certificate bound is bad_certificate before any decompression', () => {
      let called = false;
      const watching: CertificateCompressor = { id: 1, decompress: (d, max) => ((called = true), zlibCertificateCompressor.decompress(d, max)) };
      const err = clientGets(compressed(1, MAX_UNCOMPRESSED_CERTIFICATE_LEN + 1, zlibBomb), [watching]);
      expect(err.alert).toBe(AlertDescription.bad_certificate);
      expect(err.message).toMatch(/uncompressed_length \d+ is outside/);
      expect(called).toBe(false);
    });

    it('a real chain longer than the bound, compressed, is refused the same way', () => {
      // The leaf and its intermediate repeated to pass 64 KiB: a long chain that compresses to a few KB.
      const key = testCertifiedKey(provider);
      const copies = Math.ceil(MAX_UNCOMPRESSED_CERTIFICATE_LEN / key.chain[1]!.length);
      const big = certifiedKey(provider, [key.chain[0]!, ...Array.from({ length: copies }, () => key.chain[1]!)], readFileSync(certPaths('ecdsa-p256').endKey, 'utf8'));
      const { client, server } = pair(provider, { certificates: [big], certificateCompression: [zlibCertificateCompressor] }, { certificateCompression: [zlibCertificateCompressor] });
      handshakeUntilError(client, server);
      expect(client.error?.alert).toBe(AlertDescription.bad_certificate);
    });

    it('an algorithm the client did not offer is illegal_parameter (RFC 8879 §4)', () => {
      const b = body();
      const err = clientGets(compressed(CertificateCompressionAlgorithm.brotli, b.length, brotliCertificateCompressor.compress!(b)), [zlibCertificateCompressor]);
      expect(err.alert).toBe(AlertDescription.illegal_parameter);
    });

    it('a CompressedCertificate when the client offered no compression is unexpected_message', () => {
      const b = body();
      const err = clientGets(compressed(CertificateCompressionAlgorithm.zlib, b.length, zlibCertificateCompressor.compress!(b)), []);
      expect(err.alert).toBe(AlertDescription.unexpected_message);
    });

    it("the server refuses a client's broken CompressedCertificate with bad_certificate", () => {
      const auth = { mode: 'required' as const, verifier: trustExactly([testRoot()]) };
      const { client, server } = pair(
        provider,
        { certificateCompression: [brotliCertificateCompressor], clientAuth: auth },
        { certificateCompression: [lying(CertificateCompressionAlgorithm.brotli, () => brotliBomb)], certificates: [clientKey(provider)] },
      );
      transfer(client, server);
      transfer(server, client);
      const err = expectTlsError(() => transfer(client, server));
      expect(err.alert).toBe(AlertDescription.bad_certificate);
    });
  });
});

describe('receivedCertificate (RFC 8879 §4 checks, in order)', () => {
  const message = (algorithm: number, uncompressedLength: number) =>
    ({ type: HandshakeType.compressed_certificate, algorithm, uncompressedLength, compressedCertificateMessage: new Uint8Array([1]) }) as const;
  it('refuses before decompressing: not offered, other algorithm, zero or oversized length', () => {
    const never: CertificateCompressor = { id: 1, decompress: () => { throw new Error('must not be called'); } };
    expect(expectTlsError(() => receivedCertificate(message(1, 100), [])).alert).toBe(AlertDescription.unexpected_message);
    expect(expectTlsError(() => receivedCertificate(message(2, 100), [never])).alert).toBe(AlertDescription.illegal_parameter);
    expect(expectTlsError(() => receivedCertificate(message(1, 0), [never])).alert).toBe(AlertDescription.bad_certificate);
    const over = expectTlsError(() => receivedCertificate(message(1, MAX_UNCOMPRESSED_CERTIFICATE_LEN + 1), [never]));
    expect(over.alert).toBe(AlertDescription.bad_certificate);
  });
  it('decodes the Certificate inside as any Certificate (decode_error for a bad one)', () => {
    const body = new Uint8Array([0, 0, 0, 5]); // certificate_list says 5 bytes, has none
    const c: CertificateCompressor = { id: 1, decompress: () => body };
    expect(expectTlsError(() => receivedCertificate(message(1, 4), [c])).alert).toBe(AlertDescription.decode_error);
  });
  it('the node:zlib defaults are brotli, then zstd where Node has it, then zlib', () => {
    expect(nodeCertificateCompressors().map((a) => a.id)).toEqual(zstdCertificateCompressor ? [2, 3, 1] : [2, 1]);
  });
});
