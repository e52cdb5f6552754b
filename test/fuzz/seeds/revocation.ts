/**
 * @module test/fuzz/seeds/revocation
 * Seeds for the revocation targets, made with the openssl binary (helpers/revocation-pki.ts):
 * OCSP responses of each status, signer and CertID hash (dated when made: the target's fixed
 * clock finds them not yet valid, after their signature check), and CRLs by the intermediate and
 * the root, current at the targets' clock.
 */
import { pemDecode } from '../../../src/x509/pem.ts';
import { RevocationPki } from '../../helpers/revocation-pki.ts';

export function revocationSeeds(): { ocsp: Uint8Array[]; crl: Uint8Array[] } {
  const pki = new RevocationPki('ecdsa-p256');
  const rsa = new RevocationPki('rsa-2048');
  try {
    const ocsp = [
      pki.ocsp({ status: 'good' }),
      pki.ocsp({ status: 'revoked' }),
      pki.ocsp({ status: 'unknown', certIdHash: 'sha256' }),
      pki.ocsp({ status: 'good', signer: 'delegated', byKey: true }),
      pki.ocsp({ status: 'good', signer: 'delegated-no-eku' }),
      rsa.ocsp({ status: 'revoked' }),
    ];
    // Current at FUZZ_NOW (2026-01-01), so a mutant reaches the signature check.
    const when = { lastUpdate: '20251201000000Z', nextUpdate: '20270101000000Z' };
    const crl = [
      pki.crl({ issuer: 'inter', revoke: ['end', 'client'], ...when }),
      pki.crl({ issuer: 'inter', revoke: ['client'], ...when }),
      pki.crl({ issuer: 'ca', revoke: ['inter'], ...when }),
      rsa.crl({ issuer: 'inter', revoke: ['client'], ...when }),
    ].map((pem) => (pemDecode(pem)[0] as { der: Uint8Array }).der);
    return { ocsp, crl };
  } finally {
    pki.dispose();
    rsa.dispose();
  }
}
