/**
 * @module certificate
 * The client's handling of CertificateRequest (RFC 8446 §4.3.2) and the server's Certificate
 * (RFC 8446 §4.4.2): the chain goes to the configured verifier, whose leaf key must then sign
 * the transcript. A stapled OCSP response (RFC 8446 §4.4.2.1) is accepted only when we asked;
 * the configured revocation checker (if any) then judges the verified path with the staples.
 */
import { TlsError, decodeError, illegalParameter, missingExtension, unexpectedMessage, unsupportedExtension } from '../../errors.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import type { Certificate } from '../../messages/certificate.ts';
import type { CompressedCertificate } from '../../messages/compressed-certificate.ts';
import { receivedCertificate } from '../common/certificate-compression.ts';
import { AlertDescription, HandshakeType, nameOf } from '../../protocol/registry.ts';
import type { StapledResponse } from '../../x509/revocation-checker.ts';
import type { HandshakeInput } from '../common/input.ts';
import { keyedFields, type ClientExpectCertificate, type ClientExpectCertificateOrCertificateRequest, type ClientExpectCertificateVerify, type ReceivedCertificateRequest } from './state.ts';

export function onCertificateOrCertificateRequest(
  st: ClientExpectCertificateOrCertificateRequest,
  input: HandshakeInput,
): ClientExpectCertificate | ClientExpectCertificateVerify {
  const msg = input.message;
  if (msg.type === HandshakeType.certificate_request) {
    // RFC 8446 §4.3.2: certificate_request_context SHALL be zero length in the handshake.
    if (msg.certificateRequestContext.length !== 0) throw illegalParameter('certificate_request: non-empty context in handshake');
    // RFC 8446 §4.3.2: "The "signature_algorithms" extension MUST be specified"; without it no
    // CertificateVerify could be made (RFC 8446 §9.2 / §6.2: missing_extension).
    const sigAlgs = findExtension(msg.extensions, 'signature_algorithms');
    if (!sigAlgs) throw missingExtension('certificate_request: no signature_algorithms');
    const certificateRequest: ReceivedCertificateRequest = {
      context: msg.certificateRequestContext,
      signatureSchemes: sigAlgs.supportedSignatureAlgorithms,
      authorities: findExtension(msg.extensions, 'certificate_authorities')?.authorities ?? [],
      compressionAlgorithms: findExtension(msg.extensions, 'compress_certificate')?.algorithms ?? [],
    };
    st.transcript.update(input.raw);
    return { ...st, kind: 'ExpectCertificate', certificateRequest };
  }
  if (msg.type !== HandshakeType.certificate && msg.type !== HandshakeType.compressed_certificate) {
    throw unexpectedMessage(`client: expected certificate or certificate_request, got ${nameOf(HandshakeType, msg.type)}`);
  }
  return acceptServerCertificate(st, input, msg, undefined);
}

export function onCertificate(st: ClientExpectCertificate, input: HandshakeInput): ClientExpectCertificateVerify {
  const msg = input.message;
  if (msg.type !== HandshakeType.certificate && msg.type !== HandshakeType.compressed_certificate) {
    throw unexpectedMessage(`client: expected certificate, got ${nameOf(HandshakeType, msg.type)}`);
  }
  return acceptServerCertificate(st, input, msg, st.certificateRequest);
}

/**
 * RFC 8446 §4.4.2, §4.4.2.4: checks the Certificate message (decompressed first when it came as a
 * CompressedCertificate, RFC 8879 §4, offered in our ClientHello) and runs the verifier.
 */
function acceptServerCertificate(
  st: ClientExpectCertificateOrCertificateRequest | ClientExpectCertificate,
  input: HandshakeInput,
  received: Certificate | CompressedCertificate,
  certificateRequest: ReceivedCertificateRequest | undefined,
): ClientExpectCertificateVerify {
  const { certificate: msg, compression } = receivedCertificate(received, st.config.certificateCompression);
  // RFC 8446 §4.4.2: "in the case of server authentication, this field SHALL be zero length".
  if (msg.certificateRequestContext.length !== 0) throw illegalParameter('certificate: non-empty context from the server');
  // RFC 8446 §4.4.2.4: "If the server supplies an empty Certificate message, the client MUST
  // abort the handshake with a "decode_error" alert."
  if (msg.certificateList.length === 0) throw decodeError('certificate: the server sent no certificate');
  let ocspResponse: Uint8Array | undefined;
  const stapled: StapledResponse[] = [];
  msg.certificateList.forEach((entry, i) => {
    for (const e of entry.extensions) {
      // RFC 8446 §4.4.2: "Extensions in the Certificate message from the server MUST correspond
      // to ones from the ClientHello message": a status (§4.4.2.1) only when we sent
      // status_request; anything else (SCTs: we never ask) is unsupported_extension (§4.2).
      if (e.kind !== 'ocsp_response' || !st.config.requestOcsp) {
        throw unsupportedExtension(`certificate: unsolicited entry extension ${e.kind}`);
      }
      // RFC 8446 §4.4.2.1: a status may come with any certificate of the chain; the leaf's is
      // the one the application gets, all of them go to the revocation checker.
      if (i === 0) ocspResponse = e.ocspResponse;
      stapled.push({ certificate: entry.certData, response: e.ocspResponse });
    }
  });
  const peerCertificates = msg.certificateList.map((e) => e.certData);
  const now = st.config.now();
  const verified = st.config.verifier.verify({
    chain: peerCertificates,
    serverName: st.serverName,
    now,
    provider: st.config.provider,
    signatureSchemes: st.config.signatureSchemes,
  });
  // RFC 5280 §6.1.3 (a)(3): the certificates of the path are not revoked (x509/revocation.ts).
  st.config.revocation?.check({ path: verified.chain, stapled, now, provider: st.config.provider, budget: verified.budget });
  const leafKey = verified.leaf.publicKey;
  if (!leafKey) throw new TlsError(AlertDescription.unsupported_certificate, 'certificate: unsupported leaf key type');
  st.transcript.update(input.raw);
  return {
    ...keyedFields(st),
    kind: 'ExpectCertificateVerify',
    isResumed: false,
    earlyDataAccepted: false,
    alpnProtocol: st.alpnProtocol,
    certificateRequest,
    peerCertificates,
    ocspResponse,
    certificateCompression: compression,
    leafKey,
  };
}
