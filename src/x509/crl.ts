/**
 * @module crl
 * Certificate revocation lists supplied by the caller (RFC 5280 §5), read with the strict DER
 * reader and indexed once by serial number, then checked as RFC 5280 §6.3 (the subset
 * rustls-webpki implements): a CRL applies to a certificate when its issuer Name is the
 * certificate's issuer and its signature verifies under the issuer's key (with cRLSign when the
 * issuer has keyUsage, §6.3.3 (f)); it must be current (thisUpdate/nextUpdate, §6.3.3 (a)(2) with
 * the clock skew of ocsp.ts). Complete CRLs only: delta CRLs (§5.2.4), indirect CRLs (§5.2.5
 * indirectCRL) and CRLs scoped to a distribution point or to some reasons (§5.2.5) are refused
 * when loaded, as are CRLs with a critical extension or entry extension we do not process
 * (§5.2, §5.3: "MUST NOT use that CRL").
 *
 *   CertificateList  ::=  SEQUENCE  {
 *        tbsCertList          TBSCertList,
 *        signatureAlgorithm   AlgorithmIdentifier,
 *        signatureValue       BIT STRING  }
 *   TBSCertList  ::=  SEQUENCE  {
 *        version                 Version OPTIONAL, -- if present, MUST be v2
 *        signature               AlgorithmIdentifier,
 *        issuer                  Name,
 *        thisUpdate              Time,
 *        nextUpdate              Time OPTIONAL,
 *        revokedCertificates     SEQUENCE OF SEQUENCE  {
 *             userCertificate         CertificateSerialNumber,
 *             revocationDate          Time,
 *             crlEntryExtensions      Extensions OPTIONAL } OPTIONAL,
 *        crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
 */
import { equalBytes, toHex } from '../bytes/bytes.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { TlsError } from '../errors.ts';
import { AlertDescription } from '../protocol/registry.ts';
import {
  checkDerForms,
  checkInteger,
  expectTag,
  KeyUsageBit,
  nameToText,
  oidText,
  parseTime,
  readBoolean,
  readExtensionList,
  readSmallInteger,
  signatureSchemeOfAlgorithm,
  type ParsedCertificate,
} from './certificate.ts';
import { DerTag, derError, readChildren, readSingle, type Tlv } from './der.ts';
import { REVOCATION_CLOCK_SKEW_MS } from './ocsp.ts';
import { pemDecode, pemTextOf } from './pem.ts';
import { CertificateError, checkSignedBy, type SignedObject, type WorkBudget } from './verifier.ts';

/** A parsed complete CRL (RFC 5280 §5.1), its revoked serials indexed. */
export interface ParsedCrl extends SignedObject {
  readonly der: Uint8Array;
  /** The issuer Name's DER, matched byte for byte against certificates' issuer (as path building does). */
  readonly issuerDer: Uint8Array;
  readonly issuerText: string;
  readonly thisUpdate: number;
  readonly nextUpdate: number;
  /**
   * Which certificates it covers (issuingDistributionPoint, RFC 5280 §5.2.5): all, only
   * end-entity certificates (onlyContainsUserCerts) or only CA certificates (onlyContainsCACerts).
   */
  readonly scope: 'all' | 'end-entity' | 'ca';
  /** Revoked serial numbers (INTEGER contents in lower-case hex, as ParsedCertificate) → revocationDate. */
  readonly revoked: ReadonlyMap<string, number>;
}

/** What a CRL says about one certificate. */
export type CrlVerdict = { readonly status: 'good' } | { readonly status: 'revoked'; readonly revocationDate: number };

