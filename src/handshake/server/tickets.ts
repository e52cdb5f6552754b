/**
 * @module tickets
 * Ticket issuance after the handshake (RFC 8446 §4.6.1): `config.tickets` NewSessionTicket
 * messages under the application key, each with a random ticket_age_add, a nonce unique on this
 * connection and its own PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", nonce).
 * The ticket is the sealed session state (stateless) or a random id into the session store.
 */
import { utf8 } from '../../bytes/bytes.ts';
import type { ServerConfig } from '../../config.ts';
import { resumptionPsk } from '../../keyschedule/resumption.ts';
import { encodeHandshake } from '../../messages/handshake.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import { encodeTicketState } from '../../session/ticket.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { HandshakeOutput } from '../output.ts';

/** Queues the configured number of NewSessionTicket messages (post-handshake, not in the transcript). */
export function sendTickets(config: ServerConfig, st: TrafficState, out: HandshakeOutput): void {
  const now = config.now();
  for (let i = 0; i < config.tickets; i++) {
    // RFC 8446 §4.6.1: "The ticket_nonce ... MUST be unique across all tickets issued on this
    // connection"; ticket_age_add is "a securely generated, random 32-bit value".
    const ticketNonce = new Uint8Array([i]);
    const r = config.random(4);
    const ticketAgeAdd = (((r[0] as number) << 24) | ((r[1] as number) << 16) | ((r[2] as number) << 8) | (r[3] as number)) >>> 0;
    const state = encodeTicketState({
      cipherSuite: st.suite.id,
      psk: resumptionPsk(st.hash, st.resumptionMasterSecret, ticketNonce),
      issuedAtMs: now,
      ticketAgeAdd,
      ticketLifetime: config.ticketLifetime,
      maxEarlyDataSize: config.maxEarlyDataSize,
      alpnProtocol: utf8(st.negotiated.alpnProtocol ?? ''),
      serverName: utf8(st.negotiated.serverName ?? ''),
      clientIdentity: new Uint8Array(0),
    });
    let ticket: Uint8Array;
    if (config.sessionStore) {
      ticket = config.random(STATEFUL_ID_LEN);
      config.sessionStore.put(ticket, state);
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
