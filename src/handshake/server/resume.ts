/**
 * @module resume
 * The server's choice of a PSK (RFC 8446 §4.2.9, §4.2.11, §4.6.1): the first offered identity
 * that is one of our tickets, still valid, for a suite with the negotiated hash and the same
 * server name, or an external PSK that `config.externalPsk` knows with the negotiated hash, wins;
 * its binder ("res binder" or "ext binder" key, RFC 8446 §7.1) must then verify (in constant
 * time) over the ClientHello truncated before the binders (RFC 8446 §4.2.11.2). A ticket we
 * cannot open, an expired or foreign one, an unknown identity, is not an error: the handshake
 * falls back to a full one (issue 4).
 *
 * Steps: pskOffer (chooseMode) → per identity: openTicket (or the caller's answer, pauseFor.session)
 * → tryIdentity (validate a ticket, or externalPskFor; verifyBinder).
 */
import { equalConstantTime, utf8, equalBytes } from '../../bytes/bytes.ts';
import { validExternalPskKey, type ServerConfig } from '../../config.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import { suiteById } from '../../crypto/suites.ts';
import { decryptError, internalError } from '../../errors.ts';
import { pskBinder } from '../../keyschedule/binder.ts';
import { EarlySecret } from '../../keyschedule/schedule.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { pskBindersLen } from '../../messages/extensions/pre-shared-key.ts';
import { PskKeyExchangeMode } from '../../protocol/registry.ts';
import { isRemoteSessionStore } from '../../session/store.ts';
import { decodeTicketState, isTicketValid, type TicketState } from '../../session/ticket.ts';
import type { Transcript } from '../../transcript.ts';

/** The PSK the server resumes with. */
export interface AcceptedPsk {
  /** RFC 8446 §4.2.9: psk_dhe_ke (with the client's key share) or psk_ke (no (EC)DHE at all). */
  readonly mode: 'psk_dhe_ke' | 'psk_ke';
  readonly selectedIdentity: number;
  readonly earlySecret: EarlySecret;
  /** The ticket's contents; undefined for an external PSK. */
  readonly state: TicketState | undefined;
  /** The external PSK's identity; undefined for a ticket. */
  readonly externalIdentity: Uint8Array | undefined;
  readonly obfuscatedTicketAge: number;
}

/** The PSK identities of a ClientHello worth trying, and what a try needs (RFC 8446 §4.2.11). */
export interface PskOffer {
  readonly mode: AcceptedPsk['mode'];
  /** Identities to try, in the client's order, at most MAX_IDENTITIES_TRIED. */
  readonly identities: readonly Uint8Array[];
  readonly obfuscatedAges: readonly number[];
  readonly binders: readonly Uint8Array[];
  /** The ClientHello as received, header included. */
  readonly raw: Uint8Array;
  readonly suite: CipherSuiteInfo;
  readonly serverName: string | undefined;
  /** The transcript before this ClientHello (after a HelloRetryRequest), or undefined. */
  readonly prefix: Transcript | undefined;
}

/**
 * The identities to try, or undefined when no PSK can be accepted (none offered, no usable mode).
 * @param haveShare whether we have a key share of the client's to answer (psk_dhe_ke possible)
 */
export function pskOffer(
  config: ServerConfig,
  ch: ClientHello,
  raw: Uint8Array,
  suite: CipherSuiteInfo,
  serverName: string | undefined,
  prefix: Transcript | undefined,
  haveShare: boolean,
): PskOffer | undefined {
  const offered = findExtension(ch.extensions, 'pre_shared_key_client');
  if (!offered) return undefined;
  const mode = chooseMode(config, ch, haveShare);
  if (!mode) return undefined;
  const tried = offered.identities.slice(0, MAX_IDENTITIES_TRIED);
  return {
    mode,
    identities: tried.map((id) => id.identity),
    obfuscatedAges: tried.map((id) => id.obfuscatedTicketAge),
    binders: offered.binders,
    raw,
    suite,
    serverName,
    prefix,
  };
}

/**
 * Synchronous selection: the first identity whose session `config` holds (sealed ticket or
 * `sessionStore.take`) and that `tryIdentity` accepts; undefined for a full handshake.
 * @throws TlsError decrypt_error when the chosen identity's binder does not verify
 */
export function selectPsk(config: ServerConfig, offer: PskOffer | undefined): AcceptedPsk | undefined {
  if (!offer) return undefined;
  const now = config.now();
  for (let i = 0; i < offer.identities.length; i++) {
    const psk = tryIdentity(config, offer, i, openTicket(config, offer.identities[i] as Uint8Array, now));
    if (psk) return psk;
  }
  return undefined;
}

/**
 * Identity `i` with its session state `plain` (undefined: not ours, unknown or already taken):
 * the accepted PSK, or undefined when the state does not qualify.
 * @throws TlsError decrypt_error when the binder does not verify
 */
