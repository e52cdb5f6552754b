/**
 * @module post-handshake-auth
 * The server's post-handshake client authentication (RFC 8446 §4.6.2): a CertificateRequest
 * with a fresh context after the handshake, to a client that offered post_handshake_auth; the
 * client answers with Certificate, CertificateVerify (when it sent a certificate) and Finished,
 * whose Handshake Context is the handshake transcript followed by our request and its answer, and
 * whose base key is client_application_traffic_secret_N (RFC 8446 §4.4). Other post-handshake
 * messages go to the shared handler.
 *
 * Steps: requestClientCertificate → onServerTrafficMessage: onCertificate → (onCertificateVerify)
 * → onFinished.
 */
import { equalBytes } from '../../bytes/bytes.ts';
import { TlsError, illegalParameter, unexpectedMessage, unsupportedExtension } from '../../errors.ts';
import { checkFinished, finishedVerifyData } from '../../keyschedule/finished.ts';
import type { Certificate } from '../../messages/certificate.ts';
import type { CertificateVerify } from '../../messages/certificate-verify.ts';
import type { Finished } from '../../messages/finished.ts';
import { AlertDescription, HandshakeType, nameOf } from '../../protocol/registry.ts';
import { verifyCertificateVerify } from '../common/certificate-verify.ts';
import type { HandshakeInput } from '../common/input.ts';
import { sendMessage } from '../common/send.ts';
import { onTrafficMessage, type PendingCertificateRequest, type ServerPostHandshakeAuth, type TrafficState } from '../common/traffic.ts';
import type { HandshakeOutput } from '../output.ts';
import { certificateRequestExtensions, verifyClientChain } from './client-certificate.ts';
import { receivedCertificate } from '../common/certificate-compression.ts';

/**
 * Why a post-handshake CertificateRequest cannot be sent now, or undefined when it can: the
 * client must have offered post_handshake_auth (RFC 8446 §4.2.6), a verifier must be configured,
 * and the previous request must be answered.
 */
export function certificateRequestRefusal(st: TrafficState): string | undefined {
  const pha = st.postHandshakeAuth;
  if (pha?.side !== 'server') return 'the client did not offer post_handshake_auth (RFC 8446 §4.2.6)';
  if (!pha.config.postHandshakeClientAuth) return 'no postHandshakeClientAuth (or clientAuth) configured';
  if (pha.pending) return 'the previous request is not answered yet';
  return undefined;
}

/** Sends a CertificateRequest with a context unique on this connection (RFC 8446 §4.6.2). */
export function requestClientCertificate(st: TrafficState, out: HandshakeOutput): TrafficState {
  const pha = st.postHandshakeAuth;
  const clientAuth = pha?.side === 'server' ? pha.config.postHandshakeClientAuth : undefined;
  if (pha?.side !== 'server' || !clientAuth || pha.pending) throw new TlsError(AlertDescription.internal_error, 'post-handshake auth: not possible now');
  // RFC 8446 §4.3.2: "certificate_request_context ... MUST be unique within the connection": the
  // request count, 4 bytes.
  const n = pha.requestsSent;
  const context = new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  const transcript = pha.transcript.fork();
  sendMessage(out, transcript, {
    type: HandshakeType.certificate_request,
    certificateRequestContext: context,
    extensions: certificateRequestExtensions(pha.config, clientAuth),
  });
  const pending: PendingCertificateRequest = { context, clientAuth, transcript, expect: 'certificate', peerCertificates: [], leafKey: undefined };
  return { ...st, postHandshakeAuth: { ...pha, requestsSent: n + 1, pending } };
}

