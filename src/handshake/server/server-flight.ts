/**
 * @module server-flight
 * The server's first flight (RFC 8446 §4.1.3, §4.3.1, §4.4.2-§4.4.4): ServerHello in the clear,
 * then EncryptedExtensions, Certificate, CertificateVerify and Finished under the handshake key;
 * then the application write key (RFC 8446 §7.1).
 *
 * Steps: (psk_dhe_ke or full: answerKeyShare) → sendServerHello → (sendCompatCcs) → deriveHandshakeSecrets →
 * sendEncryptedExtensions → (full handshake: (sendCertificateRequest) → sendCertificate (OCSP staple) →
 * sign, or pause for the caller's signature (pauseFor.signature) → sendCertificateVerify) →
 * finishServerFlight: sendFinished → deriveApplicationSecrets.
 */
import type { ServerConfig } from '../../config.ts';
import { internalError } from '../../errors.ts';
import type { CertifiedKey } from '../../x509/certified-key.ts';
import type { KeyShareEntry, Extension } from '../../messages/extensions/extensions.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { EarlySecret } from '../../keyschedule/schedule.ts';
import { finishedVerifyData } from '../../keyschedule/finished.ts';
import { CertificateCompressionAlgorithm, CertificateStatusType, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme, nameOf } from '../../protocol/registry.ts';
import type { Transcript } from '../../transcript.ts';
import type { HandshakeOutput } from '../output.ts';
import { sendCertificate } from '../common/certificate-compression.ts';
import { sendMessage } from '../common/send.ts';
import { certificateVerifyContent } from '../common/signature-content.ts';
import type { Negotiated } from '../negotiated.ts';
import { alpnText, type Negotiation } from './negotiate.ts';
import type { AcceptedPsk } from './resume.ts';
import type {
  PendingFlight,
  ServerAwaitSignature,
  ServerExpectCertificate,
  ServerExpectEndOfEarlyData,
  ServerExpectFinished,
} from './state.ts';
import { certificateRequestExtensions, HANDSHAKE_REQUEST_CONTEXT } from './client-certificate.ts';
import { decodeClientIdentity } from './tickets.ts';
import { equalBytes } from '../../bytes/bytes.ts';
import { isTicketAgeFresh, type TicketState } from '../../session/ticket.ts';
import { MAX_INPUT_WHILE_PAUSED, MAX_PLAINTEXT_LEN, MAX_SKIPPED_EARLY_DATA } from '../../protocol/limits.ts';

