/**
 * @module ticket
 * The server's session state, which a stateless ticket carries sealed (RFC 8446 §4.6.1, issue 4):
 * the suite, the resumption PSK, when it was issued, the ticket_age_add, the lifetime, the early
 * data limit, the ALPN protocol and SNI name of the original connection, and a slot for the
 * client's verified identity. Also the lifetime and age checks (RFC 8446 §4.6.1, §8.3).
 *
 *   struct {
 *       uint8 version = 1;
 *       uint16 cipher_suite;
 *       opaque psk<1..255>;
 *       uint64 issued_at_ms;
 *       uint32 ticket_age_add;
 *       uint32 ticket_lifetime;               // seconds
 *       uint32 max_early_data_size;
 *       opaque alpn<0..255>;
 *       opaque server_name<0..2^16-1>;
 *       opaque client_identity<0..2^16-1>;    // DER of the verified client leaf, empty if none
 *   } TicketState;
 */
import { Reader } from '../codec/reader.ts';
import { encodeWith } from '../codec/writer.ts';
import { TlsError } from '../errors.ts';

/** What a resumption needs to know about the original connection. */
export interface TicketState {
  readonly cipherSuite: number;
  readonly psk: Uint8Array;
  readonly issuedAtMs: number;
  readonly ticketAgeAdd: number;
  readonly ticketLifetime: number;
  readonly maxEarlyDataSize: number;
  readonly alpnProtocol: Uint8Array;
  readonly serverName: Uint8Array;
  readonly clientIdentity: Uint8Array;
}

export function encodeTicketState(s: TicketState): Uint8Array {
  return encodeWith((w) => {
    w.u8(VERSION);
    w.u16(s.cipherSuite);
    w.opaque8(s.psk);
    w.u32(Math.floor(s.issuedAtMs / 2 ** 32));
    w.u32(s.issuedAtMs >>> 0);
    w.u32(s.ticketAgeAdd);
    w.u32(s.ticketLifetime);
    w.u32(s.maxEarlyDataSize);
    w.opaque8(s.alpnProtocol);
    w.opaque16(s.serverName);
    w.opaque16(s.clientIdentity);
  });
}

/**
 * The state, or undefined for bytes that are not a TicketState of this version (including an
 * issued_at_ms that is not an exact JavaScript number, which we never write).
 */
export function decodeTicketState(b: Uint8Array): TicketState | undefined {
  try {
    const r = new Reader(b, 'ticket');
    if (r.u8() !== VERSION) return undefined;
    const cipherSuite = r.u16();
    const psk = r.opaque8(1, 255).slice();
    const issuedHigh = r.u32();
    // We write milliseconds since the epoch: a value past 2^53 is not ours (and would not round-trip).
    if (issuedHigh >= 2 ** 21) return undefined;
    const issuedAtMs = issuedHigh * 2 ** 32 + r.u32();
    const ticketAgeAdd = r.u32();
    const ticketLifetime = r.u32();
    const maxEarlyDataSize = r.u32();
    const alpnProtocol = r.opaque8().slice();
    const serverName = r.opaque16().slice();
    const clientIdentity = r.opaque16().slice();
    r.end();
    return { cipherSuite, psk, issuedAtMs, ticketAgeAdd, ticketLifetime, maxEarlyDataSize, alpnProtocol, serverName, clientIdentity };
  } catch (e) {
    if (e instanceof TlsError) return undefined;
    throw e;
  }
}

/**
 * RFC 8446 §4.6.1: the client's view of the ticket's age, recovered from obfuscated_ticket_age
 * ("the ticket age ... plus ticket_age_add, modulo 2^32"), in milliseconds.
 */
export function clientTicketAgeMs(s: TicketState, obfuscatedTicketAge: number): number {
  return (obfuscatedTicketAge - s.ticketAgeAdd) >>> 0;
}

/**
 * True when the ticket may still be used at `nowMs`: issued not in the future and within its
 * lifetime (RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds", and a
 * ticket is not to be used past ticket_lifetime).
 */
export function isTicketValid(s: TicketState, nowMs: number): boolean {
  const age = nowMs - s.issuedAtMs;
  return age >= 0 && age <= s.ticketLifetime * 1000;
}

/**
 * RFC 8446 §8.3: the client's reported age must agree with ours within `windowMs`, or 0-RTT
 * data may be a replay from outside the window and must be rejected.
 */
export function isTicketAgeFresh(s: TicketState, obfuscatedTicketAge: number, nowMs: number, windowMs: number): boolean {
  const expected = nowMs - s.issuedAtMs;
  return Math.abs(clientTicketAgeMs(s, obfuscatedTicketAge) - expected) <= windowMs;
}

const VERSION = 1;
