import 'reflect-metadata';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as nodeCrypto from 'node:crypto';
import * as px509 from '@peculiar/x509';
import { parseCertificate, parseCertificateChain } from '../../../src/x509/certificate.ts';
import { readSingle, readChildren } from '../../../src/x509/der.ts';
import { publicKeysEqual } from '../../../src/x509/keys.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription, SignatureScheme } from '../../../src/protocol/registry.ts';
import { KEY_TYPES, type KeyType, certDer, vectorText } from './_certs.ts';
import { publicKeyData, standInProvider } from './_provider.ts';

const EXPECTED_ALG: Record<KeyType, number> = {
  'ecdsa-p256': SignatureScheme.ecdsa_secp256r1_sha256,
  'ecdsa-p384': SignatureScheme.ecdsa_secp384r1_sha384,
  ed25519: SignatureScheme.ed25519,
  'rsa-2048': SignatureScheme.rsa_pkcs1_sha256,
};
const ISSUER: Record<string, string> = { ca: 'ca', inter: 'ca', end: 'inter', client: 'inter', expired: 'inter', 'end-pss': 'inter' };
const ALL: [KeyType, string][] = [
  ...KEY_TYPES.flatMap((kt) => ['ca', 'inter', 'end', 'client'].map((f): [KeyType, string] => [kt, f])),
  ['ecdsa-p256', 'expired'],
  ['rsa-2048', 'end-pss'],
];

function catchTls(fn: () => unknown): TlsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw new Error(`expected TlsError, got ${String(e)}`);
  }
  throw new Error('expected a TlsError, nothing was thrown');
}

/** Offset of a sub-array inside its parent. */
const offsetIn = (parent: Uint8Array, child: Uint8Array): number => child.byteOffset - parent.byteOffset;

describe('parseCertificate over the test PKI (RFC 5280 §4.1), cross-checked with @peculiar/x509', () => {
  it.each(ALL)('%s/%s: fields agree with @peculiar/x509 and node:crypto', (kt, name) => {
    const der = certDer(kt, name);
    const c = parseCertificate(der);
    const oracle = new px509.X509Certificate(der);
    expect(c.subjectText).toBe(oracle.subject);
    expect(c.issuerText).toBe(oracle.issuer);
    expect(c.serialNumberHex).toBe(oracle.serialNumber.toLowerCase());
    expect(c.notBefore).toBe(oracle.notBefore.getTime());
    expect(c.notAfter).toBe(oracle.notAfter.getTime());
    expect(c.signature).toEqual(new Uint8Array(oracle.signature));
    expect(c.subjectDer).toEqual(new Uint8Array(oracle.subjectName.toArrayBuffer()));
    expect(c.issuerDer).toEqual(new Uint8Array(oracle.issuerName.toArrayBuffer()));
    const bc = oracle.getExtension(px509.BasicConstraintsExtension);
    expect(c.isCa).toBe(bc?.ca ?? false);
    const san = oracle.getExtension(px509.SubjectAlternativeNameExtension);
    const names = san?.names.items ?? [];
    expect(c.dnsNames).toEqual(names.filter((n) => n.type === 'dns').map((n) => n.value));
    expect(c.ipAddresses.map((ip) => ip.join('.'))).toEqual(names.filter((n) => n.type === 'ip').map((n) => n.value));
    // The public key, as node:crypto reads the same certificate.
    const nodeKey = new nodeCrypto.X509Certificate(der).publicKey;
    expect(c.publicKey && publicKeysEqual(c.publicKey, publicKeyData(nodeKey))).toBe(true);
    // The signed bytes and signature verify under the issuer's key (RFC 5280 §4.1.1.3).
    const issuer = parseCertificate(certDer(kt, ISSUER[name] as string));
    expect(c.signatureAlgorithm).toBe(name === 'end-pss' ? SignatureScheme.rsa_pss_rsae_sha256 : EXPECTED_ALG[kt]);
    expect(standInProvider.verify(c.signatureAlgorithm as number, issuer.publicKey!, c.tbsDer, c.signature)).toBe(true);
  });

  it('reads the leaf SANs and validity of the generated PKI', () => {
    const c = parseCertificate(certDer('rsa-2048', 'end'));
    expect(c.dnsNames).toEqual(['localhost', 'testserver.com']);
    expect(c.ipAddresses).toEqual([new Uint8Array([127, 0, 0, 1])]);
    expect(c.notBefore).toBe(Date.UTC(2024, 0, 1));
    expect(c.notAfter).toBe(Date.UTC(2124, 0, 1));
    expect(c.isCa).toBe(false);
    expect(parseCertificate(certDer('ecdsa-p256', 'expired')).notAfter).toBe(Date.UTC(2021, 0, 1));
  });

  it('maps RSASSA-PSS only with salt length = hash length (RFC 8446 §4.2.3 rsa_pss_rsae_*)', () => {
    const der = certDer('rsa-2048', 'end-pss').slice();
    // saltLength [2] INTEGER 32 → 20, in both AlgorithmIdentifiers (they must stay equal).
    const hex = Buffer.from(der).toString('hex');
    expect(hex.split('a203020120').length - 1).toBe(2);
    const changed = new Uint8Array(Buffer.from(hex.replaceAll('a203020120', 'a203020114'), 'hex'));
    const c = parseCertificate(changed);
    expect(c.signatureAlgorithm).toBeUndefined();
  });
});

