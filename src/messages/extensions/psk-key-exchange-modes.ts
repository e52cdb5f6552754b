/**
 * @module psk-key-exchange-modes
 * The psk_key_exchange_modes extension of RFC 8446 §4.2.9: which PSK modes (psk_ke,
 * psk_dhe_ke) the client supports for resumption.
 *
 * RFC 8446 §4.2.9:
 *   enum { psk_ke(0), psk_dhe_ke(1), (255) } PskKeyExchangeMode;
 *   struct {
 *       PskKeyExchangeMode ke_modes<1..255>;
 *   } PskKeyExchangeModes;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { readU8List, writeU8List } from '../lists.ts';

export interface PskKeyExchangeModes {
  readonly kind: 'psk_key_exchange_modes';
  readonly keModes: readonly number[];
}

/** Unknown modes are kept (the server ignores them). @throws TlsError decode_error */
export function decodePskKeyExchangeModes(r: Reader): PskKeyExchangeModes {
  return { kind: 'psk_key_exchange_modes', keModes: readU8List(r, 1, 255) };
}
export function encodePskKeyExchangeModes(w: Writer, e: PskKeyExchangeModes): void {
  writeU8List(w, e.keModes);
}