export function sendServerFlight(
  config: ServerConfig,
  ch: ClientHello,
  n: Negotiation,
  clientShare: KeyShareEntry | undefined,
  transcript: Transcript,
  didRetry: boolean,
  sentCompatCcs: boolean,
  psk: AcceptedPsk | undefined,
  out: HandshakeOutput,
): ServerExpectFinished | ServerExpectEndOfEarlyData | ServerExpectCertificate | ServerAwaitSignature {
  const { suite } = n;
  // RFC 8446 §7.1: client_early_traffic_secret hashes the ClientHello alone.
  const clientHelloHash = transcript.hashNow();
  const offersEarlyData = findExtension(ch.extensions, 'early_data') !== undefined;
  const ticket = psk?.state;
  const acceptEarly = offersEarlyData && psk !== undefined && ticket !== undefined && acceptsEarlyData(config, n, psk, ticket, didRetry);
  const hash = config.provider.hash(suite.hash);
  // RFC 8446 §4.2.8: our share for the client's group; for a KEM group this encapsulates. A
  // psk_ke resumption (RFC 8446 §4.2.9) has no (EC)DHE: no share, no shared secret.
  const pskKe = psk?.mode === 'psk_ke';
  const answer = pskKe ? undefined : answerKeyShare(config, n.group, clientShare);

  sendMessage(out, transcript, {
    type: HandshakeType.server_hello,
    isHelloRetryRequest: false,
    legacyVersion: ProtocolVersion.TLSv1_2,
    random: config.random(32),
    // RFC 8446 §4.1.3: echo the client's legacy_session_id.
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: suite.id,
    legacyCompressionMethod: 0,
    extensions: [
      // RFC 8446 §4.2.11: selected_identity, the index of the PSK we resume with.
      ...(psk ? [{ kind: 'pre_shared_key_server' as const, selectedIdentity: psk.selectedIdentity }] : []),
      ...(answer ? [{ kind: 'key_share_server' as const, serverShare: { group: answer.group, keyExchange: answer.share } }] : []),
      { kind: 'supported_versions_server', selectedVersion: ProtocolVersion.TLSv1_3 },
    ],
  });
  // RFC 8446 Appendix D.4: change_cipher_spec after our first handshake message, if the client
  // asked for compatibility mode and we have not sent one with a HelloRetryRequest.
  if (ch.legacySessionId.length > 0 && !sentCompatCcs) out.push({ kind: 'sendCompatCcs' });

  // RFC 8446 §7.1: handshake secrets over ClientHello..ServerHello; "If a given secret is not
  // available, then the 0-value consisting of a string of Hash.length bytes set to zeros is used"
  // (psk_ke: no (EC)DHE input).
  const helloHash = transcript.hashNow();
  const earlySecret = psk?.earlySecret ?? EarlySecret.create(hash);
  const handshakeSecret = earlySecret.handshakeSecret(answer?.sharedSecret);
  const clientHandshakeTrafficSecret = handshakeSecret.clientHandshakeTrafficSecret(helloHash);
  const serverHandshakeTrafficSecret = handshakeSecret.serverHandshakeTrafficSecret(helloHash);
  const clientRandom = ch.random;
  out.push({ kind: 'secret', name: 'early_secret', secret: earlySecret.bytes, clientRandom });
  if (answer) out.push({ kind: 'secret', name: 'ecdhe_shared_secret', secret: answer.sharedSecret, clientRandom });
  out.push({ kind: 'secret', name: 'handshake_secret', secret: handshakeSecret.bytes, clientRandom });
  out.push({ kind: 'secret', name: 'client_handshake_traffic_secret', secret: clientHandshakeTrafficSecret, clientRandom, transcriptHash: helloHash });
  out.push({ kind: 'secret', name: 'server_handshake_traffic_secret', secret: serverHandshakeTrafficSecret, clientRandom, transcriptHash: helloHash });
  out.push({ kind: 'setWriteKeys', epoch: 'handshake', suite, secret: serverHandshakeTrafficSecret });
  if (acceptEarly) {
    // RFC 8446 §4.2.10: accepted 0-RTT data arrives under client_early_traffic_secret until
    // EndOfEarlyData; then the client's handshake key applies.
    const clientEarlyTrafficSecret = psk.earlySecret.clientEarlyTrafficSecret(clientHelloHash);
    out.push({ kind: 'secret', name: 'client_early_traffic_secret', secret: clientEarlyTrafficSecret, clientRandom, transcriptHash: clientHelloHash });
    out.push({ kind: 'setReadKeys', epoch: 'early', suite, secret: clientEarlyTrafficSecret });
    out.push({ kind: 'earlyDataOpen', maxLen: ticket.maxEarlyDataSize });
  } else {
    out.push({ kind: 'setReadKeys', epoch: 'handshake', suite, secret: clientHandshakeTrafficSecret });
  }
  // RFC 8446 §4.2.10: early data we do not accept is skipped (the connection trial-decrypts).
  if (offersEarlyData && !acceptEarly) rejectEarlyData(config, out);

  const extensions = encryptedExtensions(config, ch, n, out);
  // RFC 8446 §4.2.10: an empty early_data in EncryptedExtensions says we accept the 0-RTT data.
  if (acceptEarly) extensions.push({ kind: 'early_data' });
  sendMessage(out, transcript, { type: HandshakeType.encrypted_extensions, extensions });
  // RFC 8446 §4.3.2: "Servers which are authenticating with a PSK MUST NOT send the
  // CertificateRequest message in the main handshake"; otherwise it follows EncryptedExtensions.
  const clientAuth = psk ? undefined : config.clientAuth;
  if (clientAuth) {
    sendMessage(out, transcript, {
      type: HandshakeType.certificate_request,
      certificateRequestContext: HANDSHAKE_REQUEST_CONTEXT,
      extensions: certificateRequestExtensions(config, clientAuth),
    });
  }
  const flight: PendingFlight = {
    config,
    n,
    psk,
    group: answer?.group,
    transcript,
    hash,
    handshakeSecret,
    clientHandshakeTrafficSecret,
    serverHandshakeTrafficSecret,
    clientRandom,
    clientAuth,
    acceptEarly,
    didRetry,
    // RFC 8446 §4.2.6: an empty extension; kept for requestClientCertificate().
    clientOffersPostHandshakeAuth: ch.extensions.some((e) => e.kind === 'unknown' && e.type === ExtensionType.post_handshake_auth),
    certificateCompression: undefined,
  };
  // RFC 8446 §2.2: a PSK handshake authenticates through the PSK: no Certificate/CertificateVerify.
  if (psk) return finishServerFlight(flight, undefined, out);
  // No certificate (a server with external PSKs only) and no PSK accepted: nothing to sign with.
  const certified = n.certified;
  if (!certified) throw n.noCertificate ?? internalError('server: no certificate and no error');
  const certificateCompression = sendServerCertificate(config, ch, certified, transcript, out);
  // RFC 8446 §4.4.3: CertificateVerify signs the transcript through Certificate, server context.
  const content = certificateVerifyContent('server', transcript.hashNow());
  const signing = { ...flight, certificateCompression };
  if (config.pauseFor.signature) {
    const question = { kind: 'needSignature' as const, certificate: certified, scheme: n.signatureScheme, content };
    out.push({ kind: 'ask', question, maxBufferedInput: maxInputWhilePaused(config) });
    return { kind: 'AwaitSignature', flight: signing };
  }
  return finishServerFlight(signing, certified.key.sign(n.signatureScheme, content, config.random), out);
}

