/**
 * RFC 8448 §4 (resumed 0-RTT handshake) through our ClientConnection and ServerConnection. The
 * session comes from RFC 8448 §3 replayed through our client: its NewSessionTicket and the PSK our
 * client derives from its own resumption_master_secret (RFC 8446 §4.6.1). With the trace's key
 * shares and randoms injected, both sides must write the trace's records byte for byte: the
 * ClientHello with its binder (RFC 8446 §4.2.11.2), the early data record, ServerHello,
 * EncryptedExtensions + Finished, EndOfEarlyData (RFC 8446 §4.5), Finished, data and alerts.
 */
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { clientConfig, serverConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { attachPsk, offerPsk } from '../../src/handshake/client/client-hello.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { decodeHandshakeBody, encodeHandshake } from '../../src/messages/handshake.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import type { ClientSession } from '../../src/session/client-cache.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { encodeTicketState } from '../../src/session/ticket.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { dangerouslyAcceptAnyCertificate } from '../../src/x509/verifier.ts';
import { field, loadTrace, step, rfc8448RsaKey } from '../helpers/vectors.ts';
import { drainEvents, readAll } from '../helpers/pair.ts';
import { TRACE_NOW, replayRandom, rfc8448Certificate, serverHelloRandom, trace } from './_replay.ts';

const provider = nobleProvider;
const TRACE_SERVER_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];
const t3 = trace('03-simple-1rtt');
const t4 = trace('04-resumed-0rtt');

/** The §4 ClientHello, whole (the trace's "ClientHello" field is the binder prefix only). */
function helloRaw(): Uint8Array {
  return field(step(t4.steps, 'client', 'send handshake record', 0), 'payload');
}
function hello(): ClientHello {
  const raw = helloRaw();
  return decodeHandshakeBody(raw[0] as number, raw.subarray(4)) as ClientHello;
}
function payload(actor: 'client' | 'server', kind: string, nth = 0): Uint8Array {
  const s = t4.steps.filter((x) => x.actor === actor && x.action === `send ${kind} record`)[nth];
  const p = s?.fields.get('payload');
  if (!p) throw new Error('no payload');
  return p;
}

function clientCfg() {
  return clientConfig({
    provider,
    now: () => TRACE_NOW,
    verifier: dangerouslyAcceptAnyCertificate(),
    middleboxCompat: false,
    earlyData: true,
    sessionCache: false,
  });
}

/** RFC 8448 §3 through our client; the session our client makes of the trace's NewSessionTicket. */
function sessionFrom03(): ClientSession {
  const raw = t3.message('client', 'ClientHello');
  const h = decodeHandshakeBody(raw[0] as number, raw.subarray(4)) as ClientHello;
  const kx = provider.keyExchange(NamedGroup.x25519)!;
  const c = ClientConnection.fromClientHello(clientCfg(), { serverName: 'server' }, h, [kx.generate(replayRandom(t3.ephemeralKey('client', 'x25519')))]);
  c.takeOutput();
  c.receive(concat(t3.record('server', 'handshake', 0), t3.record('server', 'handshake', 1)));
  c.receive(t3.record('server', 'handshake', 2));
  const ev = drainEvents(c).find((e) => e.kind === 'sessionTicket');
  if (ev?.kind !== 'sessionTicket') throw new Error('§3: no session from the NewSessionTicket');
  return ev.session;
}

/** The ticket age (ms) the §4 ClientHello reports, de-obfuscated with the §3 ticket_age_add. */
function clientTicketAge(session: ClientSession): number {
  const psk = hello().extensions.find((e) => e.kind === 'pre_shared_key_client');
  if (psk?.kind !== 'pre_shared_key_client') throw new Error('no psk');
  return (psk.identities[0]!.obfuscatedTicketAge - session.ticketAgeAdd) >>> 0;
}

function traceClient(): ClientConnection {
  const session = sessionFrom03();
  const kx = provider.keyExchange(NamedGroup.x25519)!;
  const keyPair = kx.generate(replayRandom(t4.ephemeralKey('client', 'x25519')));
  return ClientConnection.fromClientHello(clientCfg(), { serverName: 'server', session }, hello(), [keyPair]);
}

function traceServer(): ServerConnection {
  const session = sessionFrom03();
  const store = new MemorySessionStore(4);
  // Our server's record of the §3 session under the trace's ticket (a stateful ticket id).
  store.put(
    session.ticket,
    encodeTicketState({
      cipherSuite: session.cipherSuite,
      psk: session.psk,
      issuedAtMs: TRACE_NOW - clientTicketAge(session),
      ticketAgeAdd: session.ticketAgeAdd,
      ticketLifetime: session.ticketLifetime,
      maxEarlyDataSize: session.maxEarlyDataSize,
      alpnProtocol: new Uint8Array(0),
      serverName: utf8('server'),
      clientIdentity: new Uint8Array(0),
    }),
  );
  return new ServerConnection(
    serverConfig({
      provider,
      now: () => TRACE_NOW,
      // RFC 8448 §4 draws, in order: the server's x25519 private key, ServerHello.random.
      random: replayRandom(t4.ephemeralKey('server', 'x25519'), serverHelloRandom(t4.message('server', 'ServerHello'))),
      certificates: [certifiedKey(provider, [rfc8448Certificate(t3)], rfc8448RsaKey())],
      groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
      advertisedGroups: TRACE_SERVER_GROUPS,
      sessionStore: store,
      // The trace server chose TLS_AES_128_GCM_SHA256, the first suite the client offered.
      preferChaCha20: false,
      maxEarlyDataSize: session.maxEarlyDataSize,
      // The trace's server sends no NewSessionTicket after the resumed handshake.
      tickets: 0,
      ticketsAfterResumption: 0,
    }),
  );
}

