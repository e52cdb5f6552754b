/**
 * @module state
 * The server's states (RFC 8446 Appendix A.2), each carrying exactly what is known at that
 * point (STYLE §4.1).
 */
import type { HashAlgorithm, PublicKey } from '../../crypto/provider.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import type { ClientAuth, ServerConfig } from '../../config.ts';
import type { HandshakeSecret, MasterSecret } from '../../keyschedule/schedule.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import type { KeyShareEntry } from '../../messages/extensions/extensions.ts';
import type { Transcript } from '../../transcript.ts';
import type { CertifiedKey } from '../../x509/certified-key.ts';
import type { HandshakeInput } from '../common/input.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { Negotiated } from '../negotiated.ts';
import type { Negotiation } from './negotiate.ts';
import type { AcceptedPsk, PskOffer } from './resume.ts';

export type ServerState =
  | ServerExpectClientHello
  | ServerExpectRetriedClientHello
  | ServerExpectEndOfEarlyData
  | ServerExpectCertificate
  | ServerExpectCertificateVerify
  | ServerExpectFinished
  | ServerAwaitCertificate
  | ServerAwaitSession
  | ServerAwaitSignature
  | TrafficState;

/** Nothing received yet (RFC 8446 §4.1.2). */
export interface ServerExpectClientHello {
  readonly kind: 'ExpectClientHello';
  readonly config: ServerConfig;
}

/** We sent a HelloRetryRequest; the second ClientHello must follow (RFC 8446 §4.1.4). */
export interface ServerExpectRetriedClientHello {
  readonly kind: 'ExpectRetriedClientHello';
  readonly config: ServerConfig;
  readonly firstHello: ClientHello;
  readonly suite: CipherSuiteInfo;
  readonly group: number;
  /** The cookie our HelloRetryRequest carried; the second ClientHello must echo it (§4.2.2). */
  readonly cookie: Uint8Array;
  readonly transcript: Transcript;
  readonly sentCompatCcs: boolean;
  /** The caller's certificate choice for the first hello (pauseFor.certificate): it stands. */
  readonly certificates: readonly CertifiedKey[] | undefined;
}

/**
 * We accepted 0-RTT: early data, then EndOfEarlyData under the early key (RFC 8446 §4.5), then
 * the client's Finished.
 */
export interface ServerExpectEndOfEarlyData extends Omit<ServerExpectFinished, 'kind'> {
  readonly kind: 'ExpectEndOfEarlyData';
}

/**
 * Our flight carried a CertificateRequest (RFC 8446 §4.3.2): the client's Certificate must follow
 * (RFC 8446 §4.4.2), possibly empty.
 */
export interface ServerExpectCertificate extends Omit<ServerExpectFinished, 'kind'> {
  readonly kind: 'ExpectCertificate';
  readonly clientAuth: ClientAuth;
}

/** The client's chain was accepted; its leaf key must sign the transcript (RFC 8446 §4.4.3). */
export interface ServerExpectCertificateVerify extends Omit<ServerExpectFinished, 'kind'> {
  readonly kind: 'ExpectCertificateVerify';
  readonly clientAuth: ClientAuth;
  readonly leafKey: PublicKey;
}

/** Our flight is out; the client's Finished must follow (RFC 8446 §4.4.4). */
export interface ServerExpectFinished {
  readonly kind: 'ExpectFinished';
  readonly config: ServerConfig;
  readonly suite: CipherSuiteInfo;
  readonly hash: HashAlgorithm;
  readonly transcript: Transcript;
  readonly clientRandom: Uint8Array;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly masterSecret: MasterSecret;
  readonly clientApplicationTrafficSecret: Uint8Array;
  readonly serverApplicationTrafficSecret: Uint8Array;
  readonly exporterMasterSecret: Uint8Array;
  readonly negotiated: Negotiated;
  /** The ClientHello carried post_handshake_auth (RFC 8446 §4.2.6). */
  readonly clientOffersPostHandshakeAuth: boolean;
}

/*
 * The paused states (config `pauseFor`, docs/05-sans-io-api.md, "Asynchronous decisions"): the
 * handshake waits for the caller's answer to the question it asked; no message arrives meanwhile
 * (the connection buffers input), and the answer continues where the handler stopped.
 */

/** The first ClientHello arrived; the caller chooses our certificate for it. */
export interface ServerAwaitCertificate {
  readonly kind: 'AwaitCertificate';
  readonly config: ServerConfig;
  readonly ch: ClientHello;
  readonly input: HandshakeInput;
}

/** A ClientHello negotiated up to the choice of a PSK (RFC 8446 §4.2.11). */
export interface NegotiatedHello {
  readonly config: ServerConfig;
  readonly ch: ClientHello;
  readonly input: HandshakeInput;
  readonly n: Negotiation;
  readonly certificates: readonly CertifiedKey[] | undefined;
  /**
   * First hello: the transcript with it. Retried hello: the transcript before it (the binder's
   * prefix, RFC 8446 §4.2.11.2), and what the HelloRetryRequest fixed.
   */
  readonly transcript: Transcript;
  readonly retry: { readonly group: number; readonly share: KeyShareEntry; readonly sentCompatCcs: boolean } | undefined;
}

/** The caller takes the session of PSK identity `index` from its store. */
export interface ServerAwaitSession {
  readonly kind: 'AwaitSession';
  readonly hello: NegotiatedHello;
  readonly offer: PskOffer;
  readonly index: number;
}

/** Everything the flight after Certificate needs (handshake/server/server-flight.ts). */
export interface PendingFlight {
  readonly config: ServerConfig;
  readonly n: Negotiation;
  readonly psk: AcceptedPsk | undefined;
  /** The (EC)DHE group, undefined for psk_ke. */
  readonly group: number | undefined;
  readonly transcript: Transcript;
  readonly hash: HashAlgorithm;
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly serverHandshakeTrafficSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly clientAuth: ClientAuth | undefined;
  readonly acceptEarly: boolean;
  readonly didRetry: boolean;
  /** The ClientHello carried post_handshake_auth (RFC 8446 §4.2.6). */
  readonly clientOffersPostHandshakeAuth: boolean;
  /** The RFC 8879 algorithm our Certificate went compressed with, if it did. */
  readonly certificateCompression: number | undefined;
}

/** Our Certificate is out; the caller signs the CertificateVerify content (RFC 8446 §4.4.3). */
export interface ServerAwaitSignature {
  readonly kind: 'AwaitSignature';
  readonly flight: PendingFlight;
}
