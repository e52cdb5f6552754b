/**
 * @module ocsp
 * Stapled OCSP responses (RFC 6960, delivered in a CertificateEntry, RFC 8446 §4.4.2.1): a strict
 * DER reader of OCSPResponse / BasicOCSPResponse (§4.2.1) over der.ts, and the checks that make
 * one an answer about one certificate (§3.2, §4.2.2.2): the CertID names it and its issuer, the
 * signature is by the issuer or by a responder the issuer delegated to, and it is fresh. The
 * response is hostile peer input: its size, its SingleResponses and its certificates are bounded,
 * and its signature checks are drawn from the path's work budget.
 *
 *   OCSPResponse ::= SEQUENCE {
 *      responseStatus         OCSPResponseStatus,          -- ENUMERATED, successful (0)
 *      responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
 *   ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
 *   BasicOCSPResponse ::= SEQUENCE {
 *      tbsResponseData      ResponseData,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signature            BIT STRING,
 *      certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 *   ResponseData ::= SEQUENCE {
 *      version              [0] EXPLICIT Version DEFAULT v1,
 *      responderID              ResponderID,               -- byName [1] Name | byKey [2] KeyHash
 *      producedAt               GeneralizedTime,
 *      responses                SEQUENCE OF SingleResponse,
 *      responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
 *   SingleResponse ::= SEQUENCE {
 *      certID                       CertID,
 *      certStatus                   CertStatus,            -- good [0] | revoked [1] | unknown [2]
 *      thisUpdate                   GeneralizedTime,
 *      nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
 *      singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
 *   CertID ::= SEQUENCE {
 *      hashAlgorithm       AlgorithmIdentifier,
 *      issuerNameHash      OCTET STRING, -- Hash of issuer's DN
 *      issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
 *      serialNumber        CertificateSerialNumber }
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
  oidText,
  parseCertificate,
  parseTime,
  readExtensionList,
  signatureSchemeOfAlgorithm,
  type ParsedCertificate,
} from './certificate.ts';
import { DerTag, derError, readChildren, readSingle, type Tlv } from './der.ts';
import { CertificateError, checkCriticalExtensions, checkSignedBy, checkValidity, type SignedObject, type WorkBudget } from './verifier.ts';

/** What one SingleResponse says about a certificate (RFC 6960 §2.2). */
export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

/** One SingleResponse (RFC 6960 §4.2.1). */
export interface OcspSingleResponse {
  /** CertID.hashAlgorithm as a dotted OID. */
  readonly hashAlgorithm: string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** CertID.serialNumber contents in lower-case hex (as ParsedCertificate.serialNumberHex). */
  readonly serialNumberHex: string;
  readonly status: OcspCertStatus;
  /** RevokedInfo.revocationTime (ms since the epoch) when revoked. */
  readonly revocationTime: number | undefined;
  readonly thisUpdate: number;
  readonly nextUpdate: number | undefined;
  /** extnIDs of critical singleExtensions (we interpret none). */
  readonly criticalExtensions: readonly string[];
}

/** A parsed successful basic OCSP response (RFC 6960 §4.2.1). */
export interface OcspResponse extends SignedObject {
  /** ResponderID byName: the Name's DER; undefined for byKey. */
  readonly responderName: Uint8Array | undefined;
  /** ResponderID byKey: SHA-1 of the responder's public key bits; undefined for byName. */
  readonly responderKeyHash: Uint8Array | undefined;
  readonly producedAt: number;
  readonly responses: readonly OcspSingleResponse[];
  /** Certificates that help verify the signature (a delegated responder's), DER. */
  readonly certs: readonly Uint8Array[];
  /** extnIDs of critical responseExtensions (we interpret none). */
  readonly criticalExtensions: readonly string[];
}

