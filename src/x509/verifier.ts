/**
 * @module verifier
 * The `CertificateVerifier` interface and the default verifier: a signature path from the peer's
 * leaf to an explicitly trusted certificate, validity at `now`, and the server name against
 * subjectAltName (RFC 8446 §4.4.2.4, RFC 5280 §6 in reduced form, RFC 6125 §6.4). Every signature
 * is checked through the CryptoProvider. Failures are TlsErrors carrying the RFC 8446 §6.2 alert.
 */
import { equalBytes } from '../bytes/bytes.ts';
import type { CryptoProvider, PublicKey } from '../crypto/provider.ts';
import { TlsError } from '../errors.ts';
import { AlertDescription, nameOf, SignatureScheme } from '../protocol/registry.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';
import { DerTag, readChildren, readSingle } from './der.ts';
import { matchesServerName } from './names.ts';

/** What the handshake hands a verifier. */
export interface VerifyInput {
  /** The peer's certificate_list, leaf first (RFC 8446 §4.4.2). */
  readonly chain: readonly Uint8Array[];
  /** The name we connected to (DNS name or IP literal); undefined skips the name check. */
  readonly serverName: string | undefined;
  /** ms since the epoch. */
  readonly now: number;
  readonly provider: CryptoProvider;
  /** signature_algorithms_cert (or signature_algorithms) we offered (RFC 8446 §4.2.3). */
  readonly signatureSchemes?: readonly number[];
}

/** A verified path: the leaf and the certificates from it up to (and including) the anchor. */
export interface VerifiedChain {
  readonly leaf: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
}

/** Decides whether a peer's certificate chain is acceptable. */
export interface CertificateVerifier {
  /** @throws TlsError with the alert to send when the chain is not acceptable */
  verify(input: VerifyInput): VerifiedChain;
}

/**
 * A verifier that trusts exactly the given certificates (DER): the leaf itself, or a signature
 * path leaf → (0..N certificates from the peer's list, matched by issuer/subject DER) → a trusted
 * certificate. Full RFC 5280 path validation (name constraints, policies, key usage) is not done.
 * Alerts: unknown issuer → unknown_ca; bad signature, MD5-based signature (RFC 8446 §4.4.2.4)
 * or malformed → bad_certificate; expired or not yet valid → certificate_expired; unsupported
 * key or algorithm → unsupported_certificate; name mismatch → certificate_unknown.
 * @throws TlsError bad_certificate (at construction) when a trusted certificate is malformed
 * @example const verifier = trustExactly(parseCertificateChain(readFileSync('ca.pem', 'utf8')));
 */
export function trustExactly(trusted: readonly Uint8Array[]): CertificateVerifier {
  const anchors = trusted.map((der) => parseCertificate(der));
  return {
    verify(input: VerifyInput): VerifiedChain {
      const leafDer = input.chain[0];
      // RFC 8446 §4.4.2.4: an empty Certificate message is handled by the handshake; here it is a bug.
      if (leafDer === undefined) throw bad(AlertDescription.bad_certificate, 'empty certificate chain');
      const peer = input.chain.map((der) => parseCertificate(der));
      const path = buildPath(peer, anchors, input);
      // RFC 5280 §6.1.3 (a)(2): every certificate on the path must be valid at the current time.
      for (const c of path) checkValidity(c, input.now);
      const leaf = path[0] as ParsedCertificate;
      if (input.serverName !== undefined && !matchesServerName(input.serverName, leaf.dnsNames, leaf.ipAddresses)) {
        const names = [...leaf.dnsNames, ...leaf.ipAddresses.map(ipText)];
        throw bad(
          AlertDescription.certificate_unknown,
          `name mismatch: ${JSON.stringify(input.serverName)} not in [${names.join(', ')}]`,
        );
      }
      return { leaf, chain: path };
    },
  };
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
      if (der === undefined) throw bad(AlertDescription.bad_certificate, 'empty certificate chain');
      const leaf = parseCertificate(der);
      if (leaf.publicKey === undefined) {
        throw bad(AlertDescription.unsupported_certificate, `unsupported public key in ${leaf.subjectText}`);
      }
      return { leaf, chain: [leaf] };
    },
  };
}

/**
 * Depth-first search for a path from the leaf to an anchor. The first failure met while trying
 * candidates is reported when no path exists, so a wrong signature is a bad_certificate rather
 * than a generic unknown_ca.
 */
