/**
 * @module finished
 * The Finished message of RFC 8446 §4.4.4: the HMAC over the transcript. The body is all
 * verify_data; its length (Hash.length) is checked by `checkFinished` (keyschedule/finished.ts),
 * called by the handlers, which know the suite.
 *
 * RFC 8446 §4.4.4:
 *   struct {
 *       opaque verify_data[Hash.length];
 *   } Finished;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { decodeError } from '../errors.ts';
import type { HandshakeType } from '../protocol/registry.ts';

export interface Finished {
  readonly type: typeof HandshakeType.finished;
  readonly verifyData: Uint8Array;
}

/** No hash has an empty output, so an empty body can never be right. @throws TlsError decode_error */
export function decodeFinished(r: Reader): Finished {
  const verifyData = r.rest().slice();
  if (verifyData.length === 0) throw decodeError('finished: empty verify_data');
  return { type: 20, verifyData };
}
export function encodeFinished(w: Writer, m: Finished): void {
  if (m.verifyData.length === 0) throw new RangeError('finished: verify_data must not be empty');
  w.bytes(m.verifyData);
}
