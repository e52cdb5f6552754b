import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { Reader } from '../../src/codec/reader.ts';
import { decodeClientHello, encodeClientHello } from '../../src/messages/client-hello.ts';
import { encodeWith } from '../../src/codec/writer.ts';
import { AlertDescription, CipherSuite, NamedGroup } from '../../src/protocol/registry.ts';
import { ClientSessionCache, decodeClientSession, encodeClientSession } from '../../src/session/client-cache.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { drainEvents, expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';

const H = 3600_000;

function clock(start = 1_749_600_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function configs(
  provider: CryptoProvider,
  now: () => number,
  server: Partial<Parameters<typeof serverConfig>[0]> = {},
  client: Partial<Parameters<typeof clientConfig>[0]> = {},
): { sc: ServerConfig; cc: ClientConfig } {
  const sc = serverConfig({ provider, now, certificates: [testCertifiedKey(provider)], ticketSecret: new Uint8Array(32).fill(7), ...server });
  const cc = clientConfig({ provider, now, verifier: trustRoot(), ...client });
  return { sc, cc };
}

import { trustExactly } from '../../src/x509/verifier.ts';
function trustRoot() {
  return trustExactly([testRoot()]);
}

/** One full connection between `cc` and `sc`, tickets delivered to the client. */
function connect(cc: ClientConfig, sc: ServerConfig, serverName = 'localhost'): { client: ClientConnection; server: ServerConnection } {
  const client = new ClientConnection(cc, { serverName });
  const server = new ServerConnection(sc);
  handshake(client, server);
  transfer(server, client);
  return { client, server };
}

describe.each(PROVIDERS)('session resumption ($name)', (provider) => {
  it('a full handshake issues 2 tickets and the next connection resumes without a certificate (RFC 8446 §4.6.1, §2.2)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now);
    const first = connect(cc, sc);
    expect(first.client.negotiated?.isResumed).toBe(false);
    expect(drainEvents(first.client).filter((e) => e.kind === 'sessionTicket')).toHaveLength(2);
    expect(cc.sessionCache?.count('localhost')).toBe(2);
    const second = connect(cc, sc);
    expect(second.client.negotiated?.isResumed).toBe(true);
    expect(second.server.negotiated?.isResumed).toBe(true);
    expect(second.client.negotiated?.peerCertificates).toEqual([]);
    second.client.write(utf8('ping'));
    transfer(second.client, second.server);
    expect(readAll(second.server)).toEqual(utf8('ping'));
  });

  it('uses each ticket at most once (RFC 8446 Appendix C.4)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, { tickets: 1 });
    connect(cc, sc);
    expect(cc.sessionCache?.count('localhost')).toBe(1);
    const a = new ClientConnection(cc, { serverName: 'localhost' });
    expect(cc.sessionCache?.count('localhost')).toBe(0);
    const b = new ClientConnection(cc, { serverName: 'localhost' });
    const sa = new ServerConnection(sc);
    const sb = new ServerConnection(sc);
    handshake(a, sa);
    handshake(b, sb);
    expect(a.negotiated?.isResumed).toBe(true);
    expect(b.negotiated?.isResumed).toBe(false);
  });

  it('a resumed handshake issues no ticket by default (as node:tls), and ticketsAfterResumption of them when set (RFC 8446 §4.6.1)', () => {
    const c = clock();
    for (const [ticketsAfterResumption, expected] of [[undefined, 0], [1, 1], [3, 3]] as const) {
      const { sc, cc } = configs(provider, c.now, ticketsAfterResumption === undefined ? {} : { ticketsAfterResumption });
      connect(cc, sc);
      const resumed = connect(cc, sc);
      expect(resumed.server.negotiated?.isResumed).toBe(true);
      expect(drainEvents(resumed.client).filter((e) => e.kind === 'sessionTicket')).toHaveLength(expected);
      // The client keeps the other ticket of the full handshake, plus any new ones.
      expect(cc.sessionCache?.count('localhost')).toBe(1 + expected);
    }
  });

  it('with a single-use session store, a resumed handshake issues one new ticket by default, so the client resumes every time (RFC 8446 §4.6.1, §8.1)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, { sessionStore: new MemorySessionStore(16), tickets: 1 });
    connect(cc, sc);
    for (let i = 0; i < 3; i++) {
      const resumed = connect(cc, sc);
      expect(resumed.server.negotiated?.isResumed).toBe(true);
      expect(drainEvents(resumed.client).filter((e) => e.kind === 'sessionTicket')).toHaveLength(1);
      expect(cc.sessionCache?.count('localhost')).toBe(1);
    }
    const { sc: none, cc: ccNone } = configs(provider, c.now, { sessionStore: new MemorySessionStore(16), tickets: 1, ticketsAfterResumption: 0 });
    connect(ccNone, none);
    expect(connect(ccNone, none).client.negotiated?.isResumed).toBe(true);
    expect(connect(ccNone, none).client.negotiated?.isResumed).toBe(false);
  });

  it('refuses ticketsAfterResumption outside 0..8', () => {
    for (const ticketsAfterResumption of [-1, 9, 1.5]) {
      expect(() => configs(provider, Date.now, { ticketsAfterResumption })).toThrow(/ticketsAfterResumption must be 0\.\.8/);
    }
  });

  it('issues no ticket when tickets is 0 (RFC 8446 §4.6.1)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, { tickets: 0 });
    const first = connect(cc, sc);
    expect(drainEvents(first.client).some((e) => e.kind === 'sessionTicket')).toBe(false);
  });

  it('a ticket from the previous key epoch resumes; one from two epochs back falls back to a full handshake (issue 4)', () => {
    const c = clock(1_749_600_000_000);
    const { sc, cc } = configs(provider, c.now, { ticketEpoch: 3600, ticketLifetime: 7 * 24 * 3600 }, {});
    connect(cc, sc);
    c.advance(H);
    expect(connect(cc, sc).client.negotiated?.isResumed).toBe(true);
    const cache = new ClientSessionCache();
    const { sc: sc2, cc: cc2 } = configs(provider, c.now, { ticketEpoch: 3600, ticketLifetime: 7 * 24 * 3600 }, { sessionCache: cache });
    connect(cc2, sc2);
    c.advance(2 * H);
    const late = connect(cc2, sc2);
    expect(late.client.negotiated?.isResumed).toBe(false);
    expect(late.server.negotiated?.isResumed).toBe(false);
  });

  it('an expired ticket is not offered, and an expired one the server gets falls back to a full handshake (RFC 8446 §4.6.1)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, { ticketLifetime: 60 });
    const first = connect(cc, sc);
    const session = drainEvents(first.client).find((e) => e.kind === 'sessionTicket');
    if (session?.kind !== 'sessionTicket') throw new Error('no ticket');
    c.advance(61_000);
    expect(cc.sessionCache?.take('localhost', c.now())).toBeUndefined();
    // Force the stale session anyway: the server must not resume it.
    const client = new ClientConnection(cc, { serverName: 'localhost', session: session.session });
    const server = new ServerConnection(sc);
    handshake(client, server);
    expect(server.negotiated?.isResumed).toBe(false);
  });

  it('a second server with the same ticket secret resumes; one with another secret does a full handshake (issue 4)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now);
    connect(cc, sc);
    const same = serverConfig({ provider, now: c.now, certificates: [testCertifiedKey(provider)], ticketSecret: new Uint8Array(32).fill(7) });
    expect(connect(cc, same).server.negotiated?.isResumed).toBe(true);
    const other = serverConfig({ provider, now: c.now, certificates: [testCertifiedKey(provider)], ticketSecret: new Uint8Array(32).fill(8) });
    const r = connect(cc, other);
    expect(r.server.negotiated?.isResumed).toBe(false);
    expect(r.client.negotiated?.isResumed).toBe(false);
  });

  it('a session exported with encodeClientSession resumes after decodeClientSession', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, {}, { sessionCache: false });
    const first = connect(cc, sc);
    const ev = drainEvents(first.client).find((e) => e.kind === 'sessionTicket');
    if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
    const session = decodeClientSession(encodeClientSession(ev.session));
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    const server = new ServerConnection(sc);
    handshake(client, server);
    expect(client.negotiated?.isResumed).toBe(true);
  });

  it('stateful tickets from a SessionStore resume once (take), then fall back (issue 4, RFC 8446 §8.1)', () => {
    const c = clock();
    const store = new MemorySessionStore(16);
    const { sc, cc } = configs(provider, c.now, { sessionStore: store, tickets: 1 });
    const first = connect(cc, sc);
    expect(store.size).toBe(1);
    const ev = drainEvents(first.client).find((e) => e.kind === 'sessionTicket');
    if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
    expect(ev.session.ticket.length).toBe(32);
    const r1 = new ClientConnection(cc, { serverName: 'localhost', session: ev.session });
    const s1 = new ServerConnection(sc);
    handshake(r1, s1);
    expect(s1.negotiated?.isResumed).toBe(true);
    const r2 = new ClientConnection(cc, { serverName: 'localhost', session: ev.session });
    const s2 = new ServerConnection(sc);
    handshake(r2, s2);
    expect(s2.negotiated?.isResumed).toBe(false);
  });

  it('resumes only with the server name the ticket was issued for (RFC 8446 §4.2.11)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, {}, { sessionCache: false });
    const first = connect(cc, sc);
    const ev = drainEvents(first.client).find((e) => e.kind === 'sessionTicket');
    if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
    expect(sniResumed(sc, cc, ev.session, 'other.localhost')).toBe(false);
    expect(sniResumed(sc, cc, ev.session, 'localhost')).toBe(true);
  });

  it('a PSK whose hash differs from the negotiated suite is not used (RFC 8446 §4.2.11)', () => {
    const c = clock();
    // The server takes the first suite offered (TLS_AES_128_GCM_SHA256), not its ChaCha20 preference.
    const { sc, cc } = configs(provider, c.now, { preferChaCha20: false }, { cipherSuites: [CipherSuite.TLS_AES_256_GCM_SHA384], sessionCache: false });
    const first = connect(cc, sc);
    const ev = drainEvents(first.client).find((e) => e.kind === 'sessionTicket');
    if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
    const cc2 = clientConfig({ provider, now: c.now, verifier: trustRoot(), sessionCache: false });
    const client = new ClientConnection(cc2, { serverName: 'localhost', session: ev.session });
    const server = new ServerConnection(sc);
    handshake(client, server);
    expect(server.negotiated?.cipherSuiteId).toBe(CipherSuite.TLS_AES_128_GCM_SHA256);
    expect(server.negotiated?.isResumed).toBe(false);
  });

  it('resumes after a HelloRetryRequest, with the binder over the new transcript (RFC 8446 §4.2.11.2, §4.1.4)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, { groups: [NamedGroup.secp256r1] }, {
      groups: [NamedGroup.x25519, NamedGroup.secp256r1],
      keyShareGroups: [NamedGroup.x25519],
    });
    connect(cc, sc);
    const r = connect(cc, sc);
    expect(r.client.negotiated?.didRetry).toBe(true);
    expect(r.server.negotiated?.isResumed).toBe(true);
  });
});

