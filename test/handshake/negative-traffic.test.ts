/**
 * Negative and closure tests after the handshake, for both sides (STYLE §8): denial-of-service
 * bounds (KeyUpdate and empty-record floods), messages that do not belong to the application
 * phase, close_notify and half-close (RFC 8446 §4.6.3, §5.1, §5.4, §6.1).
 */
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import { encodeHandshake } from '../../src/messages/handshake.ts';
import {
  MAX_CONSECUTIVE_EMPTY_RECORDS,
  MAX_PENDING_OUTPUT,
  MAX_POST_HANDSHAKE_MESSAGE_BURST,
  POST_HANDSHAKE_MESSAGE_DATA_COST,
} from '../../src/protocol/limits.ts';
import { AlertDescription, ContentType, HandshakeType } from '../../src/protocol/registry.ts';
import { drainEvents, expectTlsError, handshake, makePair, readAll, transfer } from '../helpers/pair.ts';
import { KeyCapture, record, sealRecords } from '../helpers/tamper.ts';

const provider = nobleProvider;

/** A connected pair whose client application secrets are known to the test. */
function connected(): { client: ReturnType<typeof makePair>['client']; server: ReturnType<typeof makePair>['server']; keys: KeyCapture } {
  const keys = new KeyCapture();
  const { client, server } = makePair(provider, { client: { keyLog: keys.keyLog } });
  handshake(client, server);
  drainEvents(client);
  drainEvents(server);
  return { client, server, keys };
}

/** Records as the client would send them under its first application key (RFC 8446 §5.2). */
function asClient(keys: KeyCapture, records: { type: number; content: Uint8Array }[], seq = 0): Uint8Array {
  return sealRecords(provider, keys.get(KeyLogLabel.clientApplicationTrafficSecret0), records, { seq });
}

