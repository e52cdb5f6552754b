/**
 * @module config
 * `ClientConfig` and `ServerConfig`: what a connection is allowed to negotiate, with every
 * default in one place. A config is validated once and then shared, read-only, by any number of
 * connections. Randomness and the clock are injected here, so a run can be made deterministic.
 */
import { aString } from './bytes/assert.ts';
import { utf8 } from './bytes/bytes.ts';
import type { CertificateCompressor } from './compression/algorithm.ts';
import { CompressedCertificateCache } from './compression/cache.ts';
import type { CryptoProvider, RandomSource } from './crypto/provider.ts';
import { DEFAULT_SUITES, suiteById, type CipherSuiteInfo } from './crypto/suites.ts';
import { MAX_PLAINTEXT_LEN, MAX_RECORD_SIZE_LIMIT, MIN_RECORD_SIZE_LIMIT } from './protocol/limits.ts';
import { NamedGroup } from './protocol/registry.ts';
import type { CertifiedKey } from './x509/certified-key.ts';
import type { RevocationChecker } from './x509/revocation-checker.ts';
import type { CertificateVerifier } from './x509/verifier.ts';
import { ClientSessionCache } from './session/client-cache.ts';
import { isRemoteSessionStore, type RemoteSessionStore, type SessionStore } from './session/store.ts';
import { DEFAULT_EPOCH_S, TicketKeys } from './session/ticket-keys.ts';
import { MAX_EXTERNAL_PSK_LEN, MAX_TICKETS_PER_CONNECTION, MAX_TICKET_LIFETIME_S } from './protocol/limits.ts';

/** One line of the NSS key log format: label, client random, secret. */
export type KeyLogger = (label: string, clientRandom: Uint8Array, secret: Uint8Array) => void;

/**
 * An external PSK (RFC 8446 §4.2.11): a key provisioned out of band, not from a ticket. RFC 8446
 * §4.2.11: "Each PSK is associated with a single Hash algorithm"; SHA-256 unless said otherwise
 * (what OpenSSL's `-psk` and node:tls's `pskCallback` use). Binders use the "ext binder" key
 * (RFC 8446 §7.1).
 */
export interface ExternalPskKey {
  /** The key: 1..MAX_EXTERNAL_PSK_LEN bytes. */
  readonly key: Uint8Array;
  /** Default 'sha256'. */
  readonly hash?: 'sha256' | 'sha384';
}

/** An external PSK with the identity the client sends for it (1..2^16-1 bytes, RFC 8446 §4.2.11). */
export interface ExternalPsk extends ExternalPskKey {
  readonly identity: Uint8Array;
}

/** `ExternalPsk` validated, the hash filled in. */
export interface ValidExternalPsk {
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  readonly hash: 'sha256' | 'sha384';
}

/** Options shared by both sides. */
export interface CommonConfigInput {
  /** Crypto provider; default: none here (the caller passes one; src/index.ts supplies noble). */
  readonly provider: CryptoProvider;
  /** Random source; default `provider.randomBytes`. */
  readonly random?: RandomSource;
  /** Clock in ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /**
   * Cipher suite ids in preference order; default the GCM and ChaCha20 suites (AES-128-GCM
   * first). TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256 only when named here.
   */
  readonly cipherSuites?: readonly number[];
  /**
   * Key-exchange groups in preference order; default X25519MLKEM768 (post-quantum hybrid,
   * draft-ietf-tls-ecdhe-mlkem), x25519, secp256r1, secp384r1, x448, secp521r1 (those the
   * provider has).
   */
  readonly groups?: readonly number[];
  /** ALPN protocol names in preference order (RFC 7301). */
  readonly alpnProtocols?: readonly string[];
  /** Called with each secret in NSS key-log form (SSLKEYLOGFILE). Off by default. */
  readonly keyLog?: KeyLogger;
  /**
   * RFC 8449 record_size_limit to advertise (64..2^14+1). Default: not sent. When the peer sends
   * one we always honour it.
   */
  readonly recordSizeLimit?: number;
  /** Bytes of zero padding added to each protected record (RFC 8446 §5.4); default 0. */
  readonly recordPadding?: number;
  /**
   * Send a KeyUpdate after this many application data records under one key (RFC 8446 §4.6.3),
   * for periodic rekeying. Default: only when the RFC 8446 §5.5 AEAD usage limit nears.
   */
  readonly rekeyAfterRecords?: number;
  /**
   * Certificate compression (RFC 8879), in our order of preference. Each algorithm's decompressor
   * is offered for the peer's certificate (client: compress_certificate in the ClientHello;
   * server: in every CertificateRequest, post-handshake ones included); our own Certificate is
   * sent compressed with the first of these that has a compressor and that the peer offered,
   * when that makes it smaller, compressed once per chain and algorithm (a bounded cache per
   * config). Default: none here (the
   * engine has no compressor); `puretls/node` turns on brotli, zstd where node:zlib has it, and
   * zlib; `puretls/fflate` has zlib for runtimes without node:zlib.
   */
  readonly certificateCompression?: readonly CertificateCompressor[];
}

