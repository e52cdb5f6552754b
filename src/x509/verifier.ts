/**
 * @module verifier
 * The `CertificateVerifier` interface and the Web PKI verifier: RFC 5280 §6.1 path validation
 * from the peer's leaf through its intermediates to a configured trust anchor (path building in
 * the style of rustls-webpki and Go crypto/x509: any order, duplicates and extras tolerated,
 * alternatives tried, bounded by a depth limit and a work budget), then the server identity
 * check of RFC 9525 / RFC 6125 (names.ts). Every signature is checked through the CryptoProvider.
 * Every failure is a `CertificateError` (a TlsError) carrying the RFC 8446 §6.2 alert, a
 * machine-readable `reason` and the position in the chain it is about.
 */
import { equalBytes, toHex } from '../bytes/bytes.ts';
import type { CryptoProvider, PublicKey } from '../crypto/provider.ts';
import { TlsError } from '../errors.ts';
import { isAcceptedRsaPublicExponent } from '../protocol/limits.ts';
import { AlertDescription, nameOf, SignatureScheme } from '../protocol/registry.ts';
import { KeyUsageBit, type NameConstraints, type ParsedCertificate, parseCertificate } from './certificate.ts';
import { DerTag, readChildren, readSingle } from './der.ts';
import { dnsNameWithinConstraint, ipInSubtree, isWellFormedDnsName, matchesServerName, wildcardReachesConstraint } from './names.ts';

/** What the handshake hands a verifier. */
export interface VerifyInput {
  /** The peer's certificate_list, leaf first (RFC 8446 §4.4.2). */
  readonly chain: readonly Uint8Array[];
  /** The name we connected to (DNS name as A-labels, or IP literal); undefined skips the name check. */
  readonly serverName: string | undefined;
  /** ms since the epoch. */
  readonly now: number;
  readonly provider: CryptoProvider;
  /** signature_algorithms_cert (or signature_algorithms) we offered (RFC 8446 §4.2.3). */
  readonly signatureSchemes?: readonly number[];
  /**
   * Which role the peer's certificate must be fit for (RFC 5280 §4.2.1.12): 'server' (id-kp-
   * serverAuth, the default: we are a client) or 'client' (id-kp-clientAuth: we are a server).
   */
  readonly usage?: 'server' | 'client';
}

/** A verified path: the leaf and the certificates from it up to (and including) the anchor. */
export interface VerifiedChain {
  readonly leaf: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
  /**
   * What is left of the validation's work budget: revocation checking (revocation.ts) charges
   * its signature checks to it. Verifiers without one leave it out (the checker starts a new one).
   */
  readonly budget?: WorkBudget;
}

/** A bound on the signature checks one certificate validation may make (see PathBudget). */
export interface WorkBudget {
  /** Called before each signature check. @throws CertificateError budget_exceeded when spent */
  signature(depth: number, subject: string): void;
}

/** Decides whether a peer's certificate chain is acceptable. */
export interface CertificateVerifier {
  /** @throws TlsError (a CertificateError from the verifiers here) with the alert to send when the chain is not acceptable */
  verify(input: VerifyInput): VerifiedChain;
}

/** Why a chain was refused; stable codes for programs (messages are for people). */
export type CertificateFailure =
  | 'empty_chain'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'unknown_issuer'
  | 'bad_signature'
  | 'name_mismatch'
  | 'not_a_ca'
  | 'path_length_exceeded'
  | 'name_constraint_violated'
  | 'unsupported_name_constraint'
  | 'key_usage'
  | 'extended_key_usage'
  | 'unknown_critical_extension'
  | 'weak_signature_algorithm'
  | 'weak_key'
  | 'bad_rsa_exponent'
  | 'unsupported_algorithm'
  | 'algorithm_not_offered'
  | 'chain_too_long'
  | 'budget_exceeded'
  | 'ca_used_as_end_entity'
  | 'malformed_name'
  // Revocation (x509/revocation.ts):
  | 'revoked'
  | 'bad_status_response'
  | 'revocation_unknown'
  | 'crl_unusable';

/**
 * A certificate validation failure: `reason` says what failed, `depth` where (0 = the leaf, 1 its
 * issuer, ... along the path being built; for a malformed certificate, its index in the peer's
 * list), `subject` which certificate. The message says all three for people.
 */
export class CertificateError extends TlsError {
  readonly reason: CertificateFailure;
  readonly depth: number;
  readonly subject: string;
  constructor(alert: AlertDescription, reason: CertificateFailure, depth: number, subject: string, message: string, cause?: unknown) {
    super(alert, `certificate: ${message} [${reason} at depth ${depth}${subject === '' ? '' : `: ${subject}`}]`, { cause });
    this.name = 'CertificateError';
    this.reason = reason;
    this.depth = depth;
    this.subject = subject;
  }
}

