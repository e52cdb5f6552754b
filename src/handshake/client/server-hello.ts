/**
 * @module server-hello
 * The client's handling of ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4, §4.2.1,
 * §4.2.8).
 *
 * Steps: checkVersion → checkEcho → (HelloRetryRequest: checkRetry → sendRetryHello) |
 * (ServerHello: checkSuite → computeSharedSecret (none for psk_ke) → deriveHandshakeSecrets →
 * installReadKeys).
 */
import { equalBytes } from '../../bytes/bytes.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import { TlsError, illegalParameter, missingExtension, unexpectedMessage, unsupportedExtension } from '../../errors.ts';
import { EarlySecret } from '../../keyschedule/schedule.ts';
import type { ServerHello } from '../../messages/server-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { AlertDescription, HandshakeType, ProtocolVersion, PskKeyExchangeMode } from '../../protocol/registry.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, requireRecordBoundary, type HandshakeInput } from '../common/input.ts';
import { sendMessage } from '../common/send.ts';
import { attachPsk, buildRetryClientHello, generateKeyShare } from './client-hello.ts';
import type { ClientExpectEncryptedExtensions, ClientExpectServerHello, OfferedPsk } from './state.ts';

export function onServerHello(
  st: ClientExpectServerHello,
  input: HandshakeInput,
  out: HandshakeOutput,
): ClientExpectServerHello | ClientExpectEncryptedExtensions {
  const sh = expectMessage(input, HandshakeType.server_hello, 'client');
  checkVersion(sh);
  // RFC 8446 §4.1.3: "A client which receives a legacy_session_id_echo field that does not match
  // what it sent in the ClientHello MUST abort the handshake with an "illegal_parameter" alert."
  if (!equalBytes(sh.legacySessionIdEcho, st.sentHello.legacySessionId)) {
    throw illegalParameter('server_hello: legacy_session_id_echo does not match');
  }
  // RFC 8446 §4.1.3: legacy_compression_method "MUST have the value 0".
  if (sh.legacyCompressionMethod !== 0) throw illegalParameter('server_hello: non-zero compression method');
  // RFC 8446 §4.1.3: "A client which receives a cipher suite that was not offered MUST abort the
  // handshake with an "illegal_parameter" alert."
  const suite = st.config.cipherSuites.find((s) => s.id === sh.cipherSuite);
  if (!suite) throw illegalParameter('server_hello: cipher suite was not offered');
  checkOnlyKnownExtensions(sh, st.offeredPsks.length > 0);
  return sh.isHelloRetryRequest ? onHelloRetryRequest(st, input, sh, suite, out) : onRealServerHello(st, input, sh, suite, out);
}

/**
 * RFC 8446 §4.2.1: the ServerHello must select TLS 1.3 through supported_versions. A server that
 * does not is negotiating TLS 1.2 or older, which we do not implement: protocol_version. Its
 * random may carry the §4.1.3 downgrade sentinel; either way we stop here.
 */
function checkVersion(sh: ServerHello): void {
  // RFC 8446 Appendix D.5: a ServerHello.legacy_version of 0x0300 (or less) → protocol_version.
  if (sh.legacyVersion <= 0x0300) {
    throw new TlsError(AlertDescription.protocol_version, 'server_hello: legacy_version is SSL 3.0 or older');
  }
  const sv = findExtension(sh.extensions, 'supported_versions_server');
  if (!sv) {
    throw new TlsError(AlertDescription.protocol_version, 'server_hello: server did not negotiate TLS 1.3');
  }
  // RFC 8446 §4.2.1: "If the "supported_versions" extension in the ServerHello contains a version
  // not offered by the client or contains a version prior to TLS 1.3, the client MUST abort the
  // handshake with an "illegal_parameter" alert."
  if (sv.selectedVersion !== ProtocolVersion.TLSv1_3) throw illegalParameter('server_hello: selected version was not offered');
  // RFC 8446 §4.1.3: legacy_version MUST be 0x0303 in TLS 1.3.
  if (sh.legacyVersion !== ProtocolVersion.TLSv1_2) throw illegalParameter('server_hello: legacy_version is not 0x0303');
}

/**
 * RFC 8446 §4.2: extensions in ServerHello/HRR must answer ones we sent; anything else is
 * "unsupported_extension".
 */
function checkOnlyKnownExtensions(sh: ServerHello, offeredPsk: boolean): void {
  for (const e of sh.extensions) {
    if (e.kind === 'unknown') throw unsupportedExtension(`server_hello: unsolicited extension ${e.type}`);
    // RFC 8446 §4.2: pre_shared_key only answers a PSK we offered.
    if (e.kind === 'pre_shared_key_server' && !offeredPsk) throw unsupportedExtension('server_hello: pre_shared_key was not offered');
  }
}

