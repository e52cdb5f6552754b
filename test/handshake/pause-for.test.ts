/**
 * Asynchronous decisions in the sans-I/O server (config `pauseFor`, docs/05-sans-io-api.md, "Asynchronous decisions"):
 * the engine asks for the certificate, the session or the signature with an event, pauses, and
 * goes on with the answer. Each hook with its answers and error forms, input while paused
 * (buffered, bounded, hostile), and all three in one handshake.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { ConnectionEvent, Question } from '../../src/connection/events.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ServerConfigInput } from '../../src/config.ts';
import { MAX_INPUT_WHILE_PAUSED } from '../../src/protocol/limits.ts';
import { AlertDescription, ContentType, NamedGroup, SignatureScheme } from '../../src/protocol/registry.ts';
import type { ClientSession } from '../../src/session/client-cache.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { drainEvents, expectTlsError, handshake, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { parseRecords, record } from '../helpers/tamper.ts';

const provider = PROVIDERS[0]!;
const NOW = 1_749_600_000_000;
const now = (): number => NOW;
const p256 = testCertifiedKey(provider, 'ecdsa-p256');
const ed25519 = testCertifiedKey(provider, 'ed25519');

function server(input: Partial<ServerConfigInput>): ServerConnection {
  return new ServerConnection(serverConfig({ provider, now, certificates: [p256], ...input }));
}

function client(session?: ClientSession, earlyData = false): ClientConnection {
  const cc = clientConfig({ provider, now, verifier: trustExactly([testRoot('ecdsa-p256'), testRoot('ed25519')]), sessionCache: false, earlyData });
  return new ClientConnection(cc, { serverName: 'localhost', session });
}

/** The questions the server asked, in order, each answered by `answer` as it comes. */
function run(c: ClientConnection, s: ServerConnection, answer: (q: Question) => void): Question[] {
  const asked: Question[] = [];
  for (let i = 0; i < 12 && !(c.isHandshakeDone && s.isHandshakeDone && !c.hasOutput && !s.hasOutput); i++) {
    transfer(c, s);
    for (const ev of drainEvents(s)) {
      if (isQuestion(ev)) {
        asked.push(ev);
        answer(ev);
      }
    }
    transfer(s, c);
  }
  return asked;
}

function isQuestion(ev: ConnectionEvent): ev is Question {
  return ev.kind === 'needCertificate' || ev.kind === 'needSession' || ev.kind === 'needSignature';
}

/** A server-side store shared by the handshakes of one test, and a ticket from a full handshake. */
function ticketFrom(store: MemorySessionStore, maxEarlyDataSize = 0): ClientSession {
  const c = client();
  const s = server({ sessionStore: store, maxEarlyDataSize });
  handshake(c, s);
  transfer(s, c);
  const ev = drainEvents(c).find((e) => e.kind === 'sessionTicket');
  if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
  return ev.session;
}

describe('pauseFor.certificate: the caller chooses the certificate', () => {
  it('asks once with the server name and the client\'s schemes, and uses the answer', () => {
    const c = client();
    const s = server({ certificates: [p256, ed25519], pauseFor: { certificate: true } });
    const asked = run(c, s, () => {
      expect(s.isPaused).toBe(true);
      s.resolveCertificate(ed25519);
      expect(s.isPaused).toBe(false);
    });
    expect(asked).toHaveLength(1);
    const q = asked[0]!;
    expect(q.kind === 'needCertificate' && q.serverName).toBe('localhost');
    expect(q.kind === 'needCertificate' && q.signatureSchemes).toContain(SignatureScheme.ed25519);
    expect(c.negotiated?.signatureScheme).toBe('ed25519');
  });

  it('undefined leaves the choice to the config (SNI match, then the first certificate)', () => {
    const c = client();
    const s = server({ certificates: [p256, ed25519], pauseFor: { certificate: true } });
    run(c, s, () => s.resolveCertificate(undefined));
    expect(c.negotiated?.signatureScheme).toBe('ecdsa_secp256r1_sha256');
  });

  it('the answer stands for the retried ClientHello after a HelloRetryRequest (asked once)', () => {
    const c = client();
    const s = server({ certificates: [p256, ed25519], groups: [NamedGroup.secp256r1], pauseFor: { certificate: true } });
    const asked = run(c, s, () => s.resolveCertificate([ed25519]));
    expect(asked).toHaveLength(1);
    expect(c.negotiated?.didRetry).toBe(true);
    expect(c.negotiated?.signatureScheme).toBe('ed25519');
  });

  it('an Error fails the handshake with internal_error, sent to the client', () => {
    const c = client();
    const s = server({ pauseFor: { certificate: true } });
    transfer(c, s);
    expect(drainEvents(s).map((e) => e.kind)).toEqual(['needCertificate']);
    const err = expectTlsError(() => s.resolveCertificate(new Error('backend down')));
    expect(err.alert).toBe(AlertDescription.internal_error);
    expect((err.cause as Error).message).toBe('backend down');
    expect(expectTlsError(() => transfer(s, c)).alert).toBe(AlertDescription.internal_error);
    // Sticky: every later call rethrows.
    expect(() => s.resolveCertificate(undefined)).toThrow(err);
  });

  it('resolving what was not asked is a usage error that leaves the connection intact', () => {
    const c = client();
    const s = server({ pauseFor: { certificate: true } });
    expect(() => s.resolveCertificate(undefined)).toThrow(/not waiting/);
    transfer(c, s);
    expect(() => s.resolveSignature(new Uint8Array(64))).toThrow(/not waiting/);
    expect(() => s.resolveSession(undefined)).toThrow(/not waiting/);
    s.resolveCertificate(undefined);
    handshake(c, s);
  });
});

