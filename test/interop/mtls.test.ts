/**
 * @module test/interop/mtls
 * Mutual TLS and OCSP stapling against real peers on loopback, our side driven through the
 * sans-I/O API over test/helpers/socket-pump.ts: `openssl s_client -cert/-key` against our server
 * (client authentication required and optional, RFC 8446 §4.3.2, §4.4.2.4); our client with a
 * certificate against `openssl s_server -Verify 1` and node:tls `requestCert`; and
 * `openssl s_client -status` reading the OCSP response our server staples (RFC 8446 §4.4.2.1),
 * a real response made in the test by `openssl ocsp` (index file, the intermediate CA as
 * responder).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfig, serverConfig, type ServerConfigInput } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { certifiedKey, type CertifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { certPaths, firstCertDer, type KeyType } from '../helpers/pki.ts';
import { Peers, startNodeTlsServer, startOpensslClient, startOpensslServer, type PeerProcess } from '../helpers/peers.ts';
import { connectPump, listenPumps, type PumpListener } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, ourCertificate, type ProviderCase } from './_fixtures.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

const TYPE: KeyType = 'ecdsa-p256';

function ourClientCertificate(pc: ProviderCase, type: KeyType = TYPE): CertifiedKey {
  const p = certPaths(type);
  return certifiedKey(pc.provider, readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8'), readFileSync(p.clientKey, 'utf8'));
}

async function listen(pc: ProviderCase, extra: Partial<ServerConfigInput>): Promise<PumpListener> {
  const config = serverConfig({ provider: pc.provider, certificates: [ourCertificate(pc.provider, TYPE)], tickets: 0, ...extra });
  const listener = await listenPumps(() => new ServerConnection(config));
  peers.onStop(() => listener.close());
  return listener;
}

function sClient(port: number, args: readonly string[]): PeerProcess {
  return peers.track(startOpensslClient(port, ['-CAfile', certPaths(TYPE).ca, '-verify_return_error', '-servername', 'localhost', ...args]));
}

const CLIENT_ARGS = ['-cert', certPaths(TYPE).client, '-key', certPaths(TYPE).clientKey, '-cert_chain', certPaths(TYPE).inter];

describe.each([NOBLE, NODE])('mutual TLS: puretls server ($name provider) ↔ openssl s_client', (pc) => {
  const clientAuth = (mode: 'required' | 'optional') => ({ clientAuth: { mode, verifier: trustExactly([caDer(TYPE)]) } });

  it('required: s_client -cert/-key authenticates; we expose its verified chain (RFC 8446 §4.4.2)', async () => {
    const listener = await listen(pc, clientAuth('required'));
    const cli = sClient(listener.port, CLIENT_ARGS);
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.peerCertificates[0]).toEqual(firstCertDer(certPaths(TYPE).client));
    expect(n.peerCertificates).toHaveLength(2);
    cli.send('ping\n');
    await pump.waitForText('ping\n');
  });

  it('required: s_client without a certificate gets certificate_required (RFC 8446 §4.4.2.4)', async () => {
    const listener = await listen(pc, clientAuth('required'));
    const cli = sClient(listener.port, []);
    const pump = await listener.accepted(0);
    // TLS 1.3: s_client finishes its side first; it learns of the failure from our alert.
    cli.send('ping\n');
    const failure = await pump.waitForFailure();
    expect([failure.alert, failure.origin]).toEqual([AlertDescription.certificate_required, 'local']);
    await cli.waitForOutput(/certificate required/i, 10_000, 'any');
  });

  it('optional: s_client without a certificate is served unauthenticated (RFC 8446 §4.4.2.4)', async () => {
    const listener = await listen(pc, clientAuth('optional'));
    const cli = sClient(listener.port, []);
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.peerCertificates).toEqual([]);
    cli.send('ping\n');
    await pump.waitForText('ping\n');
  });

  it('optional: s_client with a certificate is authenticated (RFC 8446 §4.4.2)', async () => {
    const listener = await listen(pc, clientAuth('optional'));
    sClient(listener.port, CLIENT_ARGS);
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.peerCertificates[0]).toEqual(firstCertDer(certPaths(TYPE).client));
  });
});

describe.each([NOBLE, NODE])('mutual TLS: puretls client ($name provider) ↔ openssl s_server -Verify / node:tls requestCert', (pc) => {
  const identity = { cert: certPaths(TYPE).end, key: certPaths(TYPE).endKey, chain: certPaths(TYPE).inter };

  it('sends its certificate and CertificateVerify to s_server -Verify 1, which verifies it (RFC 8446 §4.4.2, §4.4.3)', async () => {
    const srv = await startOpensslServer({ identity, args: ['-Verify', '1', '-CAfile', certPaths(TYPE).ca, '-verify_return_error'] });
    peers.track(srv.peer);
    const config = clientConfig({ provider: pc.provider, verifier: trustExactly([caDer(TYPE)]), certificates: [ourClientCertificate(pc)] });
    const pump = await connectPump(srv.port, new ClientConnection(config, { serverName: 'localhost' }));
    await pump.handshake();
    pump.write('ping\n');
    await srv.peer.waitForOutput('ping');
    expect(srv.peer.stdout() + srv.peer.stderr()).toContain('puretls test client');
  });

  it('without a certificate, s_server -Verify 1 refuses it with certificate_required (RFC 8446 §4.4.2.4)', async () => {
    const srv = await startOpensslServer({ identity, args: ['-Verify', '1', '-CAfile', certPaths(TYPE).ca, '-verify_return_error'] });
    peers.track(srv.peer);
    const config = clientConfig({ provider: pc.provider, verifier: trustExactly([caDer(TYPE)]) });
    const pump = await connectPump(srv.port, new ClientConnection(config, { serverName: 'localhost' }));
    const failure = await pump.waitForFailure();
    expect([failure.alert, failure.origin]).toEqual([AlertDescription.certificate_required, 'peer']);
  });

  it('authenticates to node:tls with requestCert and rejectUnauthorized (RFC 8446 §4.4.2)', async () => {
    const p = certPaths(TYPE);
    let serverSide: TLSSocket | undefined;
    const srv = await startNodeTlsServer(
      { cert: readFileSync(p.endChain), key: readFileSync(p.endKey), ca: readFileSync(p.ca), requestCert: true, rejectUnauthorized: true },
      (s) => {
        serverSide = s;
        s.on('data', (d: Buffer) => s.write(d));
      },
    );
    peers.onStop(() => srv.close());
    const config = clientConfig({ provider: pc.provider, verifier: trustExactly([caDer(TYPE)]), certificates: [ourClientCertificate(pc)] });
    const pump = await connectPump(srv.port, new ClientConnection(config, { serverName: 'localhost' }));
    await pump.handshake();
    pump.write('ping\n');
    await pump.waitForText('ping\n');
    expect(serverSide?.authorized).toBe(true);
    expect(serverSide?.getPeerCertificate().subject.CN).toBe('puretls test client');
  });
});

/**
 * A real OCSP response for the ecdsa-p256 server leaf ("good"), signed by its issuing
 * intermediate as responder (RFC 6960 §4.2.2.2), made with `openssl ocsp` from an index file.
 */