/** Largest stapled response read (real ones are 0.5-3 KB, with a responder certificate). */
export const MAX_OCSP_RESPONSE_BYTES: number = 16 * 1024;
/** Most SingleResponses in one response (a staple answers for one certificate; responders batch a few). */
export const MAX_OCSP_SINGLE_RESPONSES: number = 16;
/** Most certificates in one response (a delegated responder's, perhaps with its issuer). */
export const MAX_OCSP_CERTS: number = 4;
/**
 * Clock skew allowed on thisUpdate and nextUpdate (and on CRLs' thisUpdate/nextUpdate): a
 * response produced up to 5 minutes "in the future" or expired up to 5 minutes ago is still
 * taken (the skew Go's x/crypto/ocsp users and Firefox allow for).
 */
export const REVOCATION_CLOCK_SKEW_MS: number = 5 * 60 * 1000;
/**
 * A response without nextUpdate ("newer information is available all the time", RFC 6960
 * §4.2.2.1) counts as fresh for this long after thisUpdate: the longest validity the CA/Browser
 * Forum Baseline Requirements allow an OCSP response (10 days) is not trusted further.
 */
export const MAX_OCSP_AGE_WITHOUT_NEXT_UPDATE_MS: number = 7 * 24 * 3600 * 1000;

/**
 * Parses a DER OCSPResponse. Only a successful (0) id-pkix-ocsp-basic response is usable; any
 * other status (tryLater, unauthorized, ...) or type is refused.
 * @throws TlsError bad_certificate_status_response when malformed, too large or not usable
 * @example const r = parseOcspResponse(staple); r.responses[0]?.status
 */
export function parseOcspResponse(der: Uint8Array): OcspResponse {
  if (der.length > MAX_OCSP_RESPONSE_BYTES) throw ocspError(`${der.length} bytes (at most ${MAX_OCSP_RESPONSE_BYTES})`);
  try {
    return parseUnchecked(der);
  } catch (e) {
    if (!(e instanceof TlsError)) throw e;
    if (e.alert === AlertDescription.bad_certificate_status_response) throw e;
    throw ocspError(e.message.replace(/^certificate: /, ''), e);
  }
}

/**
 * Checks `response`, stapled for `cert` (at `depth` of the verified path), whose issuer is
 * `issuer` (RFC 6960 §3.2):
 * 1. exactly one SingleResponse whose CertID (SHA-1 or SHA-256) names `issuer`'s subject and key
 *    and `cert`'s serial;
 * 2. the signature is by `issuer`, or by a certificate in the response that `issuer` signed,
 *    valid now, with id-kp-OCSPSigning in extKeyUsage (§4.2.2.2) and, when it has keyUsage,
 *    digitalSignature; the ResponderID names the signer;
 * 3. thisUpdate <= now and now <= nextUpdate (or thisUpdate + 7 days when absent), each with the
 *    clock skew above (§4.2.2.1, §3.2 items 4-5);
 * 4. no critical extension (we interpret none).
 * Each signature check is charged to `budget`.
 * @returns the certificate's status
 * @throws CertificateError bad_certificate_status_response (reason bad_status_response) when the
 *   response does not satisfy these; budget_exceeded when the budget runs out
 */
