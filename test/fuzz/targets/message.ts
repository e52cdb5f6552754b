/**
 * @module test/fuzz/targets/message
 * Fuzz target (rustls `fuzz_message`): decode one handshake message (RFC 8446 §4); if it decodes,
 * re-encoding it must give exactly the bytes consumed — the decoder accepts only canonical
 * encodings, and the encoder never refuses what the decoder produced.
 */
import { equalBytes } from '../../../src/bytes/bytes.ts';
import { Reader } from '../../../src/codec/reader.ts';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../../../src/messages/handshake.ts';
import { expectOnlyTlsErrors } from './setup.ts';

export function fuzz(data: Uint8Array): void {
  const r = new Reader(data, 'fuzz');
  let msg: HandshakeMessage | undefined;
  expectOnlyTlsErrors(() => {
    msg = decodeHandshake(r);
  });
  if (msg === undefined) return;
  const consumed = data.subarray(0, data.length - r.remaining);
  const again = encodeHandshake(msg);
  if (!equalBytes(again, consumed)) throw new Error('message: re-encoding differs from the decoded bytes');
}
