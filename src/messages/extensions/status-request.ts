/**
 * @module status-request
 * The status_request extension (OCSP stapling) of RFC 6066 §8 as used by RFC 8446 §4.4.2.1: in
 * ClientHello / CertificateRequest the CertificateStatusRequest (kept raw: we only echo or ignore
 * it), and in a CertificateEntry the stapled OCSP response.
 *
 * RFC 6066 §8:
 *   struct {
 *       CertificateStatusType status_type;
 *       select (status_type) {
 *           case ocsp: OCSPStatusRequest;
 *       } request;
 *   } CertificateStatusRequest;
 *   enum { ocsp(1), (255) } CertificateStatusType;
 * RFC 6960 §4.2.1 / RFC 6066 §8 (as carried in TLS 1.3 CertificateEntry, RFC 8446 §4.4.2.1):
 *   struct {
 *       CertificateStatusType status_type;
 *       select (status_type) {
 *           case ocsp: OCSPResponse;
 *       } response;
 *   } CertificateStatus;
 *   opaque OCSPResponse<1..2^24-1>;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { decodeError } from '../../errors.ts';
import { CertificateStatusType } from '../../protocol/registry.ts';

/** ClientHello / CertificateRequest: the raw CertificateStatusRequest (empty in CR, RFC 8446 §4.4.2.1). */
export interface StatusRequest {
  readonly kind: 'status_request';
  readonly request: Uint8Array;
}
/** CertificateEntry: the DER OCSPResponse (status_type ocsp is implied). */
export interface OcspResponse {
  readonly kind: 'ocsp_response';
  readonly ocspResponse: Uint8Array;
}

/** Carried verbatim: its contents never change what we do. */
export function decodeStatusRequest(r: Reader): StatusRequest {
  return { kind: 'status_request', request: r.rest().slice() };
}
export function encodeStatusRequest(w: Writer, e: StatusRequest): void {
  w.bytes(e.request);
}

/**
 * A CertificateStatus; only status_type ocsp(1) has a defined body, so any other type cannot be
 * parsed (decode_error).
 * @throws TlsError decode_error
 */
export function decodeOcspResponse(r: Reader): OcspResponse {
  const statusType = r.u8();
  if (statusType !== CertificateStatusType.ocsp) throw decodeError(`status_request: unknown status_type ${statusType}`);
  return { kind: 'ocsp_response', ocspResponse: r.opaque24(1, 0xffffff).slice() };
}
export function encodeOcspResponse(w: Writer, e: OcspResponse): void {
  w.u8(CertificateStatusType.ocsp);
  w.opaque24(e.ocspResponse);
}
