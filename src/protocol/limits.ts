/**
 * @module limits
 * Every numeric bound the engine enforces. Goal 3 (hostile input) says every buffer has a
 * limit: they are all here, with the RFC section that fixes them where there is one.
 */

/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14. */
export const MAX_PLAINTEXT_LEN: number = 2 ** 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT_LEN: number = 2 ** 14 + 256;
/** RFC 8446 §5.1: record header length. */
export const RECORD_HEADER_LEN: number = 5;
/** Largest handshake message we accept (certificate chains are the largest; 64 KiB like Go), except ClientHello. */
export const MAX_HANDSHAKE_MESSAGE_LEN: number = 65_536;
/**
 * Largest uncompressed_length we accept in a CompressedCertificate (RFC 8879 §4), checked before
 * decompressing, and the most output any decompressor may produce. RFC 8879 §5: implementations
 * "MUST apply the same limit as if no compression were used": the Certificate body bound.
 */
export const MAX_UNCOMPRESSED_CERTIFICATE_LEN: number = MAX_HANDSHAKE_MESSAGE_LEN;
/**
 * Largest ClientHello we accept: the largest body the RFC 8446 §4.1.2 struct can hold, 2 + 32 +
 * (1 + 32) + (2 + 65,534) + (1 + 255) + (2 + 65,535) = 131,396 bytes (OpenSSL's
 * CLIENT_HELLO_MAX_LENGTH). A legal hello can pass 64 KiB (a full extensions block, e.g. a long
 * signature_algorithms or ALPN list); decoding it is linear in its size.
 */
export const MAX_CLIENT_HELLO_LEN: number = 131_396;
/** Most consecutive empty / change_cipher_spec records before we call it a DoS. */
export const MAX_CONSECUTIVE_EMPTY_RECORDS: number = 32;
/**
 * Post-handshake messages (KeyUpdate, NewSessionTicket) a peer may send in a burst, before it has
 * to pay for more with application data (DoS bound; see POST_HANDSHAKE_MESSAGE_DATA_COST).
 */
export const MAX_POST_HANDSHAKE_MESSAGE_BURST: number = 64;
/**
 * Bytes of application data, received or sent, that pay for one more post-handshake message, up to
 * the burst. Processing a KeyUpdate (a key derivation and a new AEAD key) costs about as much CPU
 * as a 16 KiB record (0.2 to 4 times, by provider), so a KeyUpdate flood costs at most a small
 * multiple of the data it rides on, and one byte of data between messages buys almost nothing.
 */
export const POST_HANDSHAKE_MESSAGE_DATA_COST: number = 16_384;
/**
 * Output not yet taken with `takeOutput()` past which `write()` and `updateKeys()` fail with
 * internal_error: a caller that cannot send because the peer does not read must not make the
 * engine buffer without bound. Nothing the peer sends after the handshake makes output of its
 * own (KeyUpdate answers wait for our next application data, RFC 8446 §4.6.3).
 */
export const MAX_PENDING_OUTPUT: number = 1 << 22;
/** Most bytes of rejected 0-RTT data skipped by trial decryption (RFC 8446 §4.2.10). */
export const MAX_SKIPPED_EARLY_DATA: number = 1 << 16;
/** Most NewSessionTicket messages a client keeps per connection. */
export const MAX_TICKETS_PER_CONNECTION: number = 8;
/** Most warning alerts in a row (TLS 1.3 has none but user_canceled). */
export const MAX_WARNING_ALERTS: number = 4;
/** Bound on application data written before the handshake completes (held until it does). */
export const MAX_EARLY_WRITE_BUFFER: number = 1 << 20;
/** Bound on application data buffered for read() before receive() stops accepting. */
export const MAX_BUFFERED_PLAINTEXT: number = 1 << 20;
/** RFC 8449 §4: record_size_limit below 64 is illegal; TLS 1.3 maximum is 2^14 + 1. */
export const MIN_RECORD_SIZE_LIMIT: number = 64;
export const MAX_RECORD_SIZE_LIMIT: number = 2 ** 14 + 1;
/**
 * Longest external PSK key we take (RFC 8446 §4.2.11 sets none; OpenSSL's PSK_MAX_PSK_LEN is 512,
 * and any length is one HKDF-Extract).
 */
export const MAX_EXTERNAL_PSK_LEN: number = 512;
/** RFC 8446 §4.6.1: ticket lifetime MUST NOT exceed 7 days. */
export const MAX_TICKET_LIFETIME_S: number = 604_800;
/**
 * Largest RSA public exponent we compute with (exclusive): every RSA key, in certificates,
 * CertificateVerify and key files, needs an odd e with 3 <= e < 2^33 (the rule of ring and
 * rustls-webpki). RFC 8017 §3.1 allows any odd e below n, but verification costs one modular
 * squaring per bit of e: fifteen fake CAs with 8191-bit exponents cost seconds of CPU before any
 * authentication (issue 8). Keys in use have e = 65537, a few e = 3.
 */
export const MAX_RSA_PUBLIC_EXPONENT: number = 2 ** 33;

/** True when the big-endian unsigned `e` is odd and 3 <= e < MAX_RSA_PUBLIC_EXPONENT. */
export function isAcceptedRsaPublicExponent(e: Uint8Array): boolean {
  let value = 0;
  for (const b of e) {
    value = value * 256 + b;
    if (value >= MAX_RSA_PUBLIC_EXPONENT) return false;
  }
  return value >= 3 && value % 2 === 1;
}
/**
 * Input buffered while a server waits for its caller's answer (config `pauseFor`), besides the
 * 0-RTT data its tickets allow: one full record (a change_cipher_spec, an alert, the rest of a
 * segment). More is a peer sending what no handshake needs yet: unexpected_message.
 */
export const MAX_INPUT_WHILE_PAUSED: number = RECORD_HEADER_LEN + MAX_CIPHERTEXT_LEN;
