/**
 * @module client-hello
 * Building and sending the client's ClientHello (RFC 8446 §4.1.2), and the second one after a
 * HelloRetryRequest (same hello, with the key share replaced and the cookie echoed).
 *
 * Steps: generateKeyShares → buildClientHello → (resuming: attachPsk) → sendFirstClientHello.
 */
import type { ClientConfig } from '../../config.ts';
import type { KeyShareKeyPair } from '../../crypto/provider.ts';
import { internalError } from '../../errors.ts';
import { suiteById } from '../../crypto/suites.ts';
import { pskBinder } from '../../keyschedule/binder.ts';
import { EarlySecret } from '../../keyschedule/schedule.ts';
import { encodeHandshake } from '../../messages/handshake.ts';
import { pskBindersLen } from '../../messages/extensions/pre-shared-key.ts';
import { obfuscatedTicketAge, type ClientSession } from '../../session/client-cache.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import type { Extension } from '../../messages/extensions/extensions.ts';
import { CertificateStatusType, ExtensionType, HandshakeType, ProtocolVersion, PskKeyExchangeMode } from '../../protocol/registry.ts';
import { Transcript } from '../../transcript.ts';
import type { HandshakeOutput } from '../output.ts';
import { sendMessage } from '../common/send.ts';
import type { ClientExpectServerHello, OfferedPsk } from './state.ts';

/** Starts a handshake: builds and queues the first ClientHello. */
export function startClient(
  config: ClientConfig,
  serverName: string | undefined,
  session: ClientSession | undefined,
  out: HandshakeOutput,
): ClientExpectServerHello {
  const keyShares = config.keyShareGroups.map((g) => generateKeyShare(config, g));
  const random = config.random(32);
  // RFC 8446 Appendix D.4: in compatibility mode the client sends a non-empty
  // legacy_session_id, so middleboxes see what looks like TLS 1.2 resumption.
  const legacySessionId = config.middleboxCompat ? config.random(32) : new Uint8Array(0);
  const built = buildClientHello(config, serverName, random, legacySessionId, keyShares);
  const offeredPsks = offeredPsksFor(config, session);
  // RFC 8446 §4.2.10: 0-RTT only with a ticket that allows it (always the first identity, as
  // the server accepts early data only for that one), and only when asked for.
  const first = offeredPsks[0];
  const early = config.earlyData && first?.session !== undefined && first.session.maxEarlyDataSize > 0;
  const plain: ClientHello = early ? { ...built, extensions: [...built.extensions, { kind: 'early_data' }] } : built;
  const hello = offeredPsks.length > 0 ? attachPsk(config, plain, offeredPsks, undefined) : plain;
  return sendFirstClientHello(config, serverName, hello, keyShares, out, offeredPsks);
}

/** The PSKs to offer: `session`'s ticket (if usable), then the configured external PSK. */
export function offeredPsksFor(config: ClientConfig, session: ClientSession | undefined): OfferedPsk[] {
  const ticket = session ? offerPsk(config, session) : undefined;
  const external = offerExternalPsk(config);
  return [...(ticket ? [ticket] : []), ...(external ? [external] : [])];
}

/**
 * Sends `hello` as our first ClientHello. Exported so a test can drive the client from a
 * ClientHello of its own (the RFC 8448 replays use the trace's exact hello).
 */
export function sendFirstClientHello(
  config: ClientConfig,
  serverName: string | undefined,
  hello: ClientHello,
  keyShares: readonly KeyShareKeyPair[],
  out: HandshakeOutput,
  offeredPsks: readonly OfferedPsk[] = [],
): ClientExpectServerHello {
  const transcript = new Transcript();
  const raw = sendMessage(out, transcript, hello);
  const earlyPsk = hello.extensions.some((e) => e.kind === 'early_data') ? offeredPsks[0] : undefined;
  let sentCompatCcs = false;
  if (earlyPsk?.session) {
    // RFC 8446 Appendix D.4: with early data, the compatibility change_cipher_spec goes right
    // after the ClientHello, before the 0-RTT records.
    if (config.middleboxCompat) out.push({ kind: 'sendCompatCcs' });
    sentCompatCcs = config.middleboxCompat;
    // RFC 8446 §7.1: client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello).
    const hash = config.provider.hash(earlyPsk.suite.hash);
    const clientHelloHash = hash.digest(raw);
    const secret = earlyPsk.earlySecret.clientEarlyTrafficSecret(clientHelloHash);
    const clientRandom = hello.random;
    out.push({ kind: 'secret', name: 'early_secret', secret: earlyPsk.earlySecret.bytes, clientRandom });
    out.push({ kind: 'secret', name: 'client_early_traffic_secret', secret, clientRandom, transcriptHash: clientHelloHash });
    out.push({ kind: 'setWriteKeys', epoch: 'early', suite: earlyPsk.suite, secret });
    out.push({ kind: 'earlyDataOpen', maxLen: earlyPsk.session.maxEarlyDataSize });
  }
  return {
    kind: 'ExpectServerHello',
    config,
    serverName,
    clientRandom: hello.random,
    transcript,
    sentCompatCcs,
    didRetry: false,
    sentEarlyData: earlyPsk?.session !== undefined,
    sentHello: hello,
    keyShares,
    retrySuite: undefined,
    offeredPsks,
  };
}