/**
 * Parses one DER CRL and indexes its revoked serials.
 * @throws TlsError bad_certificate when malformed, or when it is a kind we refuse (delta,
 *   indirect, partitioned, an unknown critical (entry) extension, no nextUpdate)
 * @example const crl = parseCrl(readFileSync('ca.crl'));
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const outer = readSingle(der, DerTag.SEQUENCE, 'CertificateList');
  checkDerForms(outer.value, 0);
  const [tbs, sigAlg, sig, ...extra] = readChildren(outer.value, 'CertificateList');
  if (tbs === undefined || sigAlg === undefined || sig === undefined || extra.length > 0) throw derError('CertificateList: expected 3 elements');
  expectTag(tbs, DerTag.SEQUENCE, 'tbsCertList');
  expectTag(sigAlg, DerTag.SEQUENCE, 'signatureAlgorithm');
  expectTag(sig, DerTag.BIT_STRING, 'signatureValue');
  if (sig.value[0] !== 0) throw derError('CRL signatureValue has unused bits');
  const kids = readChildren(tbs.value, 'tbsCertList');
  let i = 0;
  let version = 0; // v1
  if (kids[0]?.tag === DerTag.INTEGER) {
    // RFC 5280 §5.1.2.1: "This optional field [...] MUST be v2" (1) when present.
    version = readSmallInteger(kids[i++] as Tlv, 'CRL version');
    if (version !== 1) throw derError('CRL version is not v2');
  }
  const signature = kids[i++];
  const issuer = kids[i++];
  const thisUpdateTlv = kids[i++];
  if (signature === undefined || issuer === undefined || thisUpdateTlv === undefined) throw derError('tbsCertList: too few fields');
  // RFC 5280 §5.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier as the
  // signature field in the sequence tbsCertList".
  if (!equalBytes(signature.raw, sigAlg.raw)) throw derError('CRL signatureAlgorithm differs from tbsCertList.signature');
  expectTag(issuer, DerTag.SEQUENCE, 'CRL issuer');
  const thisUpdate = parseTime(thisUpdateTlv);
  let nextUpdate: number | undefined;
  const next = kids[i];
  if (next?.tag === UTC_TIME || next?.tag === GENERALIZED_TIME) {
    nextUpdate = parseTime(next);
    i++;
  }
  // RFC 5280 §5.1.2.5: "Conforming CRL issuers MUST include the nextUpdate time in all CRLs": a
  // CRL without it could be replayed for ever.
  if (nextUpdate === undefined) throw derError('CRL without nextUpdate');
  const revoked = new Map<string, number>();
  if (kids[i]?.tag === DerTag.SEQUENCE) readRevoked(kids[i++] as Tlv, version, revoked);
  let scope: ParsedCrl['scope'] = 'all';
  const exts = kids[i];
  if (exts !== undefined) {
    expectTag(exts, 0xa0, 'crlExtensions');
    if (version !== 1) throw derError('crlExtensions in a v1 CRL');
    scope = readCrlExtensions(readSingle(exts.value, DerTag.SEQUENCE, 'crlExtensions'));
    i++;
  }
  if (i !== kids.length) throw derError('tbsCertList: unexpected field');
  return {
    der,
    tbsDer: tbs.raw,
    signatureAlgorithm: signatureSchemeOfAlgorithm(sigAlg),
    signatureAlgorithmOid: oidText(readChildren(sigAlg.value, 'signatureAlgorithm')[0] as Tlv, 'signatureAlgorithm'),
    signatureAlgorithmDer: sigAlg.raw,
    signature: sig.value.subarray(1),
    issuerDer: issuer.raw,
    issuerText: nameToText(issuer),
    thisUpdate,
    nextUpdate,
    scope,
    revoked,
  };
}

/**
 * The CRLs by issuer Name, indexed once; `verdict` answers for one certificate of a validated
 * path. Signatures that verified are remembered per CRL and issuer key (up to a few keys), so
 * a CRL costs one signature check per issuer key, not one per handshake.
 */
export class CrlIndex {
  readonly #byIssuer = new Map<string, ParsedCrl[]>();
  readonly #verifiedKeys = new Map<ParsedCrl, Uint8Array[]>();

  constructor(crls: readonly ParsedCrl[]) {
    for (const c of crls) {
      const k = toHex(c.issuerDer);
      const list = this.#byIssuer.get(k);
      if (list === undefined) this.#byIssuer.set(k, [c]);
      else list.push(c);
    }
  }

  get size(): number {
    return this.#byIssuer.size;
  }

