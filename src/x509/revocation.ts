/**
 * @module revocation
 * The revocation checker (package entry `puretls/revocation`): RFC 5280 §6.1.3 (a)(3) "the
 * certificate has not been revoked" for the certificates of a verified path, from OCSP responses
 * the server stapled (RFC 6960 via RFC 8446 §4.4.2.1; ocsp.ts) and from CRLs the caller supplies
 * (RFC 5280 §5, §6.3; crl.ts). Off unless configured (`ClientConfigInput.revocation`); the policy
 * and what each mode does not protect against are in docs/07-security-notes.md.
 */
import { equalBytes } from '../bytes/bytes.ts';
import { TlsError } from '../errors.ts';
import { AlertDescription } from '../protocol/registry.ts';
import type { ParsedCertificate } from './certificate.ts';
import { CrlIndex, parseCrls } from './crl.ts';
import { checkOcspResponse, parseOcspResponse, type OcspResponse, type OcspSingleResponse } from './ocsp.ts';
import type { RevocationChecker, RevocationInput, StapledResponse } from './revocation-checker.ts';
import { CertificateError, PathBudget, type WorkBudget } from './verifier.ts';

export type { RevocationChecker, RevocationInput, StapledResponse } from './revocation-checker.ts';
export { parseCrl, type ParsedCrl } from './crl.ts';
export { parseOcspResponse, type OcspResponse, type OcspSingleResponse } from './ocsp.ts';

/** The revocation policy (`revocationChecker`). */
export interface RevocationOptions {
  /**
   * Stapled OCSP (RFC 8446 §4.4.2.1): 'off' (not asked for: the default), 'if-stapled' (asked for;
   * a stapled response is checked and decides the status), 'require' (as 'if-stapled', and the
   * leaf must come with a response: none fails the handshake). A stapled response that does not
   * verify or is stale always fails the handshake (RFC 6066 §8), whatever `unknownStatus` says.
   */
  readonly ocsp?: 'off' | 'if-stapled' | 'require';
  /**
   * Complete CRLs (DER, or PEM text/bytes with one or more "X509 CRL" blocks), parsed and indexed
   * once here. A CRL whose issuer Name matches a certificate's issuer must verify under that
   * issuer's key and be current, else the handshake fails (crl_unusable).
   */
  readonly crls?: readonly (Uint8Array | string)[];
  /** Which certificates are checked: the leaf only, or every certificate below the trust anchor (default). */
  readonly depth?: 'leaf' | 'chain';
  /**
   * A certificate in scope that no good OCSP response and no CRL covers: 'deny' (default) fails
   * the handshake with certificate_unknown; 'allow' accepts it (soft-fail: it does not protect
   * against an attacker holding a revoked certificate's key, who can simply not staple).
   */
  readonly unknownStatus?: 'deny' | 'allow';
}

/**
 * A revocation checker for `ClientConfigInput.revocation` (and `connect({ revocation })`). For
 * each certificate in scope (the leaf, or every one but the anchor), with its issuer from the
 * path: a stapled OCSP response for it (when `ocsp` is not 'off') must verify (ocsp.ts), and
 * 'revoked' fails the handshake with certificate_revoked (RFC 8446 §6.2); the issuer's CRLs, if
 * any, must be usable, and a listed serial fails with certificate_revoked; a certificate neither
 * source vouches for is decided by `unknownStatus`. Signature checks count in the path's budget.
 * A pinned leaf (the path is the anchor alone) has nothing to check.
 * @throws Error (at construction) when a CRL is malformed or refused, or the options make no sense
 * @example revocationChecker({ ocsp: 'require', depth: 'leaf' })
 * @example revocationChecker({ crls: [readFileSync('intermediate.crl'), readFileSync('root.crl')] })
 */
export function revocationChecker(options: RevocationOptions): RevocationChecker {
  const ocsp = options.ocsp ?? 'off';
  const depth = options.depth ?? 'chain';
  const unknownStatus = options.unknownStatus ?? 'deny';
  if (!['off', 'if-stapled', 'require'].includes(ocsp)) throw new TypeError(`revocation: ocsp must be 'off', 'if-stapled' or 'require'`);
  if (depth !== 'leaf' && depth !== 'chain') throw new TypeError(`revocation: depth must be 'leaf' or 'chain'`);
  if (unknownStatus !== 'deny' && unknownStatus !== 'allow') throw new TypeError(`revocation: unknownStatus must be 'deny' or 'allow'`);
  const crls = new CrlIndex(parseCrls(options.crls ?? []));
  if (ocsp === 'off' && crls.size === 0) throw new TypeError('revocation: no source (ocsp is off and no crls)');
  return {
    requestsOcsp: ocsp !== 'off',
    check(input: RevocationInput): void {
      const budget = input.budget ?? new PathBudget();
      const scope = depth === 'leaf' ? Math.min(1, input.path.length - 1) : input.path.length - 1;
      for (let i = 0; i < scope; i++) {
        const cert = input.path[i] as ParsedCertificate;
        const issuer = input.path[i + 1] as ParsedCertificate;
        const staple = ocsp === 'off' ? undefined : input.stapled.find((s: StapledResponse) => equalBytes(s.certificate, cert.der));
        if (staple === undefined && i === 0 && ocsp === 'require') {
          throw new CertificateError(AlertDescription.bad_certificate_status_response, 'revocation_unknown', i, cert.subjectText, 'no stapled OCSP response (ocsp: require)');
        }
        const byOcsp = staple === undefined ? undefined : ocspStatus(staple.response, cert, issuer, i, input, budget);
        const byCrl = crls.verdict(cert, issuer, i, input.now, input.provider, budget);
        if (byOcsp?.status === 'revoked' || byCrl?.status === 'revoked') {
          const when = byOcsp?.status === 'revoked' ? byOcsp.revocationTime : byCrl?.status === 'revoked' ? byCrl.revocationDate : undefined;
          const source = byOcsp?.status === 'revoked' ? 'stapled OCSP response' : 'CRL';
          throw new CertificateError(AlertDescription.certificate_revoked, 'revoked', i, cert.subjectText, `revoked${when === undefined ? '' : ` at ${new Date(when).toISOString()}`} (${source})`);
        }
        if (byOcsp?.status !== 'good' && byCrl === undefined && unknownStatus === 'deny') {
          const why = byOcsp?.status === 'unknown' ? 'the stapled OCSP response says unknown' : 'no stapled OCSP response and no CRL of its issuer';
          throw new CertificateError(AlertDescription.certificate_unknown, 'revocation_unknown', i, cert.subjectText, `revocation status unknown: ${why} (unknownStatus: deny)`);
        }
      }
    },
  };
}

/** The status a stapled response gives `cert`; malformed ones become bad_certificate_status_response at `depth`. */
function ocspStatus(der: Uint8Array, cert: ParsedCertificate, issuer: ParsedCertificate, depth: number, input: RevocationInput, budget: WorkBudget): OcspSingleResponse {
  let response: OcspResponse;
  try {
    response = parseOcspResponse(der);
  } catch (e) {
    if (!(e instanceof TlsError)) throw e;
    throw new CertificateError(AlertDescription.bad_certificate_status_response, 'bad_status_response', depth, cert.subjectText, `stapled ${e.message}`, e);
  }
  return checkOcspResponse(response, cert, issuer, depth, input.now, input.provider, budget);
}
