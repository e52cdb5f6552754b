/**
 * @module test/interop/revocation
 * Revocation checking against real servers on loopback: `openssl s_server -status_file` stapling
 * good and revoked responses made by `openssl ocsp` (RFC 8446 §4.4.2.1) to our sans-I/O client
 * (both providers); a node:tls server stapling through its 'OCSPRequest' event to our node
 * adapter's `connect({ revocation })`; and `puretls connect --ocsp/--crl` against s_server, with
 * a CRL made by `openssl ca -gencrl`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { connect } from '../../src/node/connect.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { revocationChecker, type RevocationOptions } from '../../src/x509/revocation.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { certPaths } from '../helpers/pki.ts';
import { Peers, startNodeTlsServer, startOpensslServer, withTimeout } from '../helpers/peers.ts';
import { RevocationPki } from '../helpers/revocation-pki.ts';
import { connectPump } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, type ProviderCase } from './_fixtures.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

let pki: RevocationPki;
const files: Record<string, string> = {};
beforeAll(() => {
  pki = new RevocationPki('ecdsa-p256');
  const write = (name: string, data: Uint8Array | string): void => {
    files[name] = join(pki.dir, name);
    writeFileSync(files[name], data);
  };
  write('good.der', pki.ocsp({ status: 'good' }));
  write('revoked.der', pki.ocsp({ status: 'revoked' }));
  write('good-delegated.der', pki.ocsp({ status: 'good', signer: 'delegated' }));
  write('inter.crl', pki.crl({ issuer: 'inter' }));
  write('inter-revoked.crl', pki.crl({ issuer: 'inter', revoke: ['end'] }));
}, 60_000);
afterAll(() => pki.dispose());

const p = certPaths('ecdsa-p256');
const identity = { cert: p.end, key: p.endKey, chain: p.inter };

async function sServer(staple: string | undefined): Promise<number> {
  const srv = await startOpensslServer({ identity, args: staple === undefined ? [] : ['-status_file', staple] });
  peers.track(srv.peer);
  return srv.port;
}

describe.each([NOBLE, NODE])('revocation: puretls client ($name provider) ↔ openssl s_server -status_file', (pc: ProviderCase) => {
  const client = (options: RevocationOptions): ClientConnection =>
    new ClientConnection(clientConfig({ provider: pc.provider, verifier: trustExactly([caDer('ecdsa-p256')]), revocation: revocationChecker(options) }), {
      serverName: 'localhost',
    });

  it('completes when s_server staples a good response (issuer-signed and delegated responder)', async () => {
    for (const staple of ['good.der', 'good-delegated.der']) {
      const pump = await connectPump(await sServer(files[staple]), client({ ocsp: 'require', depth: 'leaf' }));
      const n = await pump.handshake();
      expect(n.ocspResponse).toEqual(new Uint8Array(readFileSync(files[staple] as string)));
    }
  });

  it('aborts with certificate_revoked when s_server staples a revoked response', async () => {
    const pump = await connectPump(await sServer(files['revoked.der']), client({ ocsp: 'if-stapled', depth: 'leaf' }));
    const failure = await pump.waitForFailure();
    expect([failure.alert, failure.origin]).toEqual([AlertDescription.certificate_revoked, 'local']);
  });

  it('aborts with bad_certificate_status_response when s_server staples nothing and the policy requires it', async () => {
    const pump = await connectPump(await sServer(undefined), client({ ocsp: 'require', depth: 'leaf' }));
    const failure = await pump.waitForFailure();
    expect(failure.alert).toBe(AlertDescription.bad_certificate_status_response);
  });
});

describe('revocation: puretls node adapter connect() ↔ node:tls server stapling through OCSPRequest', () => {
  async function stapling(response: Buffer): Promise<number> {
    const srv = await startNodeTlsServer({ cert: readFileSync(p.endChain), key: readFileSync(p.endKey) }, (s) => s.end('hi'));
    srv.server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => cb(null, response));
    peers.onStop(() => srv.close());
    return srv.port;
  }

  function dial(port: number, revocation: RevocationOptions): Promise<{ ok: boolean; error?: Error & { alert?: number } }> {
    return withTimeout(
      new Promise((resolve) => {
        const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(p.ca), revocation });
        s.once('secureConnect', () => {
          s.destroy();
          resolve({ ok: true });
        });
        s.once('error', (error: Error & { alert?: number }) => resolve({ ok: false, error }));
      }),
      15_000,
      'connect',
    );
  }

  it('connects with a good staple and refuses a revoked one (certificate_revoked)', async () => {
    expect(await dial(await stapling(readFileSync(files['good.der'] as string)), { ocsp: 'require', depth: 'leaf' })).toEqual({ ok: true });
    const refused = await dial(await stapling(readFileSync(files['revoked.der'] as string)), { ocsp: 'require', depth: 'leaf' });
    expect(refused.ok).toBe(false);
    expect(refused.error?.alert).toBe(AlertDescription.certificate_revoked);
  });
});

describe('revocation: puretls connect --ocsp / --crl ↔ openssl s_server', () => {
  function cli(port: number, extra: string[]): Promise<{ code: number | null; stderr: string }> {
    return withTimeout(
      new Promise((resolve) => {
        const args = ['--import', 'tsx', 'src/tools/cli.ts', 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', p.ca, ...extra];
        const child = spawn(process.execPath, args, { cwd: join(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdin.end();
        child.on('close', (code) => resolve({ code, stderr }));
      }),
      60_000,
      'puretls connect',
    );
  }

  it('--ocsp require passes with a good staple and fails naming revoked with a revoked one', async () => {
    const ok = await cli(await sServer(files['good.der']), ['--ocsp', 'require', '--revocation-depth', 'leaf']);
    expect(ok.stderr).toContain('TLSv1.3');
    expect(ok.code).toBe(0);
    const bad = await cli(await sServer(files['revoked.der']), ['--ocsp', 'require', '--revocation-depth', 'leaf']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/^puretls connect: certificate verification failed: revoked: certificate_revoked: /);
  });

  it('--crl: a CRL listing the leaf fails with certificate_revoked; one not listing it passes; a bad --crl is a usage error', async () => {
    const port = await sServer(undefined);
    const bad = await cli(port, ['--crl', files['inter-revoked.crl'] as string, '--revocation-depth', 'leaf']);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/certificate verification failed: revoked: certificate_revoked: /);
    const ok = await cli(await sServer(undefined), ['--crl', files['inter.crl'] as string, '--revocation-depth', 'leaf']);
    expect(ok.code).toBe(0);
    const usage = await cli(port, ['--crl', p.ca]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--crl: .*no X509 CRL block/);
  });
});