/**
 * The rest of the flight once the signature is known (undefined for a PSK handshake):
 * CertificateVerify (RFC 8446 §4.4.3), Finished (§4.4.4), the application secrets (§7.1).
 */
export function finishServerFlight(
  f: PendingFlight,
  signature: Uint8Array | undefined,
  out: HandshakeOutput,
): ServerExpectFinished | ServerExpectEndOfEarlyData | ServerExpectCertificate {
  const { config, n, psk, transcript, hash, clientRandom, clientAuth } = f;
  const { suite } = n;
  if (signature !== undefined) {
    sendMessage(out, transcript, { type: HandshakeType.certificate_verify, algorithm: n.signatureScheme, signature });
  }
  // RFC 8446 §4.4.4: Finished with the server's handshake traffic secret.
  const verifyData = finishedVerifyData(hash, f.serverHandshakeTrafficSecret, transcript.hashNow());
  sendMessage(out, transcript, { type: HandshakeType.finished, verifyData });

  // RFC 8446 §7.1: application secrets over ClientHello..server Finished.
  const handshakeHash = transcript.hashNow();
  const masterSecret = f.handshakeSecret.masterSecret();
  const clientApplicationTrafficSecret = masterSecret.clientApplicationTrafficSecret0(handshakeHash);
  const serverApplicationTrafficSecret = masterSecret.serverApplicationTrafficSecret0(handshakeHash);
  const exporterMasterSecret = masterSecret.exporterMasterSecret(handshakeHash);
  out.push({ kind: 'secret', name: 'master_secret', secret: masterSecret.bytes, clientRandom });
  out.push({ kind: 'secret', name: 'client_application_traffic_secret_0', secret: clientApplicationTrafficSecret, clientRandom, transcriptHash: handshakeHash });
  out.push({ kind: 'secret', name: 'server_application_traffic_secret_0', secret: serverApplicationTrafficSecret, clientRandom, transcriptHash: handshakeHash });
  out.push({ kind: 'secret', name: 'exporter_master_secret', secret: exporterMasterSecret, clientRandom, transcriptHash: handshakeHash });
  // RFC 8446 §4.4.4 / Appendix A.2: the server may send application data right after its
  // Finished; the client's Finished still arrives under the handshake key.
  out.push({ kind: 'setWriteKeys', epoch: 'application', suite, secret: serverApplicationTrafficSecret });

  const negotiated: Negotiated = {
    version: 'TLSv1.3',
    cipherSuite: suite.name,
    cipherSuiteId: suite.id,
    group: f.group !== undefined ? nameOf(NamedGroup, f.group) : 'none',
    groupId: f.group ?? 0,
    signatureScheme: psk ? 'none' : nameOf(SignatureScheme, n.signatureScheme),
    signatureSchemeId: psk ? 0 : n.signatureScheme,
    alpnProtocol: alpnText(n.alpnProtocol),
    serverName: n.serverName,
    didRetry: f.didRetry,
    isResumed: psk !== undefined,
    // A resumed session keeps the client identity of the handshake that issued its ticket.
    peerCertificates: psk?.state ? decodeClientIdentity(psk.state.clientIdentity) : [],
    ...(psk?.externalIdentity !== undefined ? { externalPskIdentity: psk.externalIdentity } : {}),
    ...(f.certificateCompression !== undefined ? { certificateCompression: nameOf(CertificateCompressionAlgorithm, f.certificateCompression) } : {}),
  };
  const next = {
    config,
    suite,
    hash,
    transcript,
    clientRandom,
    clientHandshakeTrafficSecret: f.clientHandshakeTrafficSecret,
    masterSecret,
    clientApplicationTrafficSecret,
    serverApplicationTrafficSecret,
    exporterMasterSecret,
    negotiated,
    clientOffersPostHandshakeAuth: f.clientOffersPostHandshakeAuth,
  };
  if (clientAuth) return { ...next, kind: 'ExpectCertificate', clientAuth };
  return { ...next, kind: f.acceptEarly ? 'ExpectEndOfEarlyData' : 'ExpectFinished' };
}

