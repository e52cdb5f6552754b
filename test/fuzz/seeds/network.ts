/**
 * @module test/fuzz/seeds/network
 * Seeds for the targets that read other network-facing bytes: the paused server (recorded
 * client flights, and one ClientHello larger than 64 KiB with a maximal signature_algorithms
 * list, cut into 2^14-byte records), session tickets (a ticket state as our server issues it,
 * with and without a client identity, plain and sealed under the network ticket keys) and the
 * PROXY v2 header (each address family pairing, with SNI and ALPN), and CompressedCertificate
 * bodies (RFC 8879).
 */
import { readFileSync } from 'node:fs';
import { concat, utf8 } from '../../../src/bytes/bytes.ts';
import { ClientConnection } from '../../../src/connection/client.ts';
import { encodeClientIdentity } from '../../../src/handshake/server/tickets.ts';
import type { ClientHello } from '../../../src/messages/client-hello.ts';
import { encodeHandshake } from '../../../src/messages/handshake.ts';
import { Writer } from '../../../src/codec/writer.ts';
import { encodeCompressedCertificate } from '../../../src/messages/compressed-certificate.ts';
import { brotliCertificateCompressor, zlibCertificateCompressor } from '../../../src/node/certificate-compression.ts';
import { CertificateCompressionAlgorithm, ContentType, HandshakeType } from '../../../src/protocol/registry.ts';
import { encodeTicketState } from '../../../src/session/ticket.ts';
import { parseCertificateChain } from '../../../src/x509/certificate.ts';
import { certPaths } from '../../helpers/pki.ts';
import { decodeMessage, parseRecords, record, splitHandshakeMessages } from '../../helpers/tamper.ts';
import type { RecordedRun } from '../corpus.ts';
import { FUZZ_CLIENT_CONFIG, FUZZ_NOW } from '../targets/setup.ts';
import { NETWORK_TICKET_KEYS } from '../targets/ticket.ts';

export function pausedServerSeeds(runs: readonly { run: RecordedRun; replaysInto: string }[]): Uint8Array[] {
  const flights = runs.filter((r) => r.replaysInto !== 'client').map((r) => r.run.toServer);
  return [...flights.map((f, i) => concat(new Uint8Array([i * 53 + 7]), f)), concat(new Uint8Array([200]), largeClientHello())];
}

/**
 * The fuzz client's ClientHello with the longest signature_algorithms list its extensions block
 * holds (a message of about 65.6 KB), as a stream of 2^14-byte handshake records (RFC 8446 §5.1).
 */
function largeClientHello(): Uint8Array {
  const flight = new ClientConnection(FUZZ_CLIENT_CONFIG, { serverName: 'localhost' }).takeOutput();
  const [first] = splitHandshakeMessages(parseRecords(flight)[0]!.fragment);
  const ch = decodeMessage(first!) as ClientHello;
  const schemes = ch.extensions.find((e) => e.kind === 'signature_algorithms');
  if (schemes === undefined || schemes.kind !== 'signature_algorithms') throw new Error('seeds: no signature_algorithms');
  const all = [...schemes.supportedSignatureAlgorithms];
  for (let v = 0xfe00; all.length < 32_767; v = (v + 1) & 0xffff) if (!all.includes(v)) all.push(v);
  const encode = (n: number): Uint8Array =>
    encodeHandshake({ ...ch, extensions: ch.extensions.map((e) => (e === schemes ? { ...schemes, supportedSignatureAlgorithms: all.slice(0, n) } : e)) });
  // The longest list the extensions block (u16 length) still holds.
  let lo = schemes.supportedSignatureAlgorithms.length;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      encode(mid);
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  const raw = encode(lo);
  const records: Uint8Array[] = [];
  for (let at = 0; at < raw.length; at += 1 << 14) records.push(record(ContentType.handshake, raw.subarray(at, at + (1 << 14)), 0x0301));
  return concat(...records);
}

