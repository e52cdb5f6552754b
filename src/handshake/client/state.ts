/**
 * @module state
 * The client's states (RFC 8446 Appendix A.1), each carrying exactly what is known at that point
 * (STYLE §4.1). Names say what we are waiting for.
 */
import type { HashAlgorithm, KeyShareKeyPair, PublicKey } from '../../crypto/provider.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import type { ClientConfig } from '../../config.ts';
import type { EarlySecret, HandshakeSecret } from '../../keyschedule/schedule.ts';
import type { ClientSession } from '../../session/client-cache.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import type { Transcript } from '../../transcript.ts';
import type { TrafficState } from '../common/traffic.ts';

export type ClientState =
  | ClientExpectServerHello
  | ClientExpectEncryptedExtensions
  | ClientExpectCertificateOrCertificateRequest
  | ClientExpectCertificate
  | ClientExpectCertificateVerify
  | ClientExpectFinished
  | TrafficState;

/** What every state after the first ClientHello knows. */
interface ClientCommon {
  readonly config: ClientConfig;
  readonly serverName: string | undefined;
  /** Our ClientHello.random: the NSS key log keys its lines by it. */
  readonly clientRandom: Uint8Array;
  readonly transcript: Transcript;
  /** RFC 8446 Appendix D.4: whether we already sent our one change_cipher_spec. */
  readonly sentCompatCcs: boolean;
  readonly didRetry: boolean;
  /** RFC 8446 §4.2.10: we offered 0-RTT (early_data in the ClientHello), write key still early. */
  readonly sentEarlyData: boolean;
}

/**
 * A PSK our ClientHello offers (RFC 8446 §4.2.11): a resumption ticket (first, when there is one)
 * or the configured external PSK.
 */
export interface OfferedPsk {
  /** The ticket; undefined for the external PSK. */
  readonly session: ClientSession | undefined;
  /** The ticket, or the external PSK's identity. */
  readonly identity: Uint8Array;
  /** For a ticket its suite (0-RTT uses it); for an external PSK the first of ours with its hash. */
  readonly suite: CipherSuiteInfo;
  readonly earlySecret: EarlySecret;
  /** RFC 8446 §4.2.11.2: the "res binder" or "ext binder" key. */
  readonly binderKey: Uint8Array;
}

/** We sent a ClientHello; a ServerHello or HelloRetryRequest must follow (RFC 8446 §4.1.3). */
export interface ClientExpectServerHello extends ClientCommon {
  readonly kind: 'ExpectServerHello';
  /** The hello we sent: a retry must repeat it (RFC 8446 §4.1.2). */
  readonly sentHello: ClientHello;
  readonly keyShares: readonly KeyShareKeyPair[];
  /** After a HelloRetryRequest: the suite it chose, which the ServerHello must repeat (§4.1.4). */
  readonly retrySuite: CipherSuiteInfo | undefined;
  /** In the order of the identities in the ClientHello (selected_identity indexes it). */
  readonly offeredPsks: readonly OfferedPsk[];
}

/** Keys agreed; parameters of the negotiation so far. */
export interface ClientKeyed extends ClientCommon {
  readonly suite: CipherSuiteInfo;
  readonly hash: HashAlgorithm;
  /** The (EC)DHE group; 0 after a psk_ke resumption (RFC 8446 §4.2.9), which has none. */
  readonly group: number;
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly serverHandshakeTrafficSecret: Uint8Array;
  /** The server accepted our PSK: no Certificate/CertificateVerify follow (RFC 8446 §2.2). */
  readonly isResumed: boolean;
  /** The identity of the external PSK the server accepted (RFC 8446 §4.2.11), if it was one. */
  readonly externalPskIdentity: Uint8Array | undefined;
}

/** RFC 8446 §4.3.1: EncryptedExtensions is the first encrypted message. */
export interface ClientExpectEncryptedExtensions extends ClientKeyed {
  readonly kind: 'ExpectEncryptedExtensions';
  /** The hello the server answered: EncryptedExtensions may only answer what it offered. */
  readonly sentHello: ClientHello;
}

interface ClientAfterExtensions extends ClientKeyed {
  readonly alpnProtocol: string | undefined;
  /** The server accepted our 0-RTT data: EndOfEarlyData goes before our Finished (RFC 8446 §4.5). */
  readonly earlyDataAccepted: boolean;
}

/** RFC 8446 §4.3.2 / §4.4.2: a CertificateRequest or the server's Certificate. */
export interface ClientExpectCertificateOrCertificateRequest extends ClientAfterExtensions {
  readonly kind: 'ExpectCertificateOrCertificateRequest';
}

/** What the server's CertificateRequest asked for (RFC 8446 §4.3.2). */
export interface ReceivedCertificateRequest {
  readonly context: Uint8Array;
  /** Its signature_algorithms, in the server's preference order. */
  readonly signatureSchemes: readonly number[];
  /** Its certificate_authorities (DER names), empty when absent (RFC 8446 §4.2.4). */
  readonly authorities: readonly Uint8Array[];
  /** Its compress_certificate algorithms (RFC 8879 §3), empty when absent. */
  readonly compressionAlgorithms: readonly number[];
}

/** A CertificateRequest came; now the server's Certificate. */
export interface ClientExpectCertificate extends ClientAfterExtensions {
  readonly kind: 'ExpectCertificate';
  readonly certificateRequest: ReceivedCertificateRequest;
}

/** The chain was accepted by the verifier; its leaf key must sign the transcript (§4.4.3). */
export interface ClientExpectCertificateVerify extends ClientAfterExtensions {
  readonly kind: 'ExpectCertificateVerify';
  readonly certificateRequest: ReceivedCertificateRequest | undefined;
  readonly peerCertificates: readonly Uint8Array[];
  /** The OCSP response stapled to the leaf (RFC 8446 §4.4.2.1), when we asked and got one. */
  readonly ocspResponse: Uint8Array | undefined;
  /** The RFC 8879 algorithm the server's Certificate came compressed with, if it did. */
  readonly certificateCompression: number | undefined;
  readonly leafKey: PublicKey;
}

/** The server proved its key; its Finished must follow (§4.4.4). */
export interface ClientExpectFinished extends ClientAfterExtensions {
  readonly kind: 'ExpectFinished';
  readonly certificateRequest: ReceivedCertificateRequest | undefined;
  readonly peerCertificates: readonly Uint8Array[];
  readonly ocspResponse: Uint8Array | undefined;
  readonly certificateCompression: number | undefined;
  readonly signatureScheme: number;
}

/**
 * The fields every state after the ServerHello carries, picked out of `st` field by field (a
 * state carries exactly what is known: the previous state's extra fields are left behind).
 */
export function keyedFields(st: ClientKeyed): ClientKeyed {
  return {
    config: st.config,
    serverName: st.serverName,
    clientRandom: st.clientRandom,
    transcript: st.transcript,
    sentCompatCcs: st.sentCompatCcs,
    didRetry: st.didRetry,
    sentEarlyData: st.sentEarlyData,
    suite: st.suite,
    hash: st.hash,
    group: st.group,
    handshakeSecret: st.handshakeSecret,
    clientHandshakeTrafficSecret: st.clientHandshakeTrafficSecret,
    serverHandshakeTrafficSecret: st.serverHandshakeTrafficSecret,
    isResumed: st.isResumed,
    externalPskIdentity: st.externalPskIdentity,
  };
}
