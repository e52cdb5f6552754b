/**
 * Revocation checking (src/x509/revocation.ts, ocsp.ts, crl.ts) on real data: OCSP responses made
 * by `openssl ocsp` and CRLs made by `openssl ca -gencrl` for the test PKI (helpers/revocation-pki),
 * judged on the path the Web PKI verifier builds, with both providers.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CryptoProvider } from '../../../src/crypto/provider.ts';
import { parseCertificateChain } from '../../../src/x509/certificate.ts';
import { parseCrl } from '../../../src/x509/crl.ts';
import { MAX_OCSP_RESPONSE_BYTES, parseOcspResponse } from '../../../src/x509/ocsp.ts';
import { pemDecode } from '../../../src/x509/pem.ts';
import { revocationChecker, type RevocationOptions } from '../../../src/x509/revocation.ts';
import type { StapledResponse } from '../../../src/x509/revocation-checker.ts';
import { CertificateError, trustExactly, type VerifiedChain } from '../../../src/x509/verifier.ts';
import { PROVIDERS } from '../../helpers/providers.ts';
import { RevocationPki } from '../../helpers/revocation-pki.ts';

const DAY = 86_400_000;
let pki: RevocationPki;
let rsa: RevocationPki;

beforeAll(() => {
  pki = new RevocationPki('ecdsa-p256');
  rsa = new RevocationPki('rsa-2048');
}, 60_000);
afterAll(() => {
  pki.dispose();
  rsa.dispose();
});

function derOf(path: string): Uint8Array {
  return parseCertificateChain(readFileSync(path, 'utf8'))[0] as Uint8Array;
}

/** The verified path end → inter → ca of `p` at `now`. */
function verified(p: RevocationPki, provider: CryptoProvider, now: number): VerifiedChain {
  return trustExactly([derOf(p.paths.ca)]).verify({ chain: [derOf(p.paths.end), derOf(p.paths.inter)], serverName: 'localhost', now, provider });
}

interface Run {
  readonly staples?: { readonly leaf?: Uint8Array; readonly inter?: Uint8Array };
  readonly now?: number;
  readonly pki?: RevocationPki;
}

/** Runs a checker with `options` on the test path with the given staples; returns the error or undefined. */
function check(provider: CryptoProvider, options: RevocationOptions, run: Run = {}): CertificateError | undefined {
  const p = run.pki ?? pki;
  const now = run.now ?? Date.now();
  const v = verified(p, provider, now);
  const stapled: StapledResponse[] = [];
  if (run.staples?.leaf) stapled.push({ certificate: derOf(p.paths.end), response: run.staples.leaf });
  if (run.staples?.inter) stapled.push({ certificate: derOf(p.paths.inter), response: run.staples.inter });
  try {
    revocationChecker(options).check({ path: v.chain, stapled, now, provider, budget: v.budget });
    return undefined;
  } catch (e) {
    if (e instanceof CertificateError) return e;
    throw e;
  }
}

function expectFailure(e: CertificateError | undefined, reason: string, alert: number, depth = 0): void {
  expect(e, 'expected a refusal').toBeInstanceOf(CertificateError);
  expect({ reason: e?.reason, alert: e?.alert, depth: e?.depth }, e?.message).toEqual({ reason, alert, depth });
}

const LEAF_OCSP: RevocationOptions = { ocsp: 'require', depth: 'leaf' };

