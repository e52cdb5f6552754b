/**
 * node:tls option parity over loopback against real node:tls peers (issue 11 item 3): `ciphers`,
 * `ecdhCurve`, `honorCipherOrder`, `minVersion`/`maxVersion`, `secureContext` on both sides. Where
 * the semantics must match, the same options are given to a node:tls server and to ours, and the
 * outcome compared.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { connect, type ConnectOptions } from '../../src/node/connect.ts';
import { createSecureContext } from '../../src/node/secure-context.ts';
import { createServer, type ServerOptions } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { collect, pki, pkiPath, useCleanup } from './_helpers.ts';

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');

const { cleanup, listen } = useCleanup();

/** Our client; resolves on secureConnect, rejects on error. */
function ourClient(options: ConnectOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', servername: 'localhost', ...options }, () => resolve(s));
    cleanup.push(() => s.destroy());
    s.once('error', reject);
  });
}

/** A node:tls client; resolves on secureConnect, rejects on error. */
function nodeClient(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', servername: 'localhost', ca: CA, ...options }, () => resolve(s));
    cleanup.push(() => s.destroy());
    s.once('error', reject);
  });
}

async function nodeServer(options: tls.TlsOptions): Promise<number> {
  return listen(tls.createServer({ key: KEY, cert: CHAIN, ...options }, (s) => s.end('ok')));
}

async function ourServer(options: Partial<ServerOptions>): Promise<number> {
  return listen(createServer({ key: KEY, cert: CHAIN, ...options }, (s) => s.end('ok')));
}

/** The suite a node:tls client with `client` options gets from a node:tls and from our server, both given `server`. */
async function suiteFromBoth(server: tls.TlsOptions & Partial<ServerOptions>, client: tls.ConnectionOptions): Promise<[string, string]> {
  const theirs = await nodeClient({ port: await nodeServer(server), ...client });
  const ours = await nodeClient({ port: await ourServer(server), ...client });
  return [theirs.getCipher().standardName, ours.getCipher().standardName];
}

