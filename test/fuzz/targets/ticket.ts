/**
 * @module test/fuzz/targets/ticket
 * Fuzz target: session tickets on the server (RFC 8446 §4.6.1, §4.2.11; src/session/). The first
 * input byte picks what the rest is:
 *  - even: a PSK identity from the network, opened with real AES-256-GCM ticket keys
 *    (`TicketKeys.open`): garbage must give undefined, never an exception;
 *  - odd: the plaintext inside a ticket (`TicketState`), which only our own keys could have
 *    sealed: it must decode or give undefined; when it decodes, it must re-encode to the same
 *    bytes, and a fuzz-provider client offering it (binder made with the state's own PSK, 0-RTT
 *    on) must take a fuzz-provider server through resumption, a fallback to a full handshake, or
 *    a TlsError.
 */
import { equalBytes } from '../../../src/bytes/bytes.ts';
import type { ClientConfig, ServerConfig } from '../../../src/config.ts';
import { ClientConnection } from '../../../src/connection/client.ts';
import type { Connection } from '../../../src/connection/connection.ts';
import { ServerConnection } from '../../../src/connection/server.ts';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { suiteById, TLS_AES_128_GCM_SHA256 } from '../../../src/crypto/suites.ts';
import type { ClientSession } from '../../../src/session/client-cache.ts';
import { TicketKeys } from '../../../src/session/ticket-keys.ts';
import { decodeTicketState, encodeTicketState } from '../../../src/session/ticket.ts';
import { FUZZ_CLIENT_CONFIG, FUZZ_NOW, FUZZ_SERVER_CONFIG, expectOnlyTlsErrors } from './setup.ts';

/** Real ticket keys (noble AES-256-GCM) for network identities. */
export const NETWORK_TICKET_KEYS = new TicketKeys(nobleProvider, new Uint8Array(32).fill(7));
export const TICKET_CLIENT_CONFIG: ClientConfig = { ...FUZZ_CLIENT_CONFIG, earlyData: true };
export const TICKET_SERVER_CONFIG: ServerConfig = { ...FUZZ_SERVER_CONFIG, maxEarlyDataSize: 1024 };

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const body = data.subarray(1);
  if (((data[0] as number) & 1) === 0) {
    const plain = NETWORK_TICKET_KEYS.open(body, FUZZ_NOW);
    if (plain !== undefined) decodeTicketState(plain);
    return;
  }
  const state = decodeTicketState(body);
  // A state that does not decode is a full handshake (the server target's ground).
  if (state === undefined) return;
  if (!equalBytes(encodeTicketState(state), body)) throw new Error('ticket: re-encoding differs');
  const suite = suiteById(state.cipherSuite) ?? TLS_AES_128_GCM_SHA256;
  const session: ClientSession = {
    cipherSuite: suite.id,
    ticket: TICKET_SERVER_CONFIG.ticketKeys.seal(body, FUZZ_NOW, TICKET_SERVER_CONFIG.random),
    psk: state.psk,
    ticketAgeAdd: state.ticketAgeAdd,
    ticketLifetime: 7200,
    receivedAtMs: FUZZ_NOW - 1000,
    maxEarlyDataSize: state.maxEarlyDataSize,
    alpnProtocol: state.alpnProtocol,
    serverName: 'localhost',
  };
  const client = new ClientConnection(TICKET_CLIENT_CONFIG, { serverName: 'localhost', session });
  client.writeEarlyData(new Uint8Array([0x30, 0x2d, 0x72, 0x74, 0x74]));
  const server = new ServerConnection(TICKET_SERVER_CONFIG);
  for (let round = 0; round < 6; round++) {
    if (!move(client, server) && !move(server, client)) break;
  }
}

/** Hands `from`'s output to `to`; false when there was none. */
function move(from: Connection, to: Connection): boolean {
  let bytes: Uint8Array = new Uint8Array(0);
  expectOnlyTlsErrors(() => {
    bytes = from.takeOutput();
  });
  if (bytes.length === 0) return false;
  expectOnlyTlsErrors(() => to.receive(bytes));
  for (let e = to.poll(); e !== undefined; e = to.poll());
  while (to.read() !== undefined);
  return true;
}