/** The PSK of `session`, if its suite is one we still offer (RFC 8446 §4.2.11). */
export function offerPsk(config: ClientConfig, session: ClientSession): OfferedPsk | undefined {
  const suite = suiteById(session.cipherSuite);
  if (!suite || !config.cipherSuites.some((s) => s.id === suite.id)) return undefined;
  const earlySecret = EarlySecret.create(config.provider.hash(suite.hash), session.psk);
  return { session, identity: session.ticket, suite, earlySecret, binderKey: earlySecret.resumptionBinderKey() };
}

/**
 * The configured external PSK (RFC 8446 §4.2.11), if one of our suites has its hash: its binder
 * key is the "ext binder" one (RFC 8446 §7.1), so a server cannot take it for a ticket.
 */
export function offerExternalPsk(config: ClientConfig): OfferedPsk | undefined {
  const psk = config.externalPsk;
  const suite = psk && config.cipherSuites.find((s) => s.hash === psk.hash);
  if (!psk || !suite) return undefined;
  const earlySecret = EarlySecret.create(config.provider.hash(suite.hash), psk.key);
  return { session: undefined, identity: psk.identity, suite, earlySecret, binderKey: earlySecret.externalBinderKey() };
}

/**
 * Adds psk_key_exchange_modes (psk_dhe_ke, and psk_ke too with `dangerouslyOfferPskKe`; RFC 8446
 * §4.2.9) and pre_shared_key (last, RFC 8446 §4.2.11) to `hello`, with each binder computed over
 * the hello truncated before the binders list, preceded by `prefix` (the transcript through a
 * HelloRetryRequest) if given (RFC 8446 §4.2.11.2).
 */
export function attachPsk(config: ClientConfig, hello: ClientHello, offered: readonly OfferedPsk[], prefix: Transcript | undefined): ClientHello {
  const now = config.now();
  const identities = offered.map((p) => ({
    identity: p.identity,
    // RFC 8446 §4.2.11: "For identities established externally, an obfuscated_ticket_age of 0
    // SHOULD be used".
    obfuscatedTicketAge: p.session ? obfuscatedTicketAge(p.session, now) : 0,
  }));
  // An existing psk_key_exchange_modes keeps its place (the RFC 8448 §4 hello has it mid-list).
  const base = hello.extensions.filter((e) => e.kind !== 'pre_shared_key_client');
  const modes: Extension[] = base.some((e) => e.kind === 'psk_key_exchange_modes')
    ? []
    : [{ kind: 'psk_key_exchange_modes', keModes: offeredPskModes(config) }];
  const withBinders = (binders: readonly Uint8Array[]): ClientHello => ({
    ...hello,
    extensions: [...base, ...modes, { kind: 'pre_shared_key_client', identities, binders }],
  });
  const placeholders = offered.map((p) => new Uint8Array(config.provider.hash(p.suite.hash).outputLen));
  const raw = encodeHandshake(withBinders(placeholders));
  const truncated = raw.subarray(0, raw.length - pskBindersLen(placeholders));
  const binders = offered.map((p) => {
    const hash = config.provider.hash(p.suite.hash);
    // After a HelloRetryRequest the prefix runs under the HRR suite's hash, which every PSK
    // still offered shares (RFC 8446 §4.1.4).
    const partialHash = prefix ? prefix.hashWith(truncated) : hash.digest(truncated);
    return pskBinder(hash, p.binderKey, partialHash);
  });
  return withBinders(binders);
}

/** RFC 8446 §4.2.9: the modes we offer, psk_dhe_ke first (our preference). */
export function offeredPskModes(config: ClientConfig): number[] {
  return config.dangerouslyOfferPskKe ? [PskKeyExchangeMode.psk_dhe_ke, PskKeyExchangeMode.psk_ke] : [PskKeyExchangeMode.psk_dhe_ke];
}

