/**
 * @module certificate-request
 * The CertificateRequest message of RFC 8446 §4.3.2: the server asks for a client certificate,
 * naming the acceptable signature algorithms (and optionally CAs) in extensions.
 *
 * RFC 8446 §4.3.2:
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';
import { decodeExtensions, encodeExtensions } from './extensions/extensions.ts';
import type { Extension } from './extensions/extensions.ts';

export interface CertificateRequest {
  readonly type: typeof HandshakeType.certificate_request;
  readonly certificateRequestContext: Uint8Array;
  readonly extensions: readonly Extension[];
}

/**
 * The "signature_algorithms MUST be specified" rule (RFC 8446 §4.3.2, missing_extension) is the
 * client handler's.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeCertificateRequest(r: Reader): CertificateRequest {
  const certificateRequestContext = r.opaque8(0, 0xff).slice();
  const extensions = decodeExtensions(r, 'certificate_request');
  r.end();
  return { type: 13, certificateRequestContext, extensions };
}
export function encodeCertificateRequest(w: Writer, m: CertificateRequest): void {
  w.opaque8(m.certificateRequestContext);
  encodeExtensions(w, m.extensions, 'certificate_request');
}