describe('ciphers', () => {
  it('our client offers only the listed suites: a node:tls server negotiates TLS_CHACHA20_POLY1305_SHA256', async () => {
    // Before issue 11 the option was ignored and AES-256-GCM (the server's pick) was negotiated.
    const s = await ourClient({ port: await nodeServer({}), ca: CA, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' });
    expect(s.getCipher()?.standardName).toBe('TLS_CHACHA20_POLY1305_SHA256');
  });

  it('our server allows only the listed suites: a client without them fails, as against node:tls', async () => {
    const server = { ciphers: 'TLS_AES_128_GCM_SHA256' };
    const client = { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' };
    await expect(nodeClient({ port: await nodeServer(server), ...client })).rejects.toThrow(/handshake failure/);
    await expect(nodeClient({ port: await ourServer(server), ...client })).rejects.toThrow(/handshake failure/);
  });

  it("honorCipherOrder: the server's order wins by default and with true, the client's with false, as in node:tls", async () => {
    const ciphers = 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384';
    const client = { ciphers: 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256' };
    const server = 'TLS_CHACHA20_POLY1305_SHA256';
    expect(await suiteFromBoth({ ciphers }, client)).toEqual([server, server]);
    expect(await suiteFromBoth({ ciphers, honorCipherOrder: true }, client)).toEqual([server, server]);
    expect(await suiteFromBoth({ ciphers, honorCipherOrder: false }, client)).toEqual(['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384']);
  });

  it('a list with only TLS 1.2 suites is an error at configuration, on both sides', () => {
    const ciphers = 'ECDHE-ECDSA-AES128-GCM-SHA256';
    expect(() => createServer({ key: KEY, cert: CHAIN, ciphers })).toThrow(/no TLS 1.3 suite/);
    expect(() => connect({ port: 1, ca: CA, ciphers })).toThrow(/no TLS 1.3 suite/);
  });
});

describe('ecdhCurve', () => {
  it('our client uses the listed group against a node:tls server', async () => {
    const s = await ourClient({ port: await nodeServer({}), ca: CA, ecdhCurve: 'P-256' });
    expect(s.negotiated?.group).toBe('secp256r1');
    expect(s.negotiated?.didRetry).toBe(false);
  });

  it('our server takes only the listed groups: a node:tls client is asked to retry with P-384, as by a node:tls server', async () => {
    for (const port of [await nodeServer({ ecdhCurve: 'P-384' }), await ourServer({ ecdhCurve: 'P-384' })]) {
      const s = await nodeClient({ port });
      expect(s.getEphemeralKeyInfo()).toMatchObject({ name: 'secp384r1' });
    }
  });

  it('no group in common fails the handshake', async () => {
    await expect(nodeClient({ port: await ourServer({ ecdhCurve: 'P-384' }), ecdhCurve: 'X25519' })).rejects.toThrow();
  });
});

describe('minVersion / maxVersion', () => {
  it('minVersion TLSv1.2 (node:tls default) and maxVersion TLSv1.3 connect with TLS 1.3', async () => {
    const port = await ourServer({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    const s = await ourClient({ port, ca: CA, minVersion: 'TLSv1.3' });
    expect(s.getProtocol()).toBe('TLSv1.3');
    expect(Buffer.concat(await collect(s)).toString()).toBe('ok');
  });

  it('maxVersion below TLSv1.3 is an error at configuration, never ignored', () => {
    expect(() => createServer({ key: KEY, cert: CHAIN, maxVersion: 'TLSv1.2' })).toThrow(/cannot be honoured/);
    expect(() => connect({ port: 1, ca: CA, maxVersion: 'TLSv1.2' })).toThrow(/cannot be honoured/);
    expect(() => createSecureContext({ maxVersion: 'TLSv1.2' })).toThrow(/cannot be honoured/);
  });
});

describe('secureContext (createSecureContext)', () => {
  it('one client context serves several connections, with its ca, ciphers and ecdhCurve', async () => {
    const ctx = createSecureContext({ ca: readFileSync(pkiPath('ecdsa-p256', 'ca.pem')), ciphers: 'TLS_AES_256_GCM_SHA384', ecdhCurve: 'P-384' });
    const port = await nodeServer({});
    for (let i = 0; i < 3; i++) {
      const s = await ourClient({ port, secureContext: ctx });
      expect(s.authorized).toBe(true);
      expect(s.getCipher()?.standardName).toBe('TLS_AES_256_GCM_SHA384');
      expect(s.negotiated?.group).toBe('secp384r1');
      expect(Buffer.concat(await collect(s)).toString()).toBe('ok');
    }
  });

  it('a client context without ca trusts node\'s bundled roots only', async () => {
    const port = await nodeServer({});
    await expect(ourClient({ port, secureContext: createSecureContext({}) })).rejects.toThrow();
  });

  it('serves node:tls clients from a server context (key, cert, ciphers)', async () => {
    const ctx = createSecureContext({ key: KEY, cert: CHAIN, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' });
    const port = await listen(createServer({ secureContext: ctx }, (s) => s.end('ok')));
    const s = await nodeClient({ port });
    expect(s.getCipher().standardName).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(Buffer.concat(await collect(s)).toString()).toBe('ok');
  });

  it('context options next to secureContext are an error (node:tls would silently ignore them)', () => {
    const ctx = createSecureContext({ ca: CA });
    expect(() => connect({ port: 1, secureContext: ctx, ca: CA })).toThrow(/ca with secureContext/);
    expect(() => createServer({ secureContext: createSecureContext({ key: KEY, cert: CHAIN }), ciphers: 'TLS_AES_128_GCM_SHA256' })).toThrow(TypeError);
    expect(() => connect({ port: 1, secureContext: { ...ctx } })).toThrow(/must come from createSecureContext/);
  });

  it('a server needs a key pair, from its options or its context', () => {
    expect(() => createServer({ secureContext: createSecureContext({ ca: CA }) })).toThrow(/key/);
  });
});

describe('pfx (PKCS#12) with passphrase', () => {
  it('serves node:tls clients from a file made by openssl pkcs12 -export, as a node:tls server does with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'puretls-pfx-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'server.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', pkiPath('ecdsa-p256', 'end.key'), '-in', pkiPath('ecdsa-p256', 'end.chain.pem'), '-out', out, '-passout', 'pass:secret']);
    const pfx = readFileSync(out);
    for (const port of [await listen(tls.createServer({ pfx, passphrase: 'secret' }, (s) => s.end('ok'))), await listen(createServer({ pfx, passphrase: 'secret' }, (s) => s.end('ok')))]) {
      const s = await nodeClient({ port });
      expect(s.authorized).toBe(true);
      expect(Buffer.concat(await collect(s)).toString()).toBe('ok');
    }
    expect(() => createServer({ pfx, passphrase: 'wrong' })).toThrow(/MAC verification failed/);
    expect(() => tls.createServer({ pfx, passphrase: 'wrong' })).toThrow(/mac verify failure/);
  });
});
