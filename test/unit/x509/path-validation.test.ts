/**
 * RFC 5280 §6.1 path validation and RFC 9525 name checks of webPkiVerifier, one positive and at
 * least one negative case per rule, over the rule PKI in vectors/certs/rules (generate.sh rules).
 * Every negative case asserts the alert and the CertificateError reason and depth.
 */
import { describe, it, expect } from 'vitest';
import { CertificateError, type CertificateFailure, type VerifyInput, webPkiVerifier } from '../../../src/x509/verifier.ts';
import type { CryptoProvider } from '../../../src/crypto/provider.ts';
import { AlertDescription, SignatureScheme } from '../../../src/protocol/registry.ts';
import { NOW, certDer, rulesChain, rulesDer } from './_certs.ts';
import { PROVIDERS, standInProvider } from './_provider.ts';
import { buildCertificate, ecKey, oddNumber, rsaSpki, spkiOf } from './_build.ts';
import { hugeExponentChain } from './_hostile.ts';

const root = rulesDer('root');
const inter = rulesDer('inter');
const verifier = webPkiVerifier({ roots: [root] });
const rulesSpki = spkiOf(ecKey('P-256'));

const input = (chain: Uint8Array[], over: Partial<VerifyInput> = {}): VerifyInput => ({
  chain,
  serverName: 'good.test',
  now: NOW,
  provider: standInProvider,
  ...over,
});

function failureOf(fn: () => unknown): { alert: number; reason: CertificateFailure; depth: number } {
  try {
    fn();
  } catch (e) {
    if (e instanceof CertificateError) return { alert: e.alert, reason: e.reason, depth: e.depth };
    throw e;
  }
  throw new Error('expected a CertificateError, nothing was thrown');
}

function expectFailure(chain: Uint8Array[], over: Partial<VerifyInput>, alert: number, reason: CertificateFailure, depth: number): void {
  expect(failureOf(() => verifier.verify(input(chain, over)))).toEqual({ alert, reason, depth });
}

/** `provider` with a counter of the signatures it is asked to verify (in certificates or not). */
function counting(provider: CryptoProvider): { provider: CryptoProvider; verifies: () => number } {
  let n = 0;
  return {
    provider: {
      ...provider,
      verify: (...args) => {
        n++;
        return provider.verify(...args);
      },
      verifyCertificateSignature: (...args) => {
        n++;
        return provider.verifyCertificateSignature(...args);
      },
    },
    verifies: () => n,
  };
}

