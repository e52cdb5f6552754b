/**
 * @module protection
 * Record protection for one direction under one traffic key (RFC 8446 §5.2-5.5): the
 * TLSInnerPlaintext with its hidden content type and zero padding (§5.2, §5.4), the per-record
 * nonce (§5.3), the record header as additional data (§5.2) and the key usage limits (§5.5).
 * A key change means a new `RecordProtection` (the sequence number starts again at 0, §5.3).
 */
/*
 * RFC 8446 §5.2:
 *
 *    struct {
 *        opaque content[TLSPlaintext.length];
 *        ContentType type;
 *        uint8 zeros[length_of_padding];
 *    } TLSInnerPlaintext;
 *
 *    struct {
 *        ContentType opaque_type = application_data; // 23
 *        ProtocolVersion legacy_record_version = 0x0303; // TLS v1.2
 *        uint16 length;
 *        opaque encrypted_record[TLSCiphertext.length];
 *    } TLSCiphertext;
 *
 *    additional_data = TLSCiphertext.opaque_type ||
 *                      TLSCiphertext.legacy_record_version ||
 *                      TLSCiphertext.length
 */
import { writeU16, writeU32 } from '../bytes/bytes.ts';
import { internalError, TlsError, unexpectedMessage } from '../errors.ts';
import type { Aead, CryptoProvider, TrafficKeys } from '../crypto/provider.ts';
import type { CipherSuiteInfo } from '../crypto/suites.ts';
import { MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, RECORD_HEADER_LEN } from '../protocol/limits.ts';
import { AlertDescription, ContentType } from '../protocol/registry.ts';
import type { RawRecord } from './deframer.ts';

/**
 * One direction's record protection: a sealer (we write) or an opener (the peer writes).
 * Holds the AEAD bound to the traffic key, the static IV and the 64-bit sequence number.
 */
export class RecordProtection {
  private readonly aead: Aead;
  private readonly iv: Uint8Array;
  private readonly suite: CipherSuiteInfo;
  /** Reused per record: the nonce, (for open) the additional data, (for seal) the trailer. */
  private readonly nonce: Uint8Array;
  private readonly aad: Uint8Array = new Uint8Array(RECORD_HEADER_LEN);
  private trailer: Uint8Array = new Uint8Array(1);
  private seq = 0;

  constructor(provider: CryptoProvider, suite: CipherSuiteInfo, keys: TrafficKeys) {
    if (keys.key.length !== suite.keyLen || keys.iv.length !== suite.ivLen) {
      throw new RangeError(`RecordProtection: key/iv length does not match ${suite.name}`);
    }
    // RFC 8446 §5.3: "iv_length is set to the larger of 8 bytes and N_MIN".
    if (suite.ivLen < 8) throw new RangeError('RecordProtection: iv shorter than 8 bytes');
    this.aead = provider.aead(suite.aead, keys.key);
    this.iv = keys.iv.slice();
    this.suite = suite;
    this.nonce = new Uint8Array(suite.ivLen);
  }

  /** The AEAD's tag length: what `seal` adds to the TLSInnerPlaintext (RFC 8446 §5.2). */
  get tagLen(): number {
    return this.suite.tagLen;
  }

  /** The sequence number the next record will use (RFC 8446 §5.3). */
  get sequenceNumber(): number {
    return this.seq;
  }

  /**
   * True once this key must not protect more records: the RFC 8446 §5.5 usage limit is reached
   * or within `KEY_UPDATE_MARGIN` records of it. The connection then sends a KeyUpdate (§4.6.3).
   */
  get needsKeyUpdate(): boolean {
    return this.seq >= this.suite.maxRecordsPerKey - KEY_UPDATE_MARGIN;
  }

  /**
   * Protects one record: returns the whole TLSCiphertext, header `17 03 03 len` then
   * AEAD(TLSInnerPlaintext). `paddingLen` zero bytes are appended after the content type (§5.4).
   * @throws RangeError if content + type + padding exceeds 2^14 + 1 (a caller bug: the
   *   fragmenter keeps records within the limit); TlsError internal_error past the §5.5 limit
   */
  seal(contentType: number, plaintext: Uint8Array, paddingLen = 0): Uint8Array {
    const out = new Uint8Array(sealedRecordLen(plaintext.length, paddingLen, this.suite.tagLen));
    this.sealInto(contentType, plaintext, paddingLen, out, 0);
    return out;
  }

