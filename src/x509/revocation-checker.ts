/**
 * @module revocation-checker
 * The interface between the handshake and a revocation checker (x509/revocation.ts, a separate
 * package entry so that the core and its browser bundle carry no OCSP or CRL code): the client
 * hands it the verified path and the OCSP responses the server stapled (RFC 8446 §4.4.2.1).
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import type { ParsedCertificate } from './certificate.ts';
import type { WorkBudget } from './verifier.ts';

/** An OCSP response stapled in the CertificateEntry of `certificate` (DER, as sent). */
export interface StapledResponse {
  readonly certificate: Uint8Array;
  readonly response: Uint8Array;
}

/** What the handshake hands a revocation checker, after path validation. */
export interface RevocationInput {
  /** The verified path, leaf first, ending with the trust anchor (`VerifiedChain.chain`). */
  readonly path: readonly ParsedCertificate[];
  /** Every OCSP response the server stapled (only when the checker asked for them). */
  readonly stapled: readonly StapledResponse[];
  /** ms since the epoch (the clock path validation used). */
  readonly now: number;
  readonly provider: CryptoProvider;
  /** What is left of path validation's work budget (`VerifiedChain.budget`), if any. */
  readonly budget: WorkBudget | undefined;
}

/** Decides whether any certificate of a verified path is revoked (or of unknown status). */
export interface RevocationChecker {
  /** Whether the client asks for stapled OCSP (status_request, RFC 6066 §8). */
  readonly requestsOcsp: boolean;
  /**
   * @throws TlsError (a CertificateError) with certificate_revoked, bad_certificate_status_response
   *   or certificate_unknown when the path is not acceptable
   */
  check(input: RevocationInput): void;
}
