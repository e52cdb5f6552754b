/**
 * @module fragmenter
 * Splits outgoing data into record-sized chunks (RFC 8446 §5.1 "The record layer fragments
 * information blocks into TLSPlaintext records carrying data in chunks of 2^14 bytes or less").
 * The caller picks `maxLen`: 2^14, or less under a record_size_limit (RFC 8449).
 */

/**
 * `data` cut into consecutive chunks of at most `maxLen` bytes (views, no copy). Empty input
 * gives no chunks: the caller decides whether an empty record is meaningful (RFC 8446 §5.1
 * forbids it for handshake and alert, allows it for application data).
 */
export function fragment(data: Uint8Array, maxLen: number): Uint8Array[] {
  if (!Number.isSafeInteger(maxLen) || maxLen < 1) throw new RangeError(`fragment: bad maxLen ${maxLen}`);
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += maxLen) {
    out.push(data.subarray(off, Math.min(off + maxLen, data.length)));
  }
  return out;
}
