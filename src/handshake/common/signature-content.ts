/**
 * @module signature-content
 * RFC 8446 §4.4.3: the content covered by a CertificateVerify signature — 64 spaces, a context
 * string naming the signer's side, a zero byte, and the transcript hash. The context string
 * stops a server signature being replayed as a client one and vice versa.
 */
import { concat, utf8 } from '../../bytes/bytes.ts';

/** Which side signs. */
export type Signer = 'server' | 'client';

/** The bytes a CertificateVerify signs for `signer` over `transcriptHash`. */
export function certificateVerifyContent(signer: Signer, transcriptHash: Uint8Array): Uint8Array {
  return concat(PADDING, utf8(signer === 'server' ? SERVER_CONTEXT : CLIENT_CONTEXT), ZERO, transcriptHash);
}

/** RFC 8446 §4.4.3: "octet 32 (0x20) repeated 64 times". */
const PADDING: Uint8Array = new Uint8Array(64).fill(0x20);
// Encoded per call, not at module load: importing must not need TextEncoder.
const SERVER_CONTEXT = 'TLS 1.3, server CertificateVerify';
const CLIENT_CONTEXT = 'TLS 1.3, client CertificateVerify';
const ZERO: Uint8Array = new Uint8Array(1);
