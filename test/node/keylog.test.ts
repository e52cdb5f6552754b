/**
 * The 'keylog' event on both ends of our adapter (NSS key log format, as node:tls emits it and
 * SSLKEYLOGFILE tools read it): the client and the server log the same secrets.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type Server } from '../../src/node/index.ts';
import { certPaths } from '../helpers/pki.ts';

const p = certPaths('ecdsa-p256');
let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((r) => s.close(() => r()));
});

describe("'keylog' events", () => {
  it('client and server emit the same NSS key-log lines for the five TLS 1.3 secrets', async () => {
    const serverLines: string[] = [];
    const s = createServer({ key: readFileSync(p.endKey), cert: readFileSync(p.endChain), tickets: 0 }, (sock) => sock.end());
    server = s;
    s.on('keylog', (line: Buffer) => serverLines.push(line.toString()));
    const port = await new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
    const clientLines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const c = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(p.ca) });
      c.on('keylog', (line: Buffer) => clientLines.push(line.toString()));
      c.on('error', reject);
      c.on('secureConnect', () => {
        c.resume();
        c.on('end', () => resolve());
      });
    });
    const labels = clientLines.map((l) => l.split(' ')[0]).sort();
    expect(labels).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
    ]);
    for (const line of clientLines) expect(line).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64}\n$/);
    expect([...clientLines].sort()).toEqual([...serverLines].sort());
  });
});