export function checkOcspResponse(
  response: OcspResponse,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  depth: number,
  now: number,
  provider: CryptoProvider,
  budget: WorkBudget,
): OcspSingleResponse {
  const bad = (why: string, cause?: unknown): CertificateError =>
    new CertificateError(AlertDescription.bad_certificate_status_response, 'bad_status_response', depth, cert.subjectText, `stapled OCSP response: ${why}`, cause);
  if (response.criticalExtensions.length > 0) throw bad(`unknown critical extension ${response.criticalExtensions.join(', ')}`);
  const matching = response.responses.filter((r) => certIdMatches(r, cert, issuer, provider));
  const single = matching[0];
  if (single === undefined) throw bad('no SingleResponse for this certificate (CertID: issuer name, issuer key and serial)');
  if (matching.length > 1) throw bad('more than one SingleResponse for this certificate');
  if (single.criticalExtensions.length > 0) throw bad(`unknown critical singleExtension ${single.criticalExtensions.join(', ')}`);
  const signer = responderOf(response, issuer, depth, now, provider, budget, bad);
  budget.signature(depth, signer.subjectText);
  const sigErr = checkSignedBy(response, 'OCSP response', signer, depth, provider, undefined);
  if (sigErr !== undefined) throw bad(`signature: ${sigErr.message}`, sigErr);
  // RFC 6960 §3.2: "4. The time at which the status being indicated is known to be correct
  // (thisUpdate) is sufficiently recent; 5. When available, the time at or before which newer
  // information will be available about the status of the certificate (nextUpdate) is greater
  // than the current time."
  if (single.thisUpdate > now + REVOCATION_CLOCK_SKEW_MS) throw bad(`not valid before ${iso(single.thisUpdate)} (thisUpdate)`);
  const expires = single.nextUpdate ?? single.thisUpdate + MAX_OCSP_AGE_WITHOUT_NEXT_UPDATE_MS;
  if (now > expires + REVOCATION_CLOCK_SKEW_MS) {
    throw bad(`expired at ${iso(expires)} (${single.nextUpdate === undefined ? 'thisUpdate + 7 days, no nextUpdate' : 'nextUpdate'})`);
  }
  return single;
}

/**
 * RFC 6960 §4.2.2.2: the response is signed by the issuer itself, or by a delegated responder
 * whose certificate the issuer signed directly and which carries id-kp-OCSPSigning. The
 * ResponderID (§4.2.2.3) names the signer, by Name or by the SHA-1 of its key.
 */
function responderOf(
  response: OcspResponse,
  issuer: ParsedCertificate,
  depth: number,
  now: number,
  provider: CryptoProvider,
  budget: WorkBudget,
  bad: (why: string, cause?: unknown) => CertificateError,
): ParsedCertificate {
  if (names(response, issuer, provider)) return issuer;
  let firstReason: string | undefined;
  for (const der of response.certs) {
    let c: ParsedCertificate;
    try {
      c = parseCertificate(der);
    } catch (e) {
      throw bad('malformed responder certificate', e);
    }
    if (!names(response, c, provider)) continue;
    const why = delegationProblem(c, issuer, depth, now, provider, budget);
    if (why === undefined) return c;
    firstReason ??= why;
  }
  throw bad(firstReason ?? 'signed by neither the issuer nor a certificate in the response (ResponderID)');
}

/** Why `c` is not a responder `issuer` delegated to (RFC 6960 §4.2.2.2); undefined when it is. */
function delegationProblem(c: ParsedCertificate, issuer: ParsedCertificate, depth: number, now: number, provider: CryptoProvider, budget: WorkBudget): string | undefined {
  if (!equalBytes(c.issuerDer, issuer.subjectDer)) return `responder ${c.subjectText} is not issued by ${issuer.subjectText}`;
  // RFC 6960 §4.2.2.2: "[...] a certificate for the responder that includes the value of
  // id-kp-OCSPSigning in an extended key usage extension" (anyExtendedKeyUsage does not count).
  if (!c.extKeyUsage?.includes(OID_OCSP_SIGNING)) return `responder ${c.subjectText} lacks id-kp-OCSPSigning in extKeyUsage`;
  if (c.keyUsage !== undefined && (c.keyUsage & (1 << KeyUsageBit.digitalSignature)) === 0) return `responder ${c.subjectText} keyUsage lacks digitalSignature`;
  const rule = checkValidity(c, depth, now) ?? checkCriticalExtensions(c, depth);
  if (rule !== undefined) return `responder certificate: ${rule.message}`;
  budget.signature(depth, c.subjectText);
  const sig = checkSignedBy(c, c.subjectText, issuer, depth, provider, undefined);
  return sig === undefined ? undefined : `responder certificate: ${sig.message}`;
}

