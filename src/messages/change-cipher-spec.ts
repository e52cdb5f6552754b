/**
 * @module change-cipher-spec
 * The dummy change_cipher_spec record of RFC 8446 §5 / Appendix D.4 (middlebox compatibility):
 * a single byte 0x01, dropped on receipt.
 *
 * RFC 5246 §7.1 (the struct RFC 8446 §5 refers to):
 *   struct {
 *       enum { change_cipher_spec(1), (255) } type;
 *   } ChangeCipherSpec;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { unexpectedMessage } from '../errors.ts';

export interface ChangeCipherSpec {
  readonly type: 1;
}

/** The only valid change_cipher_spec record payload. */
export const CHANGE_CIPHER_SPEC_PAYLOAD: Uint8Array = Uint8Array.of(0x01);

/**
 * RFC 8446 §5: "An implementation which receives any other change_cipher_spec value [than the
 * single byte 0x01] ... MUST abort the handshake with an unexpected_message alert." A payload of
 * any other length is "another value" too. (When a CCS may arrive at all is the connection's.)
 * @throws TlsError unexpected_message
 */
export function decodeChangeCipherSpec(r: Reader): ChangeCipherSpec {
  if (r.remaining !== 1 || r.u8() !== 0x01) throw unexpectedMessage('change_cipher_spec: payload is not the single byte 0x01');
  return { type: 1 };
}
export function encodeChangeCipherSpec(w: Writer, _m: ChangeCipherSpec): void {
  w.u8(0x01);
}
