/**
 * @module test/interop/x509-validation
 * Our client (sans-I/O ClientConnection + webPkiVerifier) validating the chains real peers send
 * over loopback: `openssl s_server` and node:tls, root → intermediate → leaf, RSA and ECDSA
 * (RFC 5280 §6.1, RFC 9525 §6.3), including name-mismatch and expired-certificate failures,
 * each asserting the alert we send and the CertificateError reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { CertificateError, webPkiVerifier } from '../../src/x509/verifier.ts';
import { certPaths, certPems, firstCertDer, type KeyType } from '../helpers/pki.ts';
import { Peers, startNodeTlsServer, startOpensslServer } from '../helpers/peers.ts';
import { connectPump, type PumpFailure } from '../helpers/socket-pump.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

const TYPES: readonly KeyType[] = ['rsa-2048', 'ecdsa-p256'];

function client(type: KeyType, serverName: string, now?: () => number): ClientConnection {
  const config = clientConfig({
    provider: nobleProvider,
    verifier: webPkiVerifier({ roots: [firstCertDer(certPaths(type).ca)] }),
    ...(now ? { now } : {}),
  });
  return new ClientConnection(config, { serverName });
}

function expectCertificateFailure(err: PumpFailure, alert: number, reason: string, depth: number): void {
  expect(err).toBeInstanceOf(CertificateError);
  expect(err.alert).toBe(alert);
  expect(err.origin).toBe('local');
  expect((err as CertificateError).reason).toBe(reason);
  expect((err as CertificateError).depth).toBe(depth);
}

/** 2125-06-01: after every vector's notAfter (2124-01-01). */
const AFTER_EXPIRY = (): number => Date.UTC(2125, 5, 1);

describe.each(TYPES.map((type) => ({ type })))('our client validates openssl s_server ($type chain)', ({ type }) => {
  const start = async (cert = certPaths(type).end): Promise<number> => {
    const p = certPaths(type);
    const srv = await startOpensslServer({ identity: { cert, key: p.endKey, chain: p.inter }, args: ['-www'] });
    peers.track(srv.peer);
    return srv.port;
  };

  it('accepts leaf → intermediate → configured root for localhost and 127.0.0.1 (RFC 5280 §6.1)', async () => {
    const port = await start();
    for (const name of ['localhost', '127.0.0.1']) {
      const pump = await connectPump(port, client(type, name));
      peers.onStop(() => {
        pump.socket.destroy();
      });
      const n = await pump.handshake();
      expect(n.peerCertificates).toHaveLength(2);
      pump.close();
      pump.end();
      await pump.waitForSocketClose();
    }
  });

  it('a name the certificate does not hold → certificate_unknown (name_mismatch) (RFC 9525 §6.3)', async () => {
    const pump = await connectPump(await start(), client(type, 'wrong.example'));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    expectCertificateFailure(await pump.waitForFailure(), AlertDescription.certificate_unknown, 'name_mismatch', 0);
  });

  it('a chain past its notAfter at our clock → certificate_expired (RFC 5280 §6.1.3 (a)(2))', async () => {
    const pump = await connectPump(await start(), client(type, 'localhost', AFTER_EXPIRY));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    expectCertificateFailure(await pump.waitForFailure(), AlertDescription.certificate_expired, 'expired', 0);
  });

  it('a root we do not trust → unknown_ca', async () => {
    const other: KeyType = type === 'rsa-2048' ? 'ecdsa-p256' : 'rsa-2048';
    const config = clientConfig({ provider: nobleProvider, verifier: webPkiVerifier({ roots: [firstCertDer(certPaths(other).ca)] }) });
    const pump = await connectPump(await start(), new ClientConnection(config, { serverName: 'localhost' }));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    const err = await pump.waitForFailure();
    expect(err.alert).toBe(AlertDescription.unknown_ca);
    expect((err as CertificateError).reason).toBe('unknown_issuer');
  });

  if (type === 'ecdsa-p256') {
    it('an expired leaf certificate (2020–2021) → certificate_expired at depth 0', async () => {
      const pump = await connectPump(await start(join(certPaths(type).dir, 'expired.pem')), client(type, 'localhost'));
      peers.onStop(() => {
      pump.socket.destroy();
    });
      expectCertificateFailure(await pump.waitForFailure(), AlertDescription.certificate_expired, 'expired', 0);
    });
  }
});