describe('webPkiVerifier: a valid path (RFC 5280 §6.1)', () => {
  for (const provider of PROVIDERS) {
    it(`${provider.name}: accepts leaf → pathlen:0 intermediate → root, returning the path`, () => {
      const r = verifier.verify(input([rulesDer('good'), inter], { provider }));
      expect(r.chain.map((c) => c.der)).toEqual([rulesDer('good'), inter, root]);
    });
  }
  it('the error is a CertificateError (a TlsError) whose message names the certificate', () => {
    try {
      verifier.verify(input([rulesDer('expired'), inter]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CertificateError);
      expect((e as CertificateError).subject).toBe('CN=expired');
      expect((e as CertificateError).origin).toBe('local');
    }
  });
});

describe('path building: order, duplicates, extras, alternatives, bounds', () => {
  const good = rulesDer('good');
  const expiredInter = rulesDer('inter-expired');
  it('finds the path through shuffled, duplicated and unrelated certificates', () => {
    const chain = [good, certDer('ecdsa-p256', 'inter'), inter, root, inter, certDer('rsa-2048', 'ca'), rulesDer('ca-nc')];
    expect(verifier.verify(input(chain)).chain).toHaveLength(3);
  });
  it('tries the alternative when the first candidate issuer (same name and key) is expired', () => {
    expect(verifier.verify(input([good, expiredInter, inter])).chain.map((c) => c.der)).toEqual([good, inter, root]);
    expect(verifier.verify(input([good, inter, expiredInter])).chain).toHaveLength(3);
  });
  it('with only the expired alternative → certificate_expired at depth 1 (RFC 5280 §6.1.3 (a)(2))', () => {
    expectFailure([good, expiredInter], {}, AlertDescription.certificate_expired, 'expired', 1);
  });
  it('no path to a configured anchor → unknown_ca (RFC 5280 §6.1)', () => {
    expect(failureOf(() => webPkiVerifier({ roots: [certDer('ecdsa-p256', 'ca')] }).verify(input([good, inter])))).toMatchObject({
      alert: AlertDescription.unknown_ca,
      reason: 'unknown_issuer',
    });
    expect(failureOf(() => verifier.verify(input([good])))).toMatchObject({ alert: AlertDescription.unknown_ca, reason: 'unknown_issuer' });
  });
  it('a hostile set of mutually-issuing CAs hits the work budget → bad_certificate', () => {
    const c = counting(standInProvider);
    const chain = [rulesDer('hostile-leaf'), ...rulesChain('hostile.chain')];
    expect(chain).toHaveLength(16);
    expect(failureOf(() => verifier.verify(input(chain, { provider: c.provider, serverName: undefined })))).toMatchObject({
      alert: AlertDescription.bad_certificate,
      reason: 'budget_exceeded',
    });
    expect(c.verifies()).toBe(100);
  });
  it('a peer list over 256 KiB → bad_certificate (chain_too_long), before parsing', () => {
    const huge = buildCertificate({ subject: 'huge', issuer: 'huge', spki: rulesSpki, junkSignatureLength: 256 * 1024 });
    expectFailure([good, huge, inter], {}, AlertDescription.bad_certificate, 'chain_too_long', 0);
  });
  it('a malformed certificate in the list → bad_certificate at its index', () => {
    expectFailure([good, inter.subarray(0, 50)], {}, AlertDescription.bad_certificate, 'malformed', 1);
  });
});

describe('hostile chains (issue 8)', () => {
  it.each([
    [8192, 'noble'],
    [3072, 'node'],
  ])('15 fake RSA-%i CAs with huge exponents are refused (bad_rsa_exponent) without one RSA operation (%s)', (bits, name) => {
    const chain = hugeExponentChain(bits, 15);
    const c = counting(PROVIDERS.find((p) => p.name === name) as CryptoProvider);
    expect(failureOf(() => verifier.verify(input(chain, { provider: c.provider, serverName: 'hostile.test' })))).toEqual({
      alert: AlertDescription.unsupported_certificate,
      reason: 'bad_rsa_exponent',
      depth: 1,
    });
    expect(c.verifies()).toBe(0);
  });
  it('a leaf whose RSA key has e = 2^33 + 1 → unsupported_certificate (bad_rsa_exponent) at depth 0; e = 2^33 - 1 passes the key check', () => {
    const leafWith = (e: Uint8Array): Uint8Array =>
      buildCertificate({ subject: 'rsa leaf', issuer: 'CN=good', spki: rsaSpki(oddNumber(256, 0xa5), e), ca: false, dnsNames: ['good.test'] });
    expectFailure([leafWith(Uint8Array.of(2, 0, 0, 0, 1)), inter], {}, AlertDescription.unsupported_certificate, 'bad_rsa_exponent', 0);
    // The largest accepted exponent gets past the key check to path building (no issuer here).
    expect(failureOf(() => verifier.verify(input([leafWith(Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff)), inter])))).toMatchObject({ reason: 'unknown_issuer' });
  });
});

