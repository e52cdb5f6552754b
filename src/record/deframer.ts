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
}

/**
 * Bytes → records. `push` copies the input into an internal buffer; `next` returns records as
 * views of that buffer. Bytes once handed out are never overwritten (the buffer is replaced, not
 * compacted in place), so a returned record stays valid for as long as the caller keeps it.
 * After `next()` has returned `undefined`, at most one incomplete record is buffered
 * (< 5 + 2^14 + 256 bytes): an oversize length is rejected as soon as its header is complete.
 */
export class Deframer {
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** No record has been returned yet (the first bytes of a non-TLS peer get a clearer error). */
  private first = true;

  /** Appends `bytes` (copied: the caller may reuse its buffer). */
  push(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.end + n > this.buf.length) {
      const live = this.end - this.start;
      const next = new Uint8Array(Math.max(live + n, MIN_CAPACITY));
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += n;
  }

  /**
   * The next complete record, or `undefined` when more bytes are needed.
   * @throws TlsError unexpected_message for an unknown content type (RFC 8446 §5),
   *   decode_error when legacy_record_version is not 0x03XX, record_overflow when the length
   *   exceeds 2^14 + 256 (RFC 8446 §5.2)
   */
  next(): RawRecord | undefined {
    const avail = this.end - this.start;
    if (avail < RECORD_HEADER_LEN) return undefined;
    const b = this.buf;
    const at = this.start;
    const contentType = b[at] as number;
    const legacyRecordVersion = readU16(b, at + 1);
    const length = readU16(b, at + 3);
    // RFC 8446 §5: "If a TLS implementation receives an unexpected record type, it MUST
    // terminate the connection with an "unexpected_message" alert."
    if (!isKnownContentType(contentType)) {
      const text = this.first ? printablePrefix(b.subarray(at, this.end)) : '';
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
    if (avail < RECORD_HEADER_LEN + length) return undefined;
    const header = b.subarray(at, at + RECORD_HEADER_LEN);
    const fragment = b.subarray(at + RECORD_HEADER_LEN, at + RECORD_HEADER_LEN + length);
    this.start = at + RECORD_HEADER_LEN + length;
    this.first = false;
    return { contentType, legacyRecordVersion, header, fragment };
  }

  /** Bytes received but not yet returned as records. */
  get bufferedLen(): number {
    return this.end - this.start;
  }
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

/** Smallest buffer allocated: one maximal record, so small pushes rarely reallocate. */
const MIN_CAPACITY = RECORD_HEADER_LEN + MAX_CIPHERTEXT_LEN;
