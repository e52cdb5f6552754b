/**
 * @module deframer
 * Turns a byte stream into TLS records (RFC 8446 §5.1), whatever the split of the input: the
 * same records come out for any sequence of `push` calls. Checks only what the record header
 * alone can tell (content type §5, length §5.2); the plaintext limit of §5.1 is checked by the
 * connection through `checkPlaintextRecordLen`, which knows whether protection is engaged.
 */
/*
 * RFC 8446 §5.1 / §5.2:
 *
 *    struct {
 *        ContentType type;
 *        ProtocolVersion legacy_record_version;
 *        uint16 length;
 *        opaque fragment[TLSPlaintext.length];
 *    } TLSPlaintext;
 *
 *    struct {
 *        ContentType opaque_type = application_data; // 23
 *        ProtocolVersion legacy_record_version = 0x0303;
 *        uint16 length;
 *        opaque encrypted_record[TLSCiphertext.length];
 *    } TLSCiphertext;
 */
import { readU16 } from '../bytes/bytes.ts';
import { decodeError, TlsError, unexpectedMessage } from '../errors.ts';
import { MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, RECORD_HEADER_LEN } from '../protocol/limits.ts';
import { AlertDescription, ContentType } from '../protocol/registry.ts';

/** One record as read from the wire, not yet deprotected. */
export interface RawRecord {
  readonly contentType: number;
  /** RFC 8446 §5.1: "MUST be ignored for all purposes"; exposed for logging and the AAD. */
  readonly legacyRecordVersion: number;
  /** The 5 header bytes (the additional data of a protected record, RFC 8446 §5.2). */
  readonly header: Uint8Array;
  readonly fragment: Uint8Array;
  /**
   * Whether the bytes belong to whoever holds the record: they were copied into the deframer's
   * own buffer, or pushed as owned. Owned bytes may be decrypted in place and kept as views; the
   * others (and a record without the flag) are the pusher's, to be read only until it pushes
   * again.
   */
  readonly owned?: boolean;
}

/**
 * Bytes → records without copying what it need not: a record that lies whole in the pushed
 * bytes is returned as a view of them; only a record cut by the end of a push is copied, into a
 * buffer of its own size, and completed from the next push (RFC 8446 §5.1 records may be split
 * anywhere by the transport). Once the record it held is returned and nothing else is pending,
 * the deframer lets that buffer go, so an idle connection holds no receive buffer.
 *
 * Pushed bytes are read until `next()` returns undefined (or the next `push`), then no more:
 * the incomplete rest is copied by then. Bytes handed out are never overwritten by the
 * deframer: its buffer is only appended to or replaced, never compacted.
 */
export class Deframer {
  /** Copied bytes not yet returned: the start of an incomplete record (see `push` for more). */
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  /** The pushed bytes, read in place from `inputPos`. */
  private input: Uint8Array = EMPTY;
  private inputPos = 0;
  private inputOwned = false;
  /** No record has been returned yet (the first bytes of a non-TLS peer get a clearer error). */
  private first = true;

  /**
   * Hands the deframer the next bytes of the stream.
   * @param owned the caller gives the bytes away: records in them may be decrypted in place
   *   and kept, so the caller must neither read nor reuse them afterwards. Otherwise they are
   *   only read, up to the `next()` that returns undefined.
   */
  push(bytes: Uint8Array, owned = false): void {
    // A caller that stopped before next() returned undefined: keep what the old input still holds.
    if (this.inputPos < this.input.length) this.copyFromInput(this.input.length - this.inputPos);
    this.input = bytes;
    this.inputPos = 0;
    this.inputOwned = owned;
  }

  /**
   * The next complete record, or `undefined` when more bytes are needed (the incomplete rest of
   * the input is copied by then, and the input let go).
   * @throws TlsError unexpected_message for an unknown content type (RFC 8446 §5),
   *   decode_error when legacy_record_version is not 0x03XX, record_overflow when the length
   *   exceeds 2^14 + 256 (RFC 8446 §5.2)
   */
  next(): RawRecord | undefined {
    const rec = this.end > this.start ? this.nextCopied() : this.nextInInput();
    if (rec === undefined) {
      // Drained: nothing of the input is left to read, so an idle connection keeps no reference
      // to the caller's last chunk.
      this.input = EMPTY;
      this.inputPos = 0;
    }
    return rec;
  }

  /** The next record lying whole in the input, as a view of it. */
  private nextInInput(): RawRecord | undefined {
    const input = this.input;
    const at = this.inputPos;
    const avail = input.length - at;
    // What the cut record needs in all: known once its header is complete.
    let need = avail;
    if (avail >= RECORD_HEADER_LEN) {
      const length = checkHeader(input, at, input.length, this.first);
      if (avail >= RECORD_HEADER_LEN + length) {
        this.inputPos = at + RECORD_HEADER_LEN + length;
        this.first = false;
        return recordAt(input, at, length, this.inputOwned);
      }
      need = RECORD_HEADER_LEN + length;
    }
    if (avail > 0) this.copyFromInput(avail, need);
    return undefined;
  }

  /**
   * Stops reading the pushed bytes: what is left of them is copied (unless they were pushed as
   * owned), so the pusher may reuse them although `next()` has not returned undefined yet.
   */
  detach(): void {
    if (!this.inputOwned && this.inputPos < this.input.length) this.copyFromInput(this.input.length - this.inputPos);
    if (this.inputPos === this.input.length) {
      this.input = EMPTY;
      this.inputPos = 0;
    }
  }

  /** Bytes received but not yet returned as records. */
  get bufferedLen(): number {
    return this.end - this.start + (this.input.length - this.inputPos);
  }