describe('one work budget per validation, no count limit (issue 8 items 2, 12)', () => {
  // A PKI of our own: root (trusted) → CA → leaf, every signature real.
  const rootKey = ecKey('P-256');
  const caKey = ecKey('P-256');
  const leafKey = ecKey('P-256');
  const root = buildCertificate({ subject: 'budget root', issuer: 'budget root', spki: spkiOf(rootKey), ca: true, signer: { key: rootKey, hash: 'sha256' } });
  const v = webPkiVerifier({ roots: [root] });
  const caWith = (permittedDns?: string[], serial = 1): Uint8Array =>
    buildCertificate({ subject: 'budget CA', issuer: 'budget root', spki: spkiOf(caKey), ca: true, permittedDns, serial, signer: { key: rootKey, hash: 'sha256' } });
  const leafWith = (dnsNames: string[]): Uint8Array =>
    buildCertificate({ subject: 'budget leaf', issuer: 'budget CA', spki: spkiOf(leafKey), ca: false, dnsNames, signer: { key: caKey, hash: 'sha256' } });
  const verify = (chain: Uint8Array[]): unknown => v.verify(input(chain, { serverName: 'h0.allowed.test', provider: PROVIDERS[1] as CryptoProvider }));

  // 500 permitted subtrees that match nothing, then the one that matches: every name costs 501 comparisons.
  const permitted = [...Array.from({ length: 500 }, (_, i) => `c${i}.test`), 'allowed.test'];
  const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `h${i}.allowed.test`);
  it('400 names × 501 permitted subtrees (200,400 comparisons) are within the budget', () => {
    expect((verify([leafWith(names(400)), caWith(permitted)]) as { chain: unknown[] }).chain).toHaveLength(3);
  });
  it('600 names × 501 permitted subtrees (300,600 comparisons) → bad_certificate (budget_exceeded) at depth 1', () => {
    expect(failureOf(() => verify([leafWith(names(600)), caWith(permitted)]))).toEqual({
      alert: AlertDescription.bad_certificate,
      reason: 'budget_exceeded',
      depth: 1,
    });
  });
  it('the comparisons of every candidate count against one budget: 6 copies of a CA × 50,100 run out, 3 do not', () => {
    // Copies of the CA (same name and key) with a bad signature: each has its name constraints
    // evaluated (100 names × 501 subtrees) before its signature fails, then the next is tried.
    const decoys = [2, 3, 4, 5, 6].map((serial) => {
      const der = caWith(permitted, serial).slice();
      der[der.length - 5] = (der[der.length - 5] as number) ^ 1; // a bad signature
      return der;
    });
    expect(failureOf(() => verify([leafWith(names(100)), ...decoys, caWith(permitted)]))).toMatchObject({ reason: 'budget_exceeded' });
    expect((verify([leafWith(names(100)), ...decoys.slice(0, 2), caWith(permitted)]) as { chain: unknown[] }).chain).toHaveLength(3);
  });
  it('a cross-signed bundle of 41 certificates (40 decoys with the issuer\'s name) still finds the path', () => {
    const decoys = Array.from({ length: 40 }, (_, i) => {
      const der = caWith(undefined, 100 + i).slice();
      der[der.length - 5] = (der[der.length - 5] as number) ^ 1;
      return der;
    });
    const r = verify([leafWith(['h0.allowed.test']), ...decoys, caWith()]) as { chain: unknown[] };
    expect(r.chain).toHaveLength(3);
  });
  it('more than 100 signatures to check → bad_certificate (budget_exceeded)', () => {
    const decoys = Array.from({ length: 120 }, (_, i) => {
      const der = caWith(undefined, 200 + i).slice();
      der[der.length - 5] = (der[der.length - 5] as number) ^ 1;
      return der;
    });
    expect(failureOf(() => verify([leafWith(['h0.allowed.test']), ...decoys, caWith()]))).toMatchObject({ reason: 'budget_exceeded' });
  });
  it('more than 256 candidate issuers → bad_certificate (budget_exceeded), without a signature check', () => {
    // 300 expired copies of the CA: each fails before its signature is looked at.
    const expired = Array.from({ length: 300 }, (_, i) =>
      buildCertificate({ subject: 'budget CA', issuer: 'budget root', spki: spkiOf(caKey), ca: true, serial: 1000 + i, notAfter: '20200101000000Z', notBefore: '20190101000000Z' }),
    );
    expect(failureOf(() => verify([leafWith(['h0.allowed.test']), ...expired]))).toMatchObject({ reason: 'budget_exceeded', depth: 1 });
  });
});

