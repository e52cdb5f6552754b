/**
 * @module record-size-limit
 * The record_size_limit extension of RFC 8449 §4: the largest protected record plaintext
 * (content + type byte in TLS 1.3) the sender is willing to receive.
 *
 * RFC 8449 §4:
 *   uint16 RecordSizeLimit;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { illegalParameter } from '../../errors.ts';
import { MIN_RECORD_SIZE_LIMIT } from '../../protocol/limits.ts';

export interface RecordSizeLimit {
  readonly kind: 'record_size_limit';
  readonly recordSizeLimit: number;
}

/**
 * RFC 8449 §4: "An endpoint MUST treat receipt of a smaller value [than 64] as a fatal error and
 * generate an illegal_parameter alert". Larger-than-maximum values are legal (the sender clamps).
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeRecordSizeLimit(r: Reader): RecordSizeLimit {
  const v = r.u16();
  if (v < MIN_RECORD_SIZE_LIMIT) throw illegalParameter(`record_size_limit: ${v} is below 64`);
  return { kind: 'record_size_limit', recordSizeLimit: v };
}
export function encodeRecordSizeLimit(w: Writer, e: RecordSizeLimit): void {
  w.u16(e.recordSizeLimit);
}
