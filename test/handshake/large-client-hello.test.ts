/**
 * Large ClientHellos (RFC 8446 §4.1.2): a legal hello may pass the 64 KiB bound kept for the other
 * handshake messages (a full extensions block, e.g. a long signature_algorithms list), up to
 * MAX_CLIENT_HELLO_LEN (131,396 bytes, the largest body the struct can hold, OpenSSL's bound).
 * The server answers such hellos; one byte more is decode_error; the work stays linear in size.
 */
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/bytes.ts';
import { serverConfig } from '../../src/config.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { negotiate } from '../../src/handshake/server/negotiate.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { decodeClientHello } from '../../src/messages/client-hello.ts';
import { Reader } from '../../src/codec/reader.ts';
import type { Extension } from '../../src/messages/extensions/extensions.ts';
import { MAX_CLIENT_HELLO_LEN, MAX_HANDSHAKE_MESSAGE_LEN, MAX_PLAINTEXT_LEN } from '../../src/protocol/limits.ts';
import { AlertDescription, ContentType, ExtensionType, HandshakeType } from '../../src/protocol/registry.ts';
import { fragment } from '../../src/record/fragmenter.ts';
import { expectTlsError, makePair, testCertifiedKey } from '../helpers/pair.ts';
import { decodeMessage, encodeClientHelloRaw, parseRecords, rawExtensions, record, splitHandshakeMessages, type RawExtension } from '../helpers/tamper.ts';

const provider = nobleProvider;
/** RFC 8446 §4.1.2: `Extension extensions<8..2^16-1>`. */
const MAX_EXTENSIONS_BLOCK = 0xffff;

/** Our client's first ClientHello, decoded. */
function ourHello(): { hello: ClientHello; server: ReturnType<typeof makePair>['server'] } {
  const { client, server } = makePair(provider);
  const [rec] = parseRecords(client.takeOutput());
  const [raw] = splitHandshakeMessages(rec!.fragment);
  const hello = decodeMessage(raw!);
  if (hello.type !== HandshakeType.client_hello) throw new Error('not a ClientHello');
  return { hello, server };
}

/** `raw` (a whole handshake message) as plaintext handshake records of at most 2^14 bytes. */
function asRecords(raw: Uint8Array): Uint8Array {
  return concat(...fragment(raw, MAX_PLAINTEXT_LEN).map((f, i) => record(ContentType.handshake, f, i === 0 ? 0x0301 : 0x0303)));
}

/** Bytes of an extensions block holding `exts`, without its length prefix (type, length, data each). */
function blockLen(exts: readonly RawExtension[]): number {
  return exts.reduce((n, e) => n + 4 + e.data.length, 0);
}

/** `n` distinct unknown extensions (types from 0xff00 down, none registered) with empty bodies. */
function unknownExtensions(n: number, first = 0xff00): RawExtension[] {
  return Array.from({ length: n }, (_, i) => ({ type: first - i, data: new Uint8Array(0) }));
}

/**
 * `hello` grown to the largest ClientHello TLS 1.3 allows (131,142 bytes): 32,767 cipher suites
 * (ours first) and a full extensions block of 16,000+ unknown extensions before ours.
 */
function largestLegalHello(hello: ClientHello): Uint8Array {
  const others = Array.from({ length: 0x10000 }, (_, s) => s).filter((s) => !hello.cipherSuites.includes(s));
  const cipherSuites = [...hello.cipherSuites, ...others].slice(0, 32_767);
  const exts = rawExtensions(hello);
  // pre_shared_key would have to stay last; our first hello has none.
  expect(exts.some((e) => e.type === ExtensionType.pre_shared_key)).toBe(false);
  const room = MAX_EXTENSIONS_BLOCK - blockLen(exts);
  const filler = unknownExtensions(Math.floor(room / 4) - 1);
  const last = { type: 0xb000, data: new Uint8Array(room - 4 * filler.length - 4) };
  const full = [...filler, last, ...exts];
  expect(blockLen(full)).toBe(MAX_EXTENSIONS_BLOCK);
  const raw = encodeClientHelloRaw({ ...hello, cipherSuites }, full);
  // RFC 8446 §4.1.2: TLS 1.3 allows exactly one compression method, so 254 bytes fewer than the
  // struct's maximum.
  expect(raw.length - 4).toBe(MAX_CLIENT_HELLO_LEN - 254);
  return raw;
}

/** The server's answer to `raw`: it must be a ServerHello (a hello it accepted). */
function expectServerHello(server: ReturnType<typeof makePair>['server'], raw: Uint8Array): void {
  server.receive(asRecords(raw));
  expect(server.error).toBeUndefined();
  const [first] = parseRecords(server.takeOutput());
  expect(first?.type).toBe(ContentType.handshake);
  expect(first?.fragment[0]).toBe(HandshakeType.server_hello);
}

