/**
 * @module certificate-verify
 * The CertificateVerify message of RFC 8446 §4.4.3: a signature over the transcript hash with
 * the key of the certificate just sent.
 *
 * RFC 8446 §4.4.3:
 *   struct {
 *       SignatureScheme algorithm;
 *       opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';

export interface CertificateVerify {
  readonly type: typeof HandshakeType.certificate_verify;
  readonly algorithm: number;
  readonly signature: Uint8Array;
}

/** @throws TlsError decode_error */
export function decodeCertificateVerify(r: Reader): CertificateVerify {
  const algorithm = r.u16();
  const signature = r.opaque16(0, 0xffff).slice();
  r.end();
  return { type: 15, algorithm, signature };
}
export function encodeCertificateVerify(w: Writer, m: CertificateVerify): void {
  w.u16(m.algorithm);
  w.opaque16(m.signature);
}