/** RFC 8446 §4.1.4: the server asks for a different key share (and/or returns a cookie). */
function onHelloRetryRequest(
  st: ClientExpectServerHello,
  input: HandshakeInput,
  hrr: ServerHello,
  suite: CipherSuiteInfo,
  out: HandshakeOutput,
): ClientExpectServerHello {
  // RFC 8446 §4.1.4: "If a client receives a second HelloRetryRequest in the same connection
  // ..., it MUST abort the handshake with an "unexpected_message" alert."
  if (st.didRetry) throw unexpectedMessage('hello_retry_request: second HelloRetryRequest');
  const ks = findExtension(hrr.extensions, 'key_share_hrr');
  const cookie = findExtension(hrr.extensions, 'cookie');
  let share;
  if (ks) {
    // RFC 8446 §4.2.8: the selected group must be in supported_groups and must not be one we
    // already sent a share for; otherwise illegal_parameter.
    if (!st.config.groups.includes(ks.selectedGroup)) throw illegalParameter('hello_retry_request: group was not offered');
    if (st.keyShares.some((k) => k.group === ks.selectedGroup)) {
      throw illegalParameter('hello_retry_request: a share for that group was already sent');
    }
    share = generateKeyShare(st.config, ks.selectedGroup);
  }
  // RFC 8446 §4.1.4: "Clients MUST abort the handshake with an "illegal_parameter" alert if the
  // HelloRetryRequest would not result in any change in the ClientHello."
  if (!ks && !cookie) throw illegalParameter('hello_retry_request: asks for no change');
  // RFC 8446 §4.4.1: the transcript restarts with message_hash(ClientHello1), then the HRR.
  const transcript = st.transcript;
  transcript.setHash(st.config.provider.hash(suite.hash));
  transcript.rewriteForHelloRetry();
  transcript.update(input.raw);
  if (st.sentEarlyData) {
    // RFC 8446 §4.2.10: a HelloRetryRequest rejects 0-RTT; the retried ClientHello is plaintext.
    out.push({ kind: 'dropWriteKeys' });
    out.push({ kind: 'earlyDataDone', accepted: false });
  }
  // RFC 8446 Appendix D.4: the client sends its change_cipher_spec before its second flight.
  if (st.config.middleboxCompat && !st.sentCompatCcs) out.push({ kind: 'sendCompatCcs' });
  const retried = buildRetryClientHello(st.sentHello, share, cookie?.cookie);
  // RFC 8446 §4.1.4: a PSK stays only if its hash is the HRR suite's; binders are recomputed
  // over the new transcript (RFC 8446 §4.2.11.2). The others are removed.
  const offeredPsks = st.offeredPsks.filter((p) => p.suite.hash === suite.hash);
  const hello =
    offeredPsks.length > 0
      ? attachPsk(st.config, retried, offeredPsks, transcript)
      : { ...retried, extensions: retried.extensions.filter((e) => e.kind !== 'pre_shared_key_client') };
  sendMessage(out, transcript, hello);
  return {
    ...st,
    transcript,
    sentCompatCcs: st.sentCompatCcs || st.config.middleboxCompat,
    didRetry: true,
    sentEarlyData: false,
    sentHello: hello,
    keyShares: share ? [share] : st.keyShares,
    retrySuite: suite,
    offeredPsks,
  };
}

