import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { pki } from './_helpers.ts';

// createServer's ticketKeys / sessionTimeout and TLSSocket.isSessionReused(), with node:tls
// (OpenSSL) as the resuming client (RFC 8446 §4.6.1, §2.2).

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function start(ticketKeys: Uint8Array, reused: boolean[]): Promise<number> {
  const server = createServer(
    { key: pki('ecdsa-p256', 'end.key'), cert: pki('ecdsa-p256', 'end.chain.pem'), ticketKeys, sessionTimeout: 600 },
    (s: TLSSocket) => {
      reused.push(s.isSessionReused());
      s.end('hi');
    },
  );
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

/** Connects with node:tls, reads to the end; resolves with the last ticket received and whether it resumed. */
function fetchOnce(port: number, session?: Buffer): Promise<{ session: Buffer | undefined; reused: boolean }> {
  return new Promise((resolve, reject) => {
    let ticket: Buffer | undefined;
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki('ecdsa-p256', 'ca.pem'), session });
    s.on('session', (t: Buffer) => (ticket = t));
    s.on('data', () => {});
    s.on('end', () => resolve({ session: ticket, reused: s.isSessionReused() }));
    s.on('error', reject);
  });
}

describe('adapter: session tickets (RFC 8446 §4.6.1)', () => {
  it('servers sharing ticketKeys resume each other\'s tickets; isSessionReused() reports it', async () => {
    const secret = randomBytes(32);
    const seen: boolean[] = [];
    const a = await start(secret, seen);
    const b = await start(secret, seen);
    const first = await fetchOnce(a);
    expect(first.session).toBeDefined();
    const second = await fetchOnce(b, first.session);
    expect(second.reused).toBe(true);
    expect(seen).toEqual([false, true]);
  });

  it('a server with other ticketKeys does not resume the ticket (full handshake instead)', async () => {
    const seen: boolean[] = [];
    const a = await start(randomBytes(32), seen);
    const b = await start(randomBytes(32), seen);
    const first = await fetchOnce(a);
    const second = await fetchOnce(b, first.session);
    expect(second.reused).toBe(false);
    expect(seen).toEqual([false, false]);
  });
});