describe.each(PROVIDERS)('stapled OCSP ($name)', (provider) => {
  it('accepts a good response signed by the issuer (SHA-1 and SHA-256 CertIDs, byName and byKey ResponderIDs)', () => {
    expect(check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good' }) } })).toBeUndefined();
    expect(check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', certIdHash: 'sha256' }) } })).toBeUndefined();
    expect(check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', byKey: true }) } })).toBeUndefined();
  });

  it('accepts a good response from an RSA issuer', () => {
    expect(check(provider, LEAF_OCSP, { pki: rsa, staples: { leaf: rsa.ocsp({ status: 'good' }) } })).toBeUndefined();
  });

  it('refuses a revoked certificate with certificate_revoked (RFC 8446 §6.2)', () => {
    const e = check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'revoked' }) } });
    expectFailure(e, 'revoked', 44);
    expect(e?.message).toMatch(/revoked at 2024-06-01T00:00:00.000Z \(stapled OCSP response\)/);
    expectFailure(check(provider, LEAF_OCSP, { pki: rsa, staples: { leaf: rsa.ocsp({ status: 'revoked' }) } }), 'revoked', 44);
  });

  it('unknown status: refused under unknownStatus deny (certificate_unknown), accepted under allow', () => {
    const leaf = pki.ocsp({ status: 'unknown' });
    expectFailure(check(provider, LEAF_OCSP, { staples: { leaf } }), 'revocation_unknown', 46);
    expect(check(provider, { ...LEAF_OCSP, unknownStatus: 'allow' }, { staples: { leaf } })).toBeUndefined();
  });

  it('a missing staple: refused under require, decided by unknownStatus under if-stapled', () => {
    expectFailure(check(provider, LEAF_OCSP), 'revocation_unknown', 113);
    expectFailure(check(provider, { ocsp: 'if-stapled', depth: 'leaf' }), 'revocation_unknown', 46);
    expect(check(provider, { ocsp: 'if-stapled', depth: 'leaf', unknownStatus: 'allow' })).toBeUndefined();
  });

  it('freshness: refused after nextUpdate and before thisUpdate, beyond the 5-minute skew', () => {
    const leaf = pki.ocsp({ status: 'good', days: 1 });
    const now = Date.now();
    expect(check(provider, LEAF_OCSP, { staples: { leaf }, now: now + DAY + 60_000 })).toBeUndefined(); // within the skew
    const expired = check(provider, LEAF_OCSP, { staples: { leaf }, now: now + DAY + 10 * 60_000 });
    expectFailure(expired, 'bad_status_response', 113);
    expect(expired?.message).toMatch(/expired at .*nextUpdate/);
    const early = check(provider, LEAF_OCSP, { staples: { leaf }, now: now - 3600_000 });
    expectFailure(early, 'bad_status_response', 113);
    expect(early?.message).toMatch(/not valid before/);
    // A stale response is refused even when unknown status would be allowed (RFC 6066 §8).
    expectFailure(check(provider, { ...LEAF_OCSP, unknownStatus: 'allow' }, { staples: { leaf }, now: now + 2 * DAY }), 'bad_status_response', 113);
  });

  it('accepts a delegated responder issued by the issuer with id-kp-OCSPSigning (RFC 6960 §4.2.2.2)', () => {
    expect(check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', signer: 'delegated' }) } })).toBeUndefined();
    expect(check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', signer: 'delegated', byKey: true }) } })).toBeUndefined();
    expectFailure(check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'revoked', signer: 'delegated' }) } }), 'revoked', 44);
  });

  it('refuses a delegated responder without id-kp-OCSPSigning', () => {
    const e = check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', signer: 'delegated-no-eku' }) } });
    expectFailure(e, 'bad_status_response', 113);
    expect(e?.message).toMatch(/lacks id-kp-OCSPSigning/);
  });

  it('refuses a responder the issuer did not issue (even with id-kp-OCSPSigning)', () => {
    const e = check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', signer: 'foreign' }) } });
    expectFailure(e, 'bad_status_response', 113);
    expect(e?.message).toMatch(/is not issued by/);
  });

  it('refuses a response about another certificate (wrong serial)', () => {
    const e = check(provider, LEAF_OCSP, { staples: { leaf: pki.ocsp({ status: 'good', about: 'client' }) } });
    expectFailure(e, 'bad_status_response', 113);
    expect(e?.message).toMatch(/no SingleResponse for this certificate/);
  });

  it('refuses a tampered signature', () => {
    const leaf = pki.ocsp({ status: 'good' }).slice();
    // The last octet of the signature (openssl appends the signer's certificate after it).
    const sig = parseOcspResponse(leaf).signature;
    const at = sig.byteOffset - leaf.byteOffset + sig.length - 1;
    leaf[at] = (leaf[at] as number) ^ 0x01;
    const e = check(provider, LEAF_OCSP, { staples: { leaf } });
    expectFailure(e, 'bad_status_response', 113);
    expect(e?.message).toMatch(/signature/);
  });

  it('refuses malformed and oversized responses with bad_certificate_status_response', () => {
    expectFailure(check(provider, LEAF_OCSP, { staples: { leaf: new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x00]) } }), 'bad_status_response', 113);
    expectFailure(check(provider, LEAF_OCSP, { staples: { leaf: new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03]) } }), 'bad_status_response', 113); // tryLater
    const good = pki.ocsp({ status: 'good' });
    expectFailure(check(provider, LEAF_OCSP, { staples: { leaf: good.subarray(0, good.length - 1) } }), 'bad_status_response', 113);
    const big = new Uint8Array(MAX_OCSP_RESPONSE_BYTES + 1);
    expectFailure(check(provider, LEAF_OCSP, { staples: { leaf: big } }), 'bad_status_response', 113);
  });

  it('depth chain: the intermediate needs a status too (a staple for it, RFC 8446 §4.4.2.1, or a CRL)', () => {
    const leaf = pki.ocsp({ status: 'good' });
    const e = check(provider, { ocsp: 'require' }, { staples: { leaf } });
    expectFailure(e, 'revocation_unknown', 46, 1);
    expect(check(provider, { ocsp: 'require' }, { staples: { leaf, inter: pki.ocsp({ status: 'good', about: 'inter' }) } })).toBeUndefined();
    expectFailure(check(provider, { ocsp: 'require' }, { staples: { leaf, inter: pki.ocsp({ status: 'revoked', about: 'inter' }) } }), 'revoked', 44, 1);
    expect(check(provider, { ocsp: 'require', crls: [pki.crl({ issuer: 'ca' })] }, { staples: { leaf } })).toBeUndefined();
  });

  it('ocsp off: staples are not looked at', () => {
    const crls = [pki.crl({ issuer: 'inter' })];
    expect(check(provider, { crls, depth: 'leaf' }, { staples: { leaf: pki.ocsp({ status: 'revoked' }) } })).toBeUndefined();
  });

  it('charges its signature checks to the path budget', () => {
    const now = Date.now();
    const v = verified(pki, provider, now);
    let charged = 0;
    const budget = { signature: (): void => void charged++ };
    revocationChecker(LEAF_OCSP).check({ path: v.chain, stapled: [{ certificate: derOf(pki.paths.end), response: pki.ocsp({ status: 'good', signer: 'delegated' }) }], now, provider, budget });
    expect(charged).toBe(2); // the responder certificate and the response
    const spent = { signature: (): void => { throw new CertificateError(42, 'budget_exceeded', 0, '', 'spent'); } };
    expect(() =>
      revocationChecker(LEAF_OCSP).check({ path: v.chain, stapled: [{ certificate: derOf(pki.paths.end), response: pki.ocsp({ status: 'good' }) }], now, provider, budget: spent }),
    ).toThrow(/spent/);
  });
});