export function tryIdentity(config: ServerConfig, offer: PskOffer, i: number, plain: Uint8Array | undefined): AcceptedPsk | undefined {
  const state = plain === undefined ? undefined : decodeTicketState(plain);
  const suite = offer.suite;
  const obfuscatedTicketAge = offer.obfuscatedAges[i] as number;
  if (state === undefined) {
    // Not one of our tickets: perhaps an external PSK (RFC 8446 §4.2.11).
    const identity = offer.identities[i] as Uint8Array;
    const key = externalPskFor(config, identity, suite);
    if (key === undefined) return undefined;
    const earlySecret = EarlySecret.create(config.provider.hash(suite.hash), key);
    verifyBinder(config, suite, earlySecret.externalBinderKey(), offer.binders, i, offer.raw, offer.prefix);
    return { mode: offer.mode, selectedIdentity: i, earlySecret, state: undefined, externalIdentity: identity, obfuscatedTicketAge };
  }
  if (!isTicketValid(state, config.now())) return undefined;
  // RFC 8446 §4.2.11: the PSK's hash must be the selected suite's hash.
  if (suiteById(state.cipherSuite)?.hash !== suite.hash) return undefined;
  // A ticket is only good for the server name it was issued under (RFC 8446 §4.2.11 leaves
  // this to the server; resuming across names would bypass certificate selection).
  if (!equalBytes(state.serverName, utf8(offer.serverName ?? ''))) return undefined;
  // With client authentication required, only a ticket from an authenticated handshake will
  // do: resuming an unauthenticated session would bypass the client certificate check.
  if (config.clientAuth?.mode === 'required' && state.clientIdentity.length === 0) return undefined;
  const earlySecret = EarlySecret.create(config.provider.hash(suite.hash), state.psk);
  verifyBinder(config, suite, earlySecret.resumptionBinderKey(), offer.binders, i, offer.raw, offer.prefix);
  return { mode: offer.mode, selectedIdentity: i, earlySecret, state, externalIdentity: undefined, obfuscatedTicketAge };
}

/**
 * The key of the external PSK `identity` (RFC 8446 §4.2.11), if the application knows it and its
 * hash is the negotiated suite's ("Each PSK is associated with a single Hash algorithm").
 * @throws TlsError internal_error when the hook returns a malformed key
 */
function externalPskFor(config: ServerConfig, identity: Uint8Array, suite: CipherSuiteInfo): Uint8Array | undefined {
  const found = config.externalPsk?.(identity);
  if (found === undefined || found === null) return undefined;
  let valid;
  try {
    valid = validExternalPskKey(found, 'serverConfig.externalPsk');
  } catch (e) {
    throw internalError(e instanceof Error ? e.message : String(e));
  }
  return valid.hash === suite.hash ? valid.key : undefined;
}

/**
 * RFC 8446 §4.2.9: the key exchange mode to resume with. psk_dhe_ke (with (EC)DHE) keeps forward
 * secrecy and is always preferred when the client offers it and sent a share we can answer.
 * psk_ke only with `dangerouslyAllowPskKe`: when it is the client's only mode, or when both are
 * offered but no usable share was sent (a psk_ke resumption instead of a HelloRetryRequest: the
 * client chose to send no usable share and listed psk_ke; the binder stops anyone else from
 * removing its shares). Otherwise no mode: a full handshake.
 */
function chooseMode(config: ServerConfig, ch: ClientHello, haveShare: boolean): AcceptedPsk['mode'] | undefined {
  const modes = findExtension(ch.extensions, 'psk_key_exchange_modes')?.keModes ?? [];
  if (haveShare && modes.includes(PskKeyExchangeMode.psk_dhe_ke)) return 'psk_dhe_ke';
  if (config.dangerouslyAllowPskKe && modes.includes(PskKeyExchangeMode.psk_ke)) return 'psk_ke';
  return undefined;
}

/**
 * A stateless ticket is opened with the epoch keys; a stateful one is taken from the store (a
 * remote store is never reached here: config.ts turns on pauseFor.session for it).
 */
function openTicket(config: ServerConfig, identity: Uint8Array, now: number): Uint8Array | undefined {
  const store = config.sessionStore;
  if (store === undefined) return config.ticketKeys.open(identity, now);
  return isRemoteSessionStore(store) ? undefined : store.take(identity);
}

/**
 * RFC 8446 §4.2.11: "Prior to accepting PSK key establishment, the server MUST validate the
 * corresponding binder value ... If this value is not present or does not validate, the server
 * MUST abort the handshake." §4.2.11.2: the binder covers the transcript up to and including
 * the identities (the ClientHello without its binders list).
 */
function verifyBinder(
  config: ServerConfig,
  suite: CipherSuiteInfo,
  binderKey: Uint8Array,
  binders: readonly Uint8Array[],
  index: number,
  raw: Uint8Array,
  prefix: Transcript | undefined,
): void {
  const hash = config.provider.hash(suite.hash);
  const truncated = raw.subarray(0, raw.length - pskBindersLen(binders));
  const partialHash = prefix ? prefix.hashWith(truncated) : hash.digest(truncated);
  const expected = pskBinder(hash, binderKey, partialHash);
  const binder = binders[index];
  if (binder === undefined || !equalConstantTime(binder, expected)) throw decryptError('client_hello: PSK binder does not verify');
}

/** DoS bound: identities tried per ClientHello (each costs an AEAD open or a store lookup). */
const MAX_IDENTITIES_TRIED = 8;