/** Options of `webPkiVerifier`. */
export interface WebPkiVerifierOptions {
  /** Trust anchors, DER (e.g. from `parseCertificateChain(pem)`, or node's `tls.rootCertificates`). */
  readonly roots: readonly Uint8Array[];
  /**
   * Skip anchors our strict DER reader refuses instead of throwing (for large system bundles
   * such as node's `tls.rootCertificates`). Default false: a bad configured root is an error.
   */
  readonly skipUnparsableRoots?: boolean;
}

/**
 * The Web PKI verifier: RFC 5280 §6.1 path validation to one of `roots`, then the name check.
 * Per certificate on the path: validity at `now` (§6.1.3 (a)(2)), signature by the next one
 * through the provider (§6.1.3 (a)(1)) with an algorithm we offered (RFC 8446 §4.2.3), never
 * MD5/SHA-1 (RFC 8446 §4.4.2.4), RSA keys of 2048..8192 bits whose exponent is odd and below 2^33
 * (checked before any use of the key: protocol/limits.ts); unknown critical extensions
 * refused (§4.2); issuers must be CAs (§6.1.4 (k)) with keyCertSign when keyUsage is present
 * (§6.1.4 (n)), within their pathLenConstraint (§6.1.4 (l), (m)), with extKeyUsage (when present)
 * allowing the purpose, and their DNS/IP name constraints hold for every name below them
 * (§6.1.3 (b), (c)) for well-formed names; the leaf must not be a CA, needs digitalSignature
 * when keyUsage is present and the purpose in extKeyUsage when present. A leaf byte-identical to
 * a root is accepted without a path (pinning), CA or not. One work budget bounds the whole search.
 * @throws TlsError bad_certificate (at construction) when a root is malformed
 * @example const verifier = webPkiVerifier({ roots: parseCertificateChain(readFileSync('ca.pem', 'utf8')) });
 */
export function webPkiVerifier(options: WebPkiVerifierOptions): CertificateVerifier {
  const anchors: ParsedCertificate[] = [];
  for (const der of options.roots) {
    try {
      anchors.push(parseCertificate(der));
    } catch (e) {
      if (!options.skipUnparsableRoots) throw e;
    }
  }
  const bySubject = new Map<string, ParsedCertificate[]>();
  for (const a of anchors) {
    const k = toHex(a.subjectDer);
    bySubject.set(k, [...(bySubject.get(k) ?? []), a]);
  }
  return {
    verify(input: VerifyInput): VerifiedChain {
      return verifyChain(input, anchors, bySubject);
    },
  };
}

/**
 * A verifier whose trust anchors are exactly the given certificates (DER): `webPkiVerifier`
 * with `roots = trusted`. The leaf itself may be trusted (byte-identical, pinning), or a path
 * leaf → (peer's intermediates) → a trusted certificate must validate as described there.
 * @throws TlsError bad_certificate (at construction) when a trusted certificate is malformed
 * @example const verifier = trustExactly(parseCertificateChain(readFileSync('ca.pem', 'utf8')));
 */
export function trustExactly(trusted: readonly Uint8Array[]): CertificateVerifier {
  return webPkiVerifier({ roots: trusted });
}

/**
 * A verifier that accepts any certificate: it parses the leaf (its key is needed for
 * CertificateVerify) and checks nothing else. Only for tests and debugging.
 * @throws TlsError bad_certificate when the leaf is malformed, unsupported_certificate when its
 *   key type is unsupported
 */
export function dangerouslyAcceptAnyCertificate(): CertificateVerifier {
  return {
    verify(input: VerifyInput): VerifiedChain {
      const der = input.chain[0];
      if (der === undefined) throw fail(AlertDescription.bad_certificate, 'empty_chain', 0, '', 'empty certificate chain');
      const leaf = parseAt(der, 0);
      if (leaf.publicKey === undefined) {
        throw fail(AlertDescription.unsupported_certificate, 'unsupported_algorithm', 0, leaf.subjectText, 'unsupported public key');
      }
      return { leaf, chain: [leaf] };
    },
  };
}

