/**
 * @module events
 * What a connection reports to its user: the handshake's outcome with the negotiated parameters,
 * the peer's close_notify (RFC 8446 §6.1), received warning alerts, key updates, and session
 * tickets. Application data is not an event: it is read with `read()`.
 */
import type { Negotiated } from '../handshake/negotiated.ts';

export type { Negotiated };

export type ConnectionEvent =
  | { readonly kind: 'handshakeDone'; readonly negotiated: Negotiated }
  /** The peer sent close_notify: it will send no more data (RFC 8446 §6.1). We may still write. */
  | { readonly kind: 'peerClosed' }
  /** A warning alert other than close_notify (e.g. user_canceled). */
  | { readonly kind: 'warningAlert'; readonly description: number }
  /** Our sending or receiving key was updated (RFC 8446 §4.6.3). */
  | { readonly kind: 'keyUpdate'; readonly direction: 'read' | 'write' };
