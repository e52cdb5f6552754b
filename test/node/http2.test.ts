import { connect as http2Connect, createServer as createH2Server, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.ts';
import { createServer, type Server } from '../../src/node/server.ts';
import { payload, pki, sha256 } from './_helpers.ts';

// Node's HTTP/2 stack unchanged over our sockets (RFC 9113 §3.2: "h2" chosen by ALPN, RFC 7301):
// node:http2's server fed createServer's sockets, node:http2's client given our connect().

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('adapter: node:http2 over createServer and connect()', () => {
  it('serves concurrent streams and a 1 MiB upload intact, both ends ours', async () => {
    const alpn: Array<string | false> = [];
    const h2 = createH2Server();
    h2.on('stream', (stream, headers) => {
      const got: Buffer[] = [];
      stream.on('data', (d: Buffer) => got.push(d));
      stream.on('end', () => {
        stream.respond({ ':status': 200 });
        stream.end(`${headers[':path']} ${sha256(got)}`);
      });
    });
    const server = createServer(
      { key: pki('ecdsa-p256', 'end.key'), cert: pki('ecdsa-p256', 'end.chain.pem'), ALPNProtocols: ['h2'] },
      (s) => {
        alpn.push(s.alpnProtocol);
        h2.emit('connection', s);
      },
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const ca = pki('ecdsa-p256', 'ca.pem');
    const session: ClientHttp2Session = http2Connect(`https://localhost:${port}`, {
      createConnection: () => connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['h2'] }) as never,
    });
    try {
      const ask = (path: string, body: Buffer): Promise<string> =>
        new Promise((resolve, reject) => {
          const req = session.request({ ':path': path, ':method': 'POST' });
          const chunks: Buffer[] = [];
          req.on('data', (d: Buffer) => chunks.push(d));
          req.on('end', () => resolve(Buffer.concat(chunks).toString()));
          req.on('error', reject);
          req.end(body);
        });
      const bodies = [payload(1 << 20, 1), payload(1000, 2), Buffer.alloc(0)];
      const answers = await Promise.all(bodies.map((b, i) => ask(`/${i}`, b)));
      expect(answers).toEqual(bodies.map((b, i) => `/${i} ${sha256([b])}`));
      expect(alpn).toEqual(['h2']);
    } finally {
      await new Promise<void>((r) => session.close(() => r()));
      h2.close();
    }
  });
});
