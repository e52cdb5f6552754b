/**
 * @module traffic
 * The state both sides share once the handshake is done, and the post-handshake messages it
 * handles: KeyUpdate in both directions (RFC 8446 §4.6.3, §7.2) and, on the client,
 * NewSessionTicket (RFC 8446 §4.6.1: the client derives the ticket's PSK and hands it to the
 * connection, which caches it). Post-handshake authentication (RFC 8446 §4.6.2) is the client's
 * and the server's own (handshake/client/post-handshake-auth.ts, handshake/server/post-handshake-auth.ts).
 * Post-handshake messages are not part of the handshake transcript.
 */
import { illegalParameter, unexpectedMessage } from '../../errors.ts';
import type { ClientAuth, ClientConfig, ServerConfig } from '../../config.ts';
import type { HashAlgorithm, PublicKey } from '../../crypto/provider.ts';
import type { Transcript } from '../../transcript.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import { nextTrafficSecret } from '../../keyschedule/traffic.ts';
import { resumptionPsk } from '../../keyschedule/resumption.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { utf8 } from '../../bytes/bytes.ts';
import { encodeHandshake } from '../../messages/handshake.ts';
import { HandshakeType, KeyUpdateRequest, nameOf } from '../../protocol/registry.ts';
import { MAX_TICKET_LIFETIME_S } from '../../protocol/limits.ts';
import type { Negotiated } from '../negotiated.ts';
import type { HandshakeOutput } from '../output.ts';
import { requireRecordBoundary, type HandshakeInput } from './input.ts';

/** Connected: application data flows; only post-handshake messages arrive. */
export interface TrafficState {
  readonly kind: 'Traffic';
  readonly side: 'client' | 'server';
  readonly suite: CipherSuiteInfo;
  readonly hash: HashAlgorithm;
  /** The peer's current application traffic secret (RFC 8446 §7.2). */
  readonly readSecret: Uint8Array;
  /** Our current application traffic secret. */
  readonly writeSecret: Uint8Array;
  readonly exporterMasterSecret: Uint8Array;
  readonly resumptionMasterSecret: Uint8Array;
  readonly negotiated: Negotiated;
  /**
   * The peer sent KeyUpdate(update_requested) and no KeyUpdate of ours has answered it yet: one
   * goes before our next application data record, however many requests came (RFC 8446 §4.6.3).
   */
  readonly updateRequested: boolean;
  /** Present when the client offered post_handshake_auth (RFC 8446 §4.2.6, §4.6.2). */
  readonly postHandshakeAuth?: ClientPostHandshakeAuth | ServerPostHandshakeAuth;
}

/** Client: we offered post_handshake_auth and answer the server's CertificateRequests. */
export interface ClientPostHandshakeAuth {
  readonly side: 'client';
  readonly config: ClientConfig;
  /** Through the client Finished: each request's Handshake Context continues it (RFC 8446 §4.4). */
  readonly transcript: Transcript;
}

/** Server: the client offered post_handshake_auth; we may ask it for a certificate. */
export interface ServerPostHandshakeAuth {
  readonly side: 'server';
  readonly config: ServerConfig;
  /** Through the client Finished: each request's Handshake Context continues it (RFC 8446 §4.4). */
  readonly transcript: Transcript;
  /** Requests sent on this connection: the next context (unique, RFC 8446 §4.6.2) counts them. */
  readonly requestsSent: number;
  readonly pending: PendingCertificateRequest | undefined;
}

/** A post-handshake CertificateRequest of ours the client has not finished answering. */
export interface PendingCertificateRequest {
  readonly context: Uint8Array;
  readonly clientAuth: ClientAuth;
  /** The Handshake Context so far: the handshake, our CertificateRequest, what the client sent. */
  readonly transcript: Transcript;
  /** What comes next from the client (RFC 8446 §4.4: Certificate, CertificateVerify, Finished). */
  readonly expect: 'certificate' | 'certificateVerify' | 'finished';
  readonly peerCertificates: readonly Uint8Array[];
  readonly leafKey: PublicKey | undefined;
}

