/**
 * @module early-data
 * The early_data extension of RFC 8446 §4.2.10: empty in ClientHello (0-RTT data follows) and
 * EncryptedExtensions (the server accepted it); in NewSessionTicket it carries the most 0-RTT
 * bytes the server will accept with that ticket.
 *
 * RFC 8446 §4.2.10:
 *   struct {} Empty;
 *   struct {
 *       select (Handshake.msg_type) {
 *           case new_session_ticket:   uint32 max_early_data_size;
 *           case client_hello:         Empty;
 *           case encrypted_extensions: Empty;
 *       };
 *   } EarlyDataIndication;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';

export interface EarlyData {
  readonly kind: 'early_data';
}
export interface EarlyDataTicket {
  readonly kind: 'early_data_ticket';
  readonly maxEarlyDataSize: number;
}

/** Empty body (the caller's `end()` rejects any byte). */
export function decodeEarlyData(_r: Reader): EarlyData {
  return { kind: 'early_data' };
}
export function encodeEarlyData(_w: Writer, _e: EarlyData): void {}

/** @throws TlsError decode_error */
export function decodeEarlyDataTicket(r: Reader): EarlyDataTicket {
  return { kind: 'early_data_ticket', maxEarlyDataSize: r.u32() };
}
export function encodeEarlyDataTicket(w: Writer, e: EarlyDataTicket): void {
  w.u32(e.maxEarlyDataSize);
}
