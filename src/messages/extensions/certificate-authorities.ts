/**
 * @module certificate-authorities
 * The certificate_authorities extension of RFC 8446 §4.2.4: DER distinguished names of the CAs
 * the sender accepts (ClientHello, CertificateRequest).
 *
 * RFC 8446 §4.2.4:
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct {
 *       DistinguishedName authorities<3..2^16-1>;
 *   } CertificateAuthoritiesExtension;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';

export interface CertificateAuthorities {
  readonly kind: 'certificate_authorities';
  readonly authorities: readonly Uint8Array[];
}

/** @throws TlsError decode_error */
export function decodeCertificateAuthorities(r: Reader): CertificateAuthorities {
  const list = r.vec16(3, 0xffff);
  const authorities: Uint8Array[] = [];
  while (!list.isEmpty) authorities.push(list.opaque16(1, 0xffff).slice());
  return { kind: 'certificate_authorities', authorities };
}
export function encodeCertificateAuthorities(w: Writer, e: CertificateAuthorities): void {
  w.block16(() => {
    for (const a of e.authorities) w.opaque16(a);
  });
}