/**
 * Handles a post-handshake message.
 * @throws TlsError unexpected_message for anything but KeyUpdate (either side) and
 *   NewSessionTicket (client); illegal_parameter for a bad ticket lifetime
 */
export function onTrafficMessage(st: TrafficState, input: HandshakeInput, out: HandshakeOutput): TrafficState {
  const msg = input.message;
  if (msg.type === HandshakeType.key_update) {
    // RFC 8446 §4.6.3: the receiver updates its read key; KeyUpdate changes keys, so it must
    // end its record (§5.1).
    requireRecordBoundary(input, 'key_update');
    const readSecret = nextTrafficSecret(st.hash, st.readSecret);
    out.push({ kind: 'setReadKeys', epoch: 'application', suite: st.suite, secret: readSecret });
    out.push({ kind: 'keyUpdated', direction: 'read' });
    // RFC 8446 §4.6.3: "If the request_update field is set to "update_requested", then the
    // receiver MUST send a KeyUpdate of its own with request_update set to
    // "update_not_requested" prior to sending its next Application Data record. This mechanism
    // allows either side to force an update to the entire connection, but causes an
    // implementation which receives multiple KeyUpdates while it is silent to respond with a
    // single update." The connection sends it with its next application data (so a peer that
    // floods requests and never reads makes us queue nothing).
    const updateRequested = st.updateRequested || msg.requestUpdate === KeyUpdateRequest.update_requested;
    return { ...st, readSecret, updateRequested };
  }
  if (msg.type === HandshakeType.new_session_ticket && st.side === 'client') {
    // RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds."
    if (msg.ticketLifetime > MAX_TICKET_LIFETIME_S) throw illegalParameter('new_session_ticket: lifetime over 7 days');
    // RFC 8446 §4.6.1: a lifetime of zero means the ticket must not be cached; a client without
    // a server name has nothing to key it by.
    const serverName = st.negotiated.serverName;
    if (msg.ticketLifetime === 0 || serverName === undefined) return st;
    const early = findExtension(msg.extensions, 'early_data_ticket');
    out.push({
      kind: 'newSessionTicket',
      session: {
        cipherSuite: st.suite.id,
        ticket: msg.ticket,
        // RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
        psk: resumptionPsk(st.hash, st.resumptionMasterSecret, msg.ticketNonce),
        ticketAgeAdd: msg.ticketAgeAdd,
        ticketLifetime: msg.ticketLifetime,
        maxEarlyDataSize: early?.maxEarlyDataSize ?? 0,
        alpnProtocol: utf8(st.negotiated.alpnProtocol ?? ''),
        serverName,
      },
    });
    return st;
  }
  // RFC 8446 §4.6.2: a CertificateRequest without our post_handshake_auth is unexpected_message;
  // so is any handshake message that only belongs to the handshake itself.
  throw unexpectedMessage(`traffic: unexpected ${nameOf(HandshakeType, msg.type)} after the handshake`);
}

/**
 * Sends a KeyUpdate under the current write key, then switches to the next write secret
 * (RFC 8446 §4.6.3, §7.2). One with update_not_requested answers the peer's pending request.
 */
export function sendKeyUpdate(st: TrafficState, requestPeerUpdate: boolean, out: HandshakeOutput): TrafficState {
  const raw = encodeHandshake({
    type: HandshakeType.key_update,
    requestUpdate: requestPeerUpdate ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested,
  });
  out.push({ kind: 'send', raw });
  const writeSecret = nextTrafficSecret(st.hash, st.writeSecret);
  out.push({ kind: 'setWriteKeys', epoch: 'application', suite: st.suite, secret: writeSecret });
  out.push({ kind: 'keyUpdated', direction: 'write' });
  return { ...st, writeSecret, updateRequested: requestPeerUpdate && st.updateRequested };
}