  /**
   * RFC 5280 §6.3.3 for `cert` (at `depth` of the path) issued by `issuer`: undefined when no
   * CRL of this issuer (by Name) covers the certificate's kind; otherwise the verdict of the
   * CRLs signed by `issuer`'s key.
   * @throws CertificateError certificate_unknown (crl_unusable) when the issuer's CRLs are not
   *   signed by its key, lack cRLSign, or none is current
   */
  verdict(cert: ParsedCertificate, issuer: ParsedCertificate, depth: number, now: number, provider: CryptoProvider, budget: WorkBudget): CrlVerdict | undefined {
    const kind = cert.isCa ? 'ca' : 'end-entity';
    const candidates = (this.#byIssuer.get(toHex(cert.issuerDer)) ?? []).filter((c) => c.scope === 'all' || c.scope === kind);
    if (candidates.length === 0) return undefined;
    const unusable = (why: string): CertificateError =>
      new CertificateError(AlertDescription.certificate_unknown, 'crl_unusable', depth, cert.subjectText, `CRL of ${issuer.subjectText}: ${why}`);
    // RFC 5280 §6.3.3 (f): "If a key usage extension is present in the CRL issuer's certificate,
    // verify that the cRLSign bit is set."
    if (issuer.keyUsage !== undefined && (issuer.keyUsage & (1 << KeyUsageBit.cRLSign)) === 0) throw unusable('the issuer keyUsage lacks cRLSign');
    let firstProblem: string | undefined;
    let revoked: number | undefined;
    let current = false;
    for (const crl of candidates) {
      // RFC 5280 §6.3.3 (a)(2): the CRL is current (with the clock skew revocation allows).
      if (now + REVOCATION_CLOCK_SKEW_MS < crl.thisUpdate) {
        firstProblem ??= `not valid before ${new Date(crl.thisUpdate).toISOString()} (thisUpdate)`;
        continue;
      }
      if (now > crl.nextUpdate + REVOCATION_CLOCK_SKEW_MS) {
        firstProblem ??= `expired at ${new Date(crl.nextUpdate).toISOString()} (nextUpdate)`;
        continue;
      }
      // RFC 5280 §6.3.3 (g): the CRL signature under the issuer's key.
      const sigErr = this.#checkSignature(crl, issuer, depth, provider, budget);
      if (sigErr !== undefined) {
        firstProblem ??= sigErr.message;
        continue;
      }
      current = true;
      const date = crl.revoked.get(cert.serialNumberHex);
      if (date !== undefined) revoked ??= date;
    }
    if (!current) throw unusable(firstProblem ?? 'none usable');
    return revoked === undefined ? { status: 'good' } : { status: 'revoked', revocationDate: revoked };
  }

  #checkSignature(crl: ParsedCrl, issuer: ParsedCertificate, depth: number, provider: CryptoProvider, budget: WorkBudget): CertificateError | undefined {
    const known = this.#verifiedKeys.get(crl) ?? [];
    if (known.some((k) => equalBytes(k, issuer.subjectPublicKeyBits))) return undefined;
    budget.signature(depth + 1, issuer.subjectText);
    const err = checkSignedBy(crl, `CRL of ${crl.issuerText}`, issuer, depth + 1, provider, undefined);
    if (err === undefined && known.length < MAX_REMEMBERED_KEYS) this.#verifiedKeys.set(crl, [...known, issuer.subjectPublicKeyBits]);
    return err;
  }
}

/**
 * Parses caller CRLs: DER, or PEM ("X509 CRL" blocks, RFC 7468 §6) as text or bytes.
 * @throws Error naming the CRL (its index) when one is malformed or of a kind we refuse
 */
export function parseCrls(inputs: readonly (Uint8Array | string)[]): ParsedCrl[] {
  const out: ParsedCrl[] = [];
  for (const [n, input] of inputs.entries()) {
    const text = typeof input === 'string' ? input : pemTextOf(input);
    const ders = text === undefined ? [input as Uint8Array] : pemDecode(text).filter((b) => b.label === 'X509 CRL').map((b) => b.der);
    if (ders.length === 0) throw new Error(`crl ${n}: no X509 CRL block in PEM input`);
    for (const der of ders) {
      try {
        out.push(parseCrl(der));
      } catch (e) {
        if (!(e instanceof TlsError)) throw e;
        throw new Error(`crl ${n}: ${e.message.replace(/^certificate: /, '')}`, { cause: e });
      }
    }
  }
  return out;
}