export interface ClientConfigInput extends CommonConfigInput {
  /** Decides whether the server's chain is acceptable. Required: there is no silent default. */
  readonly verifier: CertificateVerifier;
  /**
   * Groups for which a key share is sent in the first ClientHello. Default: the first of `groups`,
   * and x25519 too when the first is X25519MLKEM768 (as Chrome, Firefox, rustls and Go do: a peer
   * without ML-KEM still finds an x25519 share, no HelloRetryRequest).
   */
  readonly keyShareGroups?: readonly number[];
  /** Signature schemes offered (RFC 8446 §4.2.3); default: what the provider verifies. */
  readonly signatureSchemes?: readonly number[];
  /** RFC 8446 Appendix D.4 middlebox compatibility mode; default true (as OpenSSL and Go do). */
  readonly middleboxCompat?: boolean;
  /**
   * Where received tickets are kept for resumption (RFC 8446 §4.6.1), keyed by server name.
   * Default: a cache of this config (256 names, 8 tickets each); `false` turns resumption off.
   */
  readonly sessionCache?: ClientSessionCache | false;
  /**
   * Send 0-RTT early data when resuming with a ticket that allows it (RFC 8446 §4.2.10), through
   * `ClientConnection.writeEarlyData`. Early data can be replayed by an attacker (RFC 8446 §8):
   * only for idempotent requests. Default false.
   */
  readonly earlyData?: boolean;
  /**
   * Client certificates for mutual TLS (RFC 8446 §4.4.2): when the server sends a
   * CertificateRequest, the first whose key can make one of its signature_algorithms (and whose
   * chain names one of its certificate_authorities, when listed) is sent; none → an empty
   * Certificate. Default: none.
   */
  readonly certificates?: readonly CertifiedKey[];
  /**
   * Ask for a stapled OCSP response (status_request, RFC 6066 §8, RFC 8446 §4.4.2.1); one the
   * server sends is in `Negotiated.ocspResponse` (not checked here: the application decides).
   * Default false.
   */
  readonly requestOcsp?: boolean;
  /**
   * Revocation checking of the server's verified chain (off by default): a checker from
   * `revocationChecker` (package entry `puretls/revocation`: stapled OCSP and caller CRLs, with
   * its policy). When it uses OCSP, status_request is sent as with `requestOcsp`. Runs on full
   * handshakes only: a resumed session was checked when it was first established.
   */
  readonly revocation?: RevocationChecker;
  /**
   * Also offer psk_ke (PSK-only key exchange, RFC 8446 §4.2.9) next to psk_dhe_ke when resuming,
   * and accept a ServerHello that resumes without key_share. psk_ke has no (EC)DHE: a resumed
   * session is only as secret as the ticket's PSK, "at the cost of losing forward secrecy"
   * (RFC 8446 §2.2). Default false.
   */
  readonly dangerouslyOfferPskKe?: boolean;
  /**
   * An external PSK to offer (RFC 8446 §4.2.11), after a resumption ticket if the cache has one.
   * A server that accepts it authenticates through it: no certificate is sent or checked. One that
   * does not gives a full handshake, checked by `verifier` as usual. Default: none.
   */
  readonly externalPsk?: ExternalPsk;
  /**
   * Offer post-handshake client authentication (post_handshake_auth, RFC 8446 §4.2.6): the server
   * may then ask for a certificate at any time after the handshake, answered from `certificates`
   * (an empty Certificate when none fits). Default false.
   */
  readonly postHandshakeAuth?: boolean;
}

