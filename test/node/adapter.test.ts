import { request as httpsRequest } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { connect as netConnect } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { connect } from '../../src/node/connect.ts';
import { nodeCryptoProvider } from '../../src/node/crypto-provider.ts';
import { createServer, type Server } from '../../src/node/server.ts';
import { fingerprint256, type TLSSocket } from '../../src/node/tls-socket.ts';
import { pemEncode } from '../../src/x509/pem.ts';
import { generateSelfSigned } from '../../src/x509/self-signed.ts';
import { CertificateError } from '../../src/x509/verifier.ts';
import { collect, payload, pki, sha256, writeUntilStalled, useCleanup } from './_helpers.ts';

// The Node adapter against node's own TLS stack (OpenSSL) over loopback, both directions.

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');
const MiB = 1024 * 1024;

const { cleanup, listen } = useCleanup();

function track<T extends { close(): unknown } | { destroy(): unknown }>(x: T): T {
  cleanup.push(() => ('destroy' in x ? x.destroy() : x.close()));
  return x;
}

function ourServer(opts: Partial<Parameters<typeof createServer>[0]> = {}, onSecure?: (s: TLSSocket) => void): Server {
  const server = createServer({ key: KEY, cert: CHAIN, ...opts }, (s) => {
    cleanup.push(() => s.destroy());
    onSecure?.(s);
  });
  return server;
}

for (const provider of ['node', 'pure'] as const) {
  describe(`node adapter (provider ${provider})`, () => {
    it('serves node:tls.connect: 8 MiB each way intact, ALPN and SNI reported (RFC 8446, RFC 7301)', async () => {
      const up = payload(8 * MiB, 1);
      const down = payload(8 * MiB, 2);
      let serverSide: Promise<Buffer[]> | undefined;
      const server = ourServer({ provider, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => {
        expect(s.alpnProtocol).toBe('http/1.1');
        expect(s.servername).toBe('localhost');
        serverSide = collect(s);
        s.end(down);
      });
      const port = await listen(server);
      const client = track(
        tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA, ALPNProtocols: ['http/1.1'] }),
      );
      await new Promise((r) => client.once('secureConnect', r));
      expect(client.authorized).toBe(true);
      expect(client.getProtocol()).toBe('TLSv1.3');
      expect(client.alpnProtocol).toBe('http/1.1');
      const atClient = collect(client);
      client.end(up);
      const got = await atClient;
      expect(sha256(got)).toBe(sha256([down]));
      expect(sha256(await serverSide!)).toBe(sha256([up]));
    });

    it('connects to node:tls.createServer: 8 MiB each way intact, verified against ca', async () => {
      const up = payload(8 * MiB, 3);
      const down = payload(8 * MiB, 4);
      let serverSide: Promise<Buffer[]> | undefined;
      const server = tls.createServer({ key: KEY, cert: CHAIN, ALPNProtocols: ['h2'] }, (s) => {
        cleanup.push(() => s.destroy());
        serverSide = collect(s);
        s.end(down);
      });
      const port = await listen(server);
      const client = track(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, provider, ALPNProtocols: ['h2'] }));
      await new Promise((r) => client.once('secureConnect', r));
      expect(client.authorized).toBe(true);
      expect(client.alpnProtocol).toBe('h2');
      expect(client.getProtocol()).toBe('TLSv1.3');
      expect(client.getPeerCertificate().subject).toContain('testserver.com');
      const atClient = collect(client);
      client.end(up);
      expect(sha256(await atClient)).toBe(sha256([down]));
      expect(sha256(await serverSide!)).toBe(sha256([up]));
    });
  });
}

