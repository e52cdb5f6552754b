/**
 * @module state
 * The server's states (RFC 8446 Appendix A.2), each carrying exactly what is known at that
 * point (STYLE §4.1).
 */
import type { HashAlgorithm, PublicKey } from '../../crypto/provider.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import type { ClientAuth, ServerConfig } from '../../config.ts';
import type { MasterSecret } from '../../keyschedule/schedule.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import type { Transcript } from '../../transcript.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { Negotiated } from '../negotiated.ts';

export type ServerState =
  | ServerExpectClientHello
  | ServerExpectRetriedClientHello
  | ServerExpectEndOfEarlyData
  | ServerExpectCertificate
  | ServerExpectCertificateVerify
  | ServerExpectFinished
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
}