/** Server-side client authentication (mutual TLS, RFC 8446 §4.3.2, §4.4.2). */
export interface ClientAuthInput {
  /** 'required': no certificate → certificate_required (RFC 8446 §4.4.2.4); 'optional': continue unauthenticated. */
  readonly mode: 'required' | 'optional';
  /** Decides whether the client's chain is acceptable (called with usage 'client'). */
  readonly verifier: CertificateVerifier;
  /** DER distinguished names sent in certificate_authorities (RFC 8446 §4.2.4); default: not sent. */
  readonly certificateAuthorities?: readonly Uint8Array[];
  /** signature_algorithms of the CertificateRequest; default: what the provider verifies. */
  readonly signatureSchemes?: readonly number[];
}

/** `ClientAuthInput` validated. */
export interface ClientAuth {
  readonly mode: 'required' | 'optional';
  readonly verifier: CertificateVerifier;
  readonly certificateAuthorities: readonly Uint8Array[];
  readonly signatureSchemes: readonly number[];
}

export interface ServerConfigInput extends CommonConfigInput {
  /** Certificates; SNI selects by name (RFC 6066 §3), the first is the default. */
  readonly certificates: readonly CertifiedKey[];
  /** Overrides SNI selection: return the key for this name, or undefined for the default. */
  readonly selectCertificate?: (serverName: string | undefined) => CertifiedKey | undefined;
  /**
   * When the client sends ALPN and nothing matches (or `selectAlpn` returns undefined): true
   * (default) aborts with no_application_protocol (RFC 7301 §3.2); false continues without ALPN.
   */
  readonly alpnStrict?: boolean;
  /**
   * Chooses the ALPN protocol instead of `alpnProtocols` (node:tls `ALPNCallback`), called only
   * when the client offers ALPN: return one of `offered`, or undefined for none, which refuses the
   * connection with no_application_protocol (RFC 7301 §3.2) unless `alpnStrict` is false.
   * Synchronous; mutually exclusive with `alpnProtocols`.
   */
  readonly selectAlpn?: (serverName: string | undefined, offered: readonly string[]) => string | undefined;
  /**
   * Whose cipher suite order wins (RFC 8446 §4.1.1 leaves it to the server): 'server' (default)
   * takes the first of `cipherSuites` the client offers; 'client' the first of the client's list
   * that is in `cipherSuites` (node:tls without `honorCipherOrder`).
   */
  readonly cipherSuiteOrder?: 'server' | 'client';
  /**
   * Groups announced to the client in EncryptedExtensions (RFC 8446 §4.2.7: "the server's
   * preferences", which a client may use in later connections). Sent verbatim; default: not sent.
   */
  readonly advertisedGroups?: readonly number[];
  /** NewSessionTicket messages sent after each full handshake (RFC 8446 §4.6.1): 0..8, default 2. */
  readonly tickets?: number;
  /**
   * NewSessionTicket messages sent after a resumed handshake: 0..8. Default 0 with stateless
   * tickets, as node:tls (OpenSSL) does: the client keeps its other tickets, and a stateless
   * ticket stays valid for its lifetime. Default 1 with a `sessionStore`, whose tickets are
   * single-use (RFC 8446 §8.1): the resumption spent the client's ticket, and without a new one
   * its next connection would be a full handshake.
   */
  readonly ticketsAfterResumption?: number;
  /** ticket_lifetime in seconds (RFC 8446 §4.6.1): 1..604800, default 7200 (2 hours). */
  readonly ticketLifetime?: number;
  /**
   * Master secret (>= 32 bytes) from which the ticket sealing keys derive; servers sharing it
   * accept each other's tickets. Default: a random secret per config (per process).
   */
  readonly ticketSecret?: Uint8Array;
  /** Seconds one ticket key seals new tickets; the previous epoch's tickets still open. Default 6 h. */
  readonly ticketEpoch?: number;
  /**
   * Stateful resumption: sessions kept here, tickets are random ids used once. Default: stateless.
   * A `RemoteSessionStore` (one reached through I/O) turns on `pauseFor.session`.
   */
  readonly sessionStore?: SessionStore | RemoteSessionStore;
  /**
   * Decisions the engine asks its caller for instead of making them itself: it emits the
   * question as an event (`needCertificate`, `needSession`, `needSignature`) and pauses until
   * `resolveCertificate` / `resolveSession` / `resolveSignature` (docs/05-sans-io-api.md,
   * "Asynchronous decisions").
   * Default: none, everything synchronous from this config.
   */
  readonly pauseFor?: PauseForInput;
  /**
   * Accept up to this many bytes of 0-RTT early data (RFC 8446 §4.2.10), announced in each
   * ticket. Requires `sessionStore`: only single-use tickets stop a replayed ClientHello from
   * replaying its data (RFC 8446 §8.1). Default 0 (no early data).
   */
  readonly maxEarlyDataSize?: number;
  /** Request and check client certificates (mutual TLS). Default: not requested. */
  readonly clientAuth?: ClientAuthInput;
  /**
   * Resume with psk_ke (PSK-only key exchange, RFC 8446 §4.2.9: no key_share in ServerHello, no
   * (EC)DHE) when the client offers it and not psk_dhe_ke, or offers both but sent no usable
   * key share (instead of a HelloRetryRequest). Without (EC)DHE the resumed session loses forward
   * secrecy: whoever learns the ticket key reads it. psk_dhe_ke is always preferred. Default false.
   */
  readonly dangerouslyAllowPskKe?: boolean;
  /**
   * External PSKs (RFC 8446 §4.2.11): called with each identity a client offers that is not one
   * of our tickets; return its key, or undefined. A client with an accepted PSK is authenticated
   * by it: no certificates are exchanged (RFC 8446 §2.2), and `certificates` may be empty when
   * every client uses a PSK. Synchronous. Default: none.
   */
  readonly externalPsk?: (identity: Uint8Array) => ExternalPskKey | undefined;
  /**
   * How `ServerConnection.requestClientCertificate()` checks the certificate a client sends after
   * the handshake (RFC 8446 §4.6.2; only clients that offered post_handshake_auth can be asked):
   * 'required' turns an empty answer into certificate_required, 'optional' reports it. Default:
   * `clientAuth`; without either, post-handshake requests are refused.
   */
  readonly postHandshakeClientAuth?: ClientAuthInput;
  /**
   * Choose TLS_CHACHA20_POLY1305_SHA256 whenever the client offers it (and `cipherSuites` has
   * it), ahead of the `cipherSuites` order and of `cipherSuiteOrder`. Where AES runs in software
   * ChaCha20-Poly1305 is the faster AEAD, and constant-time without tables (software AES uses
   * T-tables); BoringSSL servers do the same on machines without AES hardware. Default:
   * `provider.softwareAes` (true for the pure provider, false for node:crypto).
   */
  readonly preferChaCha20?: boolean;
}