/** RFC 8446 §4.1.3: the real ServerHello. Derives the handshake secrets (RFC 8446 §7.1). */
function onRealServerHello(
  st: ClientExpectServerHello,
  input: HandshakeInput,
  sh: ServerHello,
  suite: CipherSuiteInfo,
  out: HandshakeOutput,
): ClientExpectEncryptedExtensions {
  // RFC 8446 §4.1.4: "the client MUST check that the cipher suite supplied in the ServerHello is
  // the same as that in the HelloRetryRequest and otherwise abort the handshake with an
  // "illegal_parameter" alert."
  if (st.retrySuite && st.retrySuite.id !== suite.id) throw illegalParameter('server_hello: suite differs from the HelloRetryRequest');
  const ks = findExtension(sh.extensions, 'key_share_server');
  const accepted = acceptedPsk(st, sh, suite);
  const earlySecret = accepted?.earlySecret;
  // Without PSK, key_share is the only way to agree keys (RFC 8446 §4.2.8, §9.2). Without it, a
  // PSK resumption is psk_ke (RFC 8446 §4.2.9: no (EC)DHE), which we accept only if we offered it
  // ("Servers MUST NOT select a key exchange mode that is not listed by the client").
  if (!ks && !(earlySecret !== undefined && offeredPskKe(st))) throw missingExtension('server_hello: no key_share');
  // RFC 8446 §4.2.8: the server's share must be for a group we sent a share for.
  const keyPair = ks ? st.keyShares.find((k) => k.group === ks.serverShare.group) : undefined;
  if (ks && !keyPair) throw illegalParameter('server_hello: key share for a group we did not send');
  const sharedSecret = ks && keyPair ? keyPair.complete(ks.serverShare.keyExchange) : undefined;
  // RFC 8446 §5.1: ServerHello precedes a read-key change, so it must end its record.
  requireRecordBoundary(input, 'server_hello');

  const hash = st.config.provider.hash(suite.hash);
  const transcript = st.transcript;
  if (!transcript.hash) transcript.setHash(hash);
  transcript.update(input.raw);
  const helloHash = transcript.hashNow();
  const early = earlySecret ?? EarlySecret.create(hash);
  const handshakeSecret = early.handshakeSecret(sharedSecret);
  const clientHandshakeTrafficSecret = handshakeSecret.clientHandshakeTrafficSecret(helloHash);
  const serverHandshakeTrafficSecret = handshakeSecret.serverHandshakeTrafficSecret(helloHash);
  const clientRandom = st.clientRandom;
  out.push({ kind: 'secret', name: 'early_secret', secret: early.bytes, clientRandom });
  if (sharedSecret) out.push({ kind: 'secret', name: 'ecdhe_shared_secret', secret: sharedSecret, clientRandom });
  out.push({ kind: 'secret', name: 'handshake_secret', secret: handshakeSecret.bytes, clientRandom });
  out.push({ kind: 'secret', name: 'client_handshake_traffic_secret', secret: clientHandshakeTrafficSecret, clientRandom, transcriptHash: helloHash });
  out.push({ kind: 'secret', name: 'server_handshake_traffic_secret', secret: serverHandshakeTrafficSecret, clientRandom, transcriptHash: helloHash });
  out.push({ kind: 'setReadKeys', epoch: 'handshake', suite, secret: serverHandshakeTrafficSecret });
  // Our write key changes now too, so that an alert we send about the server's flight is
  // protected as the server expects; the compatibility change_cipher_spec is always plaintext.
  // After 0-RTT it stays the early key until our EndOfEarlyData (RFC 8446 §4.5).
  if (!st.sentEarlyData) out.push({ kind: 'setWriteKeys', epoch: 'handshake', suite, secret: clientHandshakeTrafficSecret });
  return {
    kind: 'ExpectEncryptedExtensions',
    config: st.config,
    serverName: st.serverName,
    clientRandom: st.clientRandom,
    transcript,
    sentCompatCcs: st.sentCompatCcs,
    didRetry: st.didRetry,
    sentEarlyData: st.sentEarlyData,
    suite,
    hash,
    group: keyPair?.group ?? 0,
    handshakeSecret,
    clientHandshakeTrafficSecret,
    serverHandshakeTrafficSecret,
    isResumed: accepted !== undefined,
    externalPskIdentity: accepted && !accepted.session ? accepted.identity : undefined,
    sentHello: st.sentHello,
  };
}

/** Whether the ClientHello we sent listed psk_ke (RFC 8446 §4.2.9). */
function offeredPskKe(st: ClientExpectServerHello): boolean {
  const modes = findExtension(st.sentHello.extensions, 'psk_key_exchange_modes');
  return modes?.keModes.includes(PskKeyExchangeMode.psk_ke) ?? false;
}

/**
 * RFC 8446 §4.2.11: "Clients MUST verify that the server's selected_identity is within the range
 * supplied by the client, that the server selected a cipher suite indicating a Hash associated
 * with the PSK ... If these values are not consistent, the client MUST abort the handshake with
 * an "illegal_parameter" alert." Returns the selected PSK, or undefined (full handshake).
 */
function acceptedPsk(st: ClientExpectServerHello, sh: ServerHello, suite: CipherSuiteInfo): OfferedPsk | undefined {
  const selected = findExtension(sh.extensions, 'pre_shared_key_server');
  if (!selected) return undefined;
  const offered = st.offeredPsks[selected.selectedIdentity];
  if (!offered) throw illegalParameter('server_hello: selected_identity out of range');
  if (offered.suite.hash !== suite.hash) throw illegalParameter('server_hello: suite hash differs from the PSK hash');
  return offered;
}
