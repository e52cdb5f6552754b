/**
 * Revocation in the client handshake (ClientConfigInput.revocation): status_request is sent when
 * the checker uses OCSP, the server's stapled response (made by `openssl ocsp`) and the caller's
 * CRLs (made by `openssl ca -gencrl`) decide, a revoked server certificate aborts with
 * certificate_revoked sent to the server (RFC 8446 §6.2), and a resumed session is not checked
 * again. Both providers.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfigInput } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { revocationChecker } from '../../src/x509/revocation.ts';
import { CertificateError, trustExactly } from '../../src/x509/verifier.ts';
import { failingHandshake, handshake, testRoot, transfer } from '../helpers/pair.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { RevocationPki } from '../helpers/revocation-pki.ts';
import { editClientHello } from '../helpers/tamper.ts';

let pki: RevocationPki;
let good: Uint8Array;
let revoked: Uint8Array;
beforeAll(() => {
  pki = new RevocationPki('ecdsa-p256');
  good = pki.ocsp({ status: 'good' });
  revoked = pki.ocsp({ status: 'revoked' });
}, 60_000);
afterAll(() => pki.dispose());

function pair(provider: CryptoProvider, staple: Uint8Array | undefined, client: Partial<ClientConfigInput>): { client: ClientConnection; server: ServerConnection } {
  const p = pki.paths;
  const key = certifiedKey(provider, readFileSync(p.endChain, 'utf8'), readFileSync(p.endKey, 'utf8'), staple === undefined ? {} : { ocspResponse: staple });
  const server = new ServerConnection(serverConfig({ provider, certificates: [key], ticketSecret: new Uint8Array(32).fill(9) }));
  const c = new ClientConnection(clientConfig({ provider, verifier: trustExactly([testRoot()]), sessionCache: false, ...client }), { serverName: 'localhost' });
  return { client: c, server };
}

/** Runs a handshake that the client aborts; returns the client's error (the server got its alert). */
function refused(client: ClientConnection, server: ServerConnection): CertificateError {
  failingHandshake(client, server);
  expect(client.error).toBeInstanceOf(CertificateError);
  expect(server.error?.alert).toBe(client.error?.alert);
  expect(server.error?.origin).toBe('peer');
  return client.error as CertificateError;
}

describe.each(PROVIDERS)('revocation in the handshake ($name)', (provider) => {
  it('a checker using OCSP sends status_request; one using only CRLs does not', () => {
    const kinds = (cfg: Partial<ClientConfigInput>): string[] => {
      let k: string[] = [];
      editClientHello(pair(provider, good, cfg).client.takeOutput(), (ch) => ((k = ch.extensions.map((e) => e.kind)), ch));
      return k;
    };
    expect(kinds({ revocation: revocationChecker({ ocsp: 'if-stapled' }) })).toContain('status_request');
    expect(kinds({ revocation: revocationChecker({ crls: [pki.crl({ issuer: 'inter' })] }) })).not.toContain('status_request');
  });

  it('completes with a good stapled response (ocsp require, depth leaf)', () => {
    const { client, server } = pair(provider, good, { revocation: revocationChecker({ ocsp: 'require', depth: 'leaf' }) });
    handshake(client, server);
    expect(client.negotiated?.ocspResponse).toEqual(good);
  });

  it('aborts with certificate_revoked on a revoked stapled response', () => {
    const { client, server } = pair(provider, revoked, { revocation: revocationChecker({ ocsp: 'if-stapled', depth: 'leaf' }) });
    const e = refused(client, server);
    expect([e.alert, e.reason]).toEqual([AlertDescription.certificate_revoked, 'revoked']);
  });

  it('aborts with bad_certificate_status_response when the required staple is missing', () => {
    const { client, server } = pair(provider, undefined, { revocation: revocationChecker({ ocsp: 'require', depth: 'leaf' }) });
    expect(refused(client, server).alert).toBe(AlertDescription.bad_certificate_status_response);
  });

  it('aborts with bad_certificate_status_response on a stale staple (the client clock past nextUpdate)', () => {
    const { client, server } = pair(provider, good, { revocation: revocationChecker({ ocsp: 'if-stapled', depth: 'leaf' }), now: () => Date.now() + 8 * 86_400_000 });
    expect(refused(client, server).alert).toBe(AlertDescription.bad_certificate_status_response);
  });

  it('aborts with certificate_revoked when a caller CRL lists the leaf, and completes when it does not', () => {
    const bad = pair(provider, undefined, { revocation: revocationChecker({ crls: [pki.crl({ issuer: 'inter', revoke: ['end'] })], depth: 'leaf' }) });
    expect(refused(bad.client, bad.server).alert).toBe(AlertDescription.certificate_revoked);
    const ok = pair(provider, undefined, { revocation: revocationChecker({ crls: [pki.crl({ issuer: 'inter' }), pki.crl({ issuer: 'ca' })] }) });
    handshake(ok.client, ok.server);
  });

  it('a resumed session is not checked again (no certificate is sent, RFC 8446 §2.2)', () => {
    let checks = 0;
    const inner = revocationChecker({ ocsp: 'require', depth: 'leaf' });
    const counting = { requestsOcsp: true, check: (i: Parameters<typeof inner.check>[0]): void => (checks++, inner.check(i)) };
    const p = pki.paths;
    const key = certifiedKey(provider, readFileSync(p.endChain, 'utf8'), readFileSync(p.endKey, 'utf8'), { ocspResponse: good });
    const sc = serverConfig({ provider, certificates: [key], ticketSecret: new Uint8Array(32).fill(9) });
    const cc = clientConfig({ provider, verifier: trustExactly([testRoot()]), revocation: counting });
    for (let i = 0; i < 2; i++) {
      const client = new ClientConnection(cc, { serverName: 'localhost' });
      const server = new ServerConnection(sc);
      handshake(client, server);
      transfer(server, client);
      expect(client.negotiated?.isResumed).toBe(i === 1);
    }
    expect(checks).toBe(1);
  });

  it('clientConfig refuses a revocation option that is not a checker', () => {
    expect(() => clientConfig({ provider, verifier: trustExactly([testRoot()]), revocation: { ocsp: 'require' } as never })).toThrow(TypeError);
  });
});