export interface CommonConfig {
  readonly provider: CryptoProvider;
  readonly random: RandomSource;
  readonly now: () => number;
  readonly cipherSuites: readonly CipherSuiteInfo[];
  readonly groups: readonly number[];
  readonly alpnProtocols: readonly Uint8Array[];
  readonly keyLog: KeyLogger | undefined;
  readonly recordSizeLimit: number | undefined;
  readonly recordPadding: number;
  readonly rekeyAfterRecords: number | undefined;
  readonly certificateCompression: readonly CertificateCompressor[];
  /** Our compressed Certificate messages (RFC 8879 §4), by content and algorithm. */
  readonly compressedCertificates: CompressedCertificateCache;
}

export interface ClientConfig extends CommonConfig {
  readonly side: 'client';
  readonly verifier: CertificateVerifier;
  readonly keyShareGroups: readonly number[];
  readonly signatureSchemes: readonly number[];
  readonly middleboxCompat: boolean;
  readonly sessionCache: ClientSessionCache | undefined;
  readonly earlyData: boolean;
  readonly certificates: readonly CertifiedKey[];
  readonly requestOcsp: boolean;
  readonly revocation: RevocationChecker | undefined;
  readonly dangerouslyOfferPskKe: boolean;
  readonly externalPsk: ValidExternalPsk | undefined;
  readonly postHandshakeAuth: boolean;
}

