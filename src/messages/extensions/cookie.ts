/**
 * @module cookie
 * The cookie extension of RFC 8446 §4.2.2: opaque server state sent in HelloRetryRequest and
 * echoed by the client in its second ClientHello.
 *
 * RFC 8446 §4.2.2:
 *   struct {
 *       opaque cookie<1..2^16-1>;
 *   } Cookie;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';

export interface Cookie {
  readonly kind: 'cookie';
  readonly cookie: Uint8Array;
}

/** @throws TlsError decode_error */
export function decodeCookie(r: Reader): Cookie {
  return { kind: 'cookie', cookie: r.opaque16(1, 0xffff).slice() };
}
export function encodeCookie(w: Writer, e: Cookie): void {
  w.opaque16(e.cookie);
}
