import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../../src/config.ts';
import { MAX_SKIPPED_EARLY_DATA } from '../../src/protocol/limits.ts';
import { AlertDescription, ContentType, NamedGroup } from '../../src/protocol/registry.ts';
import type { ClientSession } from '../../src/session/client-cache.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { drainEvents, expectTlsError, handshake, readAll, testCertifiedKey, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { record } from '../helpers/tamper.ts';

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

/** The same server, now preferring only `group` (the client's one key share is X25519). */
function preferring(sc: ServerConfig, group: number): ServerConfig {
  return serverConfig({
    provider, now: () => NOW, certificates: sc.certificates, sessionStore: sc.sessionStore, maxEarlyDataSize: 1000, groups: [group],
  });
}

/** A client resuming with 1000 bytes of 0-RTT data, and a server that answers HelloRetryRequest. */
function retryWithEarlyData(): { client: ClientConnection; server: ServerConnection } {
  const { sc, cc, session } = setup();
  const client = new ClientConnection(cc, { serverName: 'localhost', session });
  expect(client.writeEarlyData(new Uint8Array(1000))).toBe(1000);
  return { client, server: new ServerConnection(preferring(sc, NamedGroup.secp256r1)) };
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

  it('after a HelloRetryRequest the server skips the early records and completes 1-RTT (RFC 8446 §4.2.10)', () => {
    const { client, server } = retryWithEarlyData();
    handshake(client, server);
    expect(server.negotiated?.didRetry).toBe(true);
    expect(server.negotiated?.isResumed).toBe(true);
    expect(readEarly(server)).toBe('');
    expect([client.earlyDataAccepted, server.earlyDataAccepted]).toEqual([false, false]);
    expect(drainEvents(server)).toContainEqual({ kind: 'earlyData', accepted: false });
    client.write(utf8('after'));
    transfer(client, server);
    expect(readAll(server)).toEqual(utf8('after'));
  });

  it(`after a HelloRetryRequest skips at most MAX_SKIPPED_EARLY_DATA (${MAX_SKIPPED_EARLY_DATA}) bytes of early records, then unexpected_message (RFC 8446 §4.2.10)`, () => {
    const { client, server } = retryWithEarlyData();
    const flight = client.takeOutput();
    // The client's 1000 bytes of early data are one record of 1000 + 1 + 16 bytes.
    const skippable = MAX_SKIPPED_EARLY_DATA - (1000 + 17);
    const fill = Array.from({ length: Math.floor(skippable / 16_384) }, () => record(ContentType.application_data, new Uint8Array(16_384)));
    const rest = skippable % 16_384;
    server.receive(concat(flight, ...fill, record(ContentType.application_data, new Uint8Array(rest))));
    expect(server.error).toBeUndefined();
    const err = expectTlsError(() => server.receive(record(ContentType.application_data, new Uint8Array(1))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('after a HelloRetryRequest skipping ends with the retried ClientHello: a record that then fails to decrypt is bad_record_mac (RFC 8446 §4.2.10)', () => {
    const { client, server } = retryWithEarlyData();
    transfer(client, server);
    transfer(server, client);
    transfer(client, server);
    expect(server.error).toBeUndefined();
    const err = expectTlsError(() => server.receive(record(ContentType.application_data, new Uint8Array(40))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.bad_record_mac, 'local']);
  });

  it('after a HelloRetryRequest to a hello without early_data, application data is unexpected_message (RFC 8446 §5.1)', () => {
    const { sc, cc } = setup();
    const server = new ServerConnection(preferring(sc, NamedGroup.secp256r1));
    server.receive(new ClientConnection(cc, { serverName: 'localhost' }).takeOutput());
    const err = expectTlsError(() => server.receive(record(ContentType.application_data, new Uint8Array(40))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
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
