/**
 * @module input
 * What a state handler receives: the decoded message, its raw bytes (header included, for the
 * transcript, RFC 8446 §4.4.1), and whether it ended exactly at a record boundary — a key change
 * is only legal there (RFC 8446 §5.1 "Handshake messages MUST NOT span key changes").
 */
import { unexpectedMessage } from '../../errors.ts';
import type { HandshakeMessage } from '../../messages/handshake.ts';
import { HandshakeType, nameOf } from '../../protocol/registry.ts';

export interface HandshakeInput {
  readonly message: HandshakeMessage;
  readonly raw: Uint8Array;
  /** True when no further handshake bytes were pending in the record that carried this message. */
  readonly endsRecord: boolean;
}

/**
 * Narrows the message to the one this state expects.
 * @throws TlsError unexpected_message for any other message (RFC 8446 §6.2)
 */
export function expectMessage<T extends HandshakeMessage['type']>(
  input: HandshakeInput,
  type: T,
  state: string,
): Extract<HandshakeMessage, { type: T }> {
  if (input.message.type !== type) {
    throw unexpectedMessage(
      `${state}: expected ${nameOf(HandshakeType, type)}, got ${nameOf(HandshakeType, input.message.type)}`,
    );
  }
  return input.message as Extract<HandshakeMessage, { type: T }>;
}

/**
 * RFC 8446 §5.1: a message that causes a key change must end at a record boundary.
 * @throws TlsError unexpected_message otherwise
 */
export function requireRecordBoundary(input: HandshakeInput, what: string): void {
  if (!input.endsRecord) throw unexpectedMessage(`${what}: handshake data follows a key change in the same record`);
}