describe('post-handshake bounds', () => {
  it(`accepts ${MAX_POST_HANDSHAKE_MESSAGE_BURST} KeyUpdates in a row and rejects one more: unexpected_message (RFC 8446 §4.6.3)`, () => {
    const { client, server } = connected();
    for (let i = 0; i < MAX_POST_HANDSHAKE_MESSAGE_BURST; i++) client.updateKeys(false);
    transfer(client, server);
    expect(drainEvents(server).filter((e) => e.kind === 'keyUpdate')).toHaveLength(MAX_POST_HANDSHAKE_MESSAGE_BURST);
    client.updateKeys(false);
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('one byte of application data between KeyUpdates does not restore the bound: unexpected_message after the burst', () => {
    const { client, server } = connected();
    const err = expectTlsError(() => {
      for (let i = 0; i <= MAX_POST_HANDSHAKE_MESSAGE_BURST; i++) {
        client.updateKeys(true);
        client.write(utf8('x'));
        transfer(client, server);
      }
    });
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
    expect(readAll(server).length).toBe(0); // a failed connection drops what it buffered
  });

  it(`application data either way pays for one more KeyUpdate per ${POST_HANDSHAKE_MESSAGE_DATA_COST} bytes`, () => {
    const { client, server } = connected();
    for (let i = 0; i < MAX_POST_HANDSHAKE_MESSAGE_BURST; i++) client.updateKeys(false);
    transfer(client, server);
    // Received: a full record buys one.
    client.write(new Uint8Array(POST_HANDSHAKE_MESSAGE_DATA_COST));
    client.updateKeys(false);
    transfer(client, server);
    // Sent: so does a record the server writes.
    server.write(new Uint8Array(POST_HANDSHAKE_MESSAGE_DATA_COST));
    client.updateKeys(false);
    transfer(client, server);
    expect(readAll(server).length).toBe(POST_HANDSHAKE_MESSAGE_DATA_COST);
    // Less than a record's worth buys nothing.
    client.write(new Uint8Array(POST_HANDSHAKE_MESSAGE_DATA_COST - 1));
    client.updateKeys(false);
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('answers a KeyUpdate with update_requested by updating its own key (RFC 8446 §4.6.3)', () => {
    const { client, server } = connected();
    client.updateKeys(true);
    transfer(client, server);
    server.write(utf8('after'));
    transfer(server, client);
    expect(readAll(client)).toEqual(utf8('after'));
    expect(drainEvents(client).map((e) => (e.kind === 'keyUpdate' ? e.direction : e.kind))).toEqual(['write', 'read']);
  });

  it('answers any number of update_requested KeyUpdates with one of its own, before its next application data (RFC 8446 §4.6.3)', () => {
    const { client, server } = connected();
    for (let i = 0; i < 10; i++) client.updateKeys(true);
    transfer(client, server);
    // Silent: nothing to send until the server writes.
    expect(server.hasOutput).toBe(false);
    server.write(utf8('one'));
    server.write(utf8('two'));
    transfer(server, client);
    expect(readAll(client)).toEqual(utf8('onetwo'));
    expect(drainEvents(client).filter((e) => e.kind === 'keyUpdate' && e.direction === 'read')).toHaveLength(1);
    expect(drainEvents(server).filter((e) => e.kind === 'keyUpdate' && e.direction === 'write')).toHaveLength(1);
  });

  it('a peer that floods update_requested KeyUpdates (with the data that pays for them) and never reads makes the server queue nothing', () => {
    const { client, server } = connected();
    const data = new Uint8Array(POST_HANDSHAKE_MESSAGE_DATA_COST);
    for (let i = 0; i < 300; i++) {
      client.updateKeys(true);
      client.write(data);
      transfer(client, server);
      readAll(server);
    }
    // Nobody takes the server's output: the peer does not read. It stays empty.
    expect(server.pendingOutputLen).toBe(0);
    expect(server.error).toBeUndefined();
  });

  it(`fails write() and updateKeys() with internal_error while more than MAX_PENDING_OUTPUT (${MAX_PENDING_OUTPUT}) bytes wait for takeOutput()`, () => {
    for (const call of ['write', 'updateKeys'] as const) {
      const { server } = connected();
      const chunk = new Uint8Array(1 << 16);
      while (server.pendingOutputLen <= MAX_PENDING_OUTPUT) server.write(chunk);
      const err = expectTlsError(() => (call === 'write' ? server.write(chunk) : server.updateKeys(false)));
      expect([err.alert, err.origin]).toEqual([AlertDescription.internal_error, 'local']);
    }
  });

  it(`accepts ${MAX_CONSECUTIVE_EMPTY_RECORDS} empty application data records and rejects one more: unexpected_message`, () => {
    const { server, keys } = connected();
    const empty = { type: ContentType.application_data, content: new Uint8Array(0) };
    server.receive(asClient(keys, Array.from({ length: MAX_CONSECUTIVE_EMPTY_RECORDS }, () => empty)));
    expect(server.error).toBeUndefined();
    const err = expectTlsError(() => server.receive(asClient(keys, [empty], MAX_CONSECUTIVE_EMPTY_RECORDS)));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it(`rejects more than ${MAX_CONSECUTIVE_EMPTY_RECORDS} change_cipher_spec records during the handshake: unexpected_message`, () => {
    const { client, server } = makePair(provider);
    transfer(client, server);
    const ccs = record(ContentType.change_cipher_spec, new Uint8Array([1]));
    const err = expectTlsError(() => server.receive(concat(...Array.from({ length: MAX_CONSECUTIVE_EMPTY_RECORDS + 1 }, () => ccs))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a change_cipher_spec after the handshake: unexpected_message (RFC 8446 §5)', () => {
    const { server } = connected();
    const err = expectTlsError(() => server.receive(record(ContentType.change_cipher_spec, new Uint8Array([1]))));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a protected change_cipher_spec: unexpected_message (RFC 8446 §5)', () => {
    const { server, keys } = connected();
    const err = expectTlsError(() => server.receive(asClient(keys, [{ type: ContentType.change_cipher_spec, content: new Uint8Array([1]) }])));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a protected record with no content type (all zeros): unexpected_message (RFC 8446 §5.4)', () => {
    const { server, keys } = connected();
    // Content type 0 in TLSInnerPlaintext reads as padding only.
    const err = expectTlsError(() => server.receive(asClient(keys, [{ type: 0, content: new Uint8Array(4) }])));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects an empty protected handshake record: unexpected_message (RFC 8446 §5.4)', () => {
    const { server, keys } = connected();
    const err = expectTlsError(() => server.receive(asClient(keys, [{ type: ContentType.handshake, content: new Uint8Array(0) }])));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a KeyUpdate that does not end its record: unexpected_message (RFC 8446 §5.1)', () => {
    const { server, keys } = connected();
    const ku = encodeHandshake({ type: HandshakeType.key_update, requestUpdate: 0 });
    const err = expectTlsError(() => server.receive(asClient(keys, [{ type: ContentType.handshake, content: concat(ku, ku.subarray(0, 2)) }])));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a KeyUpdate with an undefined request_update value: illegal_parameter (RFC 8446 §4.6.3)', () => {
    const { server, keys } = connected();
    const ku = new Uint8Array([HandshakeType.key_update, 0, 0, 1, 2]);
    const err = expectTlsError(() => server.receive(asClient(keys, [{ type: ContentType.handshake, content: ku }])));
    expect([err.alert, err.origin]).toEqual([AlertDescription.illegal_parameter, 'local']);
  });

  it('rejects application data interleaved with a fragmented handshake message: unexpected_message (RFC 8446 §5.1)', () => {
    const { server, keys } = connected();
    const ku = encodeHandshake({ type: HandshakeType.key_update, requestUpdate: 0 });
    const err = expectTlsError(() =>
      server.receive(
        asClient(keys, [
          { type: ContentType.handshake, content: ku.subarray(0, 2) },
          { type: ContentType.application_data, content: utf8('x') },
        ]),
      ),
    );
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a NewSessionTicket sent by a client: unexpected_message (RFC 8446 §4.6.1)', () => {
    const { server, keys } = connected();
    const nst = encodeHandshake({
      type: HandshakeType.new_session_ticket,
      ticketLifetime: 1,
      ticketAgeAdd: 0,
      ticketNonce: new Uint8Array(1),
      ticket: new Uint8Array(1),
      extensions: [],
    });
    const err = expectTlsError(() => server.receive(asClient(keys, [{ type: ContentType.handshake, content: nst }])));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });

  it('rejects a protected record under the wrong key: bad_record_mac (RFC 8446 §5.2)', () => {
    const { server, keys } = connected();
    const bytes = sealRecords(provider, keys.get(KeyLogLabel.serverApplicationTrafficSecret0), [
      { type: ContentType.application_data, content: utf8('x') },
    ]);
    const err = expectTlsError(() => server.receive(bytes));
    expect([err.alert, err.origin]).toEqual([AlertDescription.bad_record_mac, 'local']);
  });
});

describe('closure (RFC 8446 §6.1)', () => {
  it('turns close_notify into a peerClosed event and ignores data after it', () => {
    const { server, keys } = connected();
    const bytes = asClient(keys, [
      { type: ContentType.application_data, content: utf8('before') },
      { type: ContentType.alert, content: new Uint8Array([1, AlertDescription.close_notify]) },
      { type: ContentType.application_data, content: utf8('after') },
    ]);
    server.receive(bytes);
    expect(server.peerClosed).toBe(true);
    expect(drainEvents(server)).toEqual([{ kind: 'peerClosed' }]);
    expect(readAll(server)).toEqual(utf8('before'));
    // Later records, even garbage, are ignored.
    server.receive(record(ContentType.application_data, new Uint8Array(40)));
    expect(readAll(server)).toEqual(new Uint8Array(0));
    expect(server.error).toBeUndefined();
  });

  it('ignores even a malformed record after close_notify (RFC 8446 §6.1 "MUST be ignored")', () => {
    const { client, server } = connected();
    client.close();
    transfer(client, server);
    expect(server.peerClosed).toBe(true);
    // Content type 0 would be unexpected_message before the closure; after it, nothing happens.
    server.receive(new Uint8Array([0, 3, 3, 0, 0]));
    expect(server.error).toBeUndefined();
    expect(server.hasOutput).toBe(false);
  });

  it('lets the other side keep writing after a half-close', () => {
    const { client, server } = connected();
    client.close();
    transfer(client, server);
    expect(server.peerClosed).toBe(true);
    expect(() => client.write(utf8('x'))).toThrow(Error);
    server.write(utf8('still here'));
    transfer(server, client);
    expect(readAll(client)).toEqual(utf8('still here'));
    server.close();
    transfer(server, client);
    expect(client.peerClosed).toBe(true);
    expect(client.error).toBeUndefined();
    expect(server.error).toBeUndefined();
  });

  it('holds a close() made during the handshake until the handshake completes, then sends close_notify', () => {
    const { client, server } = makePair(provider);
    transfer(client, server);
    server.close();
    transfer(server, client);
    expect(client.peerClosed).toBe(false);
    transfer(client, server);
    expect(server.isHandshakeDone).toBe(true);
    transfer(server, client);
    expect(client.peerClosed).toBe(true);
    expect(client.error).toBeUndefined();
  });

  it('reports user_canceled as a warning event, and too many of them as unexpected_message (RFC 8446 §6.1)', () => {
    const { server, keys } = connected();
    const warn = { type: ContentType.alert, content: new Uint8Array([1, AlertDescription.user_canceled]) };
    server.receive(asClient(keys, [warn]));
    expect(drainEvents(server)).toEqual([{ kind: 'warningAlert', description: AlertDescription.user_canceled }]);
    const err = expectTlsError(() => server.receive(asClient(keys, [warn, warn, warn, warn], 1)));
    expect([err.alert, err.origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });
});

describe('after a fatal error (RFC 8446 §6.2)', () => {
  it('forgets keys and state: every call rethrows the same error, and nothing more is sent', () => {
    const { client, server } = makePair(nobleProvider);
    handshake(client, server);
    client.write(new Uint8Array([1, 2, 3]));
    const rec = client.takeOutput();
    rec[rec.length - 1] = (rec[rec.length - 1] as number) ^ 1;
    let first: unknown;
    try {
      server.receive(rec);
    } catch (e) {
      first = e;
    }
    expect(first).toMatchObject({ alert: AlertDescription.bad_record_mac, origin: 'local' });
    expect(server.takeOutput().length).toBe(5 + 2 + 1 + 16); // the protected fatal alert
    expect(() => server.write(new Uint8Array(1))).toThrow(first as Error);
    expect(() => server.exportKeyingMaterial('x', undefined, 16)).toThrow(first as Error);
    expect(() => server.receive(new Uint8Array(1))).toThrow(first as Error);
    expect(() => server.updateKeys(false)).toThrow(first as Error);
    server.close();
    expect(server.takeOutput().length).toBe(0);
    expect(server.read()).toBeUndefined();
  });
});
