/**
 * @module end-of-early-data
 * The EndOfEarlyData message of RFC 8446 §4.5: empty, it marks the end of the client's 0-RTT
 * data and the switch to handshake traffic keys.
 *
 * RFC 8446 §4.5:
 *   struct {} EndOfEarlyData;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';

export interface EndOfEarlyData {
  readonly type: typeof HandshakeType.end_of_early_data;
}

/** @throws TlsError decode_error if the body is not empty */
export function decodeEndOfEarlyData(r: Reader): EndOfEarlyData {
  r.end();
  return { type: 5 };
}
export function encodeEndOfEarlyData(_w: Writer, _m: EndOfEarlyData): void {}