  /** The next record of the copied bytes, completed from the input as far as it goes. */
  private nextCopied(): RawRecord | undefined {
    this.copyFromInput(RECORD_HEADER_LEN - (this.end - this.start));
    if (this.end - this.start < RECORD_HEADER_LEN) return undefined;
    const length = checkHeader(this.buf, this.start, this.end, this.first);
    this.copyFromInput(RECORD_HEADER_LEN + length - (this.end - this.start));
    if (this.end - this.start < RECORD_HEADER_LEN + length) return undefined;
    const rec = recordAt(this.buf, this.start, length, true);
    this.start += RECORD_HEADER_LEN + length;
    this.first = false;
    if (this.start === this.end) {
      this.buf = EMPTY;
      this.start = this.end = 0;
    }
    return rec;
  }

  /**
   * Appends up to `n` bytes of the input to the copied bytes. When they do not fit, a new buffer
   * takes the live bytes with room for `room` more (at least what is taken): sized for the whole
   * record, so a record arriving in small pieces is copied into at most three buffers (a partial
   * header, the header, the record), not one per piece.
   */
  private copyFromInput(n: number, room = n): void {
    const take = Math.min(n, this.input.length - this.inputPos);
    if (take <= 0) return;
    if (this.end + take > this.buf.length) {
      const live = this.end - this.start;
      const next = new Uint8Array(live + Math.max(take, room));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(this.input.subarray(this.inputPos, this.inputPos + take), this.end);
    this.end += take;
    this.inputPos += take;
  }
}

/**
 * Checks the record header at `b[at]` (the checks it alone allows) and returns the length.
 * `b[at, end)` are the bytes at hand; `first`: no record was returned yet.
 * @throws TlsError as `Deframer.next`
 */
function checkHeader(b: Uint8Array, at: number, end: number, first: boolean): number {
  const contentType = b[at] as number;
  const legacyRecordVersion = readU16(b, at + 1);
  const length = readU16(b, at + 3);
  // RFC 8446 §5: "If a TLS implementation receives an unexpected record type, it MUST
  // terminate the connection with an "unexpected_message" alert."
  if (!isKnownContentType(contentType)) {
    const text = first ? printablePrefix(b.subarray(at, end)) : '';
    // A peer answering in a text protocol (HTTP, SMTP, SSH banners) on a TLS port.
    if (text.length >= MIN_TEXT_PREFIX) throw unexpectedMessage(`the peer does not speak TLS (it sent '${text}')`);
    throw unexpectedMessage(`record: unknown content type ${contentType}`);
  }
  // RFC 8446 §5.1: legacy_record_version "MUST be ignored for all purposes", so any 0x03XX is
  // accepted. A major version other than 3 is not TLS at all (rustls rejects it the same way,
  // as a decode error), and failing fast beats waiting for a 64 KiB "record".
  if (legacyRecordVersion >>> 8 !== 0x03) {
    throw decodeError(`record: legacy_record_version 0x${legacyRecordVersion.toString(16)} is not 0x03XX`);
  }
  // RFC 8446 §5.2: "An endpoint that receives a record from its peer with
  // TLSCiphertext.length larger than 2^14 + 256 octets MUST terminate the connection with a
  // "record_overflow" alert."
  if (length > MAX_CIPHERTEXT_LEN) {
    throw new TlsError(AlertDescription.record_overflow, `record: length ${length} exceeds 2^14 + 256`);
  }
  return length;
}

/** The record whose (checked) header is at `b[at]`, as views of `b`. */
function recordAt(b: Uint8Array, at: number, length: number, owned: boolean): RawRecord {
  return {
    contentType: b[at] as number,
    legacyRecordVersion: readU16(b, at + 1),
    header: b.subarray(at, at + RECORD_HEADER_LEN),
    fragment: b.subarray(at + RECORD_HEADER_LEN, at + RECORD_HEADER_LEN + length),
    owned,
  };
}

/**
 * RFC 8446 §5.1: an unprotected record (TLSPlaintext) "MUST NOT exceed 2^14 bytes. An endpoint
 * that receives a record that exceeds this length MUST terminate the connection with a
 * "record_overflow" alert." Called by the connection for records read before protection.
 * @throws TlsError record_overflow
 */
export function checkPlaintextRecordLen(rec: RawRecord): void {
  if (rec.fragment.length > MAX_PLAINTEXT_LEN) {
    throw new TlsError(
      AlertDescription.record_overflow,
      `record: plaintext length ${rec.fragment.length} exceeds 2^14`,
    );
  }
}

/** RFC 8446 §5.1 ContentType: the four types defined by TLS 1.3 (invalid(0) is not one). */
function isKnownContentType(t: number): boolean {
  return (
    t === ContentType.change_cipher_spec ||
    t === ContentType.alert ||
    t === ContentType.handshake ||
    t === ContentType.application_data
  );
}

/**
 * The printable ASCII at the start of `b`, up to the first other byte (CR, LF, binary), at most
 * MAX_TEXT_PREFIX characters (`…` marks a cut): safe to put in an error message and a log line.
 */
function printablePrefix(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c < 0x20 || c > 0x7e) break;
    if (s.length === MAX_TEXT_PREFIX) return `${s}…`;
    s += String.fromCharCode(c);
  }
  return s;
}
/** Shown in the "does not speak TLS" error: enough for 'HTTP/1.1 400 Bad Request'. */
const MAX_TEXT_PREFIX = 40;
/** Fewer printable bytes than a record header (5) is not evidence of a text protocol. */
const MIN_TEXT_PREFIX = 5;

const EMPTY = new Uint8Array(0);