/** Which decisions the server asks for (see `ServerConfigInput.pauseFor`). */
export interface PauseForInput {
  /** Choose the certificate for this ClientHello (replaces `selectCertificate` / SNI matching). */
  readonly certificate?: boolean;
  /** Take (single use) the session of a ticket the client offers (needs `sessionStore` for issuing). */
  readonly session?: boolean;
  /** Sign our CertificateVerify content (the private key may live elsewhere). */
  readonly signature?: boolean;
}

export type PauseFor = Required<PauseForInput>;

export interface ServerConfig extends CommonConfig {
  readonly side: 'server';
  readonly certificates: readonly CertifiedKey[];
  readonly selectCertificate: ((serverName: string | undefined) => CertifiedKey | undefined) | undefined;
  readonly alpnStrict: boolean;
  readonly selectAlpn: ((serverName: string | undefined, offered: readonly string[]) => string | undefined) | undefined;
  readonly cipherSuiteOrder: 'server' | 'client';
  readonly advertisedGroups: readonly number[] | undefined;
  readonly tickets: number;
  readonly ticketsAfterResumption: number;
  readonly ticketLifetime: number;
  readonly ticketKeys: TicketKeys;
  readonly sessionStore: SessionStore | RemoteSessionStore | undefined;
  readonly maxEarlyDataSize: number;
  readonly pauseFor: PauseFor;
  readonly clientAuth: ClientAuth | undefined;
  readonly dangerouslyAllowPskKe: boolean;
  readonly externalPsk: ((identity: Uint8Array) => ExternalPskKey | undefined) | undefined;
  readonly postHandshakeClientAuth: ClientAuth | undefined;
  readonly preferChaCha20: boolean;
}

/** Validates `input` and fills defaults. @throws TypeError / RangeError for a bad option */
export function clientConfig(input: ClientConfigInput): ClientConfig {
  const common = commonConfig(input);
  if (!input.verifier || typeof input.verifier.verify !== 'function') {
    throw new TypeError('clientConfig: verifier is required (use trustExactly(...) or dangerouslyAcceptAnyCertificate())');
  }
  const requested = input.keyShareGroups ?? defaultKeyShares(common.groups);
  for (const g of requested) {
    if (!common.groups.includes(g)) throw new RangeError(`clientConfig: key share group 0x${g.toString(16)} is not in groups`);
  }
  if (new Set(requested).size !== requested.length) throw new RangeError('clientConfig: keyShareGroups has a duplicate');
  // RFC 8446 §4.2.8: each KeyShareEntry "MUST appear in the same order" as supported_groups.
  const keyShareGroups = common.groups.filter((g) => requested.includes(g));
  // RFC 8446 §4.2.3: rsa_pkcs1_* "MAY appear in "signature_algorithms" ... for backward
  // compatibility": we offer them (as OpenSSL and Go do) so RSA-signed certificates verify, and
  // refuse them for CertificateVerify (handshake/common/certificate-verify.ts).
  const signatureSchemes = input.signatureSchemes ?? common.provider.verifySchemes;
  if (input.certificates !== undefined && !Array.isArray(input.certificates)) {
    throw new TypeError('clientConfig: certificates must be an array of CertifiedKey');
  }
  if (input.revocation !== undefined && typeof input.revocation.check !== 'function') {
    throw new TypeError('clientConfig: revocation must be a checker from revocationChecker(...)');
  }
  return {
    ...common,
    side: 'client',
    verifier: input.verifier,
    keyShareGroups,
    signatureSchemes,
    middleboxCompat: input.middleboxCompat ?? true,
    sessionCache: input.sessionCache === false ? undefined : (input.sessionCache ?? new ClientSessionCache()),
    earlyData: input.earlyData ?? false,
    certificates: input.certificates ?? [],
    requestOcsp: (input.requestOcsp ?? false) || input.revocation?.requestsOcsp === true,
    revocation: input.revocation,
    dangerouslyOfferPskKe: input.dangerouslyOfferPskKe ?? false,
    externalPsk: input.externalPsk === undefined ? undefined : externalPskOption(input.externalPsk),
    postHandshakeAuth: input.postHandshakeAuth ?? false,
  };
}

