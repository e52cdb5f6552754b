/**
 * @module finished
 * The client's handling of the server's Finished and its own second flight (RFC 8446 §4.4.4,
 * §4.4.2, Appendix D.4), then the switch to application traffic keys (RFC 8446 §7.1, §7.3).
 *
 * Steps: verifyServerFinished → deriveApplicationSecrets → installReadKeys →
 * (sendCompatCcs) → (if asked: sendCertificate → sendCertificateVerify) → sendClientFinished →
 * installWriteKeys.
 */
import { checkFinished, finishedVerifyData } from '../../keyschedule/finished.ts';
import { CertificateCompressionAlgorithm, HandshakeType, NamedGroup, SignatureScheme, nameOf } from '../../protocol/registry.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, requireRecordBoundary, type HandshakeInput } from '../common/input.ts';
import { sendMessage } from '../common/send.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { ClientExpectFinished } from './state.ts';
import { sendClientAuthentication } from './client-certificate.ts';

export function onServerFinished(st: ClientExpectFinished, input: HandshakeInput, out: HandshakeOutput): TrafficState {
  const fin = expectMessage(input, HandshakeType.finished, 'client');
  const expected = finishedVerifyData(st.hash, st.serverHandshakeTrafficSecret, st.transcript.hashNow());
  // RFC 8446 §4.4.4: the wrong length is decode_error, the wrong value decrypt_error.
  checkFinished(fin.verifyData, expected, 'server');
  // RFC 8446 §5.1: Finished precedes a key change.
  requireRecordBoundary(input, 'finished');
  const { transcript, hash, suite } = st;
  transcript.update(input.raw);

  // RFC 8446 §7.1: application secrets hash the transcript through the server Finished.
  const handshakeHash = transcript.hashNow();
  const master = st.handshakeSecret.masterSecret();
  const clientSecret = master.clientApplicationTrafficSecret0(handshakeHash);
  const serverSecret = master.serverApplicationTrafficSecret0(handshakeHash);
  const exporterMasterSecret = master.exporterMasterSecret(handshakeHash);
  const r = st.clientRandom;
  out.push({ kind: 'secret', name: 'master_secret', secret: master.bytes, clientRandom: r });
  out.push({ kind: 'secret', name: 'client_application_traffic_secret_0', secret: clientSecret, clientRandom: r, transcriptHash: handshakeHash });
  out.push({ kind: 'secret', name: 'server_application_traffic_secret_0', secret: serverSecret, clientRandom: r, transcriptHash: handshakeHash });
  out.push({ kind: 'secret', name: 'exporter_master_secret', secret: exporterMasterSecret, clientRandom: r, transcriptHash: handshakeHash });
  out.push({ kind: 'setReadKeys', epoch: 'application', suite, secret: serverSecret });

  // RFC 8446 Appendix D.4: our one change_cipher_spec goes before our second flight.
  if (st.config.middleboxCompat && !st.sentCompatCcs) out.push({ kind: 'sendCompatCcs' });
  // RFC 8446 §4.5: after accepted 0-RTT, EndOfEarlyData under the early key; then (after any
  // 0-RTT attempt) our handshake key for the rest of the flight.
  if (st.earlyDataAccepted) sendMessage(out, transcript, { type: HandshakeType.end_of_early_data });
  if (st.sentEarlyData) out.push({ kind: 'setWriteKeys', epoch: 'handshake', suite, secret: st.clientHandshakeTrafficSecret });
  // RFC 8446 §4.4.2: asked for a certificate, we send a Certificate (empty when none fits) and,
  // with a certificate, a CertificateVerify (handshake/client/client-certificate.ts).
  if (st.certificateRequest !== undefined) sendClientAuthentication(st.config, st.certificateRequest, transcript, out);
  const verifyData = finishedVerifyData(hash, st.clientHandshakeTrafficSecret, transcript.hashNow());
  sendMessage(out, transcript, { type: HandshakeType.finished, verifyData });
  out.push({ kind: 'setWriteKeys', epoch: 'application', suite, secret: clientSecret });
  const clientFinishedHash = transcript.hashNow();
  const resumptionMasterSecret = master.resumptionMasterSecret(clientFinishedHash);
  out.push({ kind: 'secret', name: 'resumption_master_secret', secret: resumptionMasterSecret, clientRandom: r, transcriptHash: clientFinishedHash });

  const negotiated = {
    version: 'TLSv1.3' as const,
    cipherSuite: suite.name,
    cipherSuiteId: suite.id,
    // Group 0: a psk_ke resumption, without (EC)DHE (RFC 8446 §4.2.9).
    group: st.group === 0 ? 'none' : nameOf(NamedGroup, st.group),
    groupId: st.group,
    signatureScheme: st.isResumed ? 'none' : nameOf(SignatureScheme, st.signatureScheme),
    signatureSchemeId: st.signatureScheme,
    alpnProtocol: st.alpnProtocol,
    serverName: st.serverName,
    didRetry: st.didRetry,
    isResumed: st.isResumed,
    peerCertificates: st.peerCertificates,
    ...(st.ocspResponse !== undefined ? { ocspResponse: st.ocspResponse } : {}),
    ...(st.certificateCompression !== undefined ? { certificateCompression: nameOf(CertificateCompressionAlgorithm, st.certificateCompression) } : {}),
    ...(st.externalPskIdentity !== undefined ? { externalPskIdentity: st.externalPskIdentity } : {}),
  };
  out.push({ kind: 'handshakeDone', negotiated });
  return {
    kind: 'Traffic',
    side: 'client',
    suite,
    hash,
    readSecret: serverSecret,
    writeSecret: clientSecret,
    exporterMasterSecret,
    resumptionMasterSecret,
    negotiated,
    updateRequested: false,
    ...(st.config.postHandshakeAuth ? { postHandshakeAuth: { side: 'client' as const, config: st.config, transcript } } : {}),
  };
}
