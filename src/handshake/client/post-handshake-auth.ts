/**
 * @module post-handshake-auth
 * The client's answer to a post-handshake CertificateRequest (RFC 8446 §4.6.2), possible only
 * after we offered post_handshake_auth: Certificate (the request's context; a fitting certificate
 * or none), CertificateVerify when we sent one, and Finished under
 * client_application_traffic_secret_N (RFC 8446 §4.4), all over the handshake transcript followed
 * by the request. Other post-handshake messages go to the shared handler.
 */
import { missingExtension } from '../../errors.ts';
import { finishedVerifyData } from '../../keyschedule/finished.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import { onTrafficMessage, type TrafficState } from '../common/traffic.ts';
import type { HandshakeInput } from '../common/input.ts';
import { sendMessage } from '../common/send.ts';
import type { HandshakeOutput } from '../output.ts';
import { sendClientAuthentication } from './client-certificate.ts';

export function onClientTrafficMessage(st: TrafficState, input: HandshakeInput, out: HandshakeOutput): TrafficState {
  const msg = input.message;
  const pha = st.postHandshakeAuth;
  // Without our post_handshake_auth a CertificateRequest is unexpected_message (the shared handler).
  if (msg.type !== HandshakeType.certificate_request || pha?.side !== 'client') return onTrafficMessage(st, input, out);
  // RFC 8446 §4.3.2: "The "signature_algorithms" extension MUST be specified".
  const sigAlgs = findExtension(msg.extensions, 'signature_algorithms');
  if (!sigAlgs) throw missingExtension('certificate_request: no signature_algorithms');
  const transcript = pha.transcript.fork();
  transcript.update(input.raw);
  sendClientAuthentication(
    pha.config,
    {
      context: msg.certificateRequestContext,
      signatureSchemes: sigAlgs.supportedSignatureAlgorithms,
      authorities: findExtension(msg.extensions, 'certificate_authorities')?.authorities ?? [],
      compressionAlgorithms: findExtension(msg.extensions, 'compress_certificate')?.algorithms ?? [],
    },
    transcript,
    out,
  );
  // RFC 8446 §4.4: post-handshake Finished: base key client_application_traffic_secret_N.
  const verifyData = finishedVerifyData(st.hash, st.writeSecret, transcript.hashNow());
  sendMessage(out, transcript, { type: HandshakeType.finished, verifyData });
  return st;
}
