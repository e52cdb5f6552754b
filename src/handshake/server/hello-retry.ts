/**
 * @module hello-retry
 * Sending a HelloRetryRequest (RFC 8446 §4.1.4): when the client sent no key share for the
 * group we chose, we name the group and the client tries again. The transcript restarts with
 * message_hash(ClientHello1) (RFC 8446 §4.4.1). 0-RTT data sent with the first hello is rejected
 * and skipped (RFC 8446 §4.2.10).
 */
import type { ServerConfig } from '../../config.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../messages/server-hello.ts';
import { HandshakeType, ProtocolVersion } from '../../protocol/registry.ts';
import type { Transcript } from '../../transcript.ts';
import type { CertifiedKey } from '../../x509/certified-key.ts';
import type { HandshakeOutput } from '../output.ts';
import { sendMessage } from '../common/send.ts';
import { rejectEarlyData } from './server-flight.ts';
import type { ServerExpectRetriedClientHello } from './state.ts';

export function sendHelloRetryRequest(
  config: ServerConfig,
  ch: ClientHello,
  suite: CipherSuiteInfo,
  group: number,
  transcript: Transcript,
  certificates: readonly CertifiedKey[] | undefined,
  out: HandshakeOutput,
): ServerExpectRetriedClientHello {
  transcript.rewriteForHelloRetry();
  // RFC 8446 §4.2.2: a cookie the client must echo in its second ClientHello. We keep the state
  // ourselves, so the cookie is a random value: it proves the client received our HRR.
  const cookie = config.random(COOKIE_LEN);
  sendMessage(out, transcript, {
    type: HandshakeType.server_hello,
    isHelloRetryRequest: true,
    legacyVersion: ProtocolVersion.TLSv1_2,
    random: HELLO_RETRY_REQUEST_RANDOM,
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: suite.id,
    legacyCompressionMethod: 0,
    extensions: [
      { kind: 'key_share_hrr', selectedGroup: group },
      { kind: 'cookie', cookie },
      { kind: 'supported_versions_server', selectedVersion: ProtocolVersion.TLSv1_3 },
    ],
  });
  // RFC 8446 Appendix D.4: the server sends its change_cipher_spec right after its first
  // handshake message when the client asked for compatibility mode (non-empty session id).
  const sentCompatCcs = ch.legacySessionId.length > 0;
  if (sentCompatCcs) out.push({ kind: 'sendCompatCcs' });
  // RFC 8446 §4.2.10: "Request that the client send another ClientHello by responding with a
  // HelloRetryRequest. ... The server then ignores early data by skipping all records with an
  // external content type of "application_data" (indicating that they are encrypted), up to the
  // configured max_early_data_size."
  if (findExtension(ch.extensions, 'early_data')) rejectEarlyData(config, out);
  return { kind: 'ExpectRetriedClientHello', config, firstHello: ch, suite, group, cookie, transcript, sentCompatCcs, certificates };
}

const COOKIE_LEN = 32;