/** Validates `input` and fills defaults. @throws TypeError / RangeError for a bad option */
export function serverConfig(input: ServerConfigInput): ServerConfig {
  const common = commonConfig(input);
  if (input.externalPsk !== undefined && typeof input.externalPsk !== 'function') {
    throw new TypeError('serverConfig: externalPsk must be a function');
  }
  // Without certificates only PSK clients can connect (RFC 8446 §2.2).
  if (!Array.isArray(input.certificates) || (input.certificates.length === 0 && input.externalPsk === undefined)) {
    throw new TypeError('serverConfig: at least one certificate is required (or externalPsk)');
  }
  return {
    ...common,
    side: 'server',
    certificates: input.certificates,
    selectCertificate: input.selectCertificate,
    alpnStrict: input.alpnStrict ?? true,
    selectAlpn: selectAlpnOption(input, common),
    cipherSuiteOrder: cipherSuiteOrderOption(input.cipherSuiteOrder),
    advertisedGroups: input.advertisedGroups,
    ...ticketOptions(input, common),
    clientAuth: clientAuthOption(input.clientAuth, common),
    dangerouslyAllowPskKe: input.dangerouslyAllowPskKe ?? false,
    externalPsk: input.externalPsk,
    postHandshakeClientAuth: clientAuthOption(input.postHandshakeClientAuth ?? input.clientAuth, common),
    preferChaCha20: input.preferChaCha20 ?? common.provider.softwareAes === true,
  };
}

/** An external PSK's key validated, its hash defaulted. @throws TypeError / RangeError naming `what` */
export function validExternalPskKey(psk: ExternalPskKey, what: string): Omit<ValidExternalPsk, 'identity'> {
  if (!(psk.key instanceof Uint8Array) || psk.key.length < 1 || psk.key.length > MAX_EXTERNAL_PSK_LEN) {
    throw new RangeError(`${what}: key must be 1..${MAX_EXTERNAL_PSK_LEN} bytes`);
  }
  const hash = psk.hash ?? 'sha256';
  if (hash !== 'sha256' && hash !== 'sha384') throw new RangeError(`${what}: hash must be 'sha256' or 'sha384'`);
  return { key: psk.key, hash };
}

/** The client's external PSK validated (RFC 8446 §4.2.11: identity<1..2^16-1>). */
function externalPskOption(psk: ExternalPsk): ValidExternalPsk {
  const identity = psk.identity;
  if (!(identity instanceof Uint8Array) || identity.length < 1 || identity.length > 0xffff) {
    throw new RangeError('clientConfig: externalPsk.identity must be 1..65535 bytes');
  }
  return { identity, ...validExternalPskKey(psk, 'clientConfig: externalPsk') };
}

/** The ALPN hook, validated: a function, not combined with a protocol list. */
function selectAlpnOption(input: ServerConfigInput, common: CommonConfig): ServerConfig['selectAlpn'] {
  const hook = input.selectAlpn;
  if (hook === undefined) return undefined;
  if (typeof hook !== 'function') throw new TypeError('serverConfig: selectAlpn must be a function');
  if (common.alpnProtocols.length > 0) throw new TypeError('serverConfig: selectAlpn and alpnProtocols are mutually exclusive');
  return hook;
}

function cipherSuiteOrderOption(order: ServerConfigInput['cipherSuiteOrder']): ServerConfig['cipherSuiteOrder'] {
  if (order === undefined) return 'server';
  if (order !== 'server' && order !== 'client') throw new RangeError("serverConfig: cipherSuiteOrder must be 'server' or 'client'");
  return order;
}

