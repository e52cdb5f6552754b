/**
 * @module joiner
 * Reassembles handshake messages from the fragments of handshake records (RFC 8446 §5.1):
 * a message may span several records and a record may hold several messages. Reports whether
 * a message is pending, because "Handshake messages MUST NOT span key changes" (§5.1).
 */
/*
 * RFC 8446 §4:
 *
 *    struct {
 *        HandshakeType msg_type;    // handshake type
 *        uint24 length;             // remaining bytes in message
 *        select (Handshake.msg_type) { ... };
 *    } Handshake;
 */
import { readU24 } from '../bytes/bytes.ts';
import { decodeError, unexpectedMessage } from '../errors.ts';
import { MAX_CLIENT_HELLO_LEN, MAX_HANDSHAKE_MESSAGE_LEN } from '../protocol/limits.ts';
import { HandshakeType } from '../protocol/registry.ts';

/** One complete handshake message. */
export interface JoinedMessage {
  /** HandshakeType (RFC 8446 §4). */
  readonly type: number;
  /** The message body, without the 4-byte header. */
  readonly body: Uint8Array;
  /** Header ‖ body exactly as received: what goes into the transcript hash (RFC 8446 §4.4.1). */
  readonly raw: Uint8Array;
}

/**
 * Handshake record fragments → handshake messages. Returned messages are views of an internal
 * buffer whose handed-out bytes are never overwritten. When nothing is pending, `push` adopts
 * the fragment without copying, so the caller must not modify a fragment after pushing it.
 */
export class HandshakeJoiner {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;

  /**
   * Appends the fragment of one handshake record.
   * @throws TlsError unexpected_message for a zero-length fragment (RFC 8446 §5.1
   *   "Implementations MUST NOT send zero-length fragments of Handshake types")
   */
  push(fragment: Uint8Array): void {
    if (fragment.length === 0) {
      throw unexpectedMessage('handshake: zero-length handshake fragment');
    }
    if (this.start === this.end) {
      // Nothing pending: take the fragment as is (the common case, one record = whole messages).
      this.buf = fragment;
      this.start = 0;
      this.end = fragment.length;
      return;
    }
    if (this.end + fragment.length > this.buf.length) {
      const live = this.end - this.start;
      const next = new Uint8Array(Math.max(live + fragment.length, 2 * live));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(fragment, this.end);
    this.end += fragment.length;
  }

  /**
   * The next complete message, or `undefined` if more fragments are needed.
   * @throws TlsError decode_error when a message announces more than MAX_HANDSHAKE_MESSAGE_LEN
   *   bytes, or a ClientHello more than MAX_CLIENT_HELLO_LEN (denial-of-service bounds below the
   *   2^24 - 1 of RFC 8446 §4; rustls reports the same case as `HandshakePayloadTooLarge`, a
   *   decode error)
   */
  next(): JoinedMessage | undefined {
    const avail = this.end - this.start;
    if (avail < HEADER_LEN) return undefined;
    const at = this.start;
    const type = this.buf[at] as number;
    const length = readU24(this.buf, at + 1);
    const max = type === HandshakeType.client_hello ? MAX_CLIENT_HELLO_LEN : MAX_HANDSHAKE_MESSAGE_LEN;
    if (length > max) throw decodeError(`handshake: message of type ${type} and ${length} bytes exceeds ${max}`);
    if (avail < HEADER_LEN + length) return undefined;
    const raw = this.buf.subarray(at, at + HEADER_LEN + length);
    this.start = at + HEADER_LEN + length;
    return { type, body: raw.subarray(HEADER_LEN), raw };
  }

  /**
   * True when no partial message is pending. RFC 8446 §5.1: "Implementations MUST verify that
   * all messages immediately preceding a key change align with a record boundary; if not, then
   * they MUST terminate the connection with an "unexpected_message" alert." The connection
   * checks this (after draining `next()`) before every key change.
   */
  get isEmpty(): boolean {
    return this.start === this.end;
  }
}

/** RFC 8446 §4: msg_type (1) + uint24 length (3). */
const HEADER_LEN = 4;