/**
 * Input the connection buffers while the handshake waits for an answer: the client may send its
 * 0-RTT data meanwhile (what our tickets allow, with record overhead), and a little more
 * (change_cipher_spec, an alert) within MAX_INPUT_WHILE_PAUSED.
 */
export function maxInputWhilePaused(config: ServerConfig): number {
  return MAX_INPUT_WHILE_PAUSED + earlyDataRecordsLen(config);
}

/** The bytes of records that carry max_early_data_size bytes of 0-RTT data. */
function earlyDataRecordsLen(config: ServerConfig): number {
  return config.maxEarlyDataSize + Math.ceil(config.maxEarlyDataSize / MAX_PLAINTEXT_LEN) * RECORD_OVERHEAD;
}

/**
 * RFC 8446 §4.2.10: 0-RTT is accepted only with the first PSK identity, the ticket's cipher suite
 * and ALPN protocol, never after a HelloRetryRequest, when the ticket allows it and its age is
 * within the window (RFC 8446 §8.3). The ticket came from the single-use store (config.ts
 * requires one for early data), so a replayed ClientHello finds it gone (RFC 8446 §8.1).
 */
function acceptsEarlyData(config: ServerConfig, n: Negotiation, psk: AcceptedPsk, s: TicketState, didRetry: boolean): boolean {
  return (
    !didRetry &&
    config.maxEarlyDataSize > 0 &&
    config.sessionStore !== undefined &&
    s.maxEarlyDataSize > 0 &&
    psk.selectedIdentity === 0 &&
    s.cipherSuite === n.suite.id &&
    equalBytes(s.alpnProtocol, n.alpnProtocol ?? new Uint8Array(0)) &&
    isTicketAgeFresh(s, psk.obfuscatedTicketAge, config.now(), EARLY_DATA_AGE_WINDOW_MS)
  );
}

/** RFC 8446 §4.2.8: our key share for the client's share of the negotiated group. */
function answerKeyShare(
  config: ServerConfig,
  group: number | undefined,
  clientShare: KeyShareEntry | undefined,
): { group: number; share: Uint8Array; sharedSecret: Uint8Array } {
  if (group === undefined || clientShare === undefined) throw internalError('server: (EC)DHE without a negotiated share');
  const kx = config.provider.keyExchange(group);
  if (!kx) throw internalError('server: negotiated a group the provider lacks');
  return { group, ...kx.respond(clientShare.keyExchange, config.random) };
}

