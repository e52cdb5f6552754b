/**
 * @module test/fuzz/targets/ocsp-response
 * Fuzz target: a stapled OCSP response (src/x509/ocsp.ts, RFC 6960 §4.2.1 over strict DER), the
 * hostile peer input of revocation checking. Parsed, then checked for the ecdsa-p256 test leaf
 * under its intermediate with the pure provider (CertID match, responder, real signature
 * checks under a path budget, freshness at a fixed clock). Oracle: a TlsError (every refusal
 * carries bad_certificate_status_response or budget_exceeded) or a status; parsed facts no larger
 * than the input; any other exception is a finding.
 */
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { checkOcspResponse, MAX_OCSP_CERTS, MAX_OCSP_SINGLE_RESPONSES, parseOcspResponse } from '../../../src/x509/ocsp.ts';
import { PathBudget } from '../../../src/x509/verifier.ts';
import { expectOnlyTlsErrors, FUZZ_NOW, revocationSubject } from './setup.ts';

const { leaf, issuer } = revocationSubject();

export function fuzz(data: Uint8Array): void {
  expectOnlyTlsErrors(() => {
    const r = parseOcspResponse(data);
    if (r.responses.length > MAX_OCSP_SINGLE_RESPONSES || r.certs.length > MAX_OCSP_CERTS) throw new Error('ocsp: a bound was not applied');
    for (const b of [r.tbsDer, r.signature, ...r.certs]) if (b.length > data.length) throw new Error('ocsp: a field is larger than the input');
    checkOcspResponse(r, leaf, issuer, 0, FUZZ_NOW, nobleProvider, new PathBudget());
  });
}