/** Ticket plaintexts as our server writes them (odd option byte) and a sealed one (even). */
export function ticketSeeds(): Uint8Array[] {
  const client = parseCertificateChain(readFileSync(certPaths('ed25519').client, 'utf8'));
  const base = {
    cipherSuite: 0x1301,
    psk: new Uint8Array(32).fill(0x5a),
    issuedAtMs: FUZZ_NOW - 1000,
    ticketAgeAdd: 0x01020304,
    ticketLifetime: 7200,
    maxEarlyDataSize: 1024,
    alpnProtocol: utf8('h2'),
    serverName: utf8('localhost'),
    clientIdentity: new Uint8Array(0),
  };
  const plain = encodeTicketState(base);
  const states = [
    plain,
    encodeTicketState({ ...base, cipherSuite: 0x1302, psk: new Uint8Array(48).fill(0x6b), maxEarlyDataSize: 0, alpnProtocol: new Uint8Array(0) }),
    encodeTicketState({ ...base, cipherSuite: 0x1303, clientIdentity: encodeClientIdentity(client)! }),
  ];
  return [...states.map((s) => concat(new Uint8Array([1]), s)), concat(new Uint8Array([0]), NETWORK_TICKET_KEYS.seal(plain, FUZZ_NOW, () => new Uint8Array(12).fill(3)))];
}

/**
 * PROXY header inputs (layout in targets/proxy-header.ts): flags, two 16-byte addresses, two
 * ports, ALPN, SNI length and pattern.
 */
export function proxyHeaderSeeds(): Uint8Array[] {
  const addr = (b: number): number[] => Array.from({ length: 16 }, (_, i) => (b * 31 + i * 7) & 0xff);
  // An IPv4-compatible IPv6 address (::/96), which node prints as `::a.b.c.d`.
  const compatible = [...new Array<number>(12).fill(0), 192, 0, 2, 1];
  const seed = (flags: number, alpn: string, sniLen: number, pattern: string, src = addr(1)): Uint8Array =>
    new Uint8Array([flags, ...src, ...addr(2), 0xc3, 0x50, 0x01, 0xbb, alpn.length, ...utf8(alpn), sniLen >> 8, sniLen & 0xff, ...utf8(pattern)]);
  return [
    seed(0b0000, 'h2', 9, 'localhost'),
    seed(0b0101, 'http/1.1', 20, 'www.example.'),
    seed(0b1010, '', 11, 'example.com'),
    seed(0b0100, 'h2', 0, 'x'),
    seed(0b1111, 'h2', 253, 'abcdefghij.'),
    seed(0b0101, 'h2', 4000, 'long.'),
    // Written as ::1 before the fix.
    seed(0b0101, 'h2', 9, 'localhost', compatible),
    // Near the header's 16-bit length: an SNI name a ClientHello of up to 2^17 bytes can carry;
    // with IPv6 addresses it does not fit (the header writer threw RangeError before the fix).
    seed(0b0000, 'h2', 65_500, 'a.'),
    seed(0b0101, 'h2', 65_500, 'a.'),
  ];
}

/**
 * CompressedCertificate bodies (RFC 8879 §4): the test chain's Certificate under zlib and brotli,
 * one claiming a byte more than it holds, and a brotli bomb (1 MiB of zeros) claiming 64 KiB.
 */
export function compressedCertificateSeeds(): Uint8Array[] {
  const chain = parseCertificateChain(readFileSync(certPaths('ed25519').endChain, 'utf8'));
  const body = encodeHandshake({ type: HandshakeType.certificate, certificateRequestContext: new Uint8Array(0), certificateList: chain.map((certData) => ({ certData, extensions: [] })) }).subarray(4);
  const message = (algorithm: number, uncompressedLength: number, data: Uint8Array): Uint8Array => {
    const w = new Writer();
    encodeCompressedCertificate(w, { type: HandshakeType.compressed_certificate, algorithm, uncompressedLength, compressedCertificateMessage: data });
    return w.finish();
  };
  const zlibbed = zlibCertificateCompressor.compress!(body);
  return [
    message(CertificateCompressionAlgorithm.zlib, body.length, zlibbed),
    message(CertificateCompressionAlgorithm.brotli, body.length, brotliCertificateCompressor.compress!(body)),
    message(CertificateCompressionAlgorithm.zlib, body.length + 1, zlibbed),
    message(CertificateCompressionAlgorithm.brotli, 1 << 16, brotliCertificateCompressor.compress!(new Uint8Array(1 << 20))),
  ];
}
