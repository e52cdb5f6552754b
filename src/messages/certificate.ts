/**
 * @module certificate
 * The Certificate message of RFC 8446 §4.4.2: the sender's chain as X.509 entries, each with
 * its own extensions (OCSP status, SCT). Raw public keys (RFC 7250) are not supported, so every
 * entry is `cert_data`.
 *
 * RFC 8446 §4.4.2:
 *   struct {
 *       select (certificate_type) {
 *           case RawPublicKey:
 *             // From RFC 7250 ASN.1_subjectPublicKeyInfo
 *             opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
 *           case X509:
 *             opaque cert_data<1..2^24-1>;
 *       };
 *       Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';
import { decodeExtensions, encodeExtensions } from './extensions/extensions.ts';
import type { Extension } from './extensions/extensions.ts';

export interface CertificateEntry {
  readonly certData: Uint8Array;
  readonly extensions: readonly Extension[];
}
export interface Certificate {
  readonly type: typeof HandshakeType.certificate;
  readonly certificateRequestContext: Uint8Array;
  readonly certificateList: readonly CertificateEntry[];
}

/**
 * An empty certificate_list is well-formed (a client declining to authenticate); whether it is
 * acceptable is the handler's decision (RFC 8446 §4.4.2.4).
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeCertificate(r: Reader): Certificate {
  const certificateRequestContext = r.opaque8(0, 0xff).slice();
  const list = r.vec24(0, 0xffffff);
  const certificateList: CertificateEntry[] = [];
  while (!list.isEmpty) {
    const certData = list.opaque24(1, 0xffffff).slice();
    const extensions = decodeExtensions(list, 'certificate');
    certificateList.push({ certData, extensions });
  }
  r.end();
  return { type: 11, certificateRequestContext, certificateList };
}
export function encodeCertificate(w: Writer, m: Certificate): void {
  w.opaque8(m.certificateRequestContext);
  w.block24(() => {
    for (const e of m.certificateList) {
      if (e.certData.length === 0) throw new RangeError('certificate: cert_data must not be empty');
      w.opaque24(e.certData);
      encodeExtensions(w, e.extensions, 'certificate');
    }
  });
}
