import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.ts';
import { createServer, type Server } from '../../src/node/server.ts';
import { pki } from './_helpers.ts';

// Node's HTTP stack unchanged over our sockets: node:http served over createServer, and the
// undici client given our `connect` as its socket factory (RFC 8446 underneath, RFC 7301 ALPN).

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('adapter: undici over our connect()', () => {
  it('fetches from node:http over createServer through an undici Agent whose connect is ours', async () => {
    const http = createHttpServer((req, res) => {
      const sock = req.socket as unknown as { negotiated?: { version: string } };
      res.end(`hello ${req.url} over ${sock.negotiated?.version}`);
    });
    const server = createServer(
      { key: pki('ecdsa-p256', 'end.key'), cert: pki('ecdsa-p256', 'end.chain.pem'), ALPNProtocols: ['http/1.1'] },
      (s) => http.emit('connection', s),
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const ca = pki('ecdsa-p256', 'ca.pem');
    const agent = new Agent({
      connect: (opts, callback) => {
        const s = connect({ host: opts.hostname, port: Number(opts.port), servername: 'localhost', ca, ALPNProtocols: ['http/1.1'] });
        s.once('secureConnect', () => callback(null, s as never));
        s.once('error', (e: Error) => callback(e, null));
      },
    });
    try {
      for (const path of ['/a', '/b']) {
        const res = await request(`https://127.0.0.1:${port}${path}`, { dispatcher: agent });
        expect(res.statusCode).toBe(200);
        expect(await res.body.text()).toBe(`hello ${path} over TLSv1.3`);
      }
    } finally {
      await agent.close();
    }
  });
});