describe('verifier edge cases (issue 8 items 9, 10, 11, 13)', () => {
  const caKeys = { 'P-256': ecKey('P-256'), 'P-384': ecKey('P-384') };
  const caOf = (curve: 'P-256' | 'P-384'): Uint8Array =>
    buildCertificate({ subject: `edge ${curve} CA`, issuer: `edge ${curve} CA`, spki: spkiOf(caKeys[curve]), ca: true, signer: { key: caKeys[curve], hash: 'sha256' } });
  const leafKey = ecKey('P-256');
  const leafUnder = (curve: 'P-256' | 'P-384', hash: string, over: Partial<Parameters<typeof buildCertificate>[0]> = {}): Uint8Array =>
    buildCertificate({ subject: 'edge leaf', issuer: `edge ${curve} CA`, spki: spkiOf(leafKey), ca: false, dnsNames: ['edge.test'], signer: { key: caKeys[curve], hash }, ...over });
  const check = (curve: 'P-256' | 'P-384', leaf: Uint8Array, over: Partial<VerifyInput> = {}): unknown =>
    webPkiVerifier({ roots: [caOf(curve)] }).verify(input([leaf], { serverName: 'edge.test', ...over }));

  for (const provider of PROVIDERS) {
    it.each([
      ['P-384', 'sha256'],
      ['P-384', 'sha512'],
      ['P-256', 'sha384'],
      ['P-256', 'sha512'],
      ['P-256', 'sha256'],
      ['P-384', 'sha384'],
    ] as const)(`${provider.name}: a %s CA signing with ECDSA-%s is accepted (X.509 ECDSA names no curve, RFC 5758 §3.2)`, (curve, hash) => {
      expect((check(curve, leafUnder(curve, hash), { provider }) as { chain: unknown[] }).chain).toHaveLength(2);
      const bad = leafUnder(curve, hash).slice();
      bad[bad.length - 5] = (bad[bad.length - 5] as number) ^ 1;
      expect(failureOf(() => check(curve, bad, { provider }))).toMatchObject({ reason: 'bad_signature', depth: 0 });
    });
  }
  it('an ECDSA certificate signature counts as offered when the signer curve\'s scheme is (RFC 8446 §4.2.3)', () => {
    const leaf = leafUnder('P-384', 'sha256');
    expect((check('P-384', leaf, { signatureSchemes: [SignatureScheme.ecdsa_secp384r1_sha384] }) as { chain: unknown[] }).chain).toHaveLength(2);
    expect(failureOf(() => check('P-384', leaf, { signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256] }))).toEqual({
      alert: AlertDescription.unsupported_certificate,
      reason: 'algorithm_not_offered',
      depth: 0,
    });
  });

  it('a CA certificate (cA TRUE) as the leaf → bad_certificate (ca_used_as_end_entity) at depth 0', () => {
    expect(failureOf(() => check('P-256', leafUnder('P-256', 'sha256', { ca: true })))).toEqual({
      alert: AlertDescription.bad_certificate,
      reason: 'ca_used_as_end_entity',
      depth: 0,
    });
    // Without basicConstraints, or with cA FALSE, it is an end-entity.
    expect((check('P-256', leafUnder('P-256', 'sha256', { ca: undefined })) as { chain: unknown[] }).chain).toHaveLength(2);
  });
  it('…unless the configuration trusts that very certificate (a pinned self-signed cA TRUE certificate, as `openssl req -x509` makes)', () => {
    const self = buildCertificate({ subject: 'pinned', issuer: 'pinned', spki: spkiOf(leafKey), ca: true, dnsNames: ['edge.test'] });
    expect(webPkiVerifier({ roots: [self] }).verify(input([self], { serverName: 'edge.test' })).chain).toHaveLength(1);
  });

  it('under a DNS name constraint, a malformed dNSName (".allowed.test") → bad_certificate (malformed_name) at its depth', () => {
    const ca = buildCertificate({ subject: 'edge nc CA', issuer: 'edge P-256 CA', spki: spkiOf(caKeys['P-384']), ca: true, permittedDns: ['allowed.test'], signer: { key: caKeys['P-256'], hash: 'sha256' } });
    const leaf = (name: string): Uint8Array =>
      buildCertificate({ subject: 'edge leaf', issuer: 'edge nc CA', spki: spkiOf(leafKey), ca: false, dnsNames: [name], signer: { key: caKeys['P-384'], hash: 'sha384' } });
    const v = webPkiVerifier({ roots: [caOf('P-256')] });
    for (const bad of ['.allowed.test', 'a..allowed.test', 'f*o.allowed.test', '-x.allowed.test']) {
      expect(failureOf(() => v.verify(input([leaf(bad), ca], { serverName: undefined })))).toEqual({
        alert: AlertDescription.bad_certificate,
        reason: 'malformed_name',
        depth: 0,
      });
    }
    expect(v.verify(input([leaf('www.allowed.test'), ca], { serverName: 'www.allowed.test' })).chain).toHaveLength(3);
    // Without constraints a malformed name is inert (matching ignores it): the leaf is valid for its other names.
    const plain = leafUnder('P-256', 'sha256', { dnsNames: ['.allowed.test', 'edge.test'] });
    expect((check('P-256', plain) as { chain: unknown[] }).chain).toHaveLength(2);
  });

  it('validity in whole seconds: valid through the second of notAfter, not before the second of notBefore (RFC 5280 §4.1.2.5)', () => {
    const t = Date.UTC(2030, 0, 1);
    const leaf = leafUnder('P-256', 'sha256', { notBefore: '20300101000000Z', notAfter: '20300101000000Z' });
    expect((check('P-256', leaf, { now: t }) as { chain: unknown[] }).chain).toHaveLength(2);
    expect((check('P-256', leaf, { now: t + 999 }) as { chain: unknown[] }).chain).toHaveLength(2);
    expect(failureOf(() => check('P-256', leaf, { now: t + 1000 }))).toMatchObject({ reason: 'expired', depth: 0 });
    expect(failureOf(() => check('P-256', leaf, { now: t - 1 }))).toMatchObject({ reason: 'not_yet_valid', depth: 0 });
  });
});