describe('pauseFor.session: the caller takes the session (single use)', () => {
  it('asks for the offered ticket id, resumes with the state the store held', () => {
    const store = new MemorySessionStore(8);
    const session = ticketFrom(store);
    const c = client(session);
    const s = server({ sessionStore: store, pauseFor: { session: true } });
    const asked = run(c, s, (q) => {
      if (q.kind !== 'needSession') throw new Error(q.kind);
      expect(q.identity).toEqual(session.ticket);
      s.resolveSession(store.take(q.identity));
    });
    expect(asked.map((q) => q.kind)).toEqual(['needSession']);
    expect(s.negotiated?.isResumed).toBe(true);
    expect(store.get(session.ticket)).toBeUndefined();
  });

  it('undefined (gone: taken by another server) and an Error (store down) both give a full handshake', () => {
    for (const answer of [undefined, new Error('ETIMEDOUT')]) {
      const store = new MemorySessionStore(8);
      const c = client(ticketFrom(store));
      const s = server({ sessionStore: store, pauseFor: { session: true } });
      run(c, s, () => s.resolveSession(answer));
      expect(s.negotiated?.isResumed).toBe(false);
      expect(c.negotiated?.isResumed).toBe(false);
    }
  });

  it('an answer that is not a session state gives a full handshake; another session\'s state fails the binder (decrypt_error)', () => {
    const store = new MemorySessionStore(8);
    const c = client(ticketFrom(store));
    const s = server({ sessionStore: store, pauseFor: { session: true } });
    run(c, s, () => s.resolveSession(new Uint8Array([1, 2, 3])));
    expect(s.negotiated?.isResumed).toBe(false);

    const mine = ticketFrom(store);
    const theirs = ticketFrom(store);
    const c2 = client(mine);
    const s2 = server({ sessionStore: store, pauseFor: { session: true } });
    transfer(c2, s2);
    drainEvents(s2);
    // RFC 8446 §4.2.11: the binder is checked with the PSK of the state answered.
    expect(expectTlsError(() => s2.resolveSession(store.take(theirs.ticket))).alert).toBe(AlertDescription.decrypt_error);
  });

  it('0-RTT data sent while the server waits is buffered, then accepted with the session', () => {
    const store = new MemorySessionStore(8);
    const c = client(ticketFrom(store, 1000), true);
    expect(c.writeEarlyData(utf8('early bird'))).toBe(10);
    const s = server({ sessionStore: store, maxEarlyDataSize: 1000, pauseFor: { session: true } });
    transfer(c, s);
    const [q] = drainEvents(s);
    if (q?.kind !== 'needSession') throw new Error('no question');
    expect(s.readEarlyData()).toBeUndefined();
    s.resolveSession(store.take(q.identity));
    expect(new TextDecoder().decode(s.readEarlyData())).toBe('early bird');
    handshake(c, s);
    expect(s.earlyDataAccepted).toBe(true);
  });
});