/** Whether the ResponderID names `c` (§4.2.2.3: byName is its subject, byKey the SHA-1 of its key bits). */
function names(response: OcspResponse, c: ParsedCertificate, provider: CryptoProvider): boolean {
  if (response.responderName !== undefined) return equalBytes(response.responderName, c.subjectDer);
  const sha1 = provider.sha1;
  return response.responderKeyHash !== undefined && sha1 !== undefined && equalBytes(response.responderKeyHash, sha1(c.subjectPublicKeyBits));
}

/**
 * RFC 6960 §4.1.1: CertID names the certificate by its issuer's Name and public key (hashed with
 * hashAlgorithm: SHA-1, what `openssl ocsp` and most responders use, or SHA-256) and its serial.
 */
function certIdMatches(r: OcspSingleResponse, cert: ParsedCertificate, issuer: ParsedCertificate, provider: CryptoProvider): boolean {
  if (r.serialNumberHex !== cert.serialNumberHex) return false;
  const hash = hashFor(r.hashAlgorithm, provider);
  if (hash === undefined) return false;
  return equalBytes(r.issuerNameHash, hash(cert.issuerDer)) && equalBytes(r.issuerKeyHash, hash(issuer.subjectPublicKeyBits));
}

function hashFor(oid: string, provider: CryptoProvider): ((data: Uint8Array) => Uint8Array) | undefined {
  if (oid === OID_SHA1) return provider.sha1;
  if (oid === OID_SHA256) return (data) => provider.hash('sha256').digest(data);
  return undefined;
}

function parseUnchecked(der: Uint8Array): OcspResponse {
  const outer = readSingle(der, DerTag.SEQUENCE, 'OCSPResponse');
  checkDerForms(outer.value, 0);
  const [statusTlv, bytesTlv, ...extra] = readChildren(outer.value, 'OCSPResponse');
  if (statusTlv === undefined || extra.length > 0) throw derError('OCSPResponse: bad field count');
  expectTag(statusTlv, ENUMERATED, 'responseStatus');
  // RFC 6960 §4.2.1: only successful (0) carries a response; tryLater & co. are not an answer.
  if (statusTlv.value.length !== 1 || statusTlv.value[0] !== 0) throw ocspError(`responseStatus ${toHex(statusTlv.value)} (not successful)`);
  if (bytesTlv === undefined) throw derError('OCSPResponse: successful without responseBytes');
  expectTag(bytesTlv, 0xa0, 'responseBytes');
  const rb = readSingle(bytesTlv.value, DerTag.SEQUENCE, 'ResponseBytes');
  const [typeTlv, respTlv, ...more] = readChildren(rb.value, 'ResponseBytes');
  if (typeTlv === undefined || respTlv === undefined || more.length > 0) throw derError('ResponseBytes: bad field count');
  if (oidText(typeTlv, 'responseType') !== OID_OCSP_BASIC) throw ocspError('responseType is not id-pkix-ocsp-basic');
  expectTag(respTlv, DerTag.OCTET_STRING, 'response');
  return parseBasic(respTlv.value);
}

