/**
 * @module new-session-ticket
 * The NewSessionTicket message of RFC 8446 §4.6.1: a resumption ticket with its lifetime, age
 * obfuscation value, nonce and extensions (early_data's max_early_data_size).
 *
 * RFC 8446 §4.6.1:
 *   struct {
 *       uint32 ticket_lifetime;
 *       uint32 ticket_age_add;
 *       opaque ticket_nonce<0..255>;
 *       opaque ticket<1..2^16-1>;
 *       Extension extensions<0..2^16-2>;
 *   } NewSessionTicket;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';
import { decodeExtensions, encodeExtensions } from './extensions/extensions.ts';
import type { Extension } from './extensions/extensions.ts';

export interface NewSessionTicket {
  readonly type: typeof HandshakeType.new_session_ticket;
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  readonly ticketNonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly extensions: readonly Extension[];
}

/**
 * The 7-day lifetime cap (RFC 8446 §4.6.1) is the client handler's to apply.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeNewSessionTicket(r: Reader): NewSessionTicket {
  const ticketLifetime = r.u32();
  const ticketAgeAdd = r.u32();
  const ticketNonce = r.opaque8(0, 255).slice();
  const ticket = r.opaque16(1, 0xffff).slice();
  const extensions = decodeExtensions(r, 'new_session_ticket');
  r.end();
  return { type: 4, ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions };
}
export function encodeNewSessionTicket(w: Writer, m: NewSessionTicket): void {
  w.u32(m.ticketLifetime);
  w.u32(m.ticketAgeAdd);
  w.opaque8(m.ticketNonce);
  if (m.ticket.length === 0) throw new RangeError('new_session_ticket: ticket must not be empty');
  w.opaque16(m.ticket);
  encodeExtensions(w, m.extensions, 'new_session_ticket');
}