/** The server's post-handshake messages: the answer to our request, else the shared handler. */
export function onServerTrafficMessage(st: TrafficState, input: HandshakeInput, out: HandshakeOutput): TrafficState {
  const pha = st.postHandshakeAuth;
  const pending = pha?.side === 'server' ? pha.pending : undefined;
  if (pha?.side !== 'server' || !pending) return onTrafficMessage(st, input, out);
  const msg = input.message;
  // A KeyUpdate may cross our request; once the answer has started, its messages come together.
  if (pending.expect === 'certificate' && msg.type === HandshakeType.key_update) return onTrafficMessage(st, input, out);
  const next = (p: PendingCertificateRequest | undefined): TrafficState => ({ ...st, postHandshakeAuth: { ...pha, pending: p } });
  if ((msg.type === HandshakeType.certificate || msg.type === HandshakeType.compressed_certificate) && pending.expect === 'certificate') {
    // RFC 8879 §4: compressed with an algorithm of our CertificateRequest's compress_certificate.
    return next(onCertificate(pha, pending, receivedCertificate(msg, pha.config.certificateCompression).certificate, input));
  }
  if (msg.type === HandshakeType.certificate_verify && pending.expect === 'certificateVerify') {
    return next(onCertificateVerify(pha, pending, msg, input));
  }
  if (msg.type === HandshakeType.finished && pending.expect === 'finished') {
    onFinished(st, pending, msg);
    // A certificate replaces the one of the handshake, if any; an empty answer changes nothing.
    const peerCertificates = pending.peerCertificates;
    const negotiated = peerCertificates.length > 0 ? { ...st.negotiated, peerCertificates } : st.negotiated;
    out.push({ kind: 'clientAuthenticated', negotiated, peerCertificates });
    return { ...next(undefined), negotiated };
  }
  throw unexpectedMessage(`post-handshake auth: expected ${pending.expect}, got ${nameOf(HandshakeType, msg.type)}`);
}

/**
 * RFC 8446 §4.4.2: the context must be our request's; entry extensions must answer ours (none);
 * an empty list is certificate_required in 'required' mode (§4.4.2.4); a chain goes to the verifier.
 */
function onCertificate(pha: ServerPostHandshakeAuth, pending: PendingCertificateRequest, msg: Certificate, input: HandshakeInput): PendingCertificateRequest {
  if (!equalBytes(msg.certificateRequestContext, pending.context)) throw illegalParameter('certificate: context does not match our CertificateRequest');
  for (const entry of msg.certificateList) {
    const e = entry.extensions[0];
    if (e !== undefined) throw unsupportedExtension(`certificate: unsolicited client entry extension ${e.kind}`);
  }
  pending.transcript.update(input.raw);
  const auth = pending.clientAuth;
  if (msg.certificateList.length === 0) {
    if (auth.mode === 'required') throw new TlsError(AlertDescription.certificate_required, 'certificate: the client sent no certificate');
    return { ...pending, expect: 'finished' };
  }
  const peerCertificates = msg.certificateList.map((e) => e.certData);
  const leafKey = verifyClientChain(pha.config, auth, peerCertificates);
  return { ...pending, expect: 'certificateVerify', peerCertificates, leafKey };
}

/** RFC 8446 §4.4.3: the client's signature over the Handshake Context through its Certificate. */
function onCertificateVerify(pha: ServerPostHandshakeAuth, pending: PendingCertificateRequest, cv: CertificateVerify, input: HandshakeInput): PendingCertificateRequest {
  if (!pending.leafKey) throw unexpectedMessage('certificate_verify: no certificate to verify');
  verifyCertificateVerify(pha.config.provider, pending.clientAuth.signatureSchemes, pending.leafKey, cv, 'client', pending.transcript.hashNow());
  pending.transcript.update(input.raw);
  return { ...pending, expect: 'finished' };
}

/** RFC 8446 §4.4.4: Finished with client_application_traffic_secret_N as the base key (RFC 8446 §4.4). */
function onFinished(st: TrafficState, pending: PendingCertificateRequest, fin: Finished): void {
  checkFinished(fin.verifyData, finishedVerifyData(st.hash, st.readSecret, pending.transcript.hashNow()), 'client');
}
