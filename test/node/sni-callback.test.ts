/**
 * node:tls's asynchronous SNICallback on our createServer: the engine pauses on the ClientHello
 * (pauseFor.certificate), the adapter runs the callback with the server name (RFC 6066 §3) and
 * answers with the chosen certificate. Clients are node:tls and openssl s_client (OpenSSL). Also
 * the `signer` option (pauseFor.signature).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Peers, startOpensslClient } from '../helpers/peers.ts';
import { createSecureContext, createServer, type SecureContext, type Server } from '../../src/node/index.ts';
import { certPaths } from '../helpers/pki.ts';

const p256 = certPaths('ecdsa-p256');
const ed = certPaths('ed25519');
const servers: Server[] = [];
const peers = new Peers();

afterEach(async () => {
  await peers.stopAll();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

function listen(SNICallback: (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void): Promise<number> {
  const server = createServer({ key: readFileSync(p256.endKey), cert: readFileSync(p256.endChain), SNICallback }, (s) => {
    s.end('hi');
  });
  servers.push(server);
  server.on('tlsClientError', () => {});
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function leafOf(port: number, servername: string | undefined): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.3', ...(servername ? { servername } : {}) }, () => {
      resolve(s.getPeerCertificate());
      s.destroy();
    });
    s.on('error', reject);
  });
}

describe('createServer SNICallback (asynchronous, as node:tls)', () => {
  it('answers with the certificate the callback chose after a delay, and the default without a callback context', async () => {
    const edContext = createSecureContext({ key: readFileSync(ed.endKey), cert: readFileSync(ed.endChain) });
    const seen: string[] = [];
    const port = await listen((name, cb) => {
      seen.push(name);
      setTimeout(() => cb(null, name === 'ed.example' ? edContext : undefined), 20);
    });
    const edLeaf = await leafOf(port, 'ed.example');
    const defaultLeaf = await leafOf(port, 'other.example');
    expect(edLeaf.fingerprint256).not.toBe(defaultLeaf.fingerprint256);
    expect(edLeaf.raw.equals(new X509Certificate(readFileSync(ed.end)).raw)).toBe(true);
    expect(defaultLeaf.raw.equals(new X509Certificate(readFileSync(p256.end)).raw)).toBe(true);
    expect(seen).toEqual(['ed.example', 'other.example']);
  });

  it('is not called when the client sends no server name (an IP literal)', async () => {
    let calls = 0;
    const port = await listen((_name, cb) => {
      calls++;
      cb(null);
    });
    const leaf = await leafOf(port, undefined);
    expect(leaf.raw.equals(new X509Certificate(readFileSync(p256.end)).raw)).toBe(true);
    expect(calls).toBe(0);
  });

  it('drops the connection and reports tlsClientError when the callback fails', async () => {
    const server = createServer({
      key: readFileSync(p256.endKey),
      cert: readFileSync(p256.endChain),
      SNICallback: (_name, cb) => cb(new Error('no such site')),
    });
    servers.push(server);
    const reported = new Promise<Error>((resolve) => server.on('tlsClientError', (e: Error) => resolve(e)));
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    const failed = new Promise<Error>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'x.example', rejectUnauthorized: false }, () => resolve(new Error('connected')));
      s.on('error', resolve);
    });
    // internal_error to the client; the callback's error is the cause.
    expect((await reported).message).toContain('no such site');
    expect((await failed).message).not.toBe('connected');
  });

  it('answers openssl s_client with the certificate the callback chose (and lets it verify)', async () => {
    const edContext = createSecureContext({ key: readFileSync(ed.endKey), cert: readFileSync(ed.endChain) });
    const port = await listen((name, cb) => setTimeout(() => cb(null, name === 'ed.example' ? edContext : undefined), 10));
    const client = peers.track(startOpensslClient(port, ['-CAfile', ed.ca, '-verify_return_error', '-servername', 'ed.example']));
    client.endInput();
    await client.exited;
    // It verifies against the Ed25519 test CA only: the callback's certificate was sent.
    expect(client.stdout()).toContain('Verify return code: 0 (ok)');
    expect(client.stdout()).toContain('a:PKEY: ED25519');
  });
});

describe('createServer signer (the CertificateVerify signature made elsewhere)', () => {
  it('signs through the asynchronous signer; node:tls verifies; a rejecting signer is internal_error', async () => {
    const calls: number[] = [];
    const server = createServer({
      key: readFileSync(p256.endKey),
      cert: readFileSync(p256.endChain),
      signer: async ({ certificate, scheme, content }) => {
        calls.push(scheme);
        await new Promise((r) => setTimeout(r, 10));
        return certificate.key.sign(scheme, content, (n) => new Uint8Array(crypto.getRandomValues(new Uint8Array(n))));
      },
    }, (s) => s.end('signed'));
    servers.push(server);
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    const got = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(p256.ca), servername: 'localhost' }, () => {
        let data = '';
        s.on('data', (d: Buffer) => (data += d.toString()));
        s.on('end', () => resolve(data));
      });
      s.on('error', reject);
    });
    expect(got).toBe('signed');
    expect(calls).toHaveLength(1);

    const failing = createServer({ key: readFileSync(p256.endKey), cert: readFileSync(p256.endChain), signer: () => Promise.reject(new Error('HSM offline')) });
    servers.push(failing);
    const reported = new Promise<Error>((resolve) => failing.on('tlsClientError', (e: Error) => resolve(e)));
    const fport = await new Promise<number>((resolve) => failing.listen(0, '127.0.0.1', () => resolve((failing.address() as AddressInfo).port)));
    const clientErr = await new Promise<Error>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: fport, ca: readFileSync(p256.ca), servername: 'localhost' }, () => resolve(new Error('connected')));
      s.on('error', resolve);
    });
    expect((await reported).message).toContain('HSM offline');
    expect(clientErr.message).toMatch(/internal error/i);
  });
});
