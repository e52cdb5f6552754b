/**
 * @module certificate-verify
 * The client's check of the server's CertificateVerify (RFC 8446 §4.4.3).
 */
import { HandshakeType } from '../../protocol/registry.ts';
import { verifyCertificateVerify } from '../common/certificate-verify.ts';
import { expectMessage, type HandshakeInput } from '../common/input.ts';
import type { ClientExpectCertificateVerify, ClientExpectFinished } from './state.ts';

export function onCertificateVerify(st: ClientExpectCertificateVerify, input: HandshakeInput): ClientExpectFinished {
  const cv = expectMessage(input, HandshakeType.certificate_verify, 'client');
  // RFC 8446 §4.4.3: the signature covers the transcript up to, not including, this message.
  verifyCertificateVerify(st.config.provider, st.config.signatureSchemes, st.leafKey, cv, 'server', st.transcript.hashNow());
  st.transcript.update(input.raw);
  const { leafKey: _leafKey, ...rest } = st;
  return { ...rest, kind: 'ExpectFinished', signatureScheme: cv.algorithm };
}