  /**
   * `seal`, writing the record into `out` at `offset` (the connection seals a whole write's
   * records into one buffer). Returns the bytes written.
   */
  sealInto(contentType: number, plaintext: Uint8Array, paddingLen: number, out: Uint8Array, offset: number): number {
    // RFC 8446 §5.4: "the full encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 octets".
    const innerLen = plaintext.length + 1 + paddingLen;
    if (!Number.isSafeInteger(paddingLen) || paddingLen < 0 || innerLen > MAX_INNER_PLAINTEXT_LEN) {
      throw new RangeError(`seal: inner plaintext of ${innerLen} bytes exceeds 2^14 + 1`);
    }
    // RFC 8446 §5.5: the sender must rekey before the limit; reaching it here is a bug upstream.
    if (this.seq >= this.suite.maxRecordsPerKey) {
      throw internalError('seal: record limit for this key reached without KeyUpdate (RFC 8446 §5.5)');
    }
    const ctLen = innerLen + this.suite.tagLen;
    // RFC 8446 §5.2: opaque_type is always application_data, legacy_record_version 0x0303.
    out[offset] = ContentType.application_data;
    writeU16(out, offset + 1, LEGACY_RECORD_VERSION);
    writeU16(out, offset + 3, ctLen);
    // RFC 8446 §5.2: "the additional data input is the record header".
    const aad = out.subarray(offset, offset + RECORD_HEADER_LEN);
    // RFC 8446 §5.2, §5.4: TLSInnerPlaintext = content ‖ type ‖ zeros; the AEAD takes the
    // content and this trailer without our copying them together.
    if (this.trailer.length !== 1 + paddingLen) this.trailer = new Uint8Array(1 + paddingLen);
    const trailer = this.trailer;
    trailer[0] = contentType;
    const n = this.aead.sealInto(this.nextNonce(), aad, plaintext, trailer, out, offset + RECORD_HEADER_LEN);
    if (n !== ctLen) throw internalError(`seal: AEAD produced ${n} bytes, expected ${ctLen}`);
    this.seq++;
    return RECORD_HEADER_LEN + ctLen;
  }

  /**
   * Deprotects one record and recovers its real content type (RFC 8446 §5.2, §5.4). A record
   * whose bytes are `owned` is decrypted in place (the plaintext is a view of its fragment).
   * The sequence number advances on success only.
   * @throws TlsError unexpected_message (outer type not application_data, no content type
   *   found, inner change_cipher_spec or unknown type, empty handshake/alert content),
   *   bad_record_mac (authentication failed), record_overflow (too long)
   */
  open(record: RawRecord): { contentType: number; plaintext: Uint8Array } {
    // RFC 8446 §5.2: "The outer opaque_type field of a TLSCiphertext record is always set to the
    // value 23 (application_data)"; anything else under protection is an unexpected record.
    if (record.contentType !== ContentType.application_data) {
      throw unexpectedMessage(`record: content type ${record.contentType} received under protection`);
    }
    const fragment = record.fragment;
    const tagLen = this.suite.tagLen;
    // RFC 8446 §5.2: TLSCiphertext.length larger than 2^14 + 256 → record_overflow; §5.4: the
    // TLSInnerPlaintext (ciphertext minus tag) MUST NOT exceed 2^14 + 1 octets.
    if (fragment.length > MAX_CIPHERTEXT_LEN || fragment.length - tagLen > MAX_INNER_PLAINTEXT_LEN) {
      throw new TlsError(AlertDescription.record_overflow, `record: protected length ${fragment.length} too large`);
    }
    // Too short to hold a tag: it cannot authenticate (RFC 8446 §5.2 "If the decryption fails,
    // the receiver MUST terminate the connection with a "bad_record_mac" alert").
    if (fragment.length < tagLen) {
      throw new TlsError(AlertDescription.bad_record_mac, 'record: shorter than the AEAD tag');
    }
    // RFC 8446 §5.5 (read side): a peer that keeps sending past the usage limit without a
    // KeyUpdate is misbehaving; the bound is generous (twice our own sending limit, covering
    // the 2^24.5 the RFC allows for AES-GCM) and keeps sequence numbers exact.
    if (this.seq >= this.readLimit()) {
      throw unexpectedMessage('record: peer exceeded the RFC 8446 §5.5 record limit without KeyUpdate');
    }
    // RFC 8446 §5.2 additional_data = opaque_type ‖ legacy_record_version ‖ length, as received.
    const aad = this.aad;
    aad[0] = record.contentType;
    writeU16(aad, 1, record.legacyRecordVersion);
    writeU16(aad, 3, fragment.length);
    const nonce = this.nextNonce();
    const inner = record.owned === true ? this.aead.openInPlace(nonce, aad, fragment) : this.aead.open(nonce, aad, fragment);
    if (inner === undefined) {
      throw new TlsError(AlertDescription.bad_record_mac, 'record: AEAD authentication failed');
    }
    // RFC 8446 §5.4: "the receiving implementation scans the field from the end toward the
    // beginning until it finds a non-zero octet. This non-zero octet is the content type".
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) {
      // RFC 8446 §5.4: "If a receiving implementation does not find a non-zero octet in the
      // cleartext, it MUST terminate the connection with an "unexpected_message" alert."
      throw unexpectedMessage('record: no content type in TLSInnerPlaintext');
    }
    const contentType = inner[i] as number;
    // RFC 8446 §5: "An implementation which receives ... a protected change_cipher_spec record
    // MUST abort the handshake with an "unexpected_message" alert"; unknown types likewise.
    if (
      contentType !== ContentType.application_data &&
      contentType !== ContentType.handshake &&
      contentType !== ContentType.alert
    ) {
      throw unexpectedMessage(`record: inner content type ${contentType} not allowed under protection`);
    }
    // RFC 8446 §5.4: "Implementations MUST NOT send Handshake and Alert records that have a
    // zero-length TLSInnerPlaintext.content; if such a message is received, the receiving
    // implementation MUST terminate the connection with an "unexpected_message" alert."
    if (i === 0 && contentType !== ContentType.application_data) {
      throw unexpectedMessage('record: empty handshake or alert record');
    }
    this.seq++;
    return { contentType, plaintext: inner.subarray(0, i) };
  }

  /** RFC 8446 §5.3 nonce for the current sequence number, into the reused buffer. */
  private nextNonce(): Uint8Array {
    writeNonce(this.nonce, this.iv, this.seq);
    return this.nonce;
  }

  private readLimit(): number {
    return Math.min(this.suite.maxRecordsPerKey * 2, Number.MAX_SAFE_INTEGER);
  }
}