describe('resumption negative tests', () => {
  const provider = PROVIDERS[0]!;
  function resumingHello(): { sc: ServerConfig; hello: Uint8Array } {
    const c = clock();
    const { sc, cc } = configs(provider, c.now);
    connect(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    return { sc, hello: client.takeOutput() };
  }
  /** Decodes the ClientHello record, lets `edit` change it, re-encodes it. */
  function editHello(record: Uint8Array, edit: (ch: ReturnType<typeof decodeClientHello>) => ReturnType<typeof decodeClientHello>): Uint8Array {
    const body = record.subarray(9);
    const ch = edit(decodeClientHello(new Reader(body, 'client_hello')));
    const newBody = encodeWith((w) => encodeClientHello(w, ch));
    const out = new Uint8Array(9 + newBody.length);
    out.set(record.subarray(0, 5));
    out[3] = ((newBody.length + 4) >> 8) & 0xff;
    out[4] = (newBody.length + 4) & 0xff;
    out[5] = 1;
    out[6] = newBody.length >> 16;
    out[7] = (newBody.length >> 8) & 0xff;
    out[8] = newBody.length & 0xff;
    out.set(newBody, 9);
    return out;
  }

  it('aborts with decrypt_error when the binder does not verify (RFC 8446 §4.2.11)', () => {
    const { sc, hello } = resumingHello();
    const bad = hello.slice();
    bad[bad.length - 1]! ^= 1;
    const err = expectTlsError(() => new ServerConnection(sc).receive(bad));
    expect(err.alert).toBe(AlertDescription.decrypt_error);
    expect(err.origin).toBe('local');
  });

  it('aborts with missing_extension for pre_shared_key without psk_key_exchange_modes (RFC 8446 §4.2.9)', () => {
    const { sc, hello } = resumingHello();
    const edited = editHello(hello, (ch) => ({ ...ch, extensions: ch.extensions.filter((e) => e.kind !== 'psk_key_exchange_modes') }));
    const err = expectTlsError(() => new ServerConnection(sc).receive(edited));
    expect(err.alert).toBe(AlertDescription.missing_extension);
  });

  it('a client aborts with illegal_parameter when selected_identity is out of range (RFC 8446 §4.2.11)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now);
    connect(cc, sc);
    const client = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    server.receive(client.takeOutput());
    const flight = server.takeOutput();
    // ServerHello: 02 00 00 len, then the pre_shared_key extension 00 29 00 02 00 00 is first.
    const at = findBytes(flight, [0x00, 0x29, 0x00, 0x02, 0x00, 0x00]);
    expect(at).toBeGreaterThan(0);
    const bad = flight.slice();
    bad[at + 5] = 1;
    const err = expectTlsError(() => client.receive(bad));
    expect(err.alert).toBe(AlertDescription.illegal_parameter);
  });

  it('a client aborts with unsupported_extension for pre_shared_key in a ServerHello when it offered none (RFC 8446 §4.2)', () => {
    const c = clock();
    const { sc, cc } = configs(provider, c.now, {}, { middleboxCompat: false });
    connect(cc, sc);
    const resuming = new ClientConnection(cc, { serverName: 'localhost' });
    const server = new ServerConnection(sc);
    server.receive(resuming.takeOutput());
    const flight = server.takeOutput();
    const fresh = new ClientConnection(clientConfig({ provider, now: c.now, verifier: trustRoot(), sessionCache: false, middleboxCompat: false }), {
      serverName: 'localhost',
    });
    fresh.takeOutput();
    const err = expectTlsError(() => fresh.receive(flight));
    expect(err.alert).toBe(AlertDescription.unsupported_extension);
  });
});

function findBytes(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function sniResumed(sc: ServerConfig, cc: ClientConfig, session: import('../../src/session/client-cache.ts').ClientSession, name: string): boolean {
  const client = new ClientConnection(cc, { serverName: name, session });
  const server = new ServerConnection(sc);
  server.receive(client.takeOutput());
  server.takeOutput();
  // With the wrong name the client's chain check fails before the end of the handshake, so this
  // reads the server's pending state (ExpectFinished carries the negotiated record).
  return (server as unknown as { state: { negotiated?: { isResumed: boolean } } }).state.negotiated?.isResumed === true;
}