describe('pauseFor.signature: the caller signs CertificateVerify', () => {
  it('asks with the key, scheme and RFC 8446 §4.4.3 content; the answer goes out as the signature', () => {
    const c = client();
    const s = server({ pauseFor: { signature: true } });
    const asked = run(c, s, (q) => {
      if (q.kind !== 'needSignature') throw new Error(q.kind);
      expect(q.certificate).toBe(p256);
      // 64 spaces, the context string, a zero byte, the transcript hash (RFC 8446 §4.4.3).
      expect(q.content.subarray(0, 64).every((b) => b === 0x20)).toBe(true);
      s.resolveSignature(q.certificate.key.sign(q.scheme, q.content, provider.randomBytes));
    });
    expect(asked.map((q) => q.kind)).toEqual(['needSignature']);
    expect(c.isHandshakeDone && s.isHandshakeDone).toBe(true);
  });

  it('the flight up to Certificate is out before the answer; an Error then fails with internal_error', () => {
    const c = client();
    const s = server({ pauseFor: { signature: true } });
    transfer(c, s);
    expect(drainEvents(s).map((e) => e.kind)).toEqual(['needSignature']);
    // ServerHello, change_cipher_spec, then the protected EncryptedExtensions + Certificate.
    const types = parseRecords(s.takeOutput()).map((r) => r.type);
    expect(types).toEqual([ContentType.handshake, ContentType.change_cipher_spec, ContentType.application_data]);
    expect(expectTlsError(() => s.resolveSignature(new Error('HSM unreachable'))).alert).toBe(AlertDescription.internal_error);
  });

  it('a wrong signature is the client\'s decrypt_error (RFC 8446 §4.4.3)', () => {
    const c = client();
    const s = server({ pauseFor: { signature: true } });
    transfer(c, s);
    drainEvents(s);
    transfer(s, c);
    s.resolveSignature(new Uint8Array(72).fill(1));
    expect(expectTlsError(() => transfer(s, c)).alert).toBe(AlertDescription.decrypt_error);
  });
});

describe('input while paused', () => {
  it('is buffered unprocessed, within the bound; beyond it: unexpected_message', () => {
    const c = client();
    const s = server({ pauseFor: { certificate: true } });
    transfer(c, s);
    drainEvents(s);
    // A change_cipher_spec (legal now) waits; garbage that would fail waits too.
    s.receive(record(ContentType.change_cipher_spec, new Uint8Array([1])));
    const flood = new Uint8Array(MAX_INPUT_WHILE_PAUSED);
    const err = expectTlsError(() => s.receive(flood));
    expect(err.alert).toBe(AlertDescription.unexpected_message);
    expect(() => s.resolveCertificate(undefined)).toThrow(err);
  });

  it('hostile records received meanwhile fail the handshake once it goes on, with their alert', () => {
    const c = client();
    const s = server({ pauseFor: { signature: true } });
    transfer(c, s);
    drainEvents(s);
    s.receive(record(ContentType.application_data, new Uint8Array(40)));
    expect(s.error).toBeUndefined();
    const err = expectTlsError(() => s.resolveSignature(p256.key.sign(SignatureScheme.ecdsa_secp256r1_sha256, new Uint8Array(1), provider.randomBytes)));
    // The record does not open under the client's handshake key.
    expect(err.alert).toBe(AlertDescription.bad_record_mac);
  });

  it('a ClientHello split over many small writes is asked about once it is whole', () => {
    const c = client();
    const s = server({ pauseFor: { certificate: true, signature: true } });
    const hello = c.takeOutput();
    for (let i = 0; i < hello.length; i += 7) s.receive(hello.subarray(i, i + 7));
    const asked: string[] = [];
    for (let ev = s.poll(); ev !== undefined; ev = s.poll()) asked.push(ev.kind);
    expect(asked).toEqual(['needCertificate']);
    s.resolveCertificate(undefined);
    const [q] = drainEvents(s);
    if (q?.kind !== 'needSignature') throw new Error('no signature question');
    s.resolveSignature(q.certificate.key.sign(q.scheme, q.content, provider.randomBytes));
    handshake(c, s);
  });
});

describe('all three in one handshake', () => {
  it('certificate, then the offered session (gone: full handshake), then the signature', () => {
    const store = new MemorySessionStore(8);
    const c = client(ticketFrom(store));
    const s = server({ sessionStore: store, pauseFor: { certificate: true, session: true, signature: true } });
    const asked = run(c, s, (q) => {
      if (q.kind === 'needCertificate') s.resolveCertificate(undefined);
      else if (q.kind === 'needSession') s.resolveSession(undefined);
      else s.resolveSignature(q.certificate.key.sign(q.scheme, q.content, provider.randomBytes));
    });
    expect(asked.map((q) => q.kind)).toEqual(['needCertificate', 'needSession', 'needSignature']);
    expect(s.negotiated?.isResumed).toBe(false);
  });
});