/**
 * RFC 8446 §4.2.10: the client's 0-RTT data is rejected, and the connection skips its records:
 * those that fail to decrypt under our handshake key after a ServerHello, or every
 * application_data record before the retried ClientHello after a HelloRetryRequest ("up to the
 * configured max_early_data_size"). Bounded by what our tickets allow (max_early_data_size plus
 * record overhead), and never less than MAX_SKIPPED_EARLY_DATA for clients using another
 * server's tickets.
 */
export function rejectEarlyData(config: ServerConfig, out: HandshakeOutput): void {
  out.push({ kind: 'skipEarlyData', maxLen: Math.max(MAX_SKIPPED_EARLY_DATA, earlyDataRecordsLen(config)) });
  out.push({ kind: 'earlyDataDone', accepted: false });
}

/** RFC 8446 §5.2: the most a protected record adds to its plaintext (type, padding, tag). */
const RECORD_OVERHEAD = 256;

/** RFC 8446 §8.3: how far the client's ticket age may be from ours for 0-RTT (10 s). */
const EARLY_DATA_AGE_WINDOW_MS = 10_000;

/**
 * RFC 8446 §4.4.2: our chain; the leaf entry carries the configured OCSP response when the client
 * asked for one (§4.4.2.1). Compressed (RFC 8879 §4) when the client's compress_certificate lists
 * an algorithm we compress with; returns that algorithm.
 */
function sendServerCertificate(config: ServerConfig, ch: ClientHello, certified: CertifiedKey, transcript: Transcript, out: HandshakeOutput): number | undefined {
  const staple = wantsOcsp(ch) ? certified.ocspResponse : undefined;
  const certificate = {
    type: HandshakeType.certificate,
    // RFC 8446 §4.4.2: "in the case of server authentication, this field SHALL be zero length".
    certificateRequestContext: new Uint8Array(0),
    certificateList: certified.chain.map((certData, i) => ({
      certData,
      extensions: i === 0 && staple !== undefined ? [{ kind: 'ocsp_response' as const, ocspResponse: staple }] : [],
    })),
  } as const;
  return sendCertificate(out, transcript, config, certificate, findExtension(ch.extensions, 'compress_certificate')?.algorithms);
}

/**
 * RFC 8446 §4.4.2: "Extensions in the Certificate message from the server MUST correspond to ones
 * from the ClientHello message", so we staple (§4.4.2.1) only when the client sent status_request;
 * RFC 6066 §8: only status_type ocsp(1) is defined (an empty or other request is ignored).
 */
function wantsOcsp(ch: ClientHello): boolean {
  const req = findExtension(ch.extensions, 'status_request');
  return req !== undefined && req.request[0] === CertificateStatusType.ocsp;
}

/**
 * RFC 8446 §4.3.1: our answers to the client's non-key extensions. (The order is ours to choose;
 * this is the order of the RFC 8448 traces.)
 */
function encryptedExtensions(config: ServerConfig, ch: ClientHello, n: Negotiation, out: HandshakeOutput): Extension[] {
  const exts: Extension[] = [];
  if (config.advertisedGroups) exts.push({ kind: 'supported_groups', namedGroupList: config.advertisedGroups });
  const rsl = findExtension(ch.extensions, 'record_size_limit');
  if (rsl) {
    // RFC 8449 §4: the client's limit bounds what we send; we answer with ours (the TLS 1.3
    // maximum, 2^14 + 1, unless configured lower).
    out.push({ kind: 'peerRecordSizeLimit', limit: rsl.recordSizeLimit });
    exts.push({ kind: 'record_size_limit', recordSizeLimit: config.recordSizeLimit ?? 2 ** 14 + 1 });
  }
  // RFC 6066 §3: a server that used the name SHALL answer with an empty server_name.
  if (n.serverName !== undefined) exts.push({ kind: 'server_name_ack' });
  if (n.alpnProtocol !== undefined) exts.push({ kind: 'alpn', protocolNameList: [n.alpnProtocol] });
  return exts;
}
