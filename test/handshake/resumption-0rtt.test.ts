import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../../src/config.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import type { ClientSession } from '../../src/session/client-cache.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { drainEvents, expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';

const provider = PROVIDERS[0]!;
const NOW = 1_749_600_000_000;

function setup(server: Partial<Parameters<typeof serverConfig>[0]> = {}): { sc: ServerConfig; cc: ClientConfig; session: ClientSession } {
  const now = () => NOW;
  const sc = serverConfig({
    provider, now, certificates: [testCertifiedKey(provider)], sessionStore: new MemorySessionStore(64), maxEarlyDataSize: 1000, ...server,
  });
  const cc = clientConfig({ provider, now, verifier: trustExactly([testRoot()]), earlyData: true, sessionCache: false });
  const client = new ClientConnection(cc, { serverName: 'localhost' });
  const srv = new ServerConnection(sc);
  handshake(client, srv);
  transfer(srv, client);
  const ev = drainEvents(client).find((e) => e.kind === 'sessionTicket');
  if (ev?.kind !== 'sessionTicket') throw new Error('no ticket');
  return { sc, cc, session: ev.session };
}

function readEarly(server: ServerConnection): string {
  let s = '';
  for (let c = server.readEarlyData(); c !== undefined; c = server.readEarlyData()) s += new TextDecoder().decode(c);
  return s;
}

describe('0-RTT early data (RFC 8446 §4.2.10)', () => {
  it('tickets carry max_early_data_size and the server accepts the early data, then EndOfEarlyData (RFC 8446 §4.2.10, §4.5)', () => {
    const { sc, cc, session } = setup();
    expect(session.maxEarlyDataSize).toBe(1000);
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    expect(client.writeEarlyData(utf8('GET / early'))).toBe(11);
    const server = new ServerConnection(sc);
    handshake(client, server);
    expect(readEarly(server)).toBe('GET / early');
    expect(server.earlyDataAccepted).toBe(true);
    expect(client.earlyDataAccepted).toBe(true);
    expect(drainEvents(client).filter((e) => e.kind === 'earlyData')).toEqual([{ kind: 'earlyData', accepted: true }]);
    expect(server.negotiated?.isResumed).toBe(true);
    client.write(utf8('after'));
    transfer(client, server);
    expect(readAll(server)).toEqual(utf8('after'));
  });

  it('takes at most max_early_data_size bytes from the application (RFC 8446 §4.2.10)', () => {
    const { cc, session } = setup();
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    expect(client.writeEarlyData(new Uint8Array(1500))).toBe(1000);
    expect(client.writeEarlyData(new Uint8Array(1))).toBe(0);
  });

  it('a replayed 0-RTT ClientHello gets its early data rejected: the single-use ticket is gone (RFC 8446 §8.1)', () => {
    const { sc, cc, session } = setup();
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    client.writeEarlyData(utf8('transfer 100'));
    const flight = client.takeOutput();
    const first = new ServerConnection(sc);
    first.receive(flight);
    expect(readEarly(first)).toBe('transfer 100');
    const replay = new ServerConnection(sc);
    replay.receive(flight);
    expect(readEarly(replay)).toBe('');
    expect(replay.earlyDataAccepted).toBe(false);
    expect(drainEvents(replay)).toContainEqual({ kind: 'earlyData', accepted: false });
  });

  it('without a session store no ticket allows early data, and the client sends none (RFC 8446 §8.1)', () => {
    expect(() => serverConfig({ provider, certificates: [testCertifiedKey(provider)], maxEarlyDataSize: 10 })).toThrow(RangeError);
    const { session, cc } = setup({ sessionStore: undefined, maxEarlyDataSize: 0 });
    expect(session.maxEarlyDataSize).toBe(0);
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    expect(client.writeEarlyData(utf8('x'))).toBe(0);
  });

  it('a rejected 0-RTT attempt completes as 1-RTT and tells the client (RFC 8446 §4.2.10)', () => {
    const { sc, cc, session } = setup();
    // The server no longer takes early data: its ticket allows it, but the server config does not.
    const strict = serverConfig({ provider, now: () => NOW, certificates: sc.certificates, sessionStore: sc.sessionStore });
    const client = new ClientConnection(cc, { serverName: 'localhost', session });
    client.writeEarlyData(utf8('early'));
    const server = new ServerConnection(strict);
    handshake(client, server);
    expect(readEarly(server)).toBe('');
    expect(client.earlyDataAccepted).toBe(false);
    expect(server.negotiated?.isResumed).toBe(true);
  });

  it('aborts with unexpected_message when the client sends more than max_early_data_size (RFC 8446 §4.2.10)', () => {
    const { sc, cc, session } = setup();
    const client = new ClientConnection(cc, { serverName: 'localhost', session: { ...session, maxEarlyDataSize: 5000 } });
    client.writeEarlyData(new Uint8Array(2000));
    const err = expectTlsError(() => new ServerConnection(sc).receive(client.takeOutput()));
    expect(err.alert).toBe(AlertDescription.unexpected_message);
    expect(err.origin).toBe('local');
  });

  it('rejects early data when the ticket age is outside the window (RFC 8446 §8.3)', () => {
    const { sc, cc, session } = setup();
    // The client claims the ticket is 60 s older than the server knows it to be.
    const client = new ClientConnection(cc, { serverName: 'localhost', session: { ...session, receivedAtMs: session.receivedAtMs - 60_000 } });
    client.writeEarlyData(utf8('early'));
    const server = new ServerConnection(sc);
    handshake(client, server);
    expect(server.earlyDataAccepted).toBe(false);
    expect(server.negotiated?.isResumed).toBe(true);
  });
});