/** RFC 5280 §6.1 over the peer's list; see webPkiVerifier. */
function verifyChain(input: VerifyInput, anchors: readonly ParsedCertificate[], bySubject: ReadonlyMap<string, ParsedCertificate[]>): VerifiedChain {
  const leafDer = input.chain[0];
  // RFC 8446 §4.4.2.4: an empty Certificate message is handled by the handshake; here it is a bug.
  if (leafDer === undefined) throw fail(AlertDescription.bad_certificate, 'empty_chain', 0, '', 'empty certificate chain');
  // No limit on the number of certificates (long cross-signed bundles are legal): the bytes are
  // capped, parsing is linear in them, and the path search runs on a work budget.
  const bytes = input.chain.reduce((n, c) => n + c.length, 0);
  if (bytes > MAX_CHAIN_BYTES) {
    throw fail(AlertDescription.bad_certificate, 'chain_too_long', 0, '', `the peer sent ${bytes} bytes of certificates (at most ${MAX_CHAIN_BYTES})`);
  }
  const leaf = parseAt(leafDer, 0);
  // Duplicates are tolerated: each distinct certificate is a candidate once.
  const seen = new Set<string>([toHex(leafDer)]);
  const issuersBySubject = new Map<string, ParsedCertificate[]>();
  for (const [i, der] of input.chain.entries()) {
    const key = toHex(der);
    if (i === 0 || seen.has(key)) continue;
    seen.add(key);
    const c = parseAt(der, i);
    const subject = toHex(c.subjectDer);
    const same = issuersBySubject.get(subject);
    if (same === undefined) issuersBySubject.set(subject, [c]);
    else same.push(c);
  }
  const purpose = input.usage === 'client' ? EKU.clientAuth : EKU.serverAuth;
  const pinned = anchors.some((a) => equalBytes(a.der, leaf.der));
  checkLeaf(leaf, input, purpose, pinned);
  const budget = new PathBudget();
  const path = pinned ? [leaf] : buildPath(leaf, issuersBySubject, bySubject, input, purpose, budget);
  // RFC 9525 §6.3 / RFC 6125 §6.4: the reference identity against subjectAltName only.
  if (input.serverName !== undefined && !matchesServerName(input.serverName, leaf.dnsNames, leaf.ipAddresses)) {
    const names = [...leaf.dnsNames, ...leaf.ipAddresses.map(ipText)];
    throw fail(
      AlertDescription.certificate_unknown,
      'name_mismatch',
      0,
      leaf.subjectText,
      `name mismatch: ${JSON.stringify(input.serverName)} is not among the certificate's names [${names.join(', ')}]`,
    );
  }
  return { leaf, chain: path, budget };
}

/**
 * The end-entity rules: not a CA (unless `pinned`: trusted byte for byte), validity, critical
 * extensions, keyUsage, extKeyUsage, key strength.
 */
function checkLeaf(leaf: ParsedCertificate, input: VerifyInput, purpose: string, pinned: boolean): void {
  const err =
    // A CA certificate is not an end-entity certificate (RFC 5280 §4.2.1.9: cA asserts the key
    // signs certificates), as rustls-webpki and the CA/Browser Forum rules hold. A certificate
    // the configuration trusts byte for byte is the operator's own choice (`openssl req -x509`
    // makes self-signed certificates with cA TRUE), so a pin is exempt.
    (leaf.isCa && !pinned
      ? fail(AlertDescription.bad_certificate, 'ca_used_as_end_entity', 0, leaf.subjectText, 'a CA certificate (basicConstraints cA TRUE) as the end-entity certificate')
      : undefined) ??
    checkValidity(leaf, 0, input.now) ??
    checkCriticalExtensions(leaf, 0) ??
    // RFC 5280 §4.2.1.3 / RFC 8446 §4.4.2.2: the leaf key signs CertificateVerify.
    (leaf.keyUsage !== undefined && !hasBit(leaf.keyUsage, KeyUsageBit.digitalSignature)
      ? fail(AlertDescription.bad_certificate, 'key_usage', 0, leaf.subjectText, 'keyUsage lacks digitalSignature')
      : undefined) ??
    checkExtKeyUsage(leaf, 0, purpose) ??
    checkKeyStrength(leaf.publicKey, 0, leaf.subjectText);
  if (err !== undefined) throw err;
  if (leaf.publicKey === undefined) {
    throw fail(AlertDescription.unsupported_certificate, 'unsupported_algorithm', 0, leaf.subjectText, 'unsupported public key type');
  }
}

/**
 * The work one validation may do, shared by everything path building does (rustls-webpki's
 * `Budget`): signature verifications, candidate issuers considered, and name-constraint
 * comparisons (one per name and subtree); revocation checking draws on the same signature
 * count. Running out aborts the whole validation with bad_certificate, reason
 * `budget_exceeded`, even when some other path might have been valid.
 */
