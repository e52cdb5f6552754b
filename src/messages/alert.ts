/**
 * @module alert
 * The Alert record payload of RFC 8446 §6: a level and a description, exactly two bytes. In
 * TLS 1.3 the level carries no meaning (RFC 8446 §6: it "can safely be ignored"), so any value
 * is kept as received.
 *
 * RFC 8446 §6:
 *   enum { warning(1), fatal(2), (255) } AlertLevel;
 *   struct {
 *       AlertLevel level;
 *       AlertDescription description;
 *   } Alert;
 */
import { Reader } from '../codec/reader.ts';
import { encodeWith } from '../codec/writer.ts';
import type { Writer } from '../codec/writer.ts';

export interface Alert {
  readonly level: number;
  readonly description: number;
}

/** Reads exactly one Alert. @throws TlsError decode_error if the payload is not 2 bytes */
export function decodeAlert(r: Reader): Alert {
  const level = r.u8();
  const description = r.u8();
  r.end();
  return { level, description };
}
export function encodeAlert(w: Writer, a: Alert): void {
  w.u8(a.level);
  w.u8(a.description);
}

/** decodeAlert over a whole record payload. @throws TlsError decode_error */
export function alertFromBytes(payload: Uint8Array): Alert {
  return decodeAlert(new Reader(payload, 'alert'));
}
/** encodeAlert into a fresh 2-byte payload. */
export function alertToBytes(a: Alert): Uint8Array {
  return encodeWith((w) => encodeAlert(w, a));
}
