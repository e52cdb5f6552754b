/**
 * @module tickets
 * Ticket issuance after the handshake (RFC 8446 §4.6.1): `config.tickets` NewSessionTicket
 * messages after a full or external-PSK handshake, `config.ticketsAfterResumption` (default none
 * with stateless tickets, as node:tls; one with a single-use session store) after one resumed from a ticket, under the application key, each with a random ticket_age_add, a nonce unique on this
 * connection and its own PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", nonce).
 * The ticket is the sealed session state (stateless) or a random id into the session store.
 * With client authentication the client's verified chain (its identity) goes into the state, so
 * a resumed session reports the same peer (RFC 8446 §2.2: the resumed connection "is
 * cryptographically tied to the original connection", whose client it authenticated).
 */
import { utf8 } from '../../bytes/bytes.ts';
import { Reader } from '../../codec/reader.ts';
import { encodeWith } from '../../codec/writer.ts';
import { TlsError } from '../../errors.ts';
import type { ServerConfig } from '../../config.ts';
import { resumptionPsk } from '../../keyschedule/resumption.ts';
import { encodeHandshake } from '../../messages/handshake.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import { encodeTicketState } from '../../session/ticket.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { HandshakeOutput } from '../output.ts';

/** Queues the configured number of NewSessionTicket messages (post-handshake, not in the transcript). */
export function sendTickets(config: ServerConfig, st: TrafficState, out: HandshakeOutput): void {
  // An external-PSK handshake (RFC 8446 §4.2.11) is a first contact, not a resumption.
  const fromTicket = st.negotiated.isResumed && st.negotiated.externalPskIdentity === undefined;
  const count = fromTicket ? config.ticketsAfterResumption : config.tickets;
  if (count === 0) return;
  const clientIdentity = encodeClientIdentity(st.negotiated.peerCertificates);
  // A client identity too large for the ticket: no tickets, rather than a resumed session that
  // silently lost its authentication.
  if (clientIdentity === undefined) return;
  const now = config.now();
  const resumptionMasterSecret = st.hash.hmacKey(st.resumptionMasterSecret);
  for (let i = 0; i < count; i++) {
    // RFC 8446 §4.6.1: "The ticket_nonce ... MUST be unique across all tickets issued on this
    // connection"; ticket_age_add is "a securely generated, random 32-bit value".
    const ticketNonce = new Uint8Array([i]);
    const r = config.random(4);
    const ticketAgeAdd = (((r[0] as number) << 24) | ((r[1] as number) << 16) | ((r[2] as number) << 8) | (r[3] as number)) >>> 0;
    const state = encodeTicketState({
      cipherSuite: st.suite.id,
      psk: resumptionPsk(st.hash, resumptionMasterSecret, ticketNonce),
      issuedAtMs: now,
      ticketAgeAdd,
      ticketLifetime: config.ticketLifetime,
      maxEarlyDataSize: config.maxEarlyDataSize,
      alpnProtocol: utf8(st.negotiated.alpnProtocol ?? ''),
      serverName: utf8(st.negotiated.serverName ?? ''),
      clientIdentity,
    });
    let ticket: Uint8Array;
    if (config.sessionStore) {
      ticket = config.random(STATEFUL_ID_LEN);
      config.sessionStore.put(ticket, state, config.ticketLifetime);
    } else {
      ticket = config.ticketKeys.seal(state, now, config.random);
    }
    const raw = encodeHandshake({
      type: HandshakeType.new_session_ticket,
      ticketLifetime: config.ticketLifetime,
      ticketAgeAdd,
      ticketNonce,
      ticket,
      // RFC 8446 §4.2.10: max_early_data_size, when we accept 0-RTT with this ticket.
      extensions: config.maxEarlyDataSize > 0 ? [{ kind: 'early_data_ticket', maxEarlyDataSize: config.maxEarlyDataSize }] : [],
    });
    out.push({ kind: 'send', raw });
  }
}

const STATEFUL_ID_LEN = 32;

/** Bound on the identity kept in a ticket (the ticket itself is at most 2^16-1 bytes). */
const MAX_CLIENT_IDENTITY_LEN = 16384;

/**
 * The client's chain as a list of opaque24 certificates (empty: no client authentication); the
 * leaf alone when the whole chain does not fit, undefined when the leaf does not either.
 */
export function encodeClientIdentity(chain: readonly Uint8Array[]): Uint8Array | undefined {
  for (const certs of [chain, chain.slice(0, 1)]) {
    const b = encodeWith((w) => {
      for (const c of certs) w.opaque24(c);
    });
    if (b.length <= MAX_CLIENT_IDENTITY_LEN) return b;
  }
  return undefined;
}

/** The chain `encodeClientIdentity` wrote; [] for an empty or unreadable identity. */
export function decodeClientIdentity(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  try {
    const r = new Reader(b, 'ticket identity');
    while (!r.isEmpty) out.push(r.opaque24(1, 0xffffff).slice());
  } catch (e) {
    if (e instanceof TlsError) return [];
    throw e;
  }
  return out;
}
