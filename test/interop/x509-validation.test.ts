/**
 * @module test/interop/x509-validation
 * Our client (sans-I/O ClientConnection + webPkiVerifier) validating the chains real peers send
 * over loopback: `openssl s_server` and node:tls, root → intermediate → leaf, RSA and ECDSA
 * (RFC 5280 §6.1, RFC 9525 §6.3), including name-mismatch and expired-certificate failures,
 * each asserting the alert we send and the CertificateError reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
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
