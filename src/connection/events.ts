/**
 * @module events
 * What a connection reports to its user: the handshake's outcome with the negotiated parameters,
 * the peer's close_notify (RFC 8446 §6.1), received warning alerts, key updates, and session
 * tickets; and the questions of a paused server (config `pauseFor`: `needCertificate`,
 * `needSession`, `needSignature`), answered with its resolve methods. Application data is not an
 * event: it is read with `read()`.
 */
import type { Negotiated } from '../handshake/negotiated.ts';
import type { Question } from '../handshake/output.ts';
import type { ClientSession } from '../session/client-cache.ts';

export type { Negotiated, Question };

export type ConnectionEvent =
  | { readonly kind: 'handshakeDone'; readonly negotiated: Negotiated }
  /** The peer sent close_notify: it will send no more data (RFC 8446 §6.1). We may still write. */
  | { readonly kind: 'peerClosed' }
  /** A warning alert other than close_notify (e.g. user_canceled). */
  | { readonly kind: 'warningAlert'; readonly description: number }
  /** Our sending or receiving key was updated (RFC 8446 §4.6.3). */
  | { readonly kind: 'keyUpdate'; readonly direction: 'read' | 'write' }
  /**
   * Client: a NewSessionTicket arrived (RFC 8446 §4.6.1). The session is already in the
   * config's cache; it can also be saved with encodeClientSession and resumed later.
   */
  | { readonly kind: 'sessionTicket'; readonly session: ClientSession }
  /** RFC 8446 §4.2.10: whether the 0-RTT data was accepted (both sides; only when offered). */
  | { readonly kind: 'earlyData'; readonly accepted: boolean }
  /** Server with `pauseFor`: the handshake waits for this answer (docs/05 "Asynchronous decisions"). */
  | Question
  /**
   * Server: the client answered `requestClientCertificate()` (RFC 8446 §4.6.2); its verified
   * chain (empty when it sent none, in 'optional' mode) is now `negotiated.peerCertificates`.
   */
  | { readonly kind: 'clientCertificate'; readonly peerCertificates: readonly Uint8Array[] };
