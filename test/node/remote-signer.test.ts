/**
 * The remote-signer example (docs/examples/remote-signer.ts): a TLS server holding only the
 * certificate, the key in a separate HTTP signing service; node:tls verifies the handshake.
 */
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteCertifiedKey, startSigningService, startTlsServer } from '../../docs/examples/remote-signer.ts';
import { SignatureScheme } from '../../src/protocol/registry.ts';
import { certPaths } from '../helpers/pki.ts';

const p256 = certPaths('ecdsa-p256');
const servers: (HttpServer | NetServer)[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

function fetchGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(p256.ca), servername: 'localhost' }, () => {
      let t = '';
      s.on('data', (d: Buffer) => (t += d.toString()));
      s.on('end', () => resolve(t));
    });
    s.on('error', reject);
  });
}

describe('example: CertificateVerify signed by a remote HTTP service', () => {
  it('node:tls completes a verified handshake with a server that has no private key', async () => {
    const signing = await startSigningService(readFileSync(p256.endChain, 'utf8'), readFileSync(p256.endKey, 'utf8'));
    servers.push(signing.server);
    const certificate = remoteCertifiedKey(readFileSync(p256.endChain, 'utf8'), [SignatureScheme.ecdsa_secp256r1_sha256]);
    expect(() => certificate.key.sign(SignatureScheme.ecdsa_secp256r1_sha256, new Uint8Array(1), () => new Uint8Array(0))).toThrow(/signing service/);
    const tlsServer = await startTlsServer(certificate, signing.url);
    servers.push(tlsServer.server);
    expect(await fetchGreeting(tlsServer.port)).toBe('hello from a remotely signed handshake\n');
  });

  it('a signing service that fails: the handshake fails (internal_error), nothing hangs', async () => {
    const signing = await startSigningService(readFileSync(p256.endChain, 'utf8'), readFileSync(p256.endKey, 'utf8'));
    servers.push(signing.server);
    const certificate = remoteCertifiedKey(readFileSync(p256.endChain, 'utf8'), [SignatureScheme.ecdsa_secp256r1_sha256]);
    const tlsServer = await startTlsServer(certificate, `${signing.url}-nowhere`);
    servers.push(tlsServer.server);
    await expect(fetchGreeting(tlsServer.port)).rejects.toThrow(/internal error/i);
  });
});
