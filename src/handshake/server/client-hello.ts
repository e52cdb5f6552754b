/**
 * @module client-hello
 * The server's handling of ClientHello, first or retried (RFC 8446 §4.1.2, §4.1.4).
 *
 * Steps: (pause for the caller's certificate: pauseFor.certificate) → negotiate → (checkRetriedHello)
 * → choosePsk (resumption, RFC 8446 §4.2.11; per identity, pause for the caller's session:
 * pauseFor.session) → afterPsk: (no usable key share: sendHelloRetryRequest) | sendServerFlight.
 */
import { equalBytes, fromUtf8 } from '../../bytes/bytes.ts';
import { illegalParameter, internalError } from '../../errors.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import { Transcript } from '../../transcript.ts';
import type { CertifiedKey } from '../../x509/certified-key.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, requireRecordBoundary, type HandshakeInput } from '../common/input.ts';
import { sendHelloRetryRequest } from './hello-retry.ts';
import { negotiate } from './negotiate.ts';
import { pskOffer, selectPsk, tryIdentity, type AcceptedPsk, type PskOffer } from './resume.ts';
import { maxInputWhilePaused, sendServerFlight } from './server-flight.ts';
import type {
  NegotiatedHello,
  ServerAwaitCertificate,
  ServerAwaitSession,
  ServerExpectClientHello,
  ServerExpectRetriedClientHello,
  ServerState,
} from './state.ts';

export function onClientHello(st: ServerExpectClientHello, input: HandshakeInput, out: HandshakeOutput): ServerState {
  const ch = expectMessage(input, HandshakeType.client_hello, 'server');
  if (!st.config.pauseFor.certificate) return negotiateHello(st, ch, input, undefined, out);
  const alpn = findExtension(ch.extensions, 'alpn');
  out.push({
    kind: 'ask',
    question: {
      kind: 'needCertificate',
      serverName: findExtension(ch.extensions, 'server_name')?.hostName,
      signatureSchemes: findExtension(ch.extensions, 'signature_algorithms')?.supportedSignatureAlgorithms ?? [],
      // Names that are not UTF-8 cannot be reported as strings; they are left out.
      alpnProtocols: alpn?.protocolNameList.flatMap((p) => fromUtf8(p) ?? []) ?? [],
    },
    maxBufferedInput: maxInputWhilePaused(st.config),
  });
  return { kind: 'AwaitCertificate', config: st.config, ch, input };
}

/** The caller chose the certificate (undefined: the config's own choice). */
export function resumeWithCertificate(st: ServerAwaitCertificate, certificates: readonly CertifiedKey[] | undefined, out: HandshakeOutput): ServerState {
  return negotiateHello(st, st.ch, st.input, certificates, out);
}

function negotiateHello(
  st: { readonly config: ServerExpectClientHello['config'] },
  ch: ClientHello,
  input: HandshakeInput,
  certificates: readonly CertifiedKey[] | undefined,
  out: HandshakeOutput,
): ServerState {
  const n = negotiate(st.config, ch, certificates);
  const transcript = new Transcript();
  transcript.setHash(st.config.provider.hash(n.suite.hash));
  transcript.update(input.raw);
  // Without a share to answer, a psk_ke resumption (RFC 8446 §4.2.9, only with
  // dangerouslyAllowPskKe) needs none; else a HelloRetryRequest asks for one. The ticket checks
  // do not depend on what a retry changes, so a ticket taken here would fail the retry too.
  const hello: NegotiatedHello = { config: st.config, ch, input, n, certificates, transcript, retry: undefined };
  return choosePsk(hello, pskOffer(st.config, ch, input.raw, n.suite, n.serverName, undefined, n.clientShare !== undefined), out);
}