describe.each(PROVIDERS)('CRLs ($name)', (provider) => {
  it('accepts a certificate its issuer\'s current CRL does not list (PEM and DER)', () => {
    const pem = pki.crl({ issuer: 'inter', revoke: ['client'] });
    const der = (pemDecode(pem)[0] as { der: Uint8Array }).der;
    expect(check(provider, { crls: [pem], depth: 'leaf' })).toBeUndefined();
    expect(check(provider, { crls: [der], depth: 'leaf' })).toBeUndefined();
    expect(check(provider, { crls: [new TextEncoder().encode(pem)], depth: 'leaf' })).toBeUndefined();
  });

  it('refuses a revoked leaf with certificate_revoked', () => {
    const e = check(provider, { crls: [pki.crl({ issuer: 'inter', revoke: ['client', 'end'] })], depth: 'leaf' });
    expectFailure(e, 'revoked', 44);
    expect(e?.message).toMatch(/revoked at 2024-06-01T00:00:00.000Z \(CRL\)/);
    expectFailure(check(provider, { crls: [rsa.crl({ issuer: 'inter', revoke: ['end'] })], depth: 'leaf' }, { pki: rsa }), 'revoked', 44);
  });

  it('refuses a revoked intermediate (the root\'s CRL, depth chain)', () => {
    const crls = [pki.crl({ issuer: 'inter' }), pki.crl({ issuer: 'ca', revoke: ['inter'] })];
    expectFailure(check(provider, { crls }), 'revoked', 44, 1);
    expect(check(provider, { crls, depth: 'leaf' })).toBeUndefined();
    expect(check(provider, { crls: [pki.crl({ issuer: 'inter' }), pki.crl({ issuer: 'ca' })] })).toBeUndefined();
  });

  it('depth chain without the root\'s CRL: the intermediate\'s status is unknown', () => {
    expectFailure(check(provider, { crls: [pki.crl({ issuer: 'inter' })] }), 'revocation_unknown', 46, 1);
    expect(check(provider, { crls: [pki.crl({ issuer: 'inter' })], unknownStatus: 'allow' })).toBeUndefined();
  });

  it('refuses to use an expired or not-yet-valid CRL (crl_unusable), even under unknownStatus allow', () => {
    const expired = pki.crl({ issuer: 'inter', lastUpdate: '20250101000000Z', nextUpdate: '20250108000000Z' });
    const e = check(provider, { crls: [expired], depth: 'leaf', unknownStatus: 'allow' });
    expectFailure(e, 'crl_unusable', 46);
    expect(e?.message).toMatch(/expired at 2025-01-08/);
    const now = Date.now();
    expectFailure(check(provider, { crls: [pki.crl({ issuer: 'inter' })], depth: 'leaf' }, { now: now - DAY }), 'crl_unusable', 46);
  });

  it('refuses a CRL under the issuer\'s name signed by another key', () => {
    const e = check(provider, { crls: [pki.crl({ issuer: 'inter', wrongKey: true, revoke: ['client'] })], depth: 'leaf' });
    expectFailure(e, 'crl_unusable', 46);
    expect(e?.message).toMatch(/bad signature/);
  });

  it('issuingDistributionPoint: a CRL for only user or only CA certificates covers only those; a partitioned one is refused when loaded', () => {
    const inter = pki.crl({ issuer: 'inter' });
    // The root's CRL of end-entity certificates says nothing about the intermediate.
    expectFailure(check(provider, { crls: [inter, pki.crl({ issuer: 'ca', idp: 'only-user', revoke: ['inter'] })] }), 'revocation_unknown', 46, 1);
    expectFailure(check(provider, { crls: [inter, pki.crl({ issuer: 'ca', idp: 'only-ca', revoke: ['inter'] })] }), 'revoked', 44, 1);
    expect(check(provider, { crls: [inter, pki.crl({ issuer: 'ca', idp: 'only-ca' })] })).toBeUndefined();
    expect(() => revocationChecker({ crls: [pki.crl({ issuer: 'inter', idp: 'distribution-point' })] })).toThrow(/partitioned CRLs/);
  });

  it('a CRL good once is verified once (its signature is remembered per issuer key)', () => {
    const now = Date.now();
    const v = verified(pki, provider, now);
    let charged = 0;
    const budget = { signature: (): void => void charged++ };
    const checker = revocationChecker({ crls: [pki.crl({ issuer: 'inter' })], depth: 'leaf' });
    for (let i = 0; i < 3; i++) checker.check({ path: v.chain, stapled: [], now, provider, budget });
    expect(charged).toBe(1);
  });
});

describe('revocation: CRL and OCSP parsing', () => {
  it('reads the facts openssl wrote', () => {
    const r = parseOcspResponse(pki.ocsp({ status: 'revoked' }));
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]?.status).toBe('revoked');
    expect(r.responses[0]?.hashAlgorithm).toBe('1.3.14.3.2.26');
    const crl = parseCrl((pemDecode(pki.crl({ issuer: 'inter', revoke: ['end', 'client'] }))[0] as { der: Uint8Array }).der);
    expect(crl.revoked.size).toBe(2);
    expect(crl.issuerText).toMatch(/intermediate/);
    expect(crl.scope).toBe('all');
  });

  it('refuses bad options and bad CRLs at construction', () => {
    expect(() => revocationChecker({})).toThrow(/no source/);
    expect(() => revocationChecker({ ocsp: 'maybe' as 'off' })).toThrow(TypeError);
    expect(() => revocationChecker({ crls: ['-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'] })).toThrow(/no X509 CRL block/);
    expect(() => revocationChecker({ crls: [new Uint8Array([0x30, 0x00])] })).toThrow(/crl 0/);
  });
});
