/**
 * RFC 8448 §5 (HelloRetryRequest) through our server and client, where it applies. The trace's
 * HelloRetryRequest carries the trace server's own cookie (an opaque, implementation-specific
 * value), and the trace client pads its second ClientHello to 512 bytes and places the cookie
 * where its implementation does; so the flights after the HRR cannot be byte-identical. What
 * can be compared is compared: our HRR equals the trace's with only the cookie value replaced,
 * and our second ClientHello carries the same hello, the trace's P-256 share and its cookie. The
 * transcript rule with message_hash is checked secret by secret in key-schedule.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { clientConfig, serverConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { findExtension } from '../../src/messages/extensions/extensions.ts';
import { decodeHandshakeBody, encodeHandshake } from '../../src/messages/handshake.ts';
import type { ServerHello } from '../../src/messages/server-hello.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { dangerouslyAcceptAnyCertificate } from '../../src/x509/verifier.ts';
import { TRACE_NOW, replayRandom, rfc8448Certificate, trace } from './_replay.ts';
import { rfc8448RsaKey } from '../helpers/vectors.ts';

const t = trace('05-hello-retry-request');

function decode<T>(raw: Uint8Array): T {
  return decodeHandshakeBody(raw[0] as number, raw.subarray(4)) as T;
}

/** The handshake message inside a plaintext record. */
function recordBody(record: Uint8Array): Uint8Array {
  return record.subarray(5);
}

describe('RFC 8448 §5 HelloRetryRequest', () => {
  it('our server answers the trace ClientHello with the trace HelloRetryRequest, cookie aside (RFC 8446 §4.1.4)', () => {
    const cookie = new Uint8Array(32).fill(0xc0);
    const provider = nobleProvider;
    const server = new ServerConnection(
      serverConfig({
        provider,
        now: () => TRACE_NOW,
        random: replayRandom(cookie),
        certificates: [certifiedKey(provider, [rfc8448Certificate(trace('03-simple-1rtt'))], rfc8448RsaKey())],
        // The trace server wants P-256 although the client sent an x25519 share.
        groups: [NamedGroup.secp256r1],
        // The trace server chose TLS_AES_128_GCM_SHA256, the first suite the client offered.
        preferChaCha20: false,
      }),
    );
    server.receive(t.record('client', 'handshake', 0));
    const ours = server.takeOutput();
    const traceHrr = decode<ServerHello>(t.message('server', 'ServerHello', 0));
    expect(traceHrr.isHelloRetryRequest).toBe(true);
    const withOurCookie: ServerHello = {
      ...traceHrr,
      extensions: traceHrr.extensions.map((e) => (e.kind === 'cookie' ? { kind: 'cookie', cookie } : e)),
    };
    expect(recordBody(ours)).toEqual(encodeHandshake(withOurCookie));
    expect(ours.subarray(0, 3)).toEqual(t.record('server', 'handshake', 0).subarray(0, 3));
  });

  it('our client answers the trace HelloRetryRequest with the same hello, a P-256 share and the cookie echoed', () => {
    const provider = nobleProvider;
    const config = clientConfig({
      provider,
      now: () => TRACE_NOW,
      verifier: dangerouslyAcceptAnyCertificate(),
      groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
      middleboxCompat: false,
      // The retry draws the P-256 key the trace's client drew.
      random: replayRandom(t.ephemeralKey('client', 'P-256')),
    });
    const first = decode<ClientHello>(t.message('client', 'ClientHello', 0));
    const kx = provider.keyExchange(NamedGroup.x25519);
    if (!kx) throw new Error('no x25519');
    const x25519 = kx.generate(replayRandom(t.ephemeralKey('client', 'x25519')));
    const client = ClientConnection.fromClientHello(config, { serverName: 'server' }, first, [x25519]);
    expect(client.takeOutput()).toEqual(t.record('client', 'handshake', 0));
    client.receive(t.record('server', 'handshake', 0));
    const ours = decode<ClientHello>(recordBody(client.takeOutput()));
    const theirs = decode<ClientHello>(t.message('client', 'ClientHello', 1));
    expect(ours.random).toEqual(theirs.random);
    expect(ours.legacySessionId).toEqual(theirs.legacySessionId);
    expect(ours.cipherSuites).toEqual(theirs.cipherSuites);
    expect(findExtension(ours.extensions, 'key_share_client')).toEqual(findExtension(theirs.extensions, 'key_share_client'));
    expect(findExtension(ours.extensions, 'cookie')).toEqual(findExtension(theirs.extensions, 'cookie'));
    // Every other extension is repeated unchanged (RFC 8446 §4.1.2); the trace adds padding.
    const rest = (ch: ClientHello): string[] =>
      ch.extensions.filter((e) => e.kind !== 'cookie' && !(e.kind === 'unknown' && e.type === 21)).map((e) => JSON.stringify(e, (_, v) => (v instanceof Uint8Array ? Array.from(v) : v)));
    expect(rest(ours)).toEqual(rest(theirs));
  });
});