/** Mutual TLS options, validated (RFC 8446 §4.3.2, §4.2.4). */
function clientAuthOption(input: ClientAuthInput | undefined, common: CommonConfig): ClientAuth | undefined {
  if (input === undefined) return undefined;
  if (input.mode !== 'required' && input.mode !== 'optional') throw new RangeError("serverConfig: clientAuth.mode must be 'required' or 'optional'");
  if (!input.verifier || typeof input.verifier.verify !== 'function') throw new TypeError('serverConfig: clientAuth.verifier is required');
  const certificateAuthorities = input.certificateAuthorities ?? [];
  // RFC 8446 §4.2.4: DistinguishedName<1..2^16-1>, the list <3..2^16-1> (with its prefixes).
  const listLen = certificateAuthorities.reduce((n, dn) => n + 2 + dn.length, 0);
  if (certificateAuthorities.some((dn) => !(dn instanceof Uint8Array) || dn.length < 1) || listLen > 0xffff) {
    throw new RangeError('serverConfig: clientAuth.certificateAuthorities must be non-empty DER names, 65535 bytes in all');
  }
  const signatureSchemes = input.signatureSchemes ?? common.provider.verifySchemes;
  if (signatureSchemes.length === 0 || signatureSchemes.length > 0x7fff) throw new RangeError('serverConfig: clientAuth.signatureSchemes must not be empty');
  return { mode: input.mode, verifier: input.verifier, certificateAuthorities, signatureSchemes };
}

/** RFC 8446 §4.6.1 ticket issuance options, validated. */
function ticketOptions(
  input: ServerConfigInput,
  common: CommonConfig,
): Pick<ServerConfig, 'tickets' | 'ticketsAfterResumption' | 'ticketLifetime' | 'ticketKeys' | 'sessionStore' | 'maxEarlyDataSize' | 'pauseFor'> {
  const ticketCount = (name: string, value: number): number => {
    if (!Number.isInteger(value) || value < 0 || value > MAX_TICKETS_PER_CONNECTION) {
      throw new RangeError(`serverConfig: ${name} must be 0..${MAX_TICKETS_PER_CONNECTION}`);
    }
    return value;
  };
  const tickets = ticketCount('tickets', input.tickets ?? 2);
  const ticketLifetime = input.ticketLifetime ?? 7200;
  // RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)."
  if (!Number.isInteger(ticketLifetime) || ticketLifetime < 1 || ticketLifetime > MAX_TICKET_LIFETIME_S) {
    throw new RangeError(`serverConfig: ticketLifetime must be 1..${MAX_TICKET_LIFETIME_S} seconds`);
  }
  const store = input.sessionStore;
  const remote = store !== undefined && isRemoteSessionStore(store);
  const ticketsAfterResumption = ticketCount('ticketsAfterResumption', input.ticketsAfterResumption ?? (store === undefined ? 0 : 1));
  if (store !== undefined && (typeof store.put !== 'function' || (!remote && typeof store.take !== 'function'))) {
    throw new TypeError('serverConfig: sessionStore must implement put and take (or takeRemote)');
  }
  const pauseFor = pauseForOption(input.pauseFor, remote);
  if (pauseFor.session && store === undefined) throw new TypeError('serverConfig: pauseFor.session needs a sessionStore to issue tickets into');
  const maxEarlyDataSize = input.maxEarlyDataSize ?? 0;
  if (!Number.isSafeInteger(maxEarlyDataSize) || maxEarlyDataSize < 0 || maxEarlyDataSize > 0xffffffff) {
    throw new RangeError('serverConfig: maxEarlyDataSize must be 0..2^32-1');
  }
  // RFC 8446 §8.1: 0-RTT is accepted only with single-use tickets (a stateful store).
  if (maxEarlyDataSize > 0 && store === undefined) throw new RangeError('serverConfig: maxEarlyDataSize needs a sessionStore');
  const secret = input.ticketSecret ?? common.provider.randomBytes(32);
  const ticketKeys = new TicketKeys(common.provider, secret, input.ticketEpoch ?? DEFAULT_EPOCH_S);
  return { tickets, ticketsAfterResumption, ticketLifetime, ticketKeys, sessionStore: store, maxEarlyDataSize, pauseFor };
}

/** `pauseFor`, validated; a remote session store always pauses for its sessions. */
function pauseForOption(input: PauseForInput | undefined, remoteStore: boolean): PauseFor {
  const flag = (name: keyof PauseForInput): boolean => {
    const v = input?.[name] ?? false;
    if (typeof v !== 'boolean') throw new TypeError(`serverConfig: pauseFor.${name} must be a boolean`);
    return v;
  };
  return { certificate: flag('certificate'), session: flag('session') || remoteStore, signature: flag('signature') };
}

