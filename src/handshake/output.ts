/**
 * @module output
 * The action sink the handshake state machines write to (STYLE §4.3). Handlers never touch
 * records, keys or sockets: they append actions, and the connection applies them in order. The
 * order *is* the protocol: e.g. the server's Finished is sent under the handshake key, and only
 * then is the application write key installed (RFC 8446 §4.4.4, §7.3).
 */
import type { CipherSuiteInfo } from '../crypto/suites.ts';
import type { ClientSession } from '../session/client-cache.ts';
import type { CertifiedKey } from '../x509/certified-key.ts';
import type { Negotiated } from './negotiated.ts';

/** Which traffic secret a key change installs (for logs and tests). */
export type Epoch = 'early' | 'handshake' | 'application';

/**
 * The values of the RFC 8446 §7.1 key schedule, by their RFC names: the three stage secrets, the
 * (EC)DHE input of the Handshake Secret, and the secrets Derive-Secret makes from them.
 */
export type SecretName =
  | 'early_secret'
  | 'client_early_traffic_secret'
  | 'ecdhe_shared_secret'
  | 'handshake_secret'
  | 'client_handshake_traffic_secret'
  | 'server_handshake_traffic_secret'
  | 'master_secret'
  | 'client_application_traffic_secret_0'
  | 'server_application_traffic_secret_0'
  | 'exporter_master_secret'
  | 'resumption_master_secret';

export type HandshakeAction =
  /** Send this encoded handshake message (already added to the transcript). */
  | { readonly kind: 'send'; readonly raw: Uint8Array }
  /** RFC 8446 Appendix D.4: send a plaintext change_cipher_spec record. */
  | { readonly kind: 'sendCompatCcs' }
  | { readonly kind: 'setReadKeys'; readonly epoch: Epoch; readonly suite: CipherSuiteInfo; readonly secret: Uint8Array }
  | { readonly kind: 'setWriteKeys'; readonly epoch: Epoch; readonly suite: CipherSuiteInfo; readonly secret: Uint8Array }
  /**
   * A key schedule value was computed (for the NSS key log and observers). `transcriptHash` is
   * the Transcript-Hash it was derived over (Derive-Secret's Messages), when it has one.
   */
  | {
      readonly kind: 'secret';
      readonly name: SecretName;
      readonly secret: Uint8Array;
      readonly clientRandom: Uint8Array;
      readonly transcriptHash?: Uint8Array;
    }
  /** RFC 8449: the peer's record_size_limit, bounding what we send. */
  | { readonly kind: 'peerRecordSizeLimit'; readonly limit: number }
  /** The handshake is complete. */
  | { readonly kind: 'handshakeDone'; readonly negotiated: Negotiated }
  /**
   * RFC 8446 §4.2.10: the client offered 0-RTT and we reject it: records we cannot read are early
   * data to skip, up to `maxLen` bytes: those that fail to decrypt under the handshake key, or,
   * after a HelloRetryRequest, the application_data records before the retried ClientHello.
   * Skipping ends with the next handshake message.
   */
  | { readonly kind: 'skipEarlyData'; readonly maxLen: number }
  /**
   * RFC 8446 §4.2.10: server: 0-RTT accepted, application data under the early key is early data,
   * at most `maxLen` bytes; client: early data may be written, at most `maxLen` bytes.
   */
  | { readonly kind: 'earlyDataOpen'; readonly maxLen: number }
  /** The early data phase is over (EndOfEarlyData, or the server's answer), with its outcome. */
  | { readonly kind: 'earlyDataDone'; readonly accepted: boolean }
  /** Client after a HelloRetryRequest: back to plaintext (the retried ClientHello is unprotected). */
  | { readonly kind: 'dropWriteKeys' }
  /**
   * RFC 8446 §4.6.1: the client received a NewSessionTicket; the connection stamps the time of
   * receipt and stores it.
   */
  | { readonly kind: 'newSessionTicket'; readonly session: Omit<ClientSession, 'receivedAtMs'> }
  /** A KeyUpdate was processed or sent (RFC 8446 §4.6.3). */
  | { readonly kind: 'keyUpdated'; readonly direction: 'read' | 'write' }
  /**
   * The handshake cannot go on without the caller's answer to `question` (config `pauseFor`):
   * the connection reports it as an event and processes no more input until it is resolved,
   * buffering at most `maxBufferedInput` bytes meanwhile.
   */
  | { readonly kind: 'ask'; readonly question: Question; readonly maxBufferedInput: number }
  /**
   * Server: the client answered our post-handshake CertificateRequest (RFC 8446 §4.6.2) with this
   * verified chain (empty: no certificate, accepted in 'optional' mode).
   */
  | { readonly kind: 'clientAuthenticated'; readonly negotiated: Negotiated; readonly peerCertificates: readonly Uint8Array[] };

/** What a paused server asks its caller (docs/05-sans-io-api.md, "Asynchronous decisions"). */
export type Question =
  /**
   * Choose the certificate for this ClientHello: answer with a CertifiedKey (or candidates in
   * preference order), or undefined for the config's own choice by SNI name (RFC 6066 §3).
   */
  | {
      readonly kind: 'needCertificate';
      readonly serverName: string | undefined;
      readonly signatureSchemes: readonly number[];
      readonly alpnProtocols: readonly string[];
    }
  /**
   * Take the session stored under this ticket id, removing it in the same step (single use,
   * RFC 8446 §8.1): answer with the state `SessionStore.put` received, or undefined.
   */
  | { readonly kind: 'needSession'; readonly identity: Uint8Array }
  /**
   * Sign `content` (RFC 8446 §4.4.3, the CertificateVerify input) with `scheme` and the private
   * key of `certificate`.
   */
  | { readonly kind: 'needSignature'; readonly certificate: CertifiedKey; readonly scheme: number; readonly content: Uint8Array };

/** An append-only list of actions. */
export class HandshakeOutput {
  readonly actions: HandshakeAction[] = [];
  push(action: HandshakeAction): void {
    this.actions.push(action);
  }
}