describe('validity at the injected clock (RFC 5280 §6.1.3 (a)(2))', () => {
  it('accepts a leaf inside its validity', () => {
    expect(verifier.verify(input([rulesDer('good'), inter])).leaf.subjectText).toBe('CN=good');
  });
  it('an expired leaf → certificate_expired', () => {
    expectFailure([rulesDer('expired'), inter], {}, AlertDescription.certificate_expired, 'expired', 0);
  });
  it('a leaf before its notBefore → certificate_expired (not_yet_valid)', () => {
    expectFailure([rulesDer('notyet'), inter], {}, AlertDescription.certificate_expired, 'not_yet_valid', 0);
  });
  it('the same leaf is accepted once the clock reaches its notBefore', () => {
    expect(verifier.verify(input([rulesDer('notyet'), inter], { now: Date.UTC(2121, 0, 1) })).chain).toHaveLength(3);
  });
});

describe('basicConstraints and keyUsage of issuers (RFC 5280 §6.1.4 (k), (l), (m), (n))', () => {
  it('an issuer without cA → bad_certificate (not_a_ca) at depth 1', () => {
    expectFailure([rulesDer('leaf-notca'), rulesDer('ca-notca')], {}, AlertDescription.bad_certificate, 'not_a_ca', 1);
  });
  it('an issuer whose keyUsage lacks keyCertSign → bad_certificate (key_usage) at depth 1', () => {
    expectFailure([rulesDer('leaf-noku'), rulesDer('ca-noku')], {}, AlertDescription.bad_certificate, 'key_usage', 1);
  });
  it('pathLenConstraint 0 with a leaf directly below is accepted', () => {
    expect(verifier.verify(input([rulesDer('good'), inter])).chain[1]?.pathLenConstraint).toBe(0);
  });
  it('pathLenConstraint 0 with one more intermediate below → bad_certificate (path_length_exceeded) at depth 2', () => {
    expectFailure([rulesDer('leaf-pathlen'), rulesDer('inter2'), inter], {}, AlertDescription.bad_certificate, 'path_length_exceeded', 2);
  });
});

describe('leaf keyUsage and extendedKeyUsage (RFC 5280 §4.2.1.3, §4.2.1.12)', () => {
  it('a leaf whose keyUsage lacks digitalSignature → bad_certificate (key_usage)', () => {
    expectFailure([rulesDer('ku-keyenc'), inter], {}, AlertDescription.bad_certificate, 'key_usage', 0);
  });
  it('a clientAuth-only leaf is refused as a server → unsupported_certificate (extended_key_usage)', () => {
    expectFailure([rulesDer('eku-client'), inter], {}, AlertDescription.unsupported_certificate, 'extended_key_usage', 0);
  });
  it('the same leaf is accepted for usage client', () => {
    expect(verifier.verify(input([rulesDer('eku-client'), inter], { usage: 'client', serverName: undefined })).chain).toHaveLength(3);
  });
  it('a CA restricted to clientAuth cannot vouch for a server → extended_key_usage at depth 1', () => {
    expectFailure([rulesDer('leaf-ekuclient'), rulesDer('ca-ekuclient')], {}, AlertDescription.unsupported_certificate, 'extended_key_usage', 1);
    expect(verifier.verify(input([rulesDer('leaf-ekuclient'), rulesDer('ca-ekuclient')], { usage: 'client' })).chain).toHaveLength(3);
  });
});

