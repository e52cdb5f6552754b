/**
 * @module client-cache
 * The client's resumption state (RFC 8446 §4.6.1, issue 4): a `ClientSession` per received
 * NewSessionTicket, and a cache keyed by server name that stores every ticket received, hands
 * each out at most once (RFC 8446 Appendix C.4: reusing a ticket lets observers link
 * connections), drops expired ones and is bounded in names and tickets per name. Sessions can be
 * exported and imported (`encodeClientSession` / `decodeClientSession`).
 *
 *   struct {
 *       uint8 version = 1;
 *       uint16 cipher_suite;
 *       opaque ticket<1..2^16-1>;
 *       opaque psk<1..255>;
 *       uint32 ticket_age_add;
 *       uint32 ticket_lifetime;          // seconds
 *       uint64 received_at_ms;
 *       uint32 max_early_data_size;
 *       opaque alpn<0..255>;
 *       opaque server_name<0..2^16-1>;
 *   } ClientSession;
 */
import { fromUtf8, utf8 } from '../bytes/bytes.ts';
import { Reader } from '../codec/reader.ts';
import { encodeWith } from '../codec/writer.ts';
import { TlsError } from '../errors.ts';

/** One ticket and what resuming with it needs. */
export interface ClientSession {
  readonly cipherSuite: number;
  readonly ticket: Uint8Array;
  readonly psk: Uint8Array;
  readonly ticketAgeAdd: number;
  readonly ticketLifetime: number;
  readonly receivedAtMs: number;
  readonly maxEarlyDataSize: number;
  /** The ALPN protocol of the connection that received the ticket (empty: none). */
  readonly alpnProtocol: Uint8Array;
  readonly serverName: string;
}

/** True while `s` may still be offered at `nowMs` (RFC 8446 §4.6.1 ticket_lifetime). */
export function isSessionValid(s: ClientSession, nowMs: number): boolean {
  const age = nowMs - s.receivedAtMs;
  return age >= 0 && age < s.ticketLifetime * 1000;
}

/** RFC 8446 §4.2.11: obfuscated_ticket_age = age in ms + ticket_age_add, modulo 2^32. */
export function obfuscatedTicketAge(s: ClientSession, nowMs: number): number {
  return (Math.max(0, nowMs - s.receivedAtMs) + s.ticketAgeAdd) >>> 0;
}

/** A per-server-name cache of tickets, each handed out once. */
export class ClientSessionCache {
  readonly #maxNames: number;
  readonly #perName: number;
  readonly #map = new Map<string, ClientSession[]>();

  /** @throws RangeError unless both bounds are >= 1 */
  constructor(maxNames: number = DEFAULT_MAX_NAMES, ticketsPerName: number = DEFAULT_TICKETS_PER_NAME) {
    if (!Number.isSafeInteger(maxNames) || maxNames < 1) throw new RangeError('ClientSessionCache: maxNames must be >= 1');
    if (!Number.isSafeInteger(ticketsPerName) || ticketsPerName < 1) {
      throw new RangeError('ClientSessionCache: ticketsPerName must be >= 1');
    }
    this.#maxNames = maxNames;
    this.#perName = ticketsPerName;
  }

  /** Stores `s` under its server name; the oldest ticket or least recent name goes past a bound. */
  put(s: ClientSession): void {
    const list = this.#map.get(s.serverName) ?? [];
    this.#map.delete(s.serverName);
    list.push(s);
    while (list.length > this.#perName) list.shift();
    this.#map.set(s.serverName, list);
    while (this.#map.size > this.#maxNames) this.#map.delete(this.#map.keys().next().value as string);
  }

  /** The newest unexpired ticket for `serverName`, removed from the cache; expired ones are dropped. */
  take(serverName: string, nowMs: number): ClientSession | undefined {
    const list = this.#map.get(serverName);
    if (!list) return undefined;
    let found: ClientSession | undefined;
    while (list.length > 0 && found === undefined) {
      const s = list.pop() as ClientSession;
      if (isSessionValid(s, nowMs)) found = s;
    }
    if (list.length === 0) this.#map.delete(serverName);
    return found;
  }

  /** Number of tickets held for `serverName`. */
  count(serverName: string): number {
    return this.#map.get(serverName)?.length ?? 0;
  }
}

export function encodeClientSession(s: ClientSession): Uint8Array {
  return encodeWith((w) => {
    w.u8(VERSION);
    w.u16(s.cipherSuite);
    w.opaque16(s.ticket);
    w.opaque8(s.psk);
    w.u32(s.ticketAgeAdd);
    w.u32(s.ticketLifetime);
    w.u32(Math.floor(s.receivedAtMs / 2 ** 32));
    w.u32(s.receivedAtMs >>> 0);
    w.u32(s.maxEarlyDataSize);
    w.opaque8(s.alpnProtocol);
    w.opaque16(utf8(s.serverName));
  });
}

/** @throws RangeError for bytes that are not an encoded ClientSession */
export function decodeClientSession(b: Uint8Array): ClientSession {
  try {
    const r = new Reader(b, 'client_session');
    if (r.u8() !== VERSION) throw new RangeError('client session: unknown version');
    const cipherSuite = r.u16();
    const ticket = r.opaque16(1).slice();
    const psk = r.opaque8(1).slice();
    const ticketAgeAdd = r.u32();
    const ticketLifetime = r.u32();
    const receivedAtMs = r.u32() * 2 ** 32 + r.u32();
    const maxEarlyDataSize = r.u32();
    const alpnProtocol = r.opaque8().slice();
    const serverName = fromUtf8(r.opaque16()) ?? '';
    r.end();
    return { cipherSuite, ticket, psk, ticketAgeAdd, ticketLifetime, receivedAtMs, maxEarlyDataSize, alpnProtocol, serverName };
  } catch (e) {
    if (e instanceof TlsError) throw new RangeError('client session: malformed', { cause: e });
    throw e;
  }
}

const VERSION = 1;
const DEFAULT_MAX_NAMES = 256;
const DEFAULT_TICKETS_PER_NAME = 8;