export function onRetriedClientHello(st: ServerExpectRetriedClientHello, input: HandshakeInput, out: HandshakeOutput): ServerState {
  const ch = expectMessage(input, HandshakeType.client_hello, 'server');
  checkRetriedHello(st.firstHello, ch);
  // RFC 8446 §4.2.2: the client must return the cookie from our HelloRetryRequest unchanged.
  const cookie = findExtension(ch.extensions, 'cookie');
  if (!cookie || !equalBytes(cookie.cookie, st.cookie)) throw illegalParameter('client_hello: cookie not echoed');
  const n = negotiate(st.config, ch, st.certificates);
  // RFC 8446 §4.1.4: the server's choices stand: the same suite, and a share for the group the
  // HelloRetryRequest named ("... MUST verify that the selected NamedGroup ... is the same").
  if (n.suite.id !== st.suite.id) throw illegalParameter('client_hello: retried hello changes the cipher suite choice');
  const share = findExtension(ch.extensions, 'key_share_client')?.clientShares.find((s) => s.group === st.group);
  // RFC 8446 §4.2.8: after a HelloRetryRequest the client's share must be for the selected group.
  if (!share) throw illegalParameter('client_hello: retried hello lacks a share for the requested group');
  requireRecordBoundary(input, 'client_hello');
  const hello: NegotiatedHello = {
    config: st.config,
    ch,
    input,
    n,
    certificates: st.certificates,
    transcript: st.transcript,
    retry: { group: st.group, share, sentCompatCcs: st.sentCompatCcs },
  };
  // RFC 8446 §4.2.11.2: after a HelloRetryRequest the binder covers ClientHello1's hash, the HRR
  // and the truncated ClientHello2.
  return choosePsk(hello, pskOffer(st.config, ch, input.raw, n.suite, n.serverName, st.transcript, true), out);
}

/** Synchronously from the config, or by asking the caller for each identity's session. */
function choosePsk(hello: NegotiatedHello, offer: PskOffer | undefined, out: HandshakeOutput): ServerState {
  if (offer === undefined || !hello.config.pauseFor.session) return afterPsk(hello, selectPsk(hello.config, offer), out);
  return askSession(hello, offer, 0, out);
}

function askSession(hello: NegotiatedHello, offer: PskOffer, index: number, out: HandshakeOutput): ServerAwaitSession {
  const identity = offer.identities[index] as Uint8Array;
  out.push({ kind: 'ask', question: { kind: 'needSession', identity }, maxBufferedInput: maxInputWhilePaused(hello.config) });
  return { kind: 'AwaitSession', hello, offer, index };
}

/**
 * The caller's answer for the identity asked (undefined: no such session): accepted, or the next
 * identity is asked, or a full handshake.
 */
export function resumeWithSession(st: ServerAwaitSession, plain: Uint8Array | undefined, out: HandshakeOutput): ServerState {
  const psk = tryIdentity(st.hello.config, st.offer, st.index, plain);
  if (psk !== undefined) return afterPsk(st.hello, psk, out);
  if (st.index + 1 < st.offer.identities.length) return askSession(st.hello, st.offer, st.index + 1, out);
  return afterPsk(st.hello, undefined, out);
}

function afterPsk(hello: NegotiatedHello, psk: AcceptedPsk | undefined, out: HandshakeOutput): ServerState {
  const { config, ch, input, n, transcript, retry } = hello;
  if (retry !== undefined) {
    transcript.update(input.raw);
    return sendServerFlight(config, ch, { ...n, group: retry.group }, retry.share, transcript, true, retry.sentCompatCcs, psk, out);
  }
  // No PSK and no certificate (a server with external PSKs only): nothing to authenticate with.
  if (psk === undefined && n.clientShare !== undefined && n.noCertificate) throw n.noCertificate;
  if (n.clientShare === undefined && psk === undefined) {
    // RFC 8446 §9.2: without a PSK, key_share and supported_groups are required.
    if (n.group === undefined) throw n.noGroup ?? internalError('server: no group and no error');
    return sendHelloRetryRequest(config, ch, n.suite, n.group, transcript, hello.certificates, out);
  }
  // RFC 8446 §5.1: our handshake read key changes after the ClientHello.
  requireRecordBoundary(input, 'client_hello');
  return sendServerFlight(config, ch, n, n.clientShare, transcript, false, false, psk, out);
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
