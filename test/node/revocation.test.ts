/**
 * Revocation through the Node adapter: node:tls's `crl` option on connect() behaves as node:tls's
 * own client does with the same CRLs (OpenSSL CRL_CHECK | CRL_CHECK_ALL: every certificate below
 * the anchor needs its issuer's CRL), checked side by side against one node:tls server; the
 * `revocation` option with `rejectUnauthorized: false` reports instead of failing; createServer
 * refuses `crl` rather than ignoring it. CRLs made by `openssl ca -gencrl`.
 */
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/node/connect.ts';
import { createServer } from '../../src/node/server.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import type { ConnectOptions } from '../../src/node/connect.ts';
import { Peers, startNodeTlsServer, withTimeout } from '../helpers/peers.ts';
import { certPaths } from '../helpers/pki.ts';
import { RevocationPki } from '../helpers/revocation-pki.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());
let pki: RevocationPki;
let crls: { inter: string; interRevoking: string; root: string };
beforeAll(() => {
  pki = new RevocationPki('ecdsa-p256');
  crls = { inter: pki.crl({ issuer: 'inter' }), interRevoking: pki.crl({ issuer: 'inter', revoke: ['end'] }), root: pki.crl({ issuer: 'ca' }) };
}, 60_000);
afterAll(() => pki.dispose());

const p = certPaths('ecdsa-p256');

async function server(): Promise<number> {
  const srv = await startNodeTlsServer({ cert: readFileSync(p.endChain), key: readFileSync(p.endKey) }, (s) => s.end('hi'));
  peers.onStop(() => srv.close());
  return srv.port;
}

type Outcome = { ok: true; authorized: boolean; reason?: string } | { ok: false; alert?: number; code?: string };

function ours(port: number, extra: Partial<ConnectOptions>): Promise<Outcome> {
  return withTimeout(
    new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(p.ca), ...extra });
      s.once('secureConnect', () => {
        const reason = s.authorizationError;
        resolve({ ok: true, authorized: s.authorized, ...(reason === undefined ? {} : { reason }) });
        s.destroy();
      });
      s.once('error', (e: Error & { alert?: number }) => resolve({ ok: false, alert: e.alert }));
    }),
    15_000,
    'connect',
  );
}

function nodes(port: number, crl: string[]): Promise<Outcome> {
  return withTimeout(
    new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(p.ca), crl }, () => {
        resolve({ ok: true, authorized: s.authorized });
        s.destroy();
      });
      s.once('error', (e: Error & { code?: string }) => resolve({ ok: false, code: e.code }));
    }),
    15_000,
    'tls.connect',
  );
}

describe('Node adapter: revocation', () => {
  it("connect({ crl }) decides as node:tls's client does with the same CRLs", async () => {
    const port = await server();
    // Both CRLs: every certificate below the anchor is covered, none listed.
    expect(await nodes(port, [crls.inter, crls.root])).toEqual({ ok: true, authorized: true });
    expect(await ours(port, { crl: [crls.inter, crls.root] })).toEqual({ ok: true, authorized: true });
    // Only the intermediate's CRL: the intermediate's own status is unknown.
    expect(await nodes(port, [crls.inter])).toEqual({ ok: false, code: 'UNABLE_TO_GET_CRL' });
    expect(await ours(port, { crl: crls.inter })).toEqual({ ok: false, alert: AlertDescription.certificate_unknown });
    // The leaf listed.
    expect(await nodes(port, [crls.interRevoking, crls.root])).toEqual({ ok: false, code: 'CERT_REVOKED' });
    expect(await ours(port, { crl: [crls.interRevoking, crls.root] })).toEqual({ ok: false, alert: AlertDescription.certificate_revoked });
  });

  it('revocation with rejectUnauthorized: false connects and reports the reason (revoked) in authorizationError', async () => {
    const port = await server();
    const revocation = { crls: [crls.interRevoking], depth: 'leaf' as const };
    expect(await ours(port, { revocation, rejectUnauthorized: false })).toEqual({ ok: true, authorized: false, reason: 'revoked' });
    expect(await ours(port, { revocation })).toEqual({ ok: false, alert: AlertDescription.certificate_revoked });
  });

  it('refuses crl with revocation on connect, and crl on createServer (not silently ignored)', () => {
    expect(() => connect({ host: '127.0.0.1', port: 1, crl: crls.inter, revocation: { ocsp: 'require' } })).toThrow(/exclusive/);
    expect(() => createServer({ key: readFileSync(p.endKey), cert: readFileSync(p.endChain), crl: crls.inter })).toThrow(/not supported yet/);
  });
});
