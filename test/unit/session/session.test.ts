import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../helpers/providers.ts';
import { TicketKeys } from '../../../src/session/ticket-keys.ts';
import { decodeTicketState, encodeTicketState, isTicketAgeFresh, isTicketValid, type TicketState } from '../../../src/session/ticket.ts';
import { MemorySessionStore } from '../../../src/session/store.ts';
import { ClientSessionCache, decodeClientSession, encodeClientSession, obfuscatedTicketAge, type ClientSession } from '../../../src/session/client-cache.ts';

const STATE: TicketState = {
  cipherSuite: 0x1301,
  psk: new Uint8Array(32).fill(1),
  issuedAtMs: 1_749_600_000_123,
  ticketAgeAdd: 0xfffffff0,
  ticketLifetime: 7200,
  maxEarlyDataSize: 0,
  alpnProtocol: new Uint8Array([0x68, 0x32]),
  serverName: new Uint8Array([0x61]),
  clientIdentity: new Uint8Array(0),
};

describe.each(PROVIDERS)('ticket keys ($name)', (provider) => {
  const H = 3600_000;
  const t0 = 1_749_600_000_000;
  const rnd = (n: number) => provider.randomBytes(n);

  it('opens a ticket sealed in the current and the previous epoch, not older (issue 4)', () => {
    const keys = new TicketKeys(provider, new Uint8Array(32).fill(3), 3600);
    const sealed = keys.seal(new Uint8Array([1, 2, 3]), t0, rnd);
    expect(keys.open(sealed, t0)).toEqual(new Uint8Array([1, 2, 3]));
    expect(keys.open(sealed, t0 + H)).toEqual(new Uint8Array([1, 2, 3]));
    expect(keys.open(sealed, t0 + 2 * H)).toBeUndefined();
  });

  it('derives the same keys from the same master secret, different ones from another (issue 4)', () => {
    const a = new TicketKeys(provider, new Uint8Array(32).fill(3));
    const b = new TicketKeys(provider, new Uint8Array(32).fill(3));
    const c = new TicketKeys(provider, new Uint8Array(32).fill(4));
    const sealed = a.seal(new Uint8Array([9]), t0, rnd);
    expect(b.open(sealed, t0)).toEqual(new Uint8Array([9]));
    expect(c.open(sealed, t0)).toBeUndefined();
  });

  it('rejects tampered, truncated and garbage tickets without throwing', () => {
    const keys = new TicketKeys(provider, new Uint8Array(32).fill(3));
    const sealed = keys.seal(new Uint8Array([9]), t0, rnd);
    const bad = sealed.slice();
    bad[bad.length - 1]! ^= 1;
    expect(keys.open(bad, t0)).toBeUndefined();
    expect(keys.open(sealed.subarray(0, 20), t0)).toBeUndefined();
    expect(keys.open(new Uint8Array(64), t0)).toBeUndefined();
  });

  it('refuses a master secret shorter than 32 bytes', () => {
    expect(() => new TicketKeys(provider, new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('ticket state', () => {
  it('round-trips and rejects other bytes', () => {
    expect(decodeTicketState(encodeTicketState(STATE))).toEqual(STATE);
    expect(decodeTicketState(new Uint8Array([2, 0]))).toBeUndefined();
    expect(decodeTicketState(new Uint8Array([1]))).toBeUndefined();
    expect(decodeTicketState(new Uint8Array([...encodeTicketState(STATE), 0]))).toBeUndefined();
  });

  it('rejects an issued_at_ms past 2^53 (it could not round-trip; found by the ticket fuzz target)', () => {
    const b = encodeTicketState(STATE);
    const at = 1 + 2 + 1 + STATE.psk.length; // version, cipher_suite, psk<1..255>
    b.set([0x6b, 0x6b, 0x6b, 0x6b, 0, 0, 0, 0], at);
    expect(decodeTicketState(b)).toBeUndefined();
    b.set([0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], at); // 2^53 - 1: the largest exact value
    expect(decodeTicketState(b)?.issuedAtMs).toBe(2 ** 53 - 1);
  });

  it('is valid within its lifetime only (RFC 8446 §4.6.1)', () => {
    expect(isTicketValid(STATE, STATE.issuedAtMs + 7200_000)).toBe(true);
    expect(isTicketValid(STATE, STATE.issuedAtMs + 7200_001)).toBe(false);
    expect(isTicketValid(STATE, STATE.issuedAtMs - 1)).toBe(false);
  });

  it('checks the de-obfuscated ticket age against a window (RFC 8446 §8.3)', () => {
    const now = STATE.issuedAtMs + 5000;
    const obfuscated = (5000 + STATE.ticketAgeAdd) >>> 0;
    expect(isTicketAgeFresh(STATE, obfuscated, now, 1000)).toBe(true);
    expect(isTicketAgeFresh(STATE, (obfuscated + 2000) >>> 0, now, 1000)).toBe(false);
  });
});

describe('MemorySessionStore', () => {
  it('take is single use; the least recently used entry goes past the bound', () => {
    const s = new MemorySessionStore(2);
    s.put(new Uint8Array([1]), new Uint8Array([10]));
    s.put(new Uint8Array([2]), new Uint8Array([20]));
    expect(s.get(new Uint8Array([1]))).toEqual(new Uint8Array([10]));
    s.put(new Uint8Array([3]), new Uint8Array([30]));
    expect(s.size).toBe(2);
    expect(s.get(new Uint8Array([2]))).toBeUndefined();
    expect(s.take(new Uint8Array([1]))).toEqual(new Uint8Array([10]));
    expect(s.take(new Uint8Array([1]))).toBeUndefined();
  });
});

describe('ClientSessionCache', () => {
  const session = (receivedAtMs: number, ticket: number): ClientSession => ({
    cipherSuite: 0x1301,
    ticket: new Uint8Array([ticket]),
    psk: new Uint8Array(32),
    ticketAgeAdd: 5,
    ticketLifetime: 10,
    receivedAtMs,
    maxEarlyDataSize: 0,
    alpnProtocol: new Uint8Array(0),
    serverName: 'example.com',
  });

  it('hands each ticket out once, newest first, and drops expired ones (RFC 8446 §4.6.1, Appendix C.4)', () => {
    const c = new ClientSessionCache(4, 3);
    c.put(session(0, 1));
    c.put(session(5000, 2));
    expect(c.take('example.com', 6000)?.ticket).toEqual(new Uint8Array([2]));
    expect(c.take('example.com', 11_000)).toBeUndefined();
    expect(c.count('example.com')).toBe(0);
  });

  it('is bounded in tickets per name and in names', () => {
    const c = new ClientSessionCache(1, 2);
    for (let i = 0; i < 5; i++) c.put(session(0, i));
    expect(c.count('example.com')).toBe(2);
    c.put({ ...session(0, 9), serverName: 'other' });
    expect(c.count('example.com')).toBe(0);
    expect(c.count('other')).toBe(1);
  });

  it('obfuscates the age as ms + ticket_age_add mod 2^32 (RFC 8446 §4.2.11)', () => {
    expect(obfuscatedTicketAge({ ...session(1000, 1), ticketAgeAdd: 0xffffffff }, 1002)).toBe(1);
  });

  it('exports and imports a session', () => {
    const s = session(1_749_600_000_123, 7);
    expect(decodeClientSession(encodeClientSession(s))).toEqual(s);
    expect(() => decodeClientSession(new Uint8Array([1, 2]))).toThrow(RangeError);
  });
});
