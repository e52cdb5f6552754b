/**
 * @module client-hello
 * The server's handling of ClientHello, first or retried (RFC 8446 §4.1.2, §4.1.4).
 *
 * Steps: negotiate → (no usable key share: selectPsk for psk_ke, else sendHelloRetryRequest) |
 * (checkRetriedHello) → selectPsk (resumption, RFC 8446 §4.2.11) → sendServerFlight.
 */
import { equalBytes } from '../../bytes/bytes.ts';
import { illegalParameter, internalError } from '../../errors.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import { Transcript } from '../../transcript.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, requireRecordBoundary, type HandshakeInput } from '../common/input.ts';
import { sendHelloRetryRequest } from './hello-retry.ts';
import { negotiate } from './negotiate.ts';
import { selectPsk } from './resume.ts';
import { sendServerFlight } from './server-flight.ts';
import type { ServerExpectCertificate, ServerExpectClientHello, ServerExpectEndOfEarlyData, ServerExpectFinished, ServerExpectRetriedClientHello } from './state.ts';

export function onClientHello(
  st: ServerExpectClientHello,
  input: HandshakeInput,
  out: HandshakeOutput,
): ServerExpectRetriedClientHello | ServerExpectFinished | ServerExpectEndOfEarlyData | ServerExpectCertificate {
  const ch = expectMessage(input, HandshakeType.client_hello, 'server');
  const n = negotiate(st.config, ch);
  const transcript = new Transcript();
  transcript.setHash(st.config.provider.hash(n.suite.hash));
  transcript.update(input.raw);
  // Without a share to answer, a psk_ke resumption (RFC 8446 §4.2.9, only with
  // dangerouslyAllowPskKe) needs none; else a HelloRetryRequest asks for one. The ticket checks
  // do not depend on what a retry changes, so a ticket taken here would fail the retry too.
  const psk = selectPsk(st.config, ch, input.raw, n.suite, n.serverName, undefined, n.clientShare !== undefined);
  if (n.clientShare === undefined && psk === undefined) {
    // RFC 8446 §9.2: without a PSK, key_share and supported_groups are required.
    if (n.group === undefined) throw n.noGroup ?? internalError('server: no group and no error');
    return sendHelloRetryRequest(st.config, ch, n.suite, n.group, transcript, out);
  }
  // RFC 8446 §5.1: our handshake read key changes after the ClientHello.
  requireRecordBoundary(input, 'client_hello');
  return sendServerFlight(st.config, ch, n, n.clientShare, transcript, false, false, psk, out);
}

export function onRetriedClientHello(
  st: ServerExpectRetriedClientHello,
  input: HandshakeInput,
  out: HandshakeOutput,
): ServerExpectFinished | ServerExpectEndOfEarlyData | ServerExpectCertificate {
  const ch = expectMessage(input, HandshakeType.client_hello, 'server');
  checkRetriedHello(st.firstHello, ch);
  // RFC 8446 §4.2.2: the client must return the cookie from our HelloRetryRequest unchanged.
  const cookie = findExtension(ch.extensions, 'cookie');
  if (!cookie || !equalBytes(cookie.cookie, st.cookie)) throw illegalParameter('client_hello: cookie not echoed');
  const n = negotiate(st.config, ch);
  // RFC 8446 §4.1.4: the server's choices stand: the same suite, and a share for the group the
  // HelloRetryRequest named ("... MUST verify that the selected NamedGroup ... is the same").
  if (n.suite.id !== st.suite.id) throw illegalParameter('client_hello: retried hello changes the cipher suite choice');
  const share = findExtension(ch.extensions, 'key_share_client')?.clientShares.find((s) => s.group === st.group);
  // RFC 8446 §4.2.8: after a HelloRetryRequest the client's share must be for the selected group.
  if (!share) throw illegalParameter('client_hello: retried hello lacks a share for the requested group');
  requireRecordBoundary(input, 'client_hello');
  // RFC 8446 §4.2.11.2: after a HelloRetryRequest the binder covers ClientHello1's hash, the HRR
  // and the truncated ClientHello2.
  const psk = selectPsk(st.config, ch, input.raw, n.suite, n.serverName, st.transcript, true);
  st.transcript.update(input.raw);
  return sendServerFlight(st.config, ch, { ...n, group: st.group }, share, st.transcript, true, st.sentCompatCcs, psk, out);
}

/**
 * RFC 8446 §4.1.2: the second ClientHello must be the first with only key_share, cookie,
 * early_data (removed), pre_shared_key and padding changed. We check the fields that carry the
 * negotiation; an attacker gains nothing by changing the others, which we re-negotiate anyway.
 */
function checkRetriedHello(first: ClientHello, second: ClientHello): void {
  if (!equalBytes(first.random, second.random)) throw illegalParameter('client_hello: retried hello changes random');
  if (!equalBytes(first.legacySessionId, second.legacySessionId)) {
    throw illegalParameter('client_hello: retried hello changes legacy_session_id');
  }
  if (first.cipherSuites.join() !== second.cipherSuites.join()) {
    throw illegalParameter('client_hello: retried hello changes cipher_suites');
  }
  // RFC 8446 §4.2.10: "A client MUST NOT include the "early_data" extension in its followup
  // ClientHello."
  if (findExtension(second.extensions, 'early_data')) throw illegalParameter('client_hello: early_data after HelloRetryRequest');
}
