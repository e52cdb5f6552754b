import { describe, it, expect } from 'vitest';
import { dangerouslyAcceptAnyCertificate, trustExactly, type VerifyInput } from '../../../src/x509/verifier.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription, SignatureScheme } from '../../../src/protocol/registry.ts';
import { KEY_TYPES, NOW, certDer } from './_certs.ts';
import { PROVIDERS, standInProvider } from './_provider.ts';

function alertOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e.alert;
    throw e;
  }
  throw new Error('expected a TlsError, nothing was thrown');
}

const input = (chain: Uint8Array[], over: Partial<VerifyInput> = {}): VerifyInput => ({
  chain,
  serverName: 'testserver.com',
  now: NOW,
  provider: standInProvider,
  ...over,
});

describe('trustExactly: good chains (RFC 8446 §4.4.2.4)', () => {
  for (const provider of PROVIDERS) {
    for (const kt of KEY_TYPES) {
      it(`${provider.name}: accepts ${kt} end → inter → trusted root`, () => {
        const v = trustExactly([certDer(kt, 'ca')]);
        const r = v.verify(input([certDer(kt, 'end'), certDer(kt, 'inter')], { provider }));
        expect(r.leaf.der).toEqual(certDer(kt, 'end'));
        expect(r.chain.map((c) => c.der)).toEqual([certDer(kt, 'end'), certDer(kt, 'inter'), certDer(kt, 'ca')]);
      });
    }
    it(`${provider.name}: accepts an RSASSA-PSS-signed leaf (rsa_pss_rsae_sha256)`, () => {
      const v = trustExactly([certDer('rsa-2048', 'ca')]);
      expect(v.verify(input([certDer('rsa-2048', 'end-pss'), certDer('rsa-2048', 'inter')], { provider })).chain).toHaveLength(3);
    });
  }

  it('accepts a chain whose intermediate is the trusted certificate', () => {
    const v = trustExactly([certDer('ed25519', 'inter')]);
    expect(v.verify(input([certDer('ed25519', 'end')])).chain).toHaveLength(2);
  });

  it('accepts a leaf that is itself trusted (byte-identical), without a path', () => {
    const v = trustExactly([certDer('ecdsa-p384', 'end')]);
    expect(v.verify(input([certDer('ecdsa-p384', 'end')])).chain).toHaveLength(1);
  });

  it('finds the path when the peer sends extra and out-of-order certificates', () => {
    const v = trustExactly([certDer('ecdsa-p256', 'ca')]);
    const chain = [certDer('ecdsa-p256', 'end'), certDer('ed25519', 'inter'), certDer('ecdsa-p256', 'ca'), certDer('ecdsa-p256', 'inter')];
    expect(v.verify(input(chain)).chain).toHaveLength(3);
  });

  it.each(['localhost', 'TestServer.COM', 'testserver.com.', '127.0.0.1'])('matches server name %s against subjectAltName (RFC 6125 §6.4)', (name) => {
    const v = trustExactly([certDer('ecdsa-p256', 'ca')]);
    expect(v.verify(input([certDer('ecdsa-p256', 'end'), certDer('ecdsa-p256', 'inter')], { serverName: name })).leaf).toBeDefined();
  });

  // The client certificate's extKeyUsage is clientAuth only, so it is checked for that purpose
  // (RFC 5280 §4.2.1.12, enforced since path validation became full RFC 5280 §6.1).
  it('skips the name check when no server name is given', () => {
    const v = trustExactly([certDer('ecdsa-p256', 'ca')]);
    const chain = [certDer('ecdsa-p256', 'client'), certDer('ecdsa-p256', 'inter')];
    expect(v.verify(input(chain, { serverName: undefined, usage: 'client' })).chain).toHaveLength(3);
  });
});