function makeOcspResponse(): Uint8Array {
  const p = certPaths(TYPE);
  const dir = mkdtempSync(join(tmpdir(), 'puretls-ocsp-'));
  try {
    const serial = execFileSync('openssl', ['x509', '-in', p.end, '-noout', '-serial'], { encoding: 'utf8' }).trim().split('=')[1];
    const subject = execFileSync('openssl', ['x509', '-in', p.end, '-noout', '-subject', '-nameopt', 'compat'], { encoding: 'utf8' })
      .trim()
      .replace(/^subject=/, '');
    const expiry = new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    writeFileSync(join(dir, 'index.txt'), `V\t${expiry}\t\t${serial}\tunknown\t${subject}\n`);
    const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 10_000 });
    run(['ocsp', '-issuer', p.inter, '-cert', p.end, '-no_nonce', '-reqout', 'req.der']);
    run(['ocsp', '-index', 'index.txt', '-rsigner', p.inter, '-rkey', join(p.dir, 'inter.key'), '-CA', p.inter, '-reqin', 'req.der', '-respout', 'resp.der', '-ndays', '7']);
    return new Uint8Array(readFileSync(join(dir, 'resp.der')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each([NOBLE, NODE])('OCSP stapling: puretls server ($name provider) ↔ openssl s_client -status', (pc) => {
  it('s_client -status sees our stapled response for the leaf: successful, good (RFC 8446 §4.4.2.1, RFC 6066 §8)', async () => {
    const ocspResponse = makeOcspResponse();
    const pems = { chain: readFileSync(certPaths(TYPE).endChain, 'utf8'), key: readFileSync(certPaths(TYPE).endKey, 'utf8') };
    const listener = await listen(pc, { certificates: [certifiedKey(pc.provider, pems.chain, pems.key, { ocspResponse })] });
    const cli = sClient(listener.port, ['-status']);
    const pump = await listener.accepted(0);
    await pump.handshake();
    await cli.waitForOutput('Cert Status: good');
    expect(cli.stdout()).toContain('OCSP Response Status: successful (0x0)');
  });

  it('s_client without -status gets no staple (RFC 8446 §4.4.2)', async () => {
    const ocspResponse = makeOcspResponse();
    const pems = { chain: readFileSync(certPaths(TYPE).endChain, 'utf8'), key: readFileSync(certPaths(TYPE).endKey, 'utf8') };
    const listener = await listen(pc, { certificates: [certifiedKey(pc.provider, pems.chain, pems.key, { ocspResponse })] });
    const cli = sClient(listener.port, []);
    const pump = await listener.accepted(0);
    await pump.handshake();
    cli.send('ping\n');
    await pump.waitForText('ping\n');
    expect(cli.stdout()).not.toContain('OCSP response');
  });
});

describe.each([NOBLE, NODE])('OCSP stapling: puretls client ($name provider) ↔ openssl s_server -status_file', (pc) => {
  it('hands the response s_server staples to the application in Negotiated.ocspResponse (RFC 8446 §4.4.2.1)', async () => {
    const ocspResponse = makeOcspResponse();
    const dir = mkdtempSync(join(tmpdir(), 'puretls-ocsp-'));
    peers.onStop(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'resp.der'), ocspResponse);
    const identity = { cert: certPaths(TYPE).end, key: certPaths(TYPE).endKey, chain: certPaths(TYPE).inter };
    const srv = await startOpensslServer({ identity, args: ['-status_file', join(dir, 'resp.der')] });
    peers.track(srv.peer);
    const config = clientConfig({ provider: pc.provider, verifier: trustExactly([caDer(TYPE)]), requestOcsp: true });
    const pump = await connectPump(srv.port, new ClientConnection(config, { serverName: 'localhost' }));
    const n = await pump.handshake();
    expect(n.ocspResponse).toEqual(ocspResponse);
  });
});