/** RFC 6066 §8 CertificateStatusRequest: ocsp(1), responder_id_list <0>, request_extensions <0>. */
const OCSP_STATUS_REQUEST: Uint8Array = new Uint8Array([CertificateStatusType.ocsp, 0, 0, 0, 0]);

/** RFC 8446 §4.1.2: the ClientHello for `config`. */
export function buildClientHello(
  config: ClientConfig,
  serverName: string | undefined,
  random: Uint8Array,
  legacySessionId: Uint8Array,
  keyShares: readonly KeyShareKeyPair[],
): ClientHello {
  const extensions: Extension[] = [];
  // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
  if (serverName !== undefined && !isIpLiteral(serverName)) extensions.push({ kind: 'server_name', hostName: serverName });
  extensions.push({ kind: 'supported_groups', namedGroupList: config.groups });
  extensions.push({ kind: 'signature_algorithms', supportedSignatureAlgorithms: config.signatureSchemes });
  if (config.alpnProtocols.length > 0) extensions.push({ kind: 'alpn', protocolNameList: config.alpnProtocols });
  if (config.recordSizeLimit !== undefined) {
    extensions.push({ kind: 'record_size_limit', recordSizeLimit: config.recordSizeLimit });
  }
  // RFC 6066 §8, RFC 8446 §4.4.2.1: ask for a stapled OCSP response (status_type ocsp, no
  // responder ids, no request extensions).
  if (config.requestOcsp) extensions.push({ kind: 'status_request', request: OCSP_STATUS_REQUEST });
  // RFC 8879 §3: the algorithms we decompress the server's Certificate with.
  if (config.certificateCompression.length > 0) {
    extensions.push({ kind: 'compress_certificate', algorithms: config.certificateCompression.map((a) => a.id) });
  }
  // RFC 8446 §4.2.6: an empty post_handshake_auth says we answer CertificateRequests after the handshake.
  if (config.postHandshakeAuth) extensions.push({ kind: 'unknown', type: ExtensionType.post_handshake_auth, data: new Uint8Array(0) });
  // RFC 8446 §4.2.1: a TLS 1.3 ClientHello MUST carry supported_versions; we offer only 1.3.
  extensions.push({ kind: 'supported_versions_client', versions: [ProtocolVersion.TLSv1_3] });
  extensions.push({
    kind: 'key_share_client',
    clientShares: keyShares.map((k) => ({ group: k.group, keyExchange: k.publicKey })),
  });
  return {
    type: HandshakeType.client_hello,
    // RFC 8446 §4.1.2: legacy_version = 0x0303 (TLS 1.2), the real version is in supported_versions.
    legacyVersion: ProtocolVersion.TLSv1_2,
    random,
    legacySessionId,
    cipherSuites: config.cipherSuites.map((s) => s.id),
    // RFC 8446 §4.1.2: exactly one byte, zero.
    legacyCompressionMethods: new Uint8Array([0]),
    extensions,
  };
}

/**
 * RFC 8446 §4.1.2: the second ClientHello repeats the first except that key_share holds one
 * share for the group the HelloRetryRequest chose, the cookie is echoed, and early_data is
 * removed.
 */
export function buildRetryClientHello(
  first: ClientHello,
  share: KeyShareKeyPair | undefined,
  cookie: Uint8Array | undefined,
): ClientHello {
  const extensions: Extension[] = [];
  for (const e of first.extensions) {
    if (e.kind === 'early_data' || e.kind === 'cookie') continue;
    if (e.kind === 'key_share_client' && share !== undefined) {
      if (cookie !== undefined) extensions.push({ kind: 'cookie', cookie });
      extensions.push({ kind: 'key_share_client', clientShares: [{ group: share.group, keyExchange: share.publicKey }] });
      continue;
    }
    if (e.kind === 'key_share_client' && cookie !== undefined) extensions.push({ kind: 'cookie', cookie });
    extensions.push(e);
  }
  return { ...first, extensions };
}

/** A fresh key pair for `group` from the config's provider and random source. */
export function generateKeyShare(config: ClientConfig, group: number): KeyShareKeyPair {
  const kx = config.provider.keyExchange(group);
  if (!kx) throw internalError(`client_hello: provider lacks group 0x${group.toString(16)}`);
  return kx.generate(config.random);
}

/** True for a dotted IPv4 literal or anything containing ':' (IPv6). */
export function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
