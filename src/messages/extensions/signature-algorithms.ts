/**
 * @module signature-algorithms
 * The signature_algorithms and signature_algorithms_cert extensions of RFC 8446 §4.2.3: the
 * signature schemes accepted in CertificateVerify, and (the _cert variant) in certificates.
 *
 * RFC 8446 §4.2.3:
 *   struct {
 *       SignatureScheme supported_signature_algorithms<2..2^16-2>;
 *   } SignatureSchemeList;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { readU16List, writeU16List } from '../lists.ts';

export interface SignatureAlgorithms {
  readonly kind: 'signature_algorithms';
  readonly supportedSignatureAlgorithms: readonly number[];
}
export interface SignatureAlgorithmsCert {
  readonly kind: 'signature_algorithms_cert';
  readonly supportedSignatureAlgorithms: readonly number[];
}

/** @throws TlsError decode_error */
export function decodeSignatureAlgorithms(r: Reader): SignatureAlgorithms {
  return { kind: 'signature_algorithms', supportedSignatureAlgorithms: readU16List(r, 2, 0xfffe) };
}
/** @throws TlsError decode_error */
export function decodeSignatureAlgorithmsCert(r: Reader): SignatureAlgorithmsCert {
  return { kind: 'signature_algorithms_cert', supportedSignatureAlgorithms: readU16List(r, 2, 0xfffe) };
}
export function encodeSignatureAlgorithms(w: Writer, e: SignatureAlgorithms | SignatureAlgorithmsCert): void {
  writeU16List(w, e.supportedSignatureAlgorithms);
}
