import { describe, expect, it } from 'vitest';
import { clientConfig, serverConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { ObservedEvent } from '../../src/connection/observer.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { encodeHandshake } from '../../src/messages/handshake.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { handshake, testCertifiedKey, testRoot } from '../helpers/pair.ts';
import { seededRandom } from '../helpers/providers.ts';

// The connection observer (src/connection/observer.ts): what it reports is what went on the wire
// and what the key schedule computed, on both sides; and observing changes nothing.

const provider = nobleProvider;

interface Pair {
  readonly client: ClientConnection;
  readonly server: ServerConnection;
  readonly seen: { client: ObservedEvent[]; server: ObservedEvent[] };
  readonly keyLog: { client: Map<string, string>; server: Map<string, string> };
  readonly wire: { client: Uint8Array[]; server: Uint8Array[] };
}

/** A deterministic pair (fixed randoms and clock), observed or not. */
function pair(observe: boolean): Pair {
  const seen = { client: [] as ObservedEvent[], server: [] as ObservedEvent[] };
  const keyLog = { client: new Map<string, string>(), server: new Map<string, string>() };
  const common = { provider, now: () => 1_750_000_000_000 };
  const server = new ServerConnection(
    serverConfig({
      ...common,
      random: seededRandom(2),
      ticketSecret: new Uint8Array(32).fill(7), // default: random from the provider, outside `random`
      certificates: [testCertifiedKey(provider)],
      keyLog: (label, _r, secret) => keyLog.server.set(label, Buffer.from(secret).toString('hex')),
    }),
    { observer: observe ? (e) => seen.server.push(e) : undefined },
  );
  const client = new ClientConnection(
    clientConfig({
      ...common,
      random: seededRandom(1),
      verifier: trustExactly([testRoot()]),
      keyLog: (label, _r, secret) => keyLog.client.set(label, Buffer.from(secret).toString('hex')),
    }),
    { serverName: 'localhost', observer: observe ? (e) => seen.client.push(e) : undefined },
  );
  return { client, server, seen, keyLog, wire: { client: [], server: [] } };
}

/** Handshake plus one exchange of data and a close, recording every byte each side sent. */
function run(p: Pair): void {
  const send = (from: ClientConnection | ServerConnection, to: ClientConnection | ServerConnection, log: Uint8Array[]): void => {
    const bytes = from.takeOutput();
    log.push(bytes);
    if (bytes.length > 0) to.receive(bytes);
  };
  for (let i = 0; i < 10 && !(p.client.isHandshakeDone && p.server.isHandshakeDone && !p.client.hasOutput && !p.server.hasOutput); i++) {
    send(p.client, p.server, p.wire.client);
    send(p.server, p.client, p.wire.server);
  }
  p.client.write(new TextEncoder().encode('ping'));
  send(p.client, p.server, p.wire.client);
  p.server.write(new TextEncoder().encode('pong'));
  p.server.close();
  send(p.server, p.client, p.wire.server);
}

const kinds = (events: readonly ObservedEvent[], kind: ObservedEvent['kind']): ObservedEvent[] => events.filter((e) => e.kind === kind);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('connection observer (RFC 8446 §4, §5, §6, §7 as they happen)', () => {
  it('each handshake message one side reports sending is the one the other reports receiving, decoded alike', () => {
    const p = pair(true);
    run(p);
    const msgs = (events: readonly ObservedEvent[], direction: 'sent' | 'received'): Array<Extract<ObservedEvent, { kind: 'handshakeMessage' }>> =>
      events.flatMap((e) => (e.kind === 'handshakeMessage' && e.direction === direction ? [e] : []));
    for (const [from, to] of [['client', 'server'], ['server', 'client']] as const) {
      const sent = msgs(p.seen[from], 'sent');
      const received = msgs(p.seen[to], 'received');
      expect(sent.length).toBeGreaterThan(0);
      expect(received.map((m) => hex(m.raw))).toEqual(sent.map((m) => hex(m.raw)));
      expect(received.map((m) => m.message)).toEqual(sent.map((m) => m.message));
      expect(received.map((m) => m.protection)).toEqual(sent.map((m) => m.protection));
      // The decoded message is the one encoded on the wire.
      for (const m of sent) expect(hex(encodeHandshake(m.message))).toBe(hex(m.raw));
    }
    expect(msgs(p.seen.client, 'sent').map((m) => m.message.type)).toEqual([1, 20]); // ClientHello, Finished
    expect(msgs(p.seen.server, 'sent').map((m) => [m.message.type, m.protection])).toEqual([
      [2, 'plaintext'],
      [8, 'handshake'],
      [11, 'handshake'],
      [15, 'handshake'],
      [20, 'handshake'],
      [4, 'application'], // NewSessionTicket x2
      [4, 'application'],
    ]);
  });

  it('the records reported sent add up to the bytes on the wire; what one side reports sending, the other reports receiving', () => {
    const p = pair(true);
    run(p);
    for (const side of ['client', 'server'] as const) {
      const records = kinds(p.seen[side], 'record') as Array<Extract<ObservedEvent, { kind: 'record' }>>;
      const sent = records.filter((r) => r.direction === 'sent');
      const bytes = p.wire[side].reduce((n, b) => n + b.length, 0);
      expect(sent.reduce((n, r) => n + 5 + r.length, 0)).toBe(bytes);
      const other = side === 'client' ? 'server' : 'client';
      const received = (kinds(p.seen[other], 'record') as typeof records).filter((r) => r.direction === 'received');
      expect(received.map(({ contentType, innerType, length, contentLength, protection }) => ({ contentType, innerType, length, contentLength, protection }))).toEqual(
        sent.map(({ contentType, innerType, length, contentLength, protection }) => ({ contentType, innerType, length, contentLength, protection })),
      );
    }
    const alerts = kinds(p.seen.client, 'alert');
    expect(alerts).toEqual([{ kind: 'alert', direction: 'received', level: 1, description: 0 }]); // close_notify
  });

  it('both sides report the same key schedule (RFC 8446 §7.1), the NSS key log values included, and matching record keys (§7.3)', () => {
    const p = pair(true);
    run(p);
    const secrets = (side: 'client' | 'server'): Map<string, string> =>
      new Map((kinds(p.seen[side], 'secret') as Array<Extract<ObservedEvent, { kind: 'secret' }>>).map((e) => [e.name, hex(e.secret)]));
    const c = secrets('client');
    const s = secrets('server');
    expect([...c.keys()]).toEqual([
      'early_secret',
      'ecdhe_shared_secret',
      'handshake_secret',
      'client_handshake_traffic_secret',
      'server_handshake_traffic_secret',
      'master_secret',
      'client_application_traffic_secret_0',
      'server_application_traffic_secret_0',
      'exporter_master_secret',
      'resumption_master_secret',
    ]);
    expect(s).toEqual(c);
    expect(c.get('client_handshake_traffic_secret')).toBe(p.keyLog.client.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET'));
    expect(c.get('server_application_traffic_secret_0')).toBe(p.keyLog.server.get('SERVER_TRAFFIC_SECRET_0'));
    expect(c.get('exporter_master_secret')).toBe(p.keyLog.client.get('EXPORTER_SECRET'));
    const keys = (side: 'client' | 'server', direction: 'read' | 'write'): string[] =>
      (kinds(p.seen[side], 'trafficKeys') as Array<Extract<ObservedEvent, { kind: 'trafficKeys' }>>)
        .filter((k) => k.direction === direction)
        .map((k) => `${k.epoch} ${hex(k.key)} ${hex(k.iv)}`);
    expect(keys('client', 'write')).toEqual(keys('server', 'read'));
    expect(keys('server', 'write')).toEqual(keys('client', 'read'));
    expect(keys('client', 'write').map((k) => k.split(' ')[0])).toEqual(['handshake', 'application']);
  });

  it('observing changes nothing: the same bytes go on the wire with and without an observer', () => {
    const observed = pair(true);
    const plain = pair(false);
    run(observed);
    run(plain);
    expect(observed.wire.client.map(hex)).toEqual(plain.wire.client.map(hex));
    expect(observed.wire.server.map(hex)).toEqual(plain.wire.server.map(hex));
  });

  it('reports the fatal alert it sends (RFC 8446 §6.2)', () => {
    const seen: ObservedEvent[] = [];
    const client = new ClientConnection(clientConfig({ provider, verifier: trustExactly([testRoot('ed25519')]) }), {
      serverName: 'localhost',
      observer: (e) => seen.push(e),
    });
    const server = new ServerConnection(serverConfig({ provider, certificates: [testCertifiedKey(provider)] }));
    expect(() => handshake(client, server)).toThrow();
    expect(kinds(seen, 'alert')).toEqual([{ kind: 'alert', direction: 'sent', level: 2, description: 48 }]); // unknown_ca
  });
});