describe('large ClientHellos (RFC 8446 §4.1.2)', () => {
  it('answers a ClientHello grown past 64 KiB by a maximal signature_algorithms list', () => {
    const { hello, server } = ourHello();
    const exts = rawExtensions(hello);
    const i = exts.findIndex((e) => e.type === ExtensionType.signature_algorithms);
    const ours = new Reader(exts[i]!.data, 'test').vec16(2, 0xfffe);
    // Fill the extensions block to its maximum with unassigned schemes after ours; the 4 or 5
    // bytes left (the list has an even length) go to one unknown extension.
    const room = MAX_EXTENSIONS_BLOCK - blockLen(exts);
    const added = Math.floor((room - 4) / 2);
    const list = concat(ours.rest(), new Uint8Array(added * 2).fill(0xfe));
    const sigAlgs = concat(Uint8Array.of(list.length >> 8, list.length & 0xff), list);
    const grown = [...exts.slice(0, i), { type: ExtensionType.signature_algorithms, data: sigAlgs }, ...exts.slice(i + 1)];
    const padded = [...grown, { type: 0xff00, data: new Uint8Array(MAX_EXTENSIONS_BLOCK - blockLen(grown) - 4) }];
    expect(blockLen(padded)).toBe(MAX_EXTENSIONS_BLOCK);
    const raw = encodeClientHelloRaw(hello, padded);
    expect(raw.length - 4).toBeGreaterThan(MAX_HANDSHAKE_MESSAGE_LEN);
    expectServerHello(server, raw);
  });

  it('answers the largest ClientHello TLS 1.3 allows: 32,767 cipher suites and a full block of 16,000+ extensions', () => {
    const { hello, server } = ourHello();
    expectServerHello(server, largestLegalHello(hello));
  });

  it('a server pausing for its certificate (pauseFor) asks about the largest legal ClientHello, cut into 1000-byte chunks, once whole', () => {
    const { hello } = ourHello();
    const server = new ServerConnection(serverConfig({ provider, certificates: [testCertifiedKey(provider)], pauseFor: { certificate: true } }));
    const asked = fragment(asRecords(largestLegalHello(hello)), 1000).map((chunk) => {
      server.receive(chunk);
      return server.poll();
    });
    expect(asked.slice(0, -1).every((e) => e === undefined)).toBe(true);
    expect(asked.at(-1)).toMatchObject({ kind: 'needCertificate', serverName: 'localhost' });
  });

  it(`decodes a ClientHello of exactly MAX_CLIENT_HELLO_LEN (${MAX_CLIENT_HELLO_LEN}) bytes, with 16,383 extensions`, () => {
    const { hello } = ourHello();
    const cipherSuites = Array.from({ length: 32_767 }, (_, s) => s + 1);
    const exts = [...unknownExtensions(16_382), { type: 0xb000, data: new Uint8Array(3) }];
    expect(blockLen(exts)).toBe(MAX_EXTENSIONS_BLOCK);
    const raw = encodeClientHelloRaw(
      { ...hello, legacySessionId: new Uint8Array(32), cipherSuites, legacyCompressionMethods: new Uint8Array(255) },
      exts,
    );
    expect(raw.length - 4).toBe(MAX_CLIENT_HELLO_LEN);
    const decoded = decodeClientHello(new Reader(raw.subarray(4), 'client_hello'));
    expect(decoded.extensions).toHaveLength(16_383);
    expect(decoded.cipherSuites).toHaveLength(32_767);
  });

  it('refuses a ClientHello announcing more than MAX_CLIENT_HELLO_LEN with decode_error, before its body arrives', () => {
    const { server } = ourHello();
    const n = MAX_CLIENT_HELLO_LEN + 1;
    const header = Uint8Array.of(HandshakeType.client_hello, n >> 16, (n >> 8) & 0xff, n & 0xff);
    const err = expectTlsError(() => server.receive(record(ContentType.handshake, concat(header, new Uint8Array(100)), 0x0301)));
    expect([err.alert, err.origin]).toEqual([AlertDescription.decode_error, 'local']);
  });

  it('checks key_share against supported_groups in one pass: element reads stay linear in the lists (RFC 8446 §4.2.8)', () => {
    const { hello } = ourHello();
    // 1,000 shares for the last 1,000 of 5,000 groups (none of them ours): one indexOf per share
    // would read ~4.5M elements of supported_groups.
    const groups = Array.from({ length: 5_000 }, (_, i) => 0x6000 + i);
    const shares = groups.slice(-1_000).map((group) => ({ group, keyExchange: new Uint8Array(1) }));
    let reads = 0;
    const counted = new Proxy(groups, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const replaced = hello.extensions.map((e): Extension => {
      if (e.kind === 'supported_groups') return { ...e, namedGroupList: counted };
      if (e.kind === 'key_share_client') return { ...e, clientShares: shares };
      return e;
    });
    // None of these groups is ours: the negotiation ends in handshake_failure, after the check.
    const config = serverConfig({ provider, certificates: [testCertifiedKey(provider)] });
    const err = expectTlsError(() => negotiate(config, { ...hello, extensions: replaced }, undefined));
    expect(err.alert).toBe(AlertDescription.handshake_failure);
    // A constant number of passes over the lists (one per group of ours at most), not one per share.
    expect(reads).toBeLessThanOrEqual((config.groups.length + 2) * (groups.length + shares.length));
  });
});
