/**
 * @module server-flight
 * The server's first flight (RFC 8446 §4.1.3, §4.3.1, §4.4.2-§4.4.4): ServerHello in the clear,
 * then EncryptedExtensions, Certificate, CertificateVerify and Finished under the handshake key;
 * then the application write key (RFC 8446 §7.1).
 *
 * Steps: answerKeyShare → sendServerHello → (sendCompatCcs) → deriveHandshakeSecrets →
 * sendEncryptedExtensions → sendCertificate → sendCertificateVerify → sendFinished →
 * deriveApplicationSecrets.
 */
import type { ServerConfig } from '../../config.ts';
import { internalError } from '../../errors.ts';
import type { KeyShareEntry, Extension } from '../../messages/extensions/extensions.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { EarlySecret } from '../../keyschedule/schedule.ts';
import { finishedVerifyData } from '../../keyschedule/finished.ts';
import { HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme, nameOf } from '../../protocol/registry.ts';
import type { Transcript } from '../../transcript.ts';
import type { HandshakeOutput } from '../output.ts';
import { KeyLogLabel } from '../common/key-log.ts';
import { sendMessage } from '../common/send.ts';
import { certificateVerifyContent } from '../common/signature-content.ts';
import type { Negotiated } from '../negotiated.ts';
import { alpnText, type Negotiation } from './negotiate.ts';
import type { ServerExpectFinished } from './state.ts';

export function sendServerFlight(
  config: ServerConfig,
  ch: ClientHello,
  n: Negotiation,
  clientShare: KeyShareEntry,
  transcript: Transcript,
  didRetry: boolean,
  sentCompatCcs: boolean,
  out: HandshakeOutput,
): ServerExpectFinished {
  const { suite } = n;
  const hash = config.provider.hash(suite.hash);
  const kx = config.provider.keyExchange(n.group);
  if (!kx) throw internalError('server: negotiated a group the provider lacks');
  // RFC 8446 §4.2.8: our share for the client's group; for a KEM group this encapsulates.
  const { share, sharedSecret } = kx.respond(clientShare.keyExchange, config.random);

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
      { kind: 'key_share_server', serverShare: { group: n.group, keyExchange: share } },
      { kind: 'supported_versions_server', selectedVersion: ProtocolVersion.TLSv1_3 },
    ],
  });
  // RFC 8446 Appendix D.4: change_cipher_spec after our first handshake message, if the client
  // asked for compatibility mode and we have not sent one with a HelloRetryRequest.
  if (ch.legacySessionId.length > 0 && !sentCompatCcs) out.push({ kind: 'sendCompatCcs' });

  // RFC 8446 §7.1: handshake secrets over ClientHello..ServerHello.
  const helloHash = transcript.hashNow();
  const handshakeSecret = EarlySecret.create(hash).handshakeSecret(sharedSecret);
  const clientHandshakeTrafficSecret = handshakeSecret.clientHandshakeTrafficSecret(helloHash);
  const serverHandshakeTrafficSecret = handshakeSecret.serverHandshakeTrafficSecret(helloHash);
  const clientRandom = ch.random;
  out.push({ kind: 'keyLog', label: KeyLogLabel.clientHandshakeTrafficSecret, clientRandom, secret: clientHandshakeTrafficSecret });
  out.push({ kind: 'keyLog', label: KeyLogLabel.serverHandshakeTrafficSecret, clientRandom, secret: serverHandshakeTrafficSecret });
  out.push({ kind: 'setWriteKeys', epoch: 'handshake', suite, secret: serverHandshakeTrafficSecret });
  out.push({ kind: 'setReadKeys', epoch: 'handshake', suite, secret: clientHandshakeTrafficSecret });
  // RFC 8446 §4.2.10: early data we do not accept is skipped (the connection trial-decrypts).
  if (findExtension(ch.extensions, 'early_data')) out.push({ kind: 'skipEarlyData' });

  sendMessage(out, transcript, { type: HandshakeType.encrypted_extensions, extensions: encryptedExtensions(config, ch, n, out) });
  sendMessage(out, transcript, {
    type: HandshakeType.certificate,
    // RFC 8446 §4.4.2: "in the case of server authentication, this field SHALL be zero length".
    certificateRequestContext: new Uint8Array(0),
    certificateList: n.certified.chain.map((certData) => ({ certData, extensions: [] })),
  });
  // RFC 8446 §4.4.3: sign the transcript through Certificate with the server context string.
  const signed = certificateVerifyContent('server', transcript.hashNow());
  sendMessage(out, transcript, {
    type: HandshakeType.certificate_verify,
    algorithm: n.signatureScheme,
    signature: n.certified.key.sign(n.signatureScheme, signed, config.random),
  });
  // RFC 8446 §4.4.4: Finished with the server's handshake traffic secret.
  const verifyData = finishedVerifyData(hash, serverHandshakeTrafficSecret, transcript.hashNow());
  sendMessage(out, transcript, { type: HandshakeType.finished, verifyData });

  // RFC 8446 §7.1: application secrets over ClientHello..server Finished.
  const handshakeHash = transcript.hashNow();
  const masterSecret = handshakeSecret.masterSecret();
  const clientApplicationTrafficSecret = masterSecret.clientApplicationTrafficSecret0(handshakeHash);
  const serverApplicationTrafficSecret = masterSecret.serverApplicationTrafficSecret0(handshakeHash);
  const exporterMasterSecret = masterSecret.exporterMasterSecret(handshakeHash);
  out.push({ kind: 'keyLog', label: KeyLogLabel.clientApplicationTrafficSecret0, clientRandom, secret: clientApplicationTrafficSecret });
  out.push({ kind: 'keyLog', label: KeyLogLabel.serverApplicationTrafficSecret0, clientRandom, secret: serverApplicationTrafficSecret });
  out.push({ kind: 'keyLog', label: KeyLogLabel.exporterMasterSecret, clientRandom, secret: exporterMasterSecret });
  // RFC 8446 §4.4.4 / Appendix A.2: the server may send application data right after its
  // Finished; the client's Finished still arrives under the handshake key.
  out.push({ kind: 'setWriteKeys', epoch: 'application', suite, secret: serverApplicationTrafficSecret });

  const negotiated: Negotiated = {
    version: 'TLSv1.3',
    cipherSuite: suite.name,
    cipherSuiteId: suite.id,
    group: nameOf(NamedGroup, n.group),
    groupId: n.group,
    signatureScheme: nameOf(SignatureScheme, n.signatureScheme),
    signatureSchemeId: n.signatureScheme,
    alpnProtocol: alpnText(n.alpnProtocol),
    serverName: n.serverName,
    didRetry,
    isResumed: false,
    peerCertificates: [],
  };
  return {
    kind: 'ExpectFinished',
    config,
    suite,
    hash,
    transcript,
    clientRandom,
    clientHandshakeTrafficSecret,
    masterSecret,
    clientApplicationTrafficSecret,
    serverApplicationTrafficSecret,
    exporterMasterSecret,
    negotiated,
  };
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
