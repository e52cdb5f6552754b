/**
 * Certificate compression (RFC 8879) through the adapter: on by default on both sides (node:zlib
 * brotli first), `certificateCompression: false` on either side turns it off, with `requestCert`
 * the client's Certificate goes compressed too (the CertificateRequest offers), and node:tls
 * (OpenSSL 3.0, no RFC 8879) never notices either way.
 */
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { ObservedEvent } from '../../src/connection/observer.ts';
import type { Negotiated } from '../../src/handshake/negotiated.ts';
import { connect, type ConnectOptions } from '../../src/node/connect.ts';
import { createServer, type ServerOptions } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { HandshakeType } from '../../src/protocol/registry.ts';
import { pki, useCleanup } from './_helpers.ts';

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');
const CLIENT_CHAIN = pki('ecdsa-p256', 'client.pem') + pki('ecdsa-p256', 'inter.pem');
const CLIENT_KEY = pki('ecdsa-p256', 'client.key');

const { cleanup, listen } = useCleanup();

async function ourServer(opts: Partial<ServerOptions>, seen: (Negotiated | undefined)[]): Promise<number> {
  const server = createServer({ key: KEY, cert: CHAIN, ...opts }, (s: TLSSocket) => {
    seen.push(s.negotiated);
    s.end('ok');
  });
  return listen(server);
}

/** Our client; resolves with what it negotiated and the handshake message types it sent. */
function ourClient(port: number, opts: Partial<ConnectOptions> = {}): Promise<{ negotiated: Negotiated | undefined; sent: number[] }> {
  const sent: number[] = [];
  const observer = (e: ObservedEvent): void => {
    if (e.kind === 'handshakeMessage' && e.direction === 'sent') sent.push(e.message.type);
  };
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, observer, ...opts });
    cleanup.push(() => s.destroy());
    s.on('data', () => {});
    s.on('end', () => resolve({ negotiated: s.negotiated, sent }));
    s.on('error', reject);
  });
}

describe('adapter: certificate compression (RFC 8879)', () => {
  it('is on by default: brotli both ways, server and client agree', async () => {
    const seen: (Negotiated | undefined)[] = [];
    const port = await ourServer({}, seen);
    const { negotiated } = await ourClient(port);
    expect(negotiated?.certificateCompression).toBe('brotli');
    expect(seen[0]?.certificateCompression).toBe('brotli');
  });

  it('certificateCompression: false on either side sends the Certificate as is', async () => {
    const seen: (Negotiated | undefined)[] = [];
    const off = await ourServer({ certificateCompression: false }, seen);
    expect((await ourClient(off)).negotiated?.certificateCompression).toBeUndefined();
    const on = await ourServer({}, seen);
    expect((await ourClient(on, { certificateCompression: false })).negotiated?.certificateCompression).toBeUndefined();
    expect(seen.map((n) => n?.certificateCompression)).toEqual([undefined, undefined]);
  });

  it("with requestCert the client's Certificate goes compressed, and the server verifies the chain inside", async () => {
    const seen: (Negotiated | undefined)[] = [];
    const port = await ourServer({ requestCert: true, ca: CA }, seen);
    const { sent } = await ourClient(port, { cert: CLIENT_CHAIN, key: CLIENT_KEY });
    expect(sent).toContain(HandshakeType.compressed_certificate);
    expect(sent).not.toContain(HandshakeType.certificate);
    expect(seen[0]?.peerCertificates).toHaveLength(2);
  });

  it('node:tls (no RFC 8879 in OpenSSL 3.0) on the other side: plain Certificates, both directions', async () => {
    const seen: (Negotiated | undefined)[] = [];
    const port = await ourServer({}, seen);
    await new Promise<void>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA });
      cleanup.push(() => s.destroy());
      s.on('data', () => {});
      s.on('end', resolve);
      s.on('error', reject);
    });
    expect(seen[0]?.certificateCompression).toBeUndefined();
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => s.end('ok'));
    const nodePort = await listen(server);
    expect((await ourClient(nodePort)).negotiated?.certificateCompression).toBeUndefined();
  });
});
