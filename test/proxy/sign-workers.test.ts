/**
 * `terminate --sign-workers N` (issue 13 item 3): CertificateVerify signed on worker threads
 * through the adapter's `signer` (the engine's needSignature question). The pool alone (each
 * signature verifies; a certificate it has no key for is refused), then terminate with both
 * providers against node:tls clients that verify the chain.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { nodeCryptoProvider } from '../../src/node/crypto-provider.ts';
import { SignatureScheme } from '../../src/protocol/registry.ts';
import { SignerPool } from '../../src/tools/sign-workers.ts';
import { certPaths } from '../helpers/pki.ts';
import { startProxy, stopAll, tlsClient } from './_proxy.ts';

const p256 = certPaths('ecdsa-p256');
const ed = certPaths('ed25519');
const pools: SignerPool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(() => stopAll());

describe('SignerPool', () => {
  it('signs on its threads with the key of the certificate asked for; refuses a certificate it has no key for', async () => {
    const pair = { cert: readFileSync(p256.endChain, 'utf8'), key: readFileSync(p256.endKey, 'utf8') };
    const pool = new SignerPool(2, [pair], 'pure', undefined);
    pools.push(pool);
    const certificate = certifiedKey(nodeCryptoProvider, pair.cert, pair.key);
    const content = new Uint8Array(130).fill(0x20);
    const scheme = SignatureScheme.ecdsa_secp256r1_sha256;
    const signatures = await Promise.all([1, 2, 3, 4].map(() => pool.signer({ certificate, scheme, content })));
    for (const sig of signatures) expect(nodeCryptoProvider.verify(scheme, certificate.leaf.publicKey!, content, sig)).toBe(true);
    const other = certifiedKey(nodeCryptoProvider, readFileSync(ed.endChain, 'utf8'), readFileSync(ed.endKey, 'utf8'));
    await expect(pool.signer({ certificate: other, scheme: SignatureScheme.ed25519, content })).rejects.toThrow(/no key for this certificate/);
  }, 60_000);

  it('a thread that dies is replaced at once: what it owed fails now, the next requests are signed by the new thread', async () => {
    const pair = { cert: readFileSync(p256.endChain, 'utf8'), key: readFileSync(p256.endKey, 'utf8') };
    const pool = new SignerPool(1, [pair], 'pure', undefined);
    pools.push(pool);
    const certificate = certifiedKey(nodeCryptoProvider, pair.cert, pair.key);
    const content = new Uint8Array(130).fill(0x20);
    const scheme = SignatureScheme.ecdsa_secp256r1_sha256;
    const verifies = (sig: Uint8Array): boolean => nodeCryptoProvider.verify(scheme, certificate.leaf.publicKey!, content, sig);
    expect(verifies(await pool.signer({ certificate, scheme, content }))).toBe(true); // the thread is up
    const [first] = pool.threads();
    // Far more work than a thread does between two statements (each signature takes milliseconds
    // with the pure provider), then the thread is killed with most of it queued.
    const owed = Array.from({ length: 300 }, () => pool.signer({ certificate, scheme, content }));
    void first!.terminate();
    // Before the replacement, these never settled: the requests waited for the handshake timeout.
    const settled = await Promise.allSettled(owed);
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(String((f as PromiseRejectedResult).reason)).toMatch(/sign worker died: sign worker exited/);
    for (const s of settled) if (s.status === 'fulfilled') expect(verifies(s.value)).toBe(true);
    const [second] = pool.threads();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const after = await Promise.all([1, 2, 3].map(() => pool.signer({ certificate, scheme, content })));
    for (const sig of after) expect(verifies(sig)).toBe(true);
    expect(pool.threads()).toEqual([second]);
  }, 60_000);

  it('a thread that cannot start is not restarted forever: the pool ends empty and requests fail at once', async () => {
    const cert = readFileSync(p256.endChain, 'utf8');
    const pool = new SignerPool(1, [{ cert, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }], 'pure', undefined);
    pools.push(pool);
    await expect.poll(() => pool.threads().length, { timeout: 60_000, interval: 100 }).toBe(0);
    const certificate = certifiedKey(nodeCryptoProvider, cert, readFileSync(p256.endKey, 'utf8'));
    await expect(pool.signer({ certificate, scheme: SignatureScheme.ecdsa_secp256r1_sha256, content: new Uint8Array(130) })).rejects.toThrow(
      /every thread failed to start/,
    );
  }, 90_000);

  it('closing the pool fails what is pending and refuses new requests', async () => {
    const pair = { cert: readFileSync(p256.endChain, 'utf8'), key: readFileSync(p256.endKey, 'utf8') };
    const pool = new SignerPool(1, [pair], 'pure', undefined);
    const certificate = certifiedKey(nodeCryptoProvider, pair.cert, pair.key);
    const request = { certificate, scheme: SignatureScheme.ecdsa_secp256r1_sha256, content: new Uint8Array(130) };
    const pending = expect(pool.signer(request)).rejects.toThrow(/sign workers stopped/);
    await pool.close();
    await pending;
    await expect(pool.signer(request)).rejects.toThrow(/sign workers stopped/);
    expect(pool.threads()).toEqual([]);
  }, 60_000);
});

describe('terminate --sign-workers', () => {
  it.each(['pure', 'node'])('provider %s: full handshakes signed by the workers, verified by node:tls', async (provider) => {
    const proxy = await startProxy(['--cert', p256.endChain, '--key', p256.endKey, '--sign-workers', '2', '--provider', provider], 90_000);
    for (let i = 0; i < 3; i++) {
      const s = await tlsClient(proxy.port, { ca: readFileSync(p256.ca), servername: 'localhost', rejectUnauthorized: true });
      expect(s.authorized).toBe(true);
      s.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      const body = await new Promise<string>((resolve) => {
        let t = '';
        s.on('data', (d: Buffer) => (t += d.toString()));
        s.on('end', () => resolve(t));
      });
      expect(body).toMatch(/^HTTP\/1\.1 200/);
    }
  }, 120_000);
});
