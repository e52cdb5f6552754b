/**
 * @module certificate
 * The client's handling of CertificateRequest (RFC 8446 §4.3.2) and the server's Certificate
 * (RFC 8446 §4.4.2): the chain goes to the configured verifier, whose leaf key must then sign
 * the transcript.
 */
import { TlsError, decodeError, illegalParameter, unexpectedMessage, unsupportedExtension } from '../../errors.ts';
import type { Certificate } from '../../messages/certificate.ts';
import { AlertDescription, HandshakeType, nameOf } from '../../protocol/registry.ts';
import type { HandshakeInput } from '../common/input.ts';
import type {
  ClientExpectCertificate,
  ClientExpectCertificateOrCertificateRequest,
  ClientExpectCertificateVerify,
} from './state.ts';

export function onCertificateOrCertificateRequest(
  st: ClientExpectCertificateOrCertificateRequest,
  input: HandshakeInput,
): ClientExpectCertificate | ClientExpectCertificateVerify {
  const msg = input.message;
  if (msg.type === HandshakeType.certificate_request) {
    // RFC 8446 §4.3.2: certificate_request_context SHALL be zero length in the handshake.
    if (msg.certificateRequestContext.length !== 0) throw illegalParameter('certificate_request: non-empty context in handshake');
    st.transcript.update(input.raw);
    return { ...st, kind: 'ExpectCertificate', certificateRequestContext: msg.certificateRequestContext };
  }
  if (msg.type !== HandshakeType.certificate) {
    throw unexpectedMessage(`client: expected certificate or certificate_request, got ${nameOf(HandshakeType, msg.type)}`);
  }
  return acceptServerCertificate(st, input, msg, undefined);
}

export function onCertificate(st: ClientExpectCertificate, input: HandshakeInput): ClientExpectCertificateVerify {
  const msg = input.message;
  if (msg.type !== HandshakeType.certificate) {
    throw unexpectedMessage(`client: expected certificate, got ${nameOf(HandshakeType, msg.type)}`);
  }
  return acceptServerCertificate(st, input, msg, st.certificateRequestContext);
}

/** RFC 8446 §4.4.2, §4.4.2.4: checks the Certificate message and runs the verifier. */
function acceptServerCertificate(
  st: ClientExpectCertificateOrCertificateRequest | ClientExpectCertificate,
  input: HandshakeInput,
  msg: Certificate,
  certificateRequestContext: Uint8Array | undefined,
): ClientExpectCertificateVerify {
  // RFC 8446 §4.4.2: "in the case of server authentication, this field SHALL be zero length".
  if (msg.certificateRequestContext.length !== 0) throw illegalParameter('certificate: non-empty context from the server');
  // RFC 8446 §4.4.2.4: "If the server supplies an empty Certificate message, the client MUST
  // abort the handshake with a "decode_error" alert."
  if (msg.certificateList.length === 0) throw decodeError('certificate: the server sent no certificate');
  for (const entry of msg.certificateList) {
    for (const e of entry.extensions) {
      // RFC 8446 §4.4.2: entry extensions must answer ClientHello extensions; we send none
      // (OCSP stapling and SCTs are requested only by a later layer).
      throw unsupportedExtension(`certificate: unsolicited entry extension ${e.kind}`);
    }
  }
  const peerCertificates = msg.certificateList.map((e) => e.certData);
  const verified = st.config.verifier.verify({
    chain: peerCertificates,
    serverName: st.serverName,
    now: st.config.now(),
    provider: st.config.provider,
    signatureSchemes: st.config.signatureSchemes,
  });
  const leafKey = verified.leaf.publicKey;
  if (!leafKey) throw new TlsError(AlertDescription.unsupported_certificate, 'certificate: unsupported leaf key type');
  st.transcript.update(input.raw);
  return {
    kind: 'ExpectCertificateVerify',
    config: st.config,
    serverName: st.serverName,
    clientRandom: st.clientRandom,
    transcript: st.transcript,
    sentCompatCcs: st.sentCompatCcs,
    didRetry: st.didRetry,
    suite: st.suite,
    hash: st.hash,
    group: st.group,
    handshakeSecret: st.handshakeSecret,
    clientHandshakeTrafficSecret: st.clientHandshakeTrafficSecret,
    serverHandshakeTrafficSecret: st.serverHandshakeTrafficSecret,
    isResumed: false,
    sentEarlyData: st.sentEarlyData,
    earlyDataAccepted: false,
    alpnProtocol: st.alpnProtocol,
    certificateRequestContext,
    peerCertificates,
    leafKey,
  };
}