describe('parseCertificate on malformed input raises only TlsError(bad_certificate)', () => {
  const good = certDer('ecdsa-p256', 'end');

  it('rejects every truncation', () => {
    for (let n = 0; n < good.length; n++) {
      expect(catchTls(() => parseCertificate(good.subarray(0, n))).alert).toBe(AlertDescription.bad_certificate);
    }
  });

  it('rejects trailing bytes after the Certificate SEQUENCE', () => {
    expect(catchTls(() => parseCertificate(new Uint8Array([...good, 0]))).alert).toBe(AlertDescription.bad_certificate);
  });

  it('rejects a signatureAlgorithm that differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)', () => {
    const der = good.slice();
    const [, sigAlg] = readChildren(readSingle(der, 0x30, 'c').value, 'c');
    // ecdsa-with-SHA256 (…04 03 02) → ecdsa-with-SHA384 (…04 03 03) in the outer field only.
    der[offsetIn(der, sigAlg!.raw) + sigAlg!.raw.length - 1] = 0x03;
    expect(catchTls(() => parseCertificate(der)).alert).toBe(AlertDescription.bad_certificate);
  });

  it('rejects an indefinite-length (BER) outer SEQUENCE', () => {
    const body = readSingle(good, 0x30, 'c').value;
    const ber = new Uint8Array([0x30, 0x80, ...body, 0, 0]);
    expect(catchTls(() => parseCertificate(ber)).alert).toBe(AlertDescription.bad_certificate);
  });

  it.each([
    ['an impossible date (month 13)', '201399000000Z'],
    ['a non-Zulu time', '200101000000+'],
    ['non-digits', '2001010000a0Z'],
  ])('rejects a validity time with %s (RFC 5280 §4.1.2.5.1)', (_what, replacement) => {
    const der = certDer('ecdsa-p256', 'expired');
    const hex = Buffer.from(der).toString('hex').replace(Buffer.from('200101000000Z').toString('hex'), Buffer.from(replacement).toString('hex'));
    expect(catchTls(() => parseCertificate(new Uint8Array(Buffer.from(hex, 'hex')))).alert).toBe(AlertDescription.bad_certificate);
  });

  it('random bytes → TlsError(bad_certificate) only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        expect(catchTls(() => parseCertificate(b)).alert).toBe(AlertDescription.bad_certificate);
      }),
    );
  });

  it('random byte edits of a valid certificate either parse or raise TlsError(bad_certificate)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const der = good.slice();
        for (const [i, v] of edits) der[i] = v;
        try {
          parseCertificate(der);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsError);
          expect((e as TlsError).alert).toBe(AlertDescription.bad_certificate);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseCertificateChain', () => {
  it('returns the CERTIFICATE blocks of a PEM bundle in order', () => {
    const chain = parseCertificateChain(vectorText('ed25519', 'end.chain.pem'));
    expect(chain).toEqual([certDer('ed25519', 'end'), certDer('ed25519', 'inter')]);
  });

  it('accepts one DER certificate or a list of them', () => {
    const end = certDer('ed25519', 'end');
    const inter = certDer('ed25519', 'inter');
    expect(parseCertificateChain(end)).toEqual([end]);
    expect(parseCertificateChain([end, inter])).toEqual([end, inter]);
  });

  it('rejects PEM without certificates and DER that is not one SEQUENCE', () => {
    expect(() => parseCertificateChain(vectorText('ed25519', 'end.key'))).toThrow(/no CERTIFICATE block/);
    expect(() => parseCertificateChain(new Uint8Array([...certDer('ed25519', 'end'), 0]))).toThrow(/not a DER certificate/);
  });
});