/**
 * RFC 8446 §5.3 per-record nonce: "The 64-bit record sequence number is encoded in network byte
 * order and padded to the left with zeros to iv_length", then "XORed with either the static
 * client_write_iv or server_write_iv". The 64-bit value is written as two u32 halves.
 */
export function recordNonce(iv: Uint8Array, sequenceNumber: number): Uint8Array {
  if (iv.length < 8) throw new RangeError('recordNonce: iv shorter than 8 bytes');
  if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber < 0) {
    throw new RangeError(`recordNonce: bad sequence number ${sequenceNumber}`);
  }
  const out = new Uint8Array(iv.length);
  writeNonce(out, iv, sequenceNumber);
  return out;
}

/**
 * An unprotected record (RFC 8446 §5.1 TLSPlaintext): header then `fragment` (≤ 2^14 bytes).
 * `legacyRecordVersion` is 0x0303 except for an initial ClientHello, which may use 0x0301.
 */
export function encodePlaintextRecord(
  contentType: number,
  fragment: Uint8Array,
  legacyRecordVersion: number = LEGACY_RECORD_VERSION,
): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LEN + fragment.length);
  writePlaintextRecord(contentType, fragment, legacyRecordVersion, out, 0);
  return out;
}

/** `encodePlaintextRecord`, written into `out` at `offset`. Returns the bytes written. */
export function writePlaintextRecord(
  contentType: number,
  fragment: Uint8Array,
  legacyRecordVersion: number,
  out: Uint8Array,
  offset: number,
): number {
  // RFC 8446 §5.1: "The length MUST NOT exceed 2^14 bytes."
  if (fragment.length > MAX_PLAINTEXT_LEN) {
    throw new RangeError(`encodePlaintextRecord: fragment of ${fragment.length} bytes exceeds 2^14`);
  }
  out[offset] = contentType;
  writeU16(out, offset + 1, legacyRecordVersion);
  writeU16(out, offset + 3, fragment.length);
  out.set(fragment, offset + RECORD_HEADER_LEN);
  return RECORD_HEADER_LEN + fragment.length;
}

/** Writes iv XOR (0…0 ‖ seq as 64-bit big-endian) into `out` (same length as `iv`). */
function writeNonce(out: Uint8Array, iv: Uint8Array, seq: number): void {
  const n = iv.length;
  out.set(iv);
  writeU32(out, n - 8, Math.floor(seq / 2 ** 32));
  writeU32(out, n - 4, seq >>> 0);
  for (let k = n - 8; k < n; k++) out[k] = (out[k] as number) ^ (iv[k] as number);
}

/** RFC 8446 §5.1 / §5.2: legacy_record_version of every record we write (except maybe CH). */
export const LEGACY_RECORD_VERSION = 0x0303;
/** RFC 8446 §5.4: content + type + padding. */
const MAX_INNER_PLAINTEXT_LEN = MAX_PLAINTEXT_LEN + 1;
/** Records before the §5.5 limit at which `needsKeyUpdate` turns true. */
const KEY_UPDATE_MARGIN = 1024;

/** Bytes of a protected record carrying `plaintextLen` bytes and `paddingLen` padding (§5.2). */
export function sealedRecordLen(plaintextLen: number, paddingLen: number, tagLen: number): number {
  return RECORD_HEADER_LEN + plaintextLen + 1 + paddingLen + tagLen;
}
