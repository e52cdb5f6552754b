/**
 * @module key-update
 * The KeyUpdate message of RFC 8446 §4.6.3: the sender has switched to its next traffic secret,
 * and may ask the peer to do the same.
 *
 * RFC 8446 §4.6.3:
 *   enum {
 *       update_not_requested(0), update_requested(1), (255)
 *   } KeyUpdateRequest;
 *   struct {
 *       KeyUpdateRequest request_update;
 *   } KeyUpdate;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { illegalParameter } from '../errors.ts';
import { KeyUpdateRequest } from '../protocol/registry.ts';
import type { HandshakeType } from '../protocol/registry.ts';

export interface KeyUpdate {
  readonly type: typeof HandshakeType.key_update;
  /** KeyUpdateRequest: 0 update_not_requested, 1 update_requested. */
  readonly requestUpdate: number;
}

/**
 * RFC 8446 §4.6.3: "If an implementation receives a KeyUpdate with a request_update field other
 * than [update_not_requested, update_requested], it MUST terminate the connection with an
 * illegal_parameter alert."
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeKeyUpdate(r: Reader): KeyUpdate {
  const requestUpdate = r.u8();
  r.end();
  if (requestUpdate !== KeyUpdateRequest.update_not_requested && requestUpdate !== KeyUpdateRequest.update_requested) {
    throw illegalParameter(`key_update: request_update ${requestUpdate} is neither 0 nor 1`);
  }
  return { type: 24, requestUpdate };
}
export function encodeKeyUpdate(w: Writer, m: KeyUpdate): void {
  w.u8(m.requestUpdate);
}
