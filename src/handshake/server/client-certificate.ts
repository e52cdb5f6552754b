/**
 * @module client-certificate
 * The server's side of client authentication (mutual TLS): the client's Certificate (RFC 8446
 * §4.4.2, §4.4.2.4) goes to the configured client verifier (usage 'client'), whose leaf key must
 * then sign the transcript in CertificateVerify with the client context string (RFC 8446 §4.4.3).
 * An empty Certificate is certificate_required in 'required' mode and an unauthenticated client
 * in 'optional' mode.
 *
 * Steps: onClientCertificate (context, entry extensions, empty?, verify chain) →
 * onClientCertificateVerify (signature) → ExpectFinished.
 */
import type { ClientAuth, ServerConfig } from '../../config.ts';
import type { PublicKey } from '../../crypto/provider.ts';
import { TlsError, illegalParameter, unexpectedMessage, unsupportedExtension } from '../../errors.ts';
import { equalBytes } from '../../bytes/bytes.ts';
import type { Extension } from '../../messages/extensions/extensions.ts';
import { AlertDescription, HandshakeType, nameOf } from '../../protocol/registry.ts';
import { receivedCertificate } from '../common/certificate-compression.ts';
import { verifyCertificateVerify } from '../common/certificate-verify.ts';
import { expectMessage, type HandshakeInput } from '../common/input.ts';
import type { HandshakeOutput } from '../output.ts';
import type { ServerExpectCertificate, ServerExpectCertificateVerify, ServerExpectFinished } from './state.ts';

/** The context our handshake CertificateRequest carried (RFC 8446 §4.3.2: zero length). */
export const HANDSHAKE_REQUEST_CONTEXT: Uint8Array = new Uint8Array(0);

/** The extensions of our CertificateRequests, in the handshake and after it (RFC 8446 §4.3.2). */
export function certificateRequestExtensions(config: ServerConfig, auth: ClientAuth): Extension[] {
  return [
    // RFC 8446 §4.3.2: "The "signature_algorithms" extension MUST be specified".
    { kind: 'signature_algorithms', supportedSignatureAlgorithms: auth.signatureSchemes },
    // RFC 8446 §4.2.4: the CAs whose certificates we accept, when configured.
    ...(auth.certificateAuthorities.length > 0 ? [{ kind: 'certificate_authorities' as const, authorities: auth.certificateAuthorities }] : []),
    // RFC 8879 §3: the algorithms we decompress the client's Certificate with.
    ...(config.certificateCompression.length > 0
      ? [{ kind: 'compress_certificate' as const, algorithms: config.certificateCompression.map((a) => a.id) }]
      : []),
  ];
}

/**
 * @throws TlsError illegal_parameter (context mismatch), unsupported_extension (entry extension
 *   we did not request), certificate_required (empty, required mode), or the verifier's alert
 */
export function onClientCertificate(
  st: ServerExpectCertificate,
  input: HandshakeInput,
  _out: HandshakeOutput,
): ServerExpectCertificateVerify | ServerExpectFinished {
  const received = input.message;
  if (received.type !== HandshakeType.certificate && received.type !== HandshakeType.compressed_certificate) {
    throw unexpectedMessage(`server: expected certificate, got ${nameOf(HandshakeType, received.type)}`);
  }
  // RFC 8879 §4: compressed with an algorithm of our CertificateRequest's compress_certificate.
  const msg = receivedCertificate(received, st.config.certificateCompression).certificate;
  // RFC 8446 §4.4.2: "If this message is in response to a CertificateRequest, the value of
  // certificate_request_context in that message."
  if (!equalBytes(msg.certificateRequestContext, HANDSHAKE_REQUEST_CONTEXT)) {
    throw illegalParameter('certificate: client context does not match our CertificateRequest');
  }
  for (const entry of msg.certificateList) {
    // RFC 8446 §4.4.2: entry extensions answer the CertificateRequest's; ours asks for none
    // (no status_request, no signed_certificate_timestamp).
    const e = entry.extensions[0];
    if (e !== undefined) throw unsupportedExtension(`certificate: unsolicited client entry extension ${e.kind}`);
  }
  const { clientAuth: auth, ...rest } = st;
  if (msg.certificateList.length === 0) {
    // RFC 8446 §4.4.2.4: "If the client does not send any certificates (i.e., it sends an empty
    // Certificate message), the server MAY at its discretion either continue the handshake
    // without client authentication, or abort the handshake with a "certificate_required" alert."
    if (auth.mode === 'required') throw new TlsError(AlertDescription.certificate_required, 'certificate: the client sent no certificate');
    st.transcript.update(input.raw);
    return { ...rest, kind: 'ExpectFinished' };
  }
  const peerCertificates = msg.certificateList.map((e) => e.certData);
  const leafKey = verifyClientChain(st.config, auth, peerCertificates);
  st.transcript.update(input.raw);
  return {
    ...rest,
    kind: 'ExpectCertificateVerify',
    clientAuth: auth,
    leafKey,
    negotiated: { ...st.negotiated, peerCertificates },
  };
}

/**
 * RFC 8446 §4.4.2.4: a chain we do not accept aborts with the verifier's alert (bad_certificate,
 * unknown_ca, certificate_expired, ...); RFC 5280 §4.2.1.12: the leaf must allow clientAuth.
 * Returns the leaf's key, which must sign CertificateVerify (also for post-handshake requests).
 * @throws TlsError the verifier's alert, unsupported_certificate
 */
export function verifyClientChain(config: ServerConfig, auth: ClientAuth, chain: readonly Uint8Array[]): PublicKey {
  const verified = auth.verifier.verify({
    chain,
    serverName: undefined,
    now: config.now(),
    provider: config.provider,
    signatureSchemes: auth.signatureSchemes,
    usage: 'client',
  });
  const leafKey = verified.leaf.publicKey;
  if (!leafKey) throw new TlsError(AlertDescription.unsupported_certificate, 'certificate: unsupported client leaf key type');
  return leafKey;
}

/**
 * RFC 8446 §4.4.3: CertificateVerify over the transcript through the client's Certificate, with
 * a scheme from our CertificateRequest's signature_algorithms.
 * @throws TlsError illegal_parameter (scheme not offered, PKCS#1), decrypt_error (bad signature)
 */
export function onClientCertificateVerify(
  st: ServerExpectCertificateVerify,
  input: HandshakeInput,
  _out: HandshakeOutput,
): ServerExpectFinished {
  const cv = expectMessage(input, HandshakeType.certificate_verify, 'server');
  verifyCertificateVerify(st.config.provider, st.clientAuth.signatureSchemes, st.leafKey, cv, 'client', st.transcript.hashNow());
  st.transcript.update(input.raw);
  const { clientAuth: _auth, leafKey: _key, ...rest } = st;
  return { ...rest, kind: 'ExpectFinished' };
}