function buildPath(peer: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[], input: VerifyInput): ParsedCertificate[] {
  const leaf = peer[0] as ParsedCertificate;
  let firstFailure: TlsError | undefined;
  const fail = (e: TlsError): void => {
    firstFailure ??= e;
  };
  // Like webpki's signature budget: a hostile list of mutually-signed CAs cannot make us do
  // exponential work.
  let budget = MAX_SIGNATURE_CHECKS;
  const checkBudgeted = (cert: ParsedCertificate, issuer: ParsedCertificate): TlsError | undefined => {
    if (budget-- <= 0) throw bad(AlertDescription.bad_certificate, 'path building gave up (too many signatures to check)');
    return checkSignature(cert, issuer, input);
  };
  const search = (current: ParsedCertificate, path: ParsedCertificate[], used: Set<number>): ParsedCertificate[] | undefined => {
    // The current certificate is itself trusted (byte-identical): done. RFC 8446 §4.2.3: the
    // anchor's own signature is not checked.
    if (anchors.some((a) => equalBytes(a.der, current.der))) return path;
    for (const anchor of anchors) {
      if (!equalBytes(current.issuerDer, anchor.subjectDer)) continue;
      const err = checkBudgeted(current, anchor);
      if (err === undefined) return [...path, anchor];
      fail(err);
    }
    if (path.length >= MAX_CHAIN_DEPTH) return undefined;
    for (const [i, cand] of peer.entries()) {
      if (i === 0 || used.has(i) || !equalBytes(current.issuerDer, cand.subjectDer)) continue;
      // RFC 5280 §4.2.1.9: only a CA certificate may issue certificates.
      if (!cand.isCa) {
        fail(bad(AlertDescription.bad_certificate, `issuer ${cand.subjectText} is not a CA`));
        continue;
      }
      const err = checkBudgeted(current, cand);
      if (err !== undefined) {
        fail(err);
        continue;
      }
      const found = search(cand, [...path, cand], new Set([...used, i]));
      if (found) return found;
    }
    return undefined;
  };
  const path = search(leaf, [leaf], new Set([0]));
  if (path) return path;
  throw firstFailure ?? bad(AlertDescription.unknown_ca, `unknown issuer ${JSON.stringify(lastIssuer(peer))} for ${leaf.subjectText}`);
}

/** Verifies `cert`'s signature under `issuer`'s key; returns the error instead of throwing. */
function checkSignature(cert: ParsedCertificate, issuer: ParsedCertificate, input: VerifyInput): TlsError | undefined {
  const scheme = cert.signatureAlgorithm;
  const key: PublicKey | undefined = issuer.publicKey;
  // RFC 8446 §4.4.2.4: "Any endpoint receiving any certificate which it would need to validate
  // using any signature algorithm using an MD5 hash MUST abort the handshake with a
  // "bad_certificate" alert." (Checked before the generic unsupported-algorithm answer.)
  if (usesMd5(cert)) return bad(AlertDescription.bad_certificate, `${cert.subjectText} is signed with an MD5-based algorithm`);
  if (scheme === undefined) {
    return bad(AlertDescription.unsupported_certificate, `unsupported signature algorithm in ${cert.subjectText}`);
  }
  if (key === undefined) {
    return bad(AlertDescription.unsupported_certificate, `unsupported public key in ${issuer.subjectText}`);
  }
  // RFC 8446 §4.2.3: signatures in certificates must use an algorithm we offered; the default
  // alert for a chain we cannot accept is unsupported_certificate.
  if (input.signatureSchemes !== undefined && !input.signatureSchemes.includes(scheme)) {
    return bad(
      AlertDescription.unsupported_certificate,
      `${cert.subjectText} is signed with ${nameOf(SignatureScheme, scheme)}, which we did not offer`,
    );
  }
  if (!input.provider.verify(scheme, key, cert.tbsDer, cert.signature)) {
    return bad(AlertDescription.bad_certificate, `bad signature on ${cert.subjectText} by ${issuer.subjectText}`);
  }
  return undefined;
}

/**
 * Whether `cert`'s signatureAlgorithm is MD5-based: md5WithRSAEncryption, or an
 * AlgorithmIdentifier whose parameters name id-md5 (e.g. RSASSA-PSS with MD5). Read from the DER
 * because ParsedCertificate maps unsupported algorithms to undefined.
 */
function usesMd5(cert: ParsedCertificate): boolean {
  const sigAlg = readChildren(readSingle(cert.der, DerTag.SEQUENCE, 'Certificate').value, 'Certificate')[1];
  if (sigAlg?.tag !== DerTag.SEQUENCE) return false;
  const [oid, ...params] = readChildren(sigAlg.value, 'signatureAlgorithm');
  if (oid?.tag === DerTag.OID && equalBytes(oid.value, OID_MD5_WITH_RSA)) return true;
  return params.some((p) => containsBytes(p.raw, DER_ID_MD5));
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (equalBytes(haystack.subarray(i, i + needle.length), needle)) return true;
  }
  return false;
}

function checkValidity(c: ParsedCertificate, now: number): void {
  if (now < c.notBefore) {
    throw bad(AlertDescription.certificate_expired, `${c.subjectText} is not valid before ${new Date(c.notBefore).toISOString()}`);
  }
  if (now > c.notAfter) {
    throw bad(AlertDescription.certificate_expired, `${c.subjectText} expired at ${new Date(c.notAfter).toISOString()}`);
  }
}

function lastIssuer(peer: readonly ParsedCertificate[]): string {
  return (peer[peer.length - 1] as ParsedCertificate).issuerText;
}

function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const groups: string[] = [];
  for (let i = 0; i < ip.length; i += 2) groups.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16));
  return groups.join(':');
}

function bad(alert: AlertDescription, message: string): TlsError {
  return new TlsError(alert, `certificate: ${message}`);
}

/** md5WithRSAEncryption, 1.2.840.113549.1.1.4 (RFC 8017 Appendix C), OID contents octets. */
const OID_MD5_WITH_RSA: Uint8Array = new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04]);
/** id-md5, 1.2.840.113549.2.5 (RFC 8017 Appendix C), as a whole DER OBJECT IDENTIFIER. */
const DER_ID_MD5: Uint8Array = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05]);
/** Longest path (leaf + intermediates) we search; bounds the work a hostile peer can cause. */
const MAX_CHAIN_DEPTH = 8;
/** Most signature verifications one path search may do. */
const MAX_SIGNATURE_CHECKS = 64;