function commonConfig(input: CommonConfigInput): CommonConfig {
  const provider = input.provider;
  if (!provider || typeof provider.hash !== 'function') throw new TypeError('config: provider is required');
  const cipherSuites = (input.cipherSuites ?? DEFAULT_SUITES.map((s) => s.id)).map((id) => {
    const s = suiteById(id);
    if (!s) throw new RangeError(`config: unsupported cipher suite 0x${id.toString(16)}`);
    return s;
  });
  if (cipherSuites.length === 0) throw new RangeError('config: no cipher suites');
  const groups = input.groups ?? DEFAULT_GROUPS.filter((g) => provider.keyExchange(g) !== undefined);
  for (const g of groups) {
    if (!provider.keyExchange(g)) throw new RangeError(`config: provider ${provider.name} lacks group 0x${g.toString(16)}`);
  }
  if (groups.length === 0) throw new RangeError('config: no groups');
  const alpnProtocols = (input.alpnProtocols ?? []).map((p) => {
    aString(p, 'alpnProtocols[]');
    const b = utf8(p);
    if (b.length < 1 || b.length > 255) throw new RangeError(`config: ALPN name "${p}" must be 1..255 bytes`);
    return b;
  });
  const rsl = input.recordSizeLimit;
  if (rsl !== undefined && (!Number.isInteger(rsl) || rsl < MIN_RECORD_SIZE_LIMIT || rsl > MAX_RECORD_SIZE_LIMIT)) {
    throw new RangeError(`config: recordSizeLimit must be ${MIN_RECORD_SIZE_LIMIT}..${MAX_RECORD_SIZE_LIMIT}`);
  }
  const pad = input.recordPadding ?? 0;
  if (!Number.isInteger(pad) || pad < 0 || pad > MAX_PLAINTEXT_LEN) throw new RangeError('config: recordPadding out of range');
  const rekey = input.rekeyAfterRecords;
  if (rekey !== undefined && (!Number.isSafeInteger(rekey) || rekey < 1)) throw new RangeError('config: rekeyAfterRecords must be >= 1');
  return {
    provider,
    random: input.random ?? ((n: number) => provider.randomBytes(n)),
    now: input.now ?? Date.now,
    cipherSuites,
    groups,
    alpnProtocols,
    keyLog: input.keyLog,
    recordSizeLimit: rsl,
    recordPadding: pad,
    rekeyAfterRecords: rekey,
    certificateCompression: certificateCompressionOption(input.certificateCompression),
    compressedCertificates: new CompressedCertificateCache(),
  };
}

/** RFC 8879 §3: code points 1..65535 (0 is reserved), each once, algorithms<2..2^8-2> (127 at most). */
function certificateCompressionOption(input: readonly CertificateCompressor[] | undefined): readonly CertificateCompressor[] {
  if (input === undefined) return [];
  if (!Array.isArray(input) || input.length > 127) throw new TypeError('config: certificateCompression must be an array of at most 127 algorithms');
  const ids = new Set<number>();
  for (const a of input) {
    if (!Number.isInteger(a?.id) || a.id < 1 || a.id > 0xffff) throw new RangeError('config: certificateCompression[].id must be 1..65535');
    if (typeof a.decompress !== 'function' || (a.compress !== undefined && typeof a.compress !== 'function')) {
      throw new TypeError('config: certificateCompression[] needs a decompress function (and compress, if any, a function)');
    }
    if (ids.has(a.id)) throw new RangeError(`config: certificateCompression has algorithm ${a.id} twice`);
    ids.add(a.id);
  }
  return [...input];
}

/**
 * Post-quantum first (servers prefer it when the client sends its share), then classic ECDHE;
 * x448 and secp521r1 last, so that a peer offering only those is served (as OpenSSL does).
 */
const DEFAULT_GROUPS: readonly number[] = [
  NamedGroup.X25519MLKEM768,
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.x448,
  NamedGroup.secp521r1,
];

/** The client's default first-flight shares: the first group, plus x25519 after the X25519MLKEM768 hybrid. */
function defaultKeyShares(groups: readonly number[]): readonly number[] {
  const first = groups.slice(0, 1);
  return first[0] === NamedGroup.X25519MLKEM768 && groups.includes(NamedGroup.x25519) ? [...first, NamedGroup.x25519] : first;
}