export class PathBudget implements WorkBudget {
  #signatures = MAX_SIGNATURE_CHECKS;
  #candidates = MAX_CANDIDATE_VISITS;
  #comparisons = MAX_NAME_CONSTRAINT_COMPARISONS;

  /** @throws CertificateError budget_exceeded */
  signature(depth: number, subject: string): void {
    if (this.#signatures-- <= 0) throw budgetExceeded(depth, subject, `more than ${MAX_SIGNATURE_CHECKS} signatures to check`);
  }

  /** @throws CertificateError budget_exceeded */
  candidate(depth: number, subject: string): void {
    if (this.#candidates-- <= 0) throw budgetExceeded(depth, subject, `more than ${MAX_CANDIDATE_VISITS} candidate issuers`);
  }

  /** @throws CertificateError budget_exceeded */
  comparison(depth: number, subject: string): void {
    if (this.#comparisons-- <= 0) throw budgetExceeded(depth, subject, `more than ${MAX_NAME_CONSTRAINT_COMPARISONS} name-constraint comparisons`);
  }
}

function budgetExceeded(depth: number, subject: string, what: string): CertificateError {
  return fail(AlertDescription.bad_certificate, 'budget_exceeded', depth, subject, `path building gave up: ${what}`);
}

/**
 * Depth-first search for a path leaf → intermediates → anchor, trying every candidate issuer
 * (anchors first) and backtracking on failure. When no path exists the first failure met is
 * reported (so an expired intermediate or a bad signature is named rather than a generic
 * unknown_ca). Bounded by MAX_PATH_DEPTH and by one PathBudget, so a hostile set of
 * mutually-signed CAs or of name constraints cannot make us do exponential (or just a lot of) work.
 */
function buildPath(
  leaf: ParsedCertificate,
  issuersBySubject: ReadonlyMap<string, readonly ParsedCertificate[]>,
  bySubject: ReadonlyMap<string, ParsedCertificate[]>,
  input: VerifyInput,
  purpose: string,
  budget: PathBudget,
): ParsedCertificate[] {
  let firstFailure: CertificateError | undefined;
  const search = (path: ParsedCertificate[]): ParsedCertificate[] | undefined => {
    const current = path[path.length - 1] as ParsedCertificate;
    const depth = path.length; // depth of the candidate issuer
    const issuer = toHex(current.issuerDer);
    const anchorsHere = bySubject.get(issuer) ?? [];
    const candidates: [ParsedCertificate, boolean][] = [
      ...anchorsHere.map((a): [ParsedCertificate, boolean] => [a, true]),
      ...(issuersBySubject.get(issuer) ?? [])
        .filter((c) => !anchorsHere.some((a) => equalBytes(a.der, c.der)))
        .map((c): [ParsedCertificate, boolean] => [c, false]),
    ];
    for (const [cand, isAnchor] of candidates) {
      if (path.some((p) => equalBytes(p.der, cand.der))) continue; // no loops
      budget.candidate(depth, cand.subjectText);
      const err = checkIssuer(cand, depth, path, input, purpose, budget) ?? checkSignatureBudgeted(current, cand, depth);
      if (err !== undefined) {
        firstFailure ??= err;
        continue;
      }
      if (isAnchor) return [...path, cand];
      if (path.length >= MAX_PATH_DEPTH) {
        firstFailure ??= fail(AlertDescription.bad_certificate, 'chain_too_long', depth, cand.subjectText, `no trust anchor within ${MAX_PATH_DEPTH} certificates`);
        continue;
      }
      const found = search([...path, cand]);
      if (found) return found;
    }
    return undefined;
  };
  const checkSignatureBudgeted = (cert: ParsedCertificate, issuer: ParsedCertificate, depth: number): CertificateError | undefined => {
    budget.signature(depth, issuer.subjectText);
    return checkSignature(cert, issuer, depth, input);
  };
  const path = search([leaf]);
  if (path) return path;
  const top = issuersBySubject.get(toHex(leaf.issuerDer))?.[0];
  throw (
    firstFailure ??
    fail(
      AlertDescription.unknown_ca,
      'unknown_issuer',
      top === undefined ? 1 : 2,
      top?.subjectText ?? leaf.subjectText,
      `no trusted issuer for ${JSON.stringify((top ?? leaf).issuerText)}`,
    )
  );
}

/**
 * The rules for `cand` as the issuer at `depth` of the certificates in `path` (RFC 5280 §6.1.3,
 * §6.1.4), everything except its signature on path's last certificate. Applied to trust anchors
 * too (as Go's crypto/x509 does): a root's own constraints are honoured.
 */
function checkIssuer(
  cand: ParsedCertificate,
  depth: number,
  path: readonly ParsedCertificate[],
  input: VerifyInput,
  purpose: string,
  budget: PathBudget,
): CertificateError | undefined {
  const s = cand.subjectText;
  const validity = checkValidity(cand, depth, input.now);
  if (validity) return validity;
  const critical = checkCriticalExtensions(cand, depth);
  if (critical) return critical;
  // RFC 5280 §6.1.4 (k): "verify that the certificate is a CA certificate (as specified in a
  // basicConstraints extension with the cA field set to TRUE)".
  if (!cand.isCa) return fail(AlertDescription.bad_certificate, 'not_a_ca', depth, s, 'issuer is not a CA (basicConstraints cA is not TRUE)');
  // RFC 5280 §6.1.4 (n): "If a key usage extension is present, verify that the keyCertSign bit is set."
  if (cand.keyUsage !== undefined && !hasBit(cand.keyUsage, KeyUsageBit.keyCertSign)) {
    return fail(AlertDescription.bad_certificate, 'key_usage', depth, s, 'issuer keyUsage lacks keyCertSign');
  }
  // RFC 5280 §6.1.4 (l), (m): pathLenConstraint counts the non-self-issued intermediates below.
  if (cand.pathLenConstraint !== undefined) {
    const below = path.slice(1).filter((c) => !equalBytes(c.subjectDer, c.issuerDer)).length;
    if (below > cand.pathLenConstraint) {
      return fail(AlertDescription.bad_certificate, 'path_length_exceeded', depth, s, `pathLenConstraint ${cand.pathLenConstraint} allows fewer than the ${below} intermediates below it`);
    }
  }
  // extKeyUsage on a CA restricts the purposes of what it issues (Go crypto/x509, rustls-webpki).
  const eku = checkExtKeyUsage(cand, depth, purpose);
  if (eku) return eku;
  if (cand.nameConstraints !== undefined) {
    const nc = checkNameConstraints(cand.nameConstraints, path, depth, s, budget);
    if (nc) return nc;
  }
  return undefined;
}

/**
 * RFC 5280 §6.1.3 (b), (c) for the dNSName and iPAddress forms: every such subjectAltName of the
 * certificates below the constraining CA (self-issued intermediates excepted, §6.1.3 (b)) lies
 * within some permitted subtree of its form (when there are any) and within no excluded one.
 * Each comparison of one name with one subtree is charged to `budget`.
 */
function checkNameConstraints(nc: NameConstraints, path: readonly ParsedCertificate[], depth: number, s: string, budget: PathBudget): CertificateError | undefined {
  if (nc.hasUnsupportedForms) {
    return fail(AlertDescription.unsupported_certificate, 'unsupported_name_constraint', depth, s, 'nameConstraints use a name form or distance we do not evaluate');
  }
  const charged = <T>(test: (subtree: T) => boolean) => (subtree: T): boolean => {
    budget.comparison(depth, s);
    return test(subtree);
  };
  const dnsConstrained = nc.permittedDns !== undefined || nc.excludedDns !== undefined;
  for (const [i, c] of path.entries()) {
    if (i > 0 && equalBytes(c.subjectDer, c.issuerDer)) continue;
    for (const name of c.dnsNames) {
      // A malformed dNSName (".example.com", "a..b") would match subtrees by accident of the
      // string comparison: under DNS constraints it is refused (elsewhere it is inert, since
      // name matching ignores it), as Go and rustls-webpki do.
      if (dnsConstrained && !isWellFormedDnsName(name)) {
        return fail(AlertDescription.bad_certificate, 'malformed_name', i, c.subjectText, `subjectAltName ${JSON.stringify(name)} is not a DNS name (RFC 5280 §4.2.1.6)`);
      }
      if (nc.permittedDns !== undefined && !nc.permittedDns.some(charged((p) => dnsNameWithinConstraint(name, p)))) {
        return fail(AlertDescription.bad_certificate, 'name_constraint_violated', depth, s, `${JSON.stringify(name)} (depth ${i}) is outside the permitted DNS subtrees`);
      }
      if (nc.excludedDns?.some(charged((p) => dnsNameWithinConstraint(name, p) || wildcardReachesConstraint(name, p)))) {
        return fail(AlertDescription.bad_certificate, 'name_constraint_violated', depth, s, `${JSON.stringify(name)} (depth ${i}) is in an excluded DNS subtree`);
      }
    }
    for (const ip of c.ipAddresses) {
      if (nc.permittedIp !== undefined && !nc.permittedIp.some(charged((t) => ipInSubtree(ip, t.address, t.mask)))) {
        return fail(AlertDescription.bad_certificate, 'name_constraint_violated', depth, s, `${ipText(ip)} (depth ${i}) is outside the permitted IP subtrees`);
      }
      if (nc.excludedIp?.some(charged((t) => ipInSubtree(ip, t.address, t.mask)))) {
        return fail(AlertDescription.bad_certificate, 'name_constraint_violated', depth, s, `${ipText(ip)} (depth ${i}) is in an excluded IP subtree`);
      }
    }
  }
  return undefined;
}

/** Verifies `cert`'s signature under `issuer`'s key; returns the error instead of throwing. */
function checkSignature(cert: ParsedCertificate, issuer: ParsedCertificate, depth: number, input: VerifyInput): CertificateError | undefined {
  return checkSignedBy(cert, cert.subjectText, issuer, depth - 1, input.provider, input.signatureSchemes);
}

/**
 * The signed parts of a certificate, an OCSP BasicOCSPResponse (RFC 6960 §4.2.1) or a CRL
 * (RFC 5280 §5.1): all are `SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }`.
 */
export interface SignedObject {
  readonly tbsDer: Uint8Array;
  /** As a TLS SignatureScheme; undefined if unsupported. */
  readonly signatureAlgorithm: number | undefined;
  readonly signatureAlgorithmOid: string;
  /** The whole AlgorithmIdentifier element. */
  readonly signatureAlgorithmDer: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Verifies `signed`'s signature (named `what`, at `depth`) under `issuer`'s key, with the rules
 * of certificate signatures: no MD5 or SHA-1, key strength, `signatureSchemes` (when given) must
 * include the scheme (RFC 8446 §4.2.3). Returns the error instead of throwing.
 */
export function checkSignedBy(
  signed: SignedObject,
  what: string,
  issuer: ParsedCertificate,
  depth: number,
  provider: CryptoProvider,
  signatureSchemes: readonly number[] | undefined,
): CertificateError | undefined {
  const scheme = signed.signatureAlgorithm;
  const key: PublicKey | undefined = issuer.publicKey;
  const issuerDepth = depth + 1;
  // RFC 8446 §4.4.2.4: "Any endpoint receiving any certificate which it would need to validate
  // using any signature algorithm using an MD5 hash MUST abort the handshake with a
  // "bad_certificate" alert. SHA-1 is deprecated, and it is RECOMMENDED that any endpoint
  // receiving any certificate which it would need to validate using any signature algorithm
  // using a SHA-1 hash abort the handshake with a "bad_certificate" alert."
  const weak = weakHashOf(signed);
  if (weak !== undefined) {
    return fail(AlertDescription.bad_certificate, 'weak_signature_algorithm', depth, what, `signed with an ${weak}-based algorithm`);
  }
  if (scheme === undefined) {
    return fail(AlertDescription.unsupported_certificate, 'unsupported_algorithm', depth, what, `unsupported signature algorithm ${signed.signatureAlgorithmOid}`);
  }
  if (key === undefined) {
    return fail(AlertDescription.unsupported_certificate, 'unsupported_algorithm', issuerDepth, issuer.subjectText, 'unsupported public key type');
  }
  const strength = checkKeyStrength(key, issuerDepth, issuer.subjectText);
  if (strength) return strength;
  // RFC 8446 §4.2.3: signatures in certificates must use an algorithm we offered; the default
  // alert for a chain we cannot accept is unsupported_certificate. X.509 ECDSA names a hash and
  // no curve, while TLS 1.3 schemes bind one: an ECDSA signature counts as offered when the
  // ECDSA scheme of the signer's curve is, whatever its SHA-2 hash (a P-384 CA signs with
  // SHA-256 by default with `openssl x509 -req`; OpenSSL, GnuTLS and node:tls accept that).
  const ecdsaCurve = key.type === 'ec' && CERTIFICATE_ECDSA_SCHEMES.includes(scheme) ? key.curve : undefined;
  // An RSASSA-PSS signature (certificate.ts maps it to rsa_pss_rsae_*) made by an id-RSASSA-PSS
  // key is rsa_pss_pss_* (RFC 8446 §4.2.3), offered and verified as such.
  const pssScheme = key.type === 'rsa' && key.pss !== undefined ? PSS_SCHEME_OF_RSAE[scheme] : undefined;
  const offeredAs = ecdsaCurve !== undefined ? ECDSA_SCHEME_OF_CURVE[ecdsaCurve] : (pssScheme ?? scheme);
  if (signatureSchemes !== undefined && !signatureSchemes.includes(offeredAs)) {
    const alg = ecdsaCurve === undefined ? nameOf(SignatureScheme, scheme) : `ECDSA on ${ecdsaCurve}, which needs ${nameOf(SignatureScheme, offeredAs)}`;
    return fail(AlertDescription.unsupported_certificate, 'algorithm_not_offered', depth, what, `signed with ${alg}, which we did not offer`);
  }
  // Cross-curve ECDSA (P-384 with SHA-256, P-256 with SHA-384 or SHA-512) is verified too:
  // the provider reads an ECDSA scheme as its hash on the key's curve (rustls-webpki has
  // ECDSA_P384_SHA256 and ECDSA_P256_SHA384 for the same reason).
  if (!provider.verifyCertificateSignature(pssScheme ?? scheme, key, signed.tbsDer, signed.signature)) {
    return fail(AlertDescription.bad_certificate, 'bad_signature', depth, what, `bad signature by ${issuer.subjectText}`);
  }
  return undefined;
}

/**
 * RSA moduli of MIN_RSA_BITS..MAX_RSA_BITS only: weaker keys are breakable, larger ones make
 * verification cost unbounded; and exponents odd, 3 <= e < 2^33 (protocol/limits.ts): verifying
 * costs a modular squaring per bit of e. Checked before the key is ever used.
 */
function checkKeyStrength(key: PublicKey | undefined, depth: number, s: string): CertificateError | undefined {
  if (key?.type !== 'rsa') return undefined;
  if (!isAcceptedRsaPublicExponent(key.e)) {
    const e = key.e.length <= 6 ? `e = ${Number.parseInt(toHex(key.e) || '0', 16)}` : `a ${bitLength(key.e)}-bit exponent`;
    return fail(AlertDescription.unsupported_certificate, 'bad_rsa_exponent', depth, s, `RSA key with ${e} (accepted: odd, 3 <= e < 2^33)`);
  }
  const bits = bitLength(key.n);
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    return fail(AlertDescription.unsupported_certificate, 'weak_key', depth, s, `RSA key of ${bits} bits (accepted: ${MIN_RSA_BITS}..${MAX_RSA_BITS})`);
  }
  return undefined;
}

/** RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a critical extension it does not recognize". */
export function checkCriticalExtensions(c: ParsedCertificate, depth: number): CertificateError | undefined {
  if (c.unknownCriticalExtensions.length === 0) return undefined;
  return fail(AlertDescription.unsupported_certificate, 'unknown_critical_extension', depth, c.subjectText, `unknown critical extension ${c.unknownCriticalExtensions.join(', ')}`);
}

/** RFC 5280 §4.2.1.12: when extKeyUsage is present, the purpose (or anyExtendedKeyUsage) must be in it. */
function checkExtKeyUsage(c: ParsedCertificate, depth: number, purpose: string): CertificateError | undefined {
  if (c.extKeyUsage === undefined || c.extKeyUsage.includes(purpose) || c.extKeyUsage.includes(EKU.any)) return undefined;
  const want = purpose === EKU.serverAuth ? 'serverAuth' : 'clientAuth';
  return fail(AlertDescription.unsupported_certificate, 'extended_key_usage', depth, c.subjectText, `extKeyUsage does not allow ${want}`);
}

/**
 * RFC 5280 §6.1.3 (a)(2): the certificate validity period includes the current time. X.509
 * times have one-second resolution and the period runs "from notBefore through notAfter,
 * inclusive" (§4.1.2.5), so the clock is compared in whole seconds, as OpenSSL and rustls-webpki
 * compare it: a certificate is still valid during the second of its notAfter.
 */
export function checkValidity(c: ParsedCertificate, depth: number, nowMs: number): CertificateError | undefined {
  const now = Math.floor(nowMs / 1000) * 1000;
  if (now < c.notBefore) {
    return fail(AlertDescription.certificate_expired, 'not_yet_valid', depth, c.subjectText, `not valid before ${new Date(c.notBefore).toISOString()}`);
  }
  if (now > c.notAfter) {
    return fail(AlertDescription.certificate_expired, 'expired', depth, c.subjectText, `expired at ${new Date(c.notAfter).toISOString()}`);
  }
  return undefined;
}

/**
 * 'MD5' or 'SHA-1' when `signed`'s signatureAlgorithm uses that hash: md5/sha1WithRSAEncryption,
 * ecdsa-with-SHA1, dsa-with-sha1, or an AlgorithmIdentifier whose parameters name id-md5/id-sha1
 * (e.g. RSASSA-PSS). Read from the DER because SignedObject maps unsupported algorithms to undefined.
 */
function weakHashOf(signed: SignedObject): 'MD5' | 'SHA-1' | undefined {
  if (signed.signatureAlgorithmOid === OID_MD5_WITH_RSA) return 'MD5';
  if (SHA1_SIGNATURE_OIDS.includes(signed.signatureAlgorithmOid)) return 'SHA-1';
  const params = readChildren(readSingle(signed.signatureAlgorithmDer, DerTag.SEQUENCE, 'signatureAlgorithm').value, 'signatureAlgorithm').slice(1);
  if (params.some((p) => containsBytes(p.raw, DER_ID_MD5))) return 'MD5';
  if (params.some((p) => containsBytes(p.raw, DER_ID_SHA1))) return 'SHA-1';
  return undefined;
}

function parseAt(der: Uint8Array, index: number): ParsedCertificate {
  try {
    return parseCertificate(der);
  } catch (e) {
    if (!(e instanceof TlsError)) throw e;
    throw new CertificateError(e.alert, 'malformed', index, '', `certificate ${index} of the peer's list is malformed: ${e.message}`, e);
  }
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (equalBytes(haystack.subarray(i, i + needle.length), needle)) return true;
  }
  return false;
}

function hasBit(mask: number, bit: number): boolean {
  return (mask & (1 << bit)) !== 0;
}

function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  const top = n[i];
  if (top === undefined) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(top));
}