/** RFC 6960 §4.2.1 BasicOCSPResponse (the contents of ResponseBytes.response). */
function parseBasic(der: Uint8Array): OcspResponse {
  const basic = readSingle(der, DerTag.SEQUENCE, 'BasicOCSPResponse');
  checkDerForms(basic.value, 0);
  const [tbs, sigAlg, sig, certsTlv, ...extra] = readChildren(basic.value, 'BasicOCSPResponse');
  if (tbs === undefined || sigAlg === undefined || sig === undefined || extra.length > 0) throw derError('BasicOCSPResponse: bad field count');
  expectTag(tbs, DerTag.SEQUENCE, 'tbsResponseData');
  expectTag(sigAlg, DerTag.SEQUENCE, 'signatureAlgorithm');
  expectTag(sig, DerTag.BIT_STRING, 'signature');
  if (sig.value[0] !== 0) throw derError('signature has unused bits');
  let certs: Uint8Array[] = [];
  if (certsTlv !== undefined) {
    expectTag(certsTlv, 0xa0, 'certs');
    const list = readChildren(readSingle(certsTlv.value, DerTag.SEQUENCE, 'certs').value, 'certs');
    if (list.length > MAX_OCSP_CERTS) throw ocspError(`${list.length} certificates (at most ${MAX_OCSP_CERTS})`);
    certs = list.map((c) => {
      expectTag(c, DerTag.SEQUENCE, 'certs');
      return c.raw;
    });
  }
  const data = parseResponseData(tbs.value);
  return {
    tbsDer: tbs.raw,
    signatureAlgorithm: signatureSchemeOfAlgorithm(sigAlg),
    signatureAlgorithmOid: oidText(readChildren(sigAlg.value, 'signatureAlgorithm')[0] as Tlv, 'signatureAlgorithm'),
    signatureAlgorithmDer: sigAlg.raw,
    signature: sig.value.subarray(1),
    certs,
    ...data,
  };
}

type ResponseData = Pick<OcspResponse, 'responderName' | 'responderKeyHash' | 'producedAt' | 'responses' | 'criticalExtensions'>;

/** RFC 6960 §4.2.1 ResponseData. */
function parseResponseData(content: Uint8Array): ResponseData {
  const kids = readChildren(content, 'ResponseData');
  // Version ::= INTEGER { v1(0) }: v1 is the only version and the DEFAULT, which DER omits
  // (X.690 §11.5), so a version field is either non-DER or a version we do not know.
  if (kids[0]?.tag === 0xa0) throw derError('ResponseData: explicit version (only the DEFAULT v1 exists)');
  const [rid, producedAtTlv, responsesTlv, extTlv, ...extra] = kids;
  if (rid === undefined || producedAtTlv === undefined || responsesTlv === undefined || extra.length > 0) throw derError('ResponseData: bad field count');
  let responderName: Uint8Array | undefined;
  let responderKeyHash: Uint8Array | undefined;
  if (rid.tag === 0xa1) responderName = readSingle(rid.value, DerTag.SEQUENCE, 'ResponderID byName').raw;
  else if (rid.tag === 0xa2) responderKeyHash = readSingle(rid.value, DerTag.OCTET_STRING, 'ResponderID byKey').value;
  else throw derError('ResponderID: neither byName nor byKey');
  expectTag(producedAtTlv, GENERALIZED_TIME, 'producedAt');
  const producedAt = parseTime(producedAtTlv);
  expectTag(responsesTlv, DerTag.SEQUENCE, 'responses');
  const list = readChildren(responsesTlv.value, 'responses');
  if (list.length > MAX_OCSP_SINGLE_RESPONSES) throw ocspError(`${list.length} SingleResponses (at most ${MAX_OCSP_SINGLE_RESPONSES})`);
  const responses = list.map(parseSingleResponse);
  let criticalExtensions: string[] = [];
  if (extTlv !== undefined) {
    expectTag(extTlv, 0xa1, 'responseExtensions');
    criticalExtensions = criticalIds(extTlv);
  }
  return { responderName, responderKeyHash, producedAt, responses, criticalExtensions };
}