describe.each(TYPES.map((type) => ({ type })))('our client validates a node:tls server ($type chain)', ({ type }) => {
  const start = async (cert?: string): Promise<number> => {
    const pems = certPems(type);
    const srv = await startNodeTlsServer({ cert: cert ?? pems.endChain, key: pems.endKey }, (s) => s.end('hello'));
    peers.onStop(() => srv.close());
    return srv.port;
  };

  it('accepts leaf → intermediate → configured root (RFC 5280 §6.1)', async () => {
    const pump = await connectPump(await start(), client(type, 'localhost'));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    expect((await pump.handshake()).peerCertificates).toHaveLength(2);
  });

  it('a name the certificate does not hold → certificate_unknown (name_mismatch)', async () => {
    const pump = await connectPump(await start(), client(type, 'testserver.org'));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    expectCertificateFailure(await pump.waitForFailure(), AlertDescription.certificate_unknown, 'name_mismatch', 0);
  });

  it('a chain past its notAfter at our clock → certificate_expired', async () => {
    const pump = await connectPump(await start(), client(type, 'localhost', AFTER_EXPIRY));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    expectCertificateFailure(await pump.waitForFailure(), AlertDescription.certificate_expired, 'expired', 0);
  });

  if (type === 'ecdsa-p256') {
    it('an expired leaf certificate (2020–2021) → certificate_expired at depth 0', async () => {
      const p = certPaths(type);
      const chain = readFileSync(join(p.dir, 'expired.pem'), 'utf8') + readFileSync(p.inter, 'utf8');
      const pump = await connectPump(await start(chain), client(type, 'localhost'));
      peers.onStop(() => {
      pump.socket.destroy();
    });
      expectCertificateFailure(await pump.waitForFailure(), AlertDescription.certificate_expired, 'expired', 0);
    });
  }
});

/**
 * A CA on `caCurve` that signs a P-256 leaf (SAN localhost) with `openssl x509 -req` and `digest`
 * ('default': no option, OpenSSL's default SHA-256 whatever the curve), in a new temporary directory.
 */
function crossCurveChain(caCurve: 'P-256' | 'P-384', digest: 'default' | 'sha384' | 'sha512'): { ca: string; leaf: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-xcurve-'));
  const f = (name: string): string => join(dir, name);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${caCurve}`, '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'),
    '-days', '2', '-subj', `/CN=${caCurve} test CA`]);
  run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'),
    '-subj', '/CN=localhost']);
  writeFileSync(f('ext.cnf'), 'basicConstraints = critical, CA:FALSE\nsubjectAltName = DNS:localhost\n');
  run(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'),
    '-days', '2', '-extfile', f('ext.cnf'), ...(digest === 'default' ? [] : [`-${digest}`])]);
  return { ca: f('ca.pem'), leaf: f('leaf.pem'), key: f('leaf.key') };
}

describe('our client validates ECDSA chains whose hash is not the CA curve\'s (issue 8 item 9)', () => {
  it.each([
    ['P-384', 'default', 'ecdsa-with-SHA256'],
    ['P-256', 'sha384', 'ecdsa-with-SHA384'],
    ['P-256', 'sha512', 'ecdsa-with-SHA512'],
  ] as const)('a %s CA signing with `openssl x509 -req`, digest %s (%s): accepted from openssl s_server', async (caCurve, digest, algorithm) => {
    const files = crossCurveChain(caCurve, digest);
    expect(execFileSync('openssl', ['x509', '-in', files.leaf, '-noout', '-text'], { encoding: 'utf8' })).toContain(`Signature Algorithm: ${algorithm}`);
    const srv = await startOpensslServer({ identity: { cert: files.leaf, key: files.key }, args: ['-www'] });
    peers.track(srv.peer);
    const config = clientConfig({ provider: nobleProvider, verifier: webPkiVerifier({ roots: [firstCertDer(files.ca)] }) });
    const pump = await connectPump(srv.port, new ClientConnection(config, { serverName: 'localhost' }));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    expect((await pump.handshake()).peerCertificates).toHaveLength(1);
    pump.close();
    pump.end();
    await pump.waitForSocketClose();
  });
});