function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const groups: string[] = [];
  for (let i = 0; i < ip.length; i += 2) groups.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16));
  return groups.join(':');
}

function fail(alert: AlertDescription, reason: CertificateFailure, depth: number, subject: string, message: string): CertificateError {
  return new CertificateError(alert, reason, depth, subject, message);
}

/** md5WithRSAEncryption, 1.2.840.113549.1.1.4 (RFC 8017 Appendix C). */
const OID_MD5_WITH_RSA = '1.2.840.113549.1.1.4';
/** sha1WithRSAEncryption (RFC 8017 App. C), ecdsa-with-SHA1 (RFC 3279 §2.2.3), dsa-with-sha1 (RFC 3279 §2.2.2). */
const SHA1_SIGNATURE_OIDS: readonly string[] = ['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3'];
/** id-md5, 1.2.840.113549.2.5 (RFC 8017 Appendix C), as a whole DER OBJECT IDENTIFIER. */
const DER_ID_MD5: Uint8Array = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05]);
/** id-sha1, 1.3.14.3.2.26 (RFC 3279 §2.1), as a whole DER OBJECT IDENTIFIER. */
const DER_ID_SHA1: Uint8Array = new Uint8Array([0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a]);
/** The ECDSA schemes a certificate's signatureAlgorithm maps to (certificate.ts: by hash). */
const CERTIFICATE_ECDSA_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ecdsa_secp521r1_sha512,
];
/** RFC 8446 §4.2.3: the ECDSA scheme bound to each curve we support. */
const ECDSA_SCHEME_OF_CURVE = {
  'P-256': SignatureScheme.ecdsa_secp256r1_sha256,
  'P-384': SignatureScheme.ecdsa_secp384r1_sha384,
  'P-521': SignatureScheme.ecdsa_secp521r1_sha512,
} as const;
/** RFC 8446 §4.2.3: the rsa_pss_pss_* scheme with the hash of each rsa_pss_rsae_* scheme. */
const PSS_SCHEME_OF_RSAE: Readonly<Record<number, number>> = {
  [SignatureScheme.rsa_pss_rsae_sha256]: SignatureScheme.rsa_pss_pss_sha256,
  [SignatureScheme.rsa_pss_rsae_sha384]: SignatureScheme.rsa_pss_pss_sha384,
  [SignatureScheme.rsa_pss_rsae_sha512]: SignatureScheme.rsa_pss_pss_sha512,
};
/** RFC 5280 §4.2.1.12 KeyPurposeIds. */
const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', any: '2.5.29.37.0' } as const;
/**
 * Most bytes of certificates in one peer list: Go's bound on a Certificate message (256 KiB),
 * four times our 64 KiB handshake message limit, so every chain a handshake can carry fits;
 * it bounds parsing for direct callers of `verify`.
 */
const MAX_CHAIN_BYTES = 256 * 1024;
/** Longest path searched (leaf + intermediates, the anchor not counted). */
const MAX_PATH_DEPTH = 8;
/** Most signature verifications in one validation (rustls-webpki, after Go's fix for CVE-2018-16875). */
const MAX_SIGNATURE_CHECKS = 100;
/** Most candidate issuers considered in one validation (a real path needs a handful). */
const MAX_CANDIDATE_VISITS = 256;
/** Most name-constraint comparisons (one name against one subtree) in one validation (Go's and rustls-webpki's bound). */
const MAX_NAME_CONSTRAINT_COMPARISONS = 250_000;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;