describe('RFC 8448 §4 resumed 0-RTT: the session from §3', () => {
  it('our client derives the §3 ticket PSK from its resumption_master_secret (RFC 8446 §4.6.1)', () => {
    const s3 = loadTrace('03-simple-1rtt');
    const expected = s3.find((s) => s.action === 'generate resumption secret "tls13 resumption"' && s.fields.size > 0);
    const session = sessionFrom03();
    expect(session.psk).toEqual(expected?.fields.get('expanded'));
    expect(session.maxEarlyDataSize).toBeGreaterThan(0);
  });

  it('attachPsk rebuilds the §4 ClientHello with its binder byte for byte (RFC 8446 §4.2.11.2)', () => {
    const session = sessionFrom03();
    const offered = offerPsk(clientCfg(), { ...session, receivedAtMs: TRACE_NOW - clientTicketAge(session) });
    if (!offered) throw new Error('PSK not offerable');
    const h = hello();
    const withoutPsk = { ...h, extensions: h.extensions.filter((e) => e.kind !== 'pre_shared_key_client') };
    expect(encodeHandshake(attachPsk(clientCfg(), withoutPsk, [offered], undefined))).toEqual(helloRaw());
  });
});

describe('RFC 8448 §4 resumed 0-RTT: our client reproduces the trace', () => {
  it('sends the ClientHello record, then the early data record under the early key (RFC 8446 §4.2.10)', () => {
    const client = traceClient();
    expect(client.takeOutput()).toEqual(t4.record('client', 'handshake', 0));
    expect(client.writeEarlyData(payload('client', 'application_data', 0))).toBe(6);
    expect(client.takeOutput()).toEqual(t4.record('client', 'application_data', 0));
  });

  it('answers the server flight with EndOfEarlyData and Finished, then data and close_notify byte for byte (RFC 8446 §4.5)', () => {
    const client = traceClient();
    client.takeOutput();
    client.writeEarlyData(payload('client', 'application_data', 0));
    client.takeOutput();
    client.receive(t4.record('server', 'handshake', 0));
    client.receive(t4.record('server', 'handshake', 1));
    expect(client.isHandshakeDone).toBe(true);
    expect(client.negotiated?.isResumed).toBe(true);
    expect(client.earlyDataAccepted).toBe(true);
    expect(client.takeOutput()).toEqual(concat(t4.record('client', 'handshake', 1), t4.record('client', 'handshake', 2)));
    client.write(payload('client', 'application_data', 1));
    expect(client.takeOutput()).toEqual(t4.record('client', 'application_data', 1));
    client.receive(t4.record('server', 'application_data', 0));
    expect(readAll(client)).toEqual(payload('server', 'application_data', 0));
    client.close();
    expect(client.takeOutput()).toEqual(t4.record('client', 'alert', 0));
  });
});

describe('RFC 8448 §4 resumed 0-RTT: our server reproduces the trace', () => {
  it('accepts the PSK and the early data and writes ServerHello, EncryptedExtensions + Finished byte for byte (RFC 8446 §4.2.11, §4.2.10)', () => {
    const server = traceServer();
    server.receive(concat(t4.record('client', 'handshake', 0), t4.record('client', 'application_data', 0)));
    expect(server.takeOutput()).toEqual(concat(t4.record('server', 'handshake', 0), t4.record('server', 'handshake', 1)));
    expect(server.readEarlyData()).toEqual(payload('client', 'application_data', 0));
  });

  it('takes EndOfEarlyData and Finished, then data and close_notify byte for byte (RFC 8446 §4.5)', () => {
    const server = traceServer();
    server.receive(concat(t4.record('client', 'handshake', 0), t4.record('client', 'application_data', 0)));
    server.takeOutput();
    server.receive(concat(t4.record('client', 'handshake', 1), t4.record('client', 'handshake', 2)));
    expect(server.isHandshakeDone).toBe(true);
    expect(server.negotiated?.isResumed).toBe(true);
    expect(server.earlyDataAccepted).toBe(true);
    server.receive(t4.record('client', 'application_data', 1));
    expect(readAll(server)).toEqual(payload('client', 'application_data', 1));
    server.write(payload('server', 'application_data', 0));
    expect(server.takeOutput()).toEqual(t4.record('server', 'application_data', 0));
    server.receive(t4.record('client', 'alert', 0));
    server.close();
    expect(server.takeOutput()).toEqual(t4.record('server', 'alert', 0));
  });
});
