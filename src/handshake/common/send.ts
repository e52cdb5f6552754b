/**
 * @module send
 * Sending a handshake message: encode it, add it to the transcript (RFC 8446 §4.4.1), and queue
 * it for the connection. The one place both sides do this, so the transcript can never miss a
 * message we sent.
 */
import { encodeHandshake, type HandshakeMessage } from '../../messages/handshake.ts';
import type { Transcript } from '../../transcript.ts';
import type { HandshakeOutput } from '../output.ts';

/** Encodes `message`, appends it to `transcript` and queues it. Returns the encoding. */
export function sendMessage(out: HandshakeOutput, transcript: Transcript, message: HandshakeMessage): Uint8Array {
  const raw = encodeHandshake(message);
  transcript.update(raw);
  out.push({ kind: 'send', raw });
  return raw;
}