describe('trustExactly: failures carry the right alert (RFC 8446 §6.2)', () => {
  const ca = certDer('ecdsa-p256', 'ca');
  const inter = certDer('ecdsa-p256', 'inter');
  const end = certDer('ecdsa-p256', 'end');

  it.each(['example.com', 'www.testserver.com', 'localhost.localdomain', '127.0.0.2', '::1'])(
    'name mismatch for %s → certificate_unknown',
    (name) => {
      expect(alertOf(() => trustExactly([ca]).verify(input([end, inter], { serverName: name })))).toBe(AlertDescription.certificate_unknown);
    },
  );

  it('expired leaf → certificate_expired (RFC 5280 §6.1.3)', () => {
    const expired = certDer('ecdsa-p256', 'expired');
    expect(alertOf(() => trustExactly([ca]).verify(input([expired, inter])))).toBe(AlertDescription.certificate_expired);
  });

  it('a chain used before its notBefore → certificate_expired', () => {
    expect(alertOf(() => trustExactly([ca]).verify(input([end, inter], { now: Date.UTC(2023, 0, 1) })))).toBe(AlertDescription.certificate_expired);
  });

  it('a trusted leaf past its notAfter → certificate_expired', () => {
    expect(alertOf(() => trustExactly([end]).verify(input([end], { now: Date.UTC(2124, 0, 2) })))).toBe(AlertDescription.certificate_expired);
  });

  it('issuer not trusted → unknown_ca', () => {
    expect(alertOf(() => trustExactly([certDer('ed25519', 'ca')]).verify(input([end, inter])))).toBe(AlertDescription.unknown_ca);
  });

  it('missing intermediate → unknown_ca', () => {
    expect(alertOf(() => trustExactly([ca]).verify(input([end])))).toBe(AlertDescription.unknown_ca);
  });

  for (const provider of PROVIDERS) {
    for (const kt of KEY_TYPES) {
      it(`${provider.name}: tampered ${kt} leaf signature → bad_certificate`, () => {
        const bad = certDer(kt, 'end').slice();
        bad[bad.length - 2] = (bad[bad.length - 2] as number) ^ 0x01;
        const v = trustExactly([certDer(kt, 'ca')]);
        expect(alertOf(() => v.verify(input([bad, certDer(kt, 'inter')], { provider })))).toBe(AlertDescription.bad_certificate);
      });
    }
  }

  it('tampered signed content (a SAN byte) → bad_certificate', () => {
    const bad = end.slice();
    const at = Buffer.from(bad).indexOf(Buffer.from('testserver.com'), 200);
    bad[at] = 'T'.charCodeAt(0);
    expect(alertOf(() => trustExactly([ca]).verify(input([bad, inter])))).toBe(AlertDescription.bad_certificate);
  });

  it('tampered intermediate signature (checked under the trusted root) → bad_certificate', () => {
    const bad = inter.slice();
    bad[bad.length - 2] = (bad[bad.length - 2] as number) ^ 0x01;
    expect(alertOf(() => trustExactly([ca]).verify(input([end, bad])))).toBe(AlertDescription.bad_certificate);
  });

  it('an intermediate from another PKI with a different name → unknown_ca', () => {
    expect(alertOf(() => trustExactly([ca]).verify(input([end, certDer('ecdsa-p384', 'inter')])))).toBe(AlertDescription.unknown_ca);
  });

  it('a certificate signature scheme we did not offer → unsupported_certificate (RFC 8446 §4.2.3)', () => {
    const v = trustExactly([ca]);
    expect(alertOf(() => v.verify(input([end, inter], { signatureSchemes: [SignatureScheme.ed25519] })))).toBe(
      AlertDescription.unsupported_certificate,
    );
    expect(v.verify(input([end, inter], { signatureSchemes: [SignatureScheme.ecdsa_secp256r1_sha256] })).chain).toHaveLength(3);
  });

  it('an empty chain → bad_certificate', () => {
    expect(alertOf(() => trustExactly([ca]).verify(input([])))).toBe(AlertDescription.bad_certificate);
  });

  it('a malformed peer certificate → bad_certificate', () => {
    expect(alertOf(() => trustExactly([ca]).verify(input([end.subarray(0, 100), inter])))).toBe(AlertDescription.bad_certificate);
  });
});

describe('dangerouslyAcceptAnyCertificate', () => {
  it('accepts an expired, untrusted leaf for any name, returning its parsed key', () => {
    const r = dangerouslyAcceptAnyCertificate().verify(
      input([certDer('ecdsa-p256', 'expired')], { serverName: 'nothing.example', now: Date.UTC(2030, 0, 1) }),
    );
    expect(r.leaf.publicKey?.type).toBe('ec');
  });

  it('still rejects a malformed leaf → bad_certificate', () => {
    expect(alertOf(() => dangerouslyAcceptAnyCertificate().verify(input([new Uint8Array([0x30, 0x01])])))).toBe(
      AlertDescription.bad_certificate,
    );
  });
});

describe('trustExactly: MD5-signed certificates (RFC 8446 §4.4.2.4)', () => {
  /** `der` with every sha256WithRSAEncryption OID (tbs.signature and signatureAlgorithm) made `last`. */
  function withRsaSignatureOid(der: Uint8Array, last: number): Uint8Array {
    const sha256WithRsa = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
    const out = der.slice();
    let found = 0;
    for (let i = 0; i + sha256WithRsa.length <= out.length; i++) {
      if (sha256WithRsa.every((b, j) => out[i + j] === b)) {
        out[i + sha256WithRsa.length - 1] = last;
        found++;
      }
    }
    expect(found).toBe(2);
    return out;
  }

  it('a leaf signed with md5WithRSAEncryption → bad_certificate', () => {
    const md5Leaf = withRsaSignatureOid(certDer('rsa-2048', 'end'), 0x04);
    const v = trustExactly([certDer('rsa-2048', 'ca')]);
    expect(alertOf(() => v.verify(input([md5Leaf, certDer('rsa-2048', 'inter')])))).toBe(AlertDescription.bad_certificate);
  });

  it('an intermediate signed with md5WithRSAEncryption → bad_certificate', () => {
    const md5Inter = withRsaSignatureOid(certDer('rsa-2048', 'inter'), 0x04);
    const v = trustExactly([certDer('rsa-2048', 'ca')]);
    expect(alertOf(() => v.verify(input([certDer('rsa-2048', 'end'), md5Inter])))).toBe(AlertDescription.bad_certificate);
  });

  it('another algorithm with no TLS SignatureScheme (sha224WithRSAEncryption) stays unsupported_certificate', () => {
    const sha224Leaf = withRsaSignatureOid(certDer('rsa-2048', 'end'), 0x0e);
    const v = trustExactly([certDer('rsa-2048', 'ca')]);
    expect(alertOf(() => v.verify(input([sha224Leaf, certDer('rsa-2048', 'inter')])))).toBe(AlertDescription.unsupported_certificate);
  });
});
