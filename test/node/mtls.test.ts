import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { connect } from '../../src/node/connect.ts';
import { createServer, type ServerOptions } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { collect, pki, useCleanup } from './_helpers.ts';

// Mutual TLS (RFC 8446 §4.3.2, §4.4.2) and OCSP stapling (RFC 6066 §8) through the adapter's
// node:tls-style options, against node:tls (OpenSSL) on the other side.

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');
const CLIENT_CHAIN = pki('ecdsa-p256', 'client.pem') + pki('ecdsa-p256', 'inter.pem');
const CLIENT_KEY = pki('ecdsa-p256', 'client.key');

const { cleanup, listen } = useCleanup();

interface Seen {
  authorized: boolean;
  error: string | undefined;
  subject: string | undefined;
}

async function ourServer(opts: Partial<ServerOptions>, seen: Seen[]): Promise<{ port: number; server: ReturnType<typeof createServer> }> {
  const server = createServer({ key: KEY, cert: CHAIN, ...opts }, (s: TLSSocket) => {
    const peer = s.getPeerCertificate();
    seen.push({ authorized: s.authorized, error: s.authorizationError, subject: 'subject' in peer ? peer.subject : undefined });
    s.end('ok');
  });
  return { port: await listen(server), server };
}

function nodeClient(port: number, extra: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, ...extra });
    cleanup.push(() => s.destroy());
    let body = '';
    s.on('data', (d: Buffer) => (body += d.toString()));
    s.on('end', () => resolve(body));
    s.on('error', reject);
  });
}

describe('adapter: mutual TLS (RFC 8446 §4.4.2)', () => {
  it('requestCert + ca: a node:tls client certificate is verified; authorized and getPeerCertificate() report it', async () => {
    const seen: Seen[] = [];
    const { port } = await ourServer({ requestCert: true, ca: CA }, seen);
    expect(await nodeClient(port, { cert: CLIENT_CHAIN, key: CLIENT_KEY })).toBe('ok');
    expect(seen).toEqual([{ authorized: true, error: undefined, subject: expect.stringContaining('CN=puretls test client') }]);
  });

  it('requestCert: a client without a certificate is refused with certificate_required (RFC 8446 §4.4.2.4)', async () => {
    const seen: Seen[] = [];
    const { port, server } = await ourServer({ requestCert: true, ca: CA }, seen);
    const failed = new Promise<Error>((r) => server.once('tlsClientError', r));
    nodeClient(port, {}).catch(() => {});
    const err = await failed;
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alert).toBe(AlertDescription.certificate_required);
    expect((err as TlsError).origin).toBe('local');
    expect(seen).toEqual([]);
  });

  it('requestCert: a client chain from another CA is refused with unknown_ca (RFC 5280 §6.1)', async () => {
    const seen: Seen[] = [];
    const { port, server } = await ourServer({ requestCert: true, ca: CA }, seen);
    const failed = new Promise<Error>((r) => server.once('tlsClientError', r));
    nodeClient(port, { cert: pki('rsa-2048', 'client.pem') + pki('rsa-2048', 'inter.pem'), key: pki('rsa-2048', 'client.key') }).catch(() => {});
    const err = await failed;
    expect((err as TlsError).alert).toBe(AlertDescription.unknown_ca);
    expect(seen).toEqual([]);
  });

  it('requestCert + rejectUnauthorized: false lets clients in and reports the check (no_certificate, unknown_issuer)', async () => {
    const seen: Seen[] = [];
    const { port } = await ourServer({ requestCert: true, rejectUnauthorized: false, ca: CA }, seen);
    expect(await nodeClient(port, {})).toBe('ok');
    expect(await nodeClient(port, { cert: pki('rsa-2048', 'client.pem') + pki('rsa-2048', 'inter.pem'), key: pki('rsa-2048', 'client.key') })).toBe('ok');
    expect(await nodeClient(port, { cert: CLIENT_CHAIN, key: CLIENT_KEY })).toBe('ok');
    expect(seen.map((s) => [s.authorized, s.error])).toEqual([
      [false, 'no_certificate'],
      [false, 'unknown_issuer'],
      [true, undefined],
    ]);
  });

  it('connect({ cert, key }) authenticates to a node:tls server with requestCert and rejectUnauthorized', async () => {
    const peers: Array<{ authorized: boolean; cn: unknown }> = [];
    const server = tls.createServer({ key: KEY, cert: CHAIN, requestCert: true, rejectUnauthorized: true, ca: CA }, (s) => {
      peers.push({ authorized: s.authorized, cn: s.getPeerCertificate().subject?.CN });
      s.end('mutual');
    });
    const port = await listen(server);
    const sock = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, cert: CLIENT_CHAIN, key: CLIENT_KEY });
    cleanup.push(() => sock.destroy());
    expect(Buffer.concat(await collect(sock)).toString()).toBe('mutual');
    expect(peers).toEqual([{ authorized: true, cn: 'puretls test client' }]);
  });

  it('connect refuses `cert` without `key` with a TypeError', () => {
    expect(() => connect({ host: '127.0.0.1', port: 1, ca: CA, cert: CLIENT_CHAIN })).toThrow(TypeError);
  });
});

describe('adapter: OCSP stapling (RFC 6066 §8, RFC 8446 §4.4.2.1)', () => {
  it("connect({ requestOCSP: true }) emits the node:tls server's stapled response as 'OCSPResponse'", async () => {
    const staple = Buffer.from('30030a0101', 'hex'); // OCSPResponse { responseStatus: malformedRequest }: opaque to us
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => s.end('x'));
    server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => cb(null, staple));
    const port = await listen(server);
    const sock = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, requestOCSP: true });
    cleanup.push(() => sock.destroy());
    const got = new Promise<Buffer>((r) => sock.once('OCSPResponse', r));
    await collect(sock);
    expect((await got).equals(staple)).toBe(true);
  });
});