/** RFC 6960 §4.2.1 SingleResponse. */
function parseSingleResponse(t: Tlv): OcspSingleResponse {
  expectTag(t, DerTag.SEQUENCE, 'SingleResponse');
  const [certId, statusTlv, thisUpdateTlv, ...rest] = readChildren(t.value, 'SingleResponse');
  if (certId === undefined || statusTlv === undefined || thisUpdateTlv === undefined) throw derError('SingleResponse: too few fields');
  expectTag(certId, DerTag.SEQUENCE, 'CertID');
  const [alg, nameHash, keyHash, serial, ...more] = readChildren(certId.value, 'CertID');
  if (alg === undefined || nameHash === undefined || keyHash === undefined || serial === undefined || more.length > 0) throw derError('CertID: bad field count');
  expectTag(alg, DerTag.SEQUENCE, 'CertID.hashAlgorithm');
  const [algOid, params, ...algExtra] = readChildren(alg.value, 'CertID.hashAlgorithm');
  if (algOid === undefined || algExtra.length > 0 || (params !== undefined && (params.tag !== DerTag.NULL || params.value.length !== 0))) {
    throw derError('CertID.hashAlgorithm: bad AlgorithmIdentifier');
  }
  expectTag(nameHash, DerTag.OCTET_STRING, 'issuerNameHash');
  expectTag(keyHash, DerTag.OCTET_STRING, 'issuerKeyHash');
  expectTag(serial, DerTag.INTEGER, 'serialNumber');
  checkInteger(serial.value, 'serialNumber');
  let status: OcspCertStatus;
  let revocationTime: number | undefined;
  if (statusTlv.tag === 0x80 && statusTlv.value.length === 0) {
    status = 'good'; // good [0] IMPLICIT NULL
  } else if (statusTlv.tag === 0xa1) {
    // revoked [1] IMPLICIT RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime,
    //   revocationReason [0] EXPLICIT CRLReason OPTIONAL }
    const [time, reason, ...x] = readChildren(statusTlv.value, 'RevokedInfo');
    if (time === undefined || x.length > 0 || (reason !== undefined && reason.tag !== 0xa0)) throw derError('RevokedInfo: bad fields');
    expectTag(time, GENERALIZED_TIME, 'revocationTime');
    revocationTime = parseTime(time);
    status = 'revoked';
  } else if (statusTlv.tag === 0x82 && statusTlv.value.length === 0) {
    status = 'unknown'; // unknown [2] IMPLICIT UnknownInfo (NULL)
  } else {
    throw derError('CertStatus: not good, revoked or unknown');
  }
  expectTag(thisUpdateTlv, GENERALIZED_TIME, 'thisUpdate');
  const thisUpdate = parseTime(thisUpdateTlv);
  let nextUpdate: number | undefined;
  let criticalExtensions: string[] = [];
  let last = -1;
  for (const k of rest) {
    const n = k.tag === 0xa0 ? 0 : k.tag === 0xa1 ? 1 : -1;
    if (n <= last) throw derError('SingleResponse: unexpected field');
    last = n;
    if (n === 0) {
      const nu = readSingle(k.value, GENERALIZED_TIME, 'nextUpdate');
      nextUpdate = parseTime(nu);
    } else {
      criticalExtensions = criticalIds(k);
    }
  }
  return {
    hashAlgorithm: oidText(algOid, 'CertID.hashAlgorithm'),
    issuerNameHash: nameHash.value,
    issuerKeyHash: keyHash.value,
    serialNumberHex: toHex(serial.value),
    status,
    revocationTime,
    thisUpdate,
    nextUpdate,
    criticalExtensions,
  };
}

/** The critical extnIDs of an `[n] EXPLICIT Extensions` field. */
function criticalIds(tagged: Tlv): string[] {
  return readExtensionList(readSingle(tagged.value, DerTag.SEQUENCE, 'extensions'))
    .filter((e) => e.critical)
    .map((e) => e.id);
}

function ocspError(message: string, cause?: unknown): TlsError {
  return new TlsError(AlertDescription.bad_certificate_status_response, `OCSP response: ${message}`, { cause });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const ENUMERATED = 0x0a;
const GENERALIZED_TIME = 0x18;
/** id-pkix-ocsp-basic (RFC 6960 §4.2.1). */
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** id-kp-OCSPSigning (RFC 5280 §4.2.1.12). */
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const OID_SHA1 = '1.3.14.3.2.26';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