describe('name constraints, dNSName and iPAddress (RFC 5280 §4.2.1.10, §6.1.3 (b), (c))', () => {
  const ca = rulesDer('ca-nc');
  it('names inside the permitted subtrees and outside the excluded ones are accepted', () => {
    expect(verifier.verify(input([rulesDer('nc-ok'), ca], { serverName: 'www.allowed.test' })).chain).toHaveLength(3);
    expect(verifier.verify(input([rulesDer('nc-ok'), ca], { serverName: '10.1.2.3' })).chain).toHaveLength(3);
  });
  it.each([
    ['nc-dns-out', 'a dNSName outside the permitted DNS subtree'],
    ['nc-dns-excl', 'a dNSName inside the excluded DNS subtree'],
    ['nc-wild-excl', 'a wildcard dNSName that can stand for an excluded name'],
    ['nc-ip-out', 'an iPAddress outside the permitted IP subtree'],
    ['nc-ip-excl', 'an iPAddress inside the excluded IP subtree'],
  ])('%s (%s) → bad_certificate (name_constraint_violated) at depth 1', (leaf) => {
    expectFailure([rulesDer(leaf), ca], { serverName: undefined }, AlertDescription.bad_certificate, 'name_constraint_violated', 1);
  });
  it('name constraints of a form we do not evaluate (rfc822Name) → unsupported_certificate', () => {
    expectFailure([rulesDer('leaf-nc-email'), rulesDer('ca-nc-email')], {}, AlertDescription.unsupported_certificate, 'unsupported_name_constraint', 1);
  });
});

describe('critical extensions, algorithms and key sizes', () => {
  it('known critical extensions (basicConstraints, keyUsage) are accepted', () => {
    expect(verifier.verify(input([rulesDer('good'), inter])).leaf.unknownCriticalExtensions).toEqual([]);
  });
  it('an unknown critical extension → unsupported_certificate (RFC 5280 §4.2)', () => {
    expectFailure([rulesDer('critical-unknown'), inter], {}, AlertDescription.unsupported_certificate, 'unknown_critical_extension', 0);
  });
  it('a SHA-1 signed certificate → bad_certificate (RFC 8446 §4.4.2.4)', () => {
    expectFailure([rulesDer('sha1'), inter], {}, AlertDescription.bad_certificate, 'weak_signature_algorithm', 0);
  });
  it('an RSA-1024 leaf key → unsupported_certificate (weak_key); RSA-2048 is accepted', () => {
    expectFailure([rulesDer('rsa1024'), inter], {}, AlertDescription.unsupported_certificate, 'weak_key', 0);
    const v = webPkiVerifier({ roots: [certDer('rsa-2048', 'ca')] });
    expect(v.verify(input([certDer('rsa-2048', 'end'), certDer('rsa-2048', 'inter')], { serverName: 'testserver.com' })).chain).toHaveLength(3);
  });
  it('a signature algorithm outside signature_algorithms_cert → unsupported_certificate (RFC 8446 §4.2.3)', () => {
    expectFailure([rulesDer('good'), inter], { signatureSchemes: [SignatureScheme.ed25519] }, AlertDescription.unsupported_certificate, 'algorithm_not_offered', 0);
    expect(verifier.verify(input([rulesDer('good'), inter], { signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256] })).chain).toHaveLength(3);
  });
  it('a bad signature on the leaf → bad_certificate (bad_signature) at depth 0', () => {
    const bad = rulesDer('good').slice();
    bad[bad.length - 3] = (bad[bad.length - 3] as number) ^ 0x01;
    expectFailure([bad, inter], {}, AlertDescription.bad_certificate, 'bad_signature', 0);
  });
});

describe('server identity (RFC 9525 §6.3, §6.4)', () => {
  const names = [rulesDer('names'), inter];
  it.each(['a.wild.test', 'A.WILD.TEST', 'xn--bcher-kva.example', 'XN--Bcher-KVA.example.', 'a.xn--caf-dma.test', '::1', '0:0:0:0:0:0:0:1'])(
    '%s matches',
    (serverName) => {
      expect(verifier.verify(input(names, { serverName })).chain).toHaveLength(3);
    },
  );
  it.each([
    ['wild.test', 'a wildcard needs exactly one label'],
    ['a.b.wild.test', 'a wildcard matches one label only'],
    ['foo.partial.test', 'partial-label wildcards (f*o) are not honoured'],
    ['x.y.double.test', 'only the left-most label may be a wildcard'],
    ['bücher.example', 'U-labels never match; names are compared as A-labels'],
    ['127.0.0.1', 'IPs match iPAddress SANs only'],
  ])('%s does not match (%s) → certificate_unknown (name_mismatch)', (serverName) => {
    expectFailure(names, { serverName }, AlertDescription.certificate_unknown, 'name_mismatch', 0);
  });
  it('no Common Name fallback: CN=good.test without subjectAltName does not match', () => {
    expectFailure([rulesDer('cn-only'), inter], { serverName: 'good.test' }, AlertDescription.certificate_unknown, 'name_mismatch', 0);
  });
});
