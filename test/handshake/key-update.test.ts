import { describe, expect, it } from 'vitest';
import { drainEvents, handshake, makePair, readAll, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';

describe.each(PROVIDERS)('KeyUpdate ($name)', (provider) => {
  it('updates the sending key automatically after rekeyAfterRecords records, and the peer follows (RFC 8446 §4.6.3, §5.5)', () => {
    const { client, server } = makePair(provider, { client: { rekeyAfterRecords: 3 } });
    handshake(client, server);
    drainEvents(client);
    drainEvents(server);
    const data = new Uint8Array(10 * 16384).map((_, i) => i & 0xff);
    client.write(data);
    transfer(client, server);
    expect(readAll(server)).toEqual(data);
    const clientUpdates = drainEvents(client).filter((e) => e.kind === 'keyUpdate');
    const serverUpdates = drainEvents(server).filter((e) => e.kind === 'keyUpdate');
    // 10 records at 3 per key: updates before records 4, 7 and 10.
    expect(clientUpdates).toEqual(Array(3).fill({ kind: 'keyUpdate', direction: 'write' }));
    expect(serverUpdates).toEqual(Array(3).fill({ kind: 'keyUpdate', direction: 'read' }));
  });

  it('answers update_requested with its own KeyUpdate before its next data (RFC 8446 §4.6.3)', () => {
    const { client, server } = makePair(provider);
    handshake(client, server);
    drainEvents(client);
    drainEvents(server);
    client.updateKeys(true);
    transfer(client, server);
    expect(drainEvents(server).map((e) => e.kind === 'keyUpdate' && e.direction)).toEqual(['read']);
    server.write(new Uint8Array([1, 2, 3]));
    expect(drainEvents(server).map((e) => e.kind === 'keyUpdate' && e.direction)).toEqual(['write']);
    transfer(server, client);
    expect(drainEvents(client).map((e) => e.kind === 'keyUpdate' && e.direction)).toEqual(['write', 'read']);
    expect(readAll(client)).toEqual(new Uint8Array([1, 2, 3]));
    client.write(new Uint8Array([4]));
    transfer(client, server);
    expect(readAll(server)).toEqual(new Uint8Array([4]));
  });
});