describe('node adapter behaviour', () => {
  it('picks the certificate by SNI from `contexts` (RFC 6066 §3)', async () => {
    const make = (host: string): { key: string; cert: string; fp: string } => {
      const g = generateSelfSigned(nodeCryptoProvider, { hosts: [host], now: Date.now(), random: (n) => nodeCryptoProvider.randomBytes(n) });
      return { key: pemEncode('PRIVATE KEY', g.keyPkcs8), cert: pemEncode('CERTIFICATE', g.certDer), fp: fingerprint256(g.certDer) };
    };
    const a = make('a.test');
    const b = make('b.test');
    const server = createServer({ key: a.key, cert: a.cert, contexts: { 'b.test': { key: b.key, cert: b.cert } } }, (s) => {
      cleanup.push(() => s.destroy());
      s.end(s.servername ?? '-');
    });
    const port = await listen(server);
    const fingerprintFor = async (servername: string): Promise<[string, string]> => {
      const c = track(tls.connect({ port, host: '127.0.0.1', servername, rejectUnauthorized: false }));
      await new Promise((r) => c.once('secureConnect', r));
      const body = Buffer.concat(await collect(c)).toString();
      return [c.getPeerCertificate().fingerprint256, body];
    };
    expect(await fingerprintFor('b.test')).toEqual([b.fp, 'b.test']);
    expect(await fingerprintFor('a.test')).toEqual([a.fp, 'a.test']);
    expect((await fingerprintFor('other.test'))[0]).toBe(a.fp);
  });

  it('applies backpressure: a slow reader stalls the writer and buffering stays bounded', async () => {
    let serverSock: TLSSocket | undefined;
    const server = ourServer({}, (s) => {
      serverSock = s;
      s.pause();
    });
    const port = await listen(server);
    const client = track(tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA }));
    await new Promise((r) => client.once('secureConnect', r));
    const heapBefore = process.memoryUsage().heapUsed;
    const written = await writeUntilStalled(client, payload(64 * 1024, 5), 500);
    expect(written.stalled).toBe(true);
    const s = serverSock!;
    expect(s.readableLength + s.connection.bufferedPlaintextLen).toBeLessThan(MiB);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * MiB);
    let received = 0;
    await new Promise<void>((resolve) => {
      s.on('data', (d: Buffer) => {
        received += d.length;
        if (received === written.bytes) resolve();
      });
      s.resume();
    });
    expect(received).toBe(written.bytes);
  });

  it('end() sends close_notify and half-closes: the peer still answers (RFC 8446 §6.1)', async () => {
    const server = tls.createServer({ key: KEY, cert: CHAIN, allowHalfOpen: true }, (s) => {
      cleanup.push(() => s.destroy());
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('end', () => s.end(`reply to ${got}`));
    });
    const port = await listen(server);
    const client = track(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA }));
    const reply = collect(client);
    client.end('ping');
    expect(Buffer.concat(await reply).toString()).toBe('reply to ping');
  });

  it("destroys a client that does not finish the handshake and emits 'tlsClientError'", async () => {
    const server = ourServer({ handshakeTimeout: 200 });
    const port = await listen(server);
    const failed = new Promise<Error & { code?: string }>((r) => server.once('tlsClientError', r));
    const raw = track(netConnect({ port, host: '127.0.0.1' }));
    raw.on('error', () => {});
    const closed = new Promise((r) => raw.once('close', r));
    const err = await failed;
    expect(err.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    await closed;
  });

  it('answers https.request (node/OpenSSL client) through node:http fed by createServer', async () => {
    const http = createHttpServer((req, res) => {
      const sock = req.socket as unknown as TLSSocket;
      res.end(`${sock.getProtocol()} ${sock.negotiated?.cipherSuite} ${req.url}`);
    });
    cleanup.push(() => http.closeAllConnections());
    const server = ourServer({ ALPNProtocols: ['http/1.1'] }, (s) => http.emit('connection', s));
    const port = await listen(server);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, servername: 'localhost', ca: CA, path: '/hello', agent: false },
        (res) => {
          let s = '';
          res.on('data', (d: Buffer) => (s += d.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${s}`));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body).toMatch(/^200 TLSv1\.3 TLS_AES_\S+ \/hello$/);
  });

  it('fails the handshake with unknown_ca when the server chain is not trusted (RFC 8446 §4.4.2.4)', async () => {
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => s.destroy());
    server.on('tlsClientError', () => {});
    const port = await listen(server);
    const client = track(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki('rsa-2048', 'ca.pem') }));
    const err = await new Promise<Error>((r) => client.once('error', r));
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alert).toBe(AlertDescription.unknown_ca);
  });

  it("reports a failed handshake as 'tlsClientError' and sends the alert: no_application_protocol (RFC 7301 §3.2)", async () => {
    const server = ourServer({ ALPNProtocols: ['http/1.1'] });
    const port = await listen(server);
    const failed = new Promise<Error>((r) => server.once('tlsClientError', r));
    const client = track(tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA, ALPNProtocols: ['x-other'] }));
    const clientErr = new Promise<Error>((r) => client.once('error', r));
    const err = await failed;
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).origin).toBe('local');
    expect((err as TlsError).alert).toBe(AlertDescription.no_application_protocol);
    // OpenSSL on the other side names the alert it received.
    expect((await clientErr).message).toMatch(/no application protocol/i);
  });

  it("reports a client that hangs up mid-handshake as 'tlsClientError' (ECONNRESET)", async () => {
    const server = ourServer();
    const port = await listen(server);
    const failed = new Promise<Error & { code?: string }>((r) => server.once('tlsClientError', r));
    // node's client verifies after OpenSSL's handshake and just closes on an untrusted chain.
    const client = track(tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pki('rsa-2048', 'ca.pem') }));
    client.on('error', () => {});
    expect((await failed).code).toBe('ECONNRESET');
  });

  it('checks an IP host against the certificate IP addresses and sends no SNI (RFC 6066 §3)', async () => {
    let sni: string | false | null | undefined;
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => {
      sni = s.servername;
      s.end('ok');
    });
    const port = await listen(server);
    const client = track(connect({ host: '127.0.0.1', port, ca: CA }));
    const body = collect(client);
    await new Promise((r) => client.once('secureConnect', r));
    expect(client.authorized).toBe(true);
    expect(Buffer.concat(await body).toString()).toBe('ok');
    expect(sni).toBeFalsy();
  });

  it('runs over an existing Duplex given as `socket`', async () => {
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => s.end('over a given socket'));
    const port = await listen(server);
    const raw = track(netConnect({ port, host: '127.0.0.1', allowHalfOpen: true }));
    const client = track(connect({ socket: raw, servername: 'localhost', ca: CA }));
    expect(Buffer.concat(await collect(client)).toString()).toBe('over a given socket');
  });

  it('without `ca` trusts node\'s bundled roots only: a private CA is refused with unknown_ca (RFC 5280 §6.1)', async () => {
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => s.destroy());
    server.on('tlsClientError', () => {});
    const port = await listen(server);
    const client = track(connect({ host: '127.0.0.1', port, servername: 'localhost' }));
    const err = await new Promise<Error>((r) => client.once('error', r));
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).alert).toBe(AlertDescription.unknown_ca);
    expect((err as CertificateError).origin).toBe('local');
    expect((err as CertificateError).reason).toBe('unknown_issuer');
  });

  it('with rejectUnauthorized: false connects and reports authorized = false', async () => {
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => s.end('x'));
    const port = await listen(server);
    const client = track(connect({ host: '127.0.0.1', port, rejectUnauthorized: false }));
    await new Promise((r) => client.once('secureConnect', r));
    expect(client.authorized).toBe(false);
    // The real verifier ran (default roots) and its reason is reported, as node:tls reports a code.
    expect(client.authorizationError).toBe('unknown_issuer');
    expect(client.authorizationErrorDetail).toBeInstanceOf(CertificateError);
    const k1 = client.exportKeyingMaterial(32, 'EXPERIMENTAL test', undefined);
    expect(k1.length).toBe(32);
  });

  it('emits NSS key log lines for the server', async () => {
    const server = ourServer({}, (s) => s.end('x'));
    const lines: string[] = [];
    server.on('keylog', (line: Buffer) => lines.push(line.toString()));
    const port = await listen(server);
    const client = track(tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA }));
    await collect(client);
    expect(lines.some((l) => /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}\n$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('SERVER_TRAFFIC_SECRET_0 '))).toBe(true);
  });
});