/** revokedCertificates: each entry's serial and date; entry extensions must be ones we may ignore. */
function readRevoked(list: Tlv, version: number, into: Map<string, number>): void {
  for (const entry of readChildren(list.value, 'revokedCertificates')) {
    expectTag(entry, DerTag.SEQUENCE, 'revokedCertificate');
    const [serial, date, exts, ...extra] = readChildren(entry.value, 'revokedCertificate');
    if (serial === undefined || date === undefined || extra.length > 0) throw derError('revokedCertificate: bad field count');
    expectTag(serial, DerTag.INTEGER, 'userCertificate');
    checkInteger(serial.value, 'userCertificate');
    const when = parseTime(date);
    if (exts !== undefined) {
      expectTag(exts, DerTag.SEQUENCE, 'crlEntryExtensions');
      if (version !== 1) throw derError('crlEntryExtensions in a v1 CRL');
      // RFC 5280 §5.3: "If a CRL contains a critical CRL entry extension that the application
      // cannot process, then the application MUST NOT use that CRL". certificateIssuer (§5.3.3,
      // always critical) makes it an indirect CRL, which we do not support.
      const critical = readExtensionList(exts).find((e) => e.critical);
      if (critical !== undefined) throw derError(`CRL entry extension ${critical.id} is critical (unsupported)`);
    }
    const key = toHex(serial.value);
    if (!into.has(key)) into.set(key, when);
  }
}

/**
 * RFC 5280 §5.2: crlExtensions. issuingDistributionPoint (§5.2.5) is read for its scope; a
 * deltaCRLIndicator (§5.2.4) or any other critical extension makes the CRL one we refuse.
 */
function readCrlExtensions(exts: Tlv): ParsedCrl['scope'] {
  let scope: ParsedCrl['scope'] = 'all';
  for (const e of readExtensionList(exts)) {
    if (e.id === EXT_DELTA_CRL_INDICATOR) throw derError('delta CRLs are not supported');
    if (e.id === EXT_ISSUING_DISTRIBUTION_POINT) scope = readIssuingDistributionPoint(e.value);
    else if (e.critical) throw derError(`critical CRL extension ${e.id} is not supported`);
  }
  return scope;
}

/**
 * RFC 5280 §5.2.5:
 *   IssuingDistributionPoint ::= SEQUENCE {
 *        distributionPoint          [0] DistributionPointName OPTIONAL,
 *        onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
 *        onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
 *        onlySomeReasons            [3] ReasonFlags OPTIONAL,
 *        indirectCRL                [4] BOOLEAN DEFAULT FALSE,
 *        onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
 * Only the two scopes by certificate kind are supported; a distribution point (a partitioned
 * CRL), some reasons, an indirect CRL or attribute certificates are refused.
 */
function readIssuingDistributionPoint(value: Uint8Array): ParsedCrl['scope'] {
  const seq = readSingle(value, DerTag.SEQUENCE, 'issuingDistributionPoint');
  let scope: ParsedCrl['scope'] = 'all';
  let last = -1;
  for (const k of readChildren(seq.value, 'issuingDistributionPoint')) {
    const n = k.tag & 0x1f;
    if ((k.tag & 0xc0) !== 0x80 || n <= last || n > 5) throw derError('issuingDistributionPoint: unexpected field');
    last = n;
    if (n === 0) throw derError('CRLs scoped to a distribution point (partitioned CRLs) are not supported');
    if (n === 3) throw derError('CRLs for only some reasons are not supported');
    // [1], [2], [4], [5] IMPLICIT BOOLEAN DEFAULT FALSE: DER encodes only TRUE (X.690 §11.5).
    if (!readBoolean({ tag: DerTag.BOOLEAN, value: k.value, raw: k.raw }, 'issuingDistributionPoint flag')) {
      throw derError('issuingDistributionPoint: DEFAULT FALSE encoded');
    }
    if (n === 4) throw derError('indirect CRLs are not supported');
    if (n === 5) throw derError('CRLs of attribute certificates are not usable for TLS');
    if (scope !== 'all') throw derError('issuingDistributionPoint: both onlyContainsUserCerts and onlyContainsCACerts');
    scope = n === 1 ? 'end-entity' : 'ca';
  }
  return scope;
}

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const MAX_REMEMBERED_KEYS = 4;
const EXT_DELTA_CRL_INDICATOR = '2.5.29.27';
const EXT_ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
