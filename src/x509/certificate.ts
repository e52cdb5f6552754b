/**
 * @module certificate
 * X.509 certificate parsing (RFC 5280 §4.1) into the facts the TLS engine needs: the signed
 * bytes, the signature algorithm as a TLS SignatureScheme (RFC 8446 §4.2.3), the public key, the
 * raw issuer/subject Names for chaining, validity, subjectAltName (RFC 5280 §4.2.1.6) and
 * basicConstraints (RFC 5280 §4.2.1.9). A strict DER reader over der.ts (as Go's crypto/x509 and
 * rustls-webpki do: BER, trailing bytes, non-minimal INTEGERs/OIDs rejected) that reads exactly
 * these fields; the @peculiar ASN.1 schemas are only its test oracle. Malformed input only ever
 * raises TlsError(bad_certificate).
 *
 *   Certificate  ::=  SEQUENCE  {
 *        tbsCertificate       TBSCertificate,
 *        signatureAlgorithm   AlgorithmIdentifier,
 *        signatureValue       BIT STRING  }
 *   TBSCertificate  ::=  SEQUENCE  {
 *        version         [0]  EXPLICIT Version DEFAULT v1,
 *        serialNumber         CertificateSerialNumber,
 *        signature            AlgorithmIdentifier,
 *        issuer               Name,
 *        validity             Validity,
 *        subject              Name,
 *        subjectPublicKeyInfo SubjectPublicKeyInfo,
 *        issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
 *        subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
 *        extensions      [3]  EXPLICIT Extensions OPTIONAL  }
 */
import { equalBytes, toHex } from '../bytes/bytes.ts';
import type { EcCurve, HashName, PublicKey } from '../crypto/provider.ts';
import { TlsError } from '../errors.ts';
import { AlertDescription, SignatureScheme } from '../protocol/registry.ts';
import { DerTag, derError, readChildren, readSingle, stripLeadingZeros, type Tlv } from './der.ts';
import { CURVE_OID, CURVE_SIZE, MGF1_OID, OID, PSS_HASHES } from './oids.ts';
import { pemDecode, pemTextOf } from './pem.ts';

/** The facts of one certificate that TLS needs. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** The DER of tbsCertificate: the bytes the issuer signed (RFC 5280 §4.1.1.3). */
  readonly tbsDer: Uint8Array;
  /** The certificate's signature algorithm as a TLS SignatureScheme; undefined if unsupported. */
  readonly signatureAlgorithm: number | undefined;
  readonly signature: Uint8Array;
  /** The subject public key; undefined if its type is unsupported. */
  readonly publicKey: PublicKey | undefined;
  /** Raw Name DER, for chaining by exact match. */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** e.g. `CN=localhost, O=puretls test`, for errors and printing. */
  readonly subjectText: string;
  readonly issuerText: string;
  /** The serialNumber INTEGER contents in lower-case hex. */
  readonly serialNumberHex: string;
  /** Validity in ms since the epoch (RFC 5280 §4.1.2.5). */
  readonly notBefore: number;
  readonly notAfter: number;
  /** subjectAltName dNSName and iPAddress entries (RFC 5280 §4.2.1.6). */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly Uint8Array[];
  /** basicConstraints cA (RFC 5280 §4.2.1.9); false when absent. */
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint (RFC 5280 §4.2.1.9); undefined when absent. */
  readonly pathLenConstraint: number | undefined;
  /**
   * keyUsage (RFC 5280 §4.2.1.3) as a mask: bit n set when KeyUsage bit n is asserted
   * (`KeyUsageBit`); undefined when the extension is absent.
   */
  readonly keyUsage: number | undefined;
  /** extKeyUsage KeyPurposeIds as dotted OIDs (RFC 5280 §4.2.1.12); undefined when absent. */
  readonly extKeyUsage: readonly string[] | undefined;
  /** nameConstraints (RFC 5280 §4.2.1.10); undefined when absent. */
  readonly nameConstraints: NameConstraints | undefined;
  /** extnIDs of the extensions marked critical that this parser does not interpret (RFC 5280 §4.2). */
  readonly unknownCriticalExtensions: readonly string[];
  /** The signature AlgorithmIdentifier's OID, dotted (to name refused algorithms such as SHA-1). */
  readonly signatureAlgorithmOid: string;
  /** The whole signature AlgorithmIdentifier element (its parameters may name a weak hash). */
  readonly signatureAlgorithmDer: Uint8Array;
  /**
   * The subjectPublicKey BIT STRING's bits (without the unused-bits octet): what an OCSP CertID's
   * issuerKeyHash and a byKey ResponderID hash (RFC 6960 §4.1.1, §4.2.1).
   */
  readonly subjectPublicKeyBits: Uint8Array;
}

/**
 * RFC 5280 §4.2.1.10 name constraints for the two name forms TLS identities use. Per form,
 * `undefined` means "no subtree of this form" (the form is unconstrained in that direction).
 */
export interface NameConstraints {
  readonly permittedDns: readonly string[] | undefined;
  readonly excludedDns: readonly string[] | undefined;
  /** iPAddress subtrees: address and mask of equal length (4 or 16 octets). */
  readonly permittedIp: readonly IpSubtree[] | undefined;
  readonly excludedIp: readonly IpSubtree[] | undefined;
  /**
   * True when a subtree uses a form we do not evaluate (rfc822Name, directoryName, URI, ...) or a
   * minimum/maximum (RFC 5280 §4.2.1.10: minimum MUST be zero, maximum MUST be absent).
   */
  readonly hasUnsupportedForms: boolean;
}

/** An iPAddress name-constraint subtree (RFC 5280 §4.2.1.10: address ‖ mask). */
export interface IpSubtree {
  readonly address: Uint8Array;
  readonly mask: Uint8Array;
}

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * Parses one DER certificate.
 * @throws TlsError bad_certificate when the encoding is malformed
 * @example const cert = parseCertificate(der); cert.dnsNames
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    return parseCertificateUnchecked(der);
  } catch (e) {
    if (e instanceof TlsError) throw e;
    // Defensive: the reader throws only TlsError; anything else is a bug, still reported as bad_certificate.
    const msg = e instanceof Error ? e.message : String(e);
    throw new TlsError(AlertDescription.bad_certificate, `certificate: malformed: ${msg}`, { cause: e });
  }
}

/**
 * Turns a PEM bundle (all "CERTIFICATE" blocks, in order), one DER certificate, or a list of DER
 * certificates into a list of DER certificates. Only framing is checked here.
 * @throws Error when the PEM has no certificate block or a DER input is not one DER SEQUENCE
 */
export function parseCertificateChain(input: string | Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  if (input instanceof Uint8Array) {
    const pem = pemTextOf(input);
    if (pem !== undefined) return parseCertificateChain(pem);
  }
  if (typeof input === 'string') {
    const certs = pemDecode(input)
      .filter((b) => b.label === 'CERTIFICATE')
      .map((b) => b.der);
    if (certs.length === 0) throw new Error('certificate: no CERTIFICATE block in PEM input');
    return certs;
  }
  const list = input instanceof Uint8Array ? [input] : [...input];
  for (const [i, der] of list.entries()) {
    try {
      readSingle(der, DerTag.SEQUENCE, 'Certificate');
    } catch (e) {
      throw new Error(`certificate ${i}: not a DER certificate (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return list;
}

function parseCertificateUnchecked(der: Uint8Array): ParsedCertificate {
  // Frame the structure: exact lengths, no trailing bytes, definite minimal lengths throughout.
  const outer = readSingle(der, DerTag.SEQUENCE, 'Certificate');
  const [tbs, sigAlg, sigValue, ...extra] = readChildren(outer.value, 'Certificate');
  if (tbs === undefined || sigAlg === undefined || sigValue === undefined || extra.length > 0) {
    throw derError('Certificate: expected 3 elements');
  }
  expectTag(tbs, DerTag.SEQUENCE, 'tbsCertificate');
  expectTag(sigAlg, DerTag.SEQUENCE, 'signatureAlgorithm');
  expectTag(sigValue, DerTag.BIT_STRING, 'signatureValue');
  checkDerForms(outer.value, 0);
  const t = parseTbs(tbs.value);
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same as tbsCertificate.signature.
  if (!equalBytes(t.signature.raw, sigAlg.raw)) {
    throw derError('signatureAlgorithm differs from tbsCertificate.signature');
  }
  // X.690 §8.6.2: the first octet counts unused bits; a signature has none.
  if (sigValue.value[0] !== 0) throw derError('signatureValue has unused bits');
  const ext = t.extensions === undefined ? emptyFacts() : parseExtensions(t.extensions);
  const [notBefore, notAfter] = parseValidity(t.validity);
  return {
    der,
    tbsDer: tbs.raw,
    signatureAlgorithm: signatureSchemeOf(parseAlgorithmIdentifier(t.signature, 'signature')),
    signature: sigValue.value.subarray(1),
    publicKey: parseSubjectPublicKeyInfo(t.spki),
    subjectDer: t.subject.raw,
    issuerDer: t.issuer.raw,
    subjectText: nameToText(t.subject),
    issuerText: nameToText(t.issuer),
    serialNumberHex: toHex(t.serial.value),
    notBefore,
    notAfter,
    dnsNames: ext.dnsNames,
    ipAddresses: ext.ipAddresses,
    isCa: ext.isCa,
    pathLenConstraint: ext.pathLenConstraint,
    keyUsage: ext.keyUsage,
    extKeyUsage: ext.extKeyUsage,
    nameConstraints: ext.nameConstraints,
    unknownCriticalExtensions: ext.unknownCriticalExtensions,
    signatureAlgorithmOid: parseAlgorithmIdentifier(t.signature, 'signature').oid,
    signatureAlgorithmDer: sigAlg.raw,
    subjectPublicKeyBits: (readChildren(t.spki.value, 'subjectPublicKeyInfo')[1] as Tlv).value.subarray(1),
  };
}

/**
 * Walks every element (X.690 §10: DER) so that malformed encodings anywhere are rejected, also
 * inside fields we do not interpret (ANY parameters, attribute values): definite minimal lengths
 * (der.ts), no end-of-contents tag (§8.1.5) or reserved universal tag 15 (X.680 §8.4), SEQUENCE/SET constructed and the other universal
 * types primitive (§10.2), and well-formed BOOLEAN, INTEGER, BIT STRING, NULL, OID contents.
 */
export function checkDerForms(content: Uint8Array, depth: number): void {
  if (depth > MAX_DEPTH) throw derError('nested too deeply');
  for (const t of readChildren(content, 'Certificate')) {
    const constructed = (t.tag & 0x20) !== 0;
    if ((t.tag & 0xc0) === 0) {
      const num = t.tag & 0x1f;
      if (num === 0 || num === 15 || constructed !== UNIVERSAL_CONSTRUCTED.has(num)) {
        throw derError(`universal tag 0x${t.tag.toString(16)} in a form DER does not allow`);
      }
      checkPrimitive(t);
    }
    if (constructed) checkDerForms(t.value, depth + 1);
  }
}

/**
 * X.690 §8.2, §8.3, §8.6, §8.8, §8.19 contents rules for the universal primitives that have them,
 * the fixed-width string lengths and the RFC 5280 §4.1.2.5 time formats.
 */
function checkPrimitive(t: Tlv): void {
  switch (t.tag) {
    case DerTag.BOOLEAN:
      readBoolean(t, 'BOOLEAN');
      return;
    case DerTag.INTEGER:
      checkInteger(t.value, 'INTEGER');
      return;
    case DerTag.BIT_STRING:
      checkBitString(t.value, 'BIT STRING');
      return;
    case DerTag.NULL:
      if (t.value.length !== 0) throw derError('NULL with contents');
      return;
    case DerTag.OID:
      oidText(t, 'OBJECT IDENTIFIER');
      return;
    case 0x1c: // UniversalString, UCS-4
    case 0x1e: // BMPString, UCS-2
      attributeValueText(t);
      return;
    case 0x17: // UTCTime
    case 0x18: // GeneralizedTime
      parseTime(t);
      return;
    default:
      return;
  }
}

interface TbsFields {
  readonly serial: Tlv;
  readonly signature: Tlv;
  readonly issuer: Tlv;
  readonly validity: Tlv;
  readonly subject: Tlv;
  readonly spki: Tlv;
  /** The `[3]` Extensions SEQUENCE, when present. */
  readonly extensions: Tlv | undefined;
}

/** RFC 5280 §4.1.2: the TBSCertificate fields in order, with the optional ones in tag order. */
function parseTbs(content: Uint8Array): TbsFields {
  const kids = readChildren(content, 'tbsCertificate');
  let i = 0;
  let version = 0; // v1 (DEFAULT)
  const first = kids[0];
  if (first?.tag === 0xa0) {
    version = parseVersion(first);
    i = 1;
  }
  const serial = kids[i++];
  const signature = kids[i++];
  const issuer = kids[i++];
  const validity = kids[i++];
  const subject = kids[i++];
  const spki = kids[i++];
  if (!serial || !signature || !issuer || !validity || !subject || !spki) throw derError('tbsCertificate: too few fields');
  expectTag(serial, DerTag.INTEGER, 'serialNumber');
  checkInteger(serial.value, 'serialNumber');
  expectTag(signature, DerTag.SEQUENCE, 'signature');
  expectTag(issuer, DerTag.SEQUENCE, 'issuer');
  expectTag(validity, DerTag.SEQUENCE, 'validity');
  expectTag(subject, DerTag.SEQUENCE, 'subject');
  expectTag(spki, DerTag.SEQUENCE, 'subjectPublicKeyInfo');
  // Optional issuerUniqueID [1], subjectUniqueID [2] (primitive BIT STRINGs) and extensions [3],
  // in increasing tag order, nothing else.
  let last = 0;
  let extensions: Tlv | undefined;
  for (const k of kids.slice(i)) {
    const n = k.tag === 0x81 ? 1 : k.tag === 0x82 ? 2 : k.tag === 0xa3 ? 3 : -1;
    if (n <= last) throw derError(`tbsCertificate: unexpected field with tag 0x${k.tag.toString(16)}`);
    last = n;
    if (n === 3) extensions = readSingle(k.value, DerTag.SEQUENCE, 'extensions');
    else checkBitString(k.value, 'uniqueIdentifier');
  }
  // RFC 5280 §4.1.2.9: extensions only in v3 certificates.
  if (extensions !== undefined && version < 2) throw derError('extensions in a certificate older than v3');
  return { serial, signature, issuer, validity, subject, spki, extensions };
}

/** RFC 5280 §4.1.2.1: Version ::= INTEGER { v1(0), v2(1), v3(2) }, inside `[0] EXPLICIT`. */
function parseVersion(tagged: Tlv): number {
  const v = readSingle(tagged.value, DerTag.INTEGER, 'version');
  checkInteger(v.value, 'version');
  const n = smallUint(v.value);
  if (n < 0 || n > 2) throw derError('version: not v1, v2 or v3');
  return n;
}

/**
 * RFC 5280 §4.1.2.5: Validity ::= SEQUENCE { notBefore Time, notAfter Time }, parsed strictly
 * (impossible dates such as month 13 are rejected, not normalised).
 */
function parseValidity(validity: Tlv): [number, number] {
  const times = readChildren(validity.value, 'validity');
  if (times.length !== 2) throw derError('validity: expected notBefore and notAfter');
  return [parseTime(times[0] as Tlv), parseTime(times[1] as Tlv)];
}

/**
 * RFC 5280 §4.1.2.5.1 UTCTime `YYMMDDHHMMSSZ` (YY >= 50 → 19YY, else 20YY) and §4.1.2.5.2
 * GeneralizedTime `YYYYMMDDHHMMSSZ`: seconds present, Zulu, no fractions.
 */
export function parseTime(t: Tlv): number {
  let s = '';
  for (const c of t.value) s += String.fromCharCode(c);
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    year = Number(m[1]);
  } else {
    throw derError(`validity: malformed time ${JSON.stringify(s)}`);
  }
  const [mo, d, h, mi, se] = [2, 3, 4, 5, 6].map((i) => Number(m?.[i]));
  const ms = Date.UTC(year, (mo as number) - 1, d, h, mi, se);
  const back = new Date(ms);
  // Reject impossible dates (Date.UTC would roll 2020-13-99 over into 2021).
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== (mo as number) - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== se
  ) {
    throw derError(`validity: impossible time ${JSON.stringify(s)}`);
  }
  return ms;
}

interface ExtensionFacts {
  dnsNames: string[];
  ipAddresses: Uint8Array[];
  isCa: boolean;
  pathLenConstraint: number | undefined;
  keyUsage: number | undefined;
  extKeyUsage: string[] | undefined;
  nameConstraints: NameConstraints | undefined;
  unknownCriticalExtensions: string[];
}

/** One Extension (RFC 5280 §4.1): its extnID, critical flag and the extnValue OCTET STRING's contents. */
export interface Extension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/**
 * RFC 5280 §4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, Extension ::= SEQUENCE {
 * extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }; each extnID
 * at most once (§4.2: "MUST NOT include more than one instance of a particular extension"; the
 * same rule holds for CRLs, §5.2, and OCSP, RFC 6960 §4.4). Also read by ocsp.ts and crl.ts.
 */
export function readExtensionList(exts: Tlv): Extension[] {
  const seen = new Set<string>();
  const out: Extension[] = [];
  for (const e of readChildren(exts.value, 'extensions')) {
    expectTag(e, DerTag.SEQUENCE, 'extension');
    const kids = readChildren(e.value, 'extension');
    const [idTlv, second, third, ...extra] = kids;
    if (idTlv === undefined || second === undefined || extra.length > 0) throw derError('extension: bad field count');
    const id = oidText(idTlv, 'extnID');
    let valueTlv = second;
    let critical = false;
    if (third !== undefined) {
      critical = readBoolean(second, 'critical');
      valueTlv = third;
    }
    expectTag(valueTlv, DerTag.OCTET_STRING, 'extnValue');
    if (seen.has(id)) throw derError(`duplicate extension ${id}`);
    seen.add(id);
    out.push({ id, critical, value: valueTlv.value });
  }
  return out;
}

/** RFC 5280 §4.2: the extensions we interpret; any other critical one is recorded as unknown. */
function parseExtensions(exts: Tlv): ExtensionFacts {
  const facts: ExtensionFacts = emptyFacts();
  for (const { id, critical, value } of readExtensionList(exts)) {
    if (id === EXT.basicConstraints) readBasicConstraints(value, facts);
    else if (id === EXT.subjectAltName) readSubjectAltName(value, facts);
    else if (id === EXT.keyUsage) facts.keyUsage = readKeyUsage(value);
    else if (id === EXT.extKeyUsage) facts.extKeyUsage = readExtKeyUsage(value);
    else if (id === EXT.nameConstraints) facts.nameConstraints = readNameConstraints(value);
    else if (critical) facts.unknownCriticalExtensions.push(id);
  }
  return facts;
}

/** RFC 5280 §4.2.1.9: BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }. */
function readBasicConstraints(value: Uint8Array, facts: ExtensionFacts): void {
  const seq = readSingle(value, DerTag.SEQUENCE, 'basicConstraints');
  const kids = readChildren(seq.value, 'basicConstraints');
  let i = 0;
  let cA = false;
  if (kids[0]?.tag === DerTag.BOOLEAN) cA = readBoolean(kids[i++] as Tlv, 'basicConstraints.cA');
  const pathLen = kids[i];
  if (pathLen !== undefined) {
    const n = readSmallInteger(pathLen, 'basicConstraints.pathLenConstraint');
    if (n < 0) throw derError('basicConstraints: pathLenConstraint out of range');
    facts.pathLenConstraint = n;
    i++;
  }
  if (i !== kids.length) throw derError('basicConstraints: unexpected field');
  facts.isCa = cA;
}

/** RFC 5280 §4.2.1.3: KeyUsage ::= BIT STRING { digitalSignature (0), ..., decipherOnly (8) }. */
function readKeyUsage(value: Uint8Array): number {
  const bits = readSingle(value, DerTag.BIT_STRING, 'keyUsage').value;
  checkBitString(bits, 'keyUsage');
  // X.690 §11.2.1: the unused bits of a DER BIT STRING are zero.
  const lastByte = bits[bits.length - 1] as number;
  if (bits.length > 1 && (lastByte & ((1 << (bits[0] as number)) - 1)) !== 0) throw derError('keyUsage: unused bits set');
  let mask = 0;
  for (let n = 0; n < 9; n++) {
    const byte = bits[1 + (n >> 3)];
    if (byte !== undefined && (byte & (0x80 >> (n & 7))) !== 0) mask |= 1 << n;
  }
  return mask;
}

/** RFC 5280 §4.2.1.12: ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (an OID). */
function readExtKeyUsage(value: Uint8Array): string[] {
  const seq = readSingle(value, DerTag.SEQUENCE, 'extKeyUsage');
  const ids = readChildren(seq.value, 'extKeyUsage').map((k) => oidText(k, 'KeyPurposeId'));
  if (ids.length === 0) throw derError('extKeyUsage is empty');
  return ids;
}

/**
 * RFC 5280 §4.2.1.10:
 *   NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 *                                  excludedSubtrees  [1] GeneralSubtrees OPTIONAL }
 *   GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
 *   GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0,
 *                                 maximum [1] BaseDistance OPTIONAL }
 * dNSName [2] and iPAddress [7] (address ‖ mask, 8 or 32 octets) bases are read; any other form
 * sets hasUnsupportedForms.
 */
function readNameConstraints(value: Uint8Array): NameConstraints {
  const seq = readSingle(value, DerTag.SEQUENCE, 'nameConstraints');
  const kids = readChildren(seq.value, 'nameConstraints');
  let unsupported = false;
  const out: { dns: string[] | undefined; ip: IpSubtree[] | undefined }[] = [
    { dns: undefined, ip: undefined },
    { dns: undefined, ip: undefined },
  ];
  let last = -1;
  for (const k of kids) {
    const n = k.tag === 0xa0 ? 0 : k.tag === 0xa1 ? 1 : -1;
    if (n <= last) throw derError('nameConstraints: unexpected field');
    last = n;
    const subtrees = readChildren(k.value, 'GeneralSubtrees');
    // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
    if (subtrees.length === 0) throw derError('nameConstraints: empty GeneralSubtrees');
    const slot = out[n] as { dns: string[] | undefined; ip: IpSubtree[] | undefined };
    for (const st of subtrees) {
      expectTag(st, DerTag.SEQUENCE, 'GeneralSubtree');
      const [base, ...rest] = readChildren(st.value, 'GeneralSubtree');
      if (base === undefined) throw derError('GeneralSubtree: no base');
      if (rest.length > 0) unsupported = true;
      if (base.tag === 0x82) {
        (slot.dns ??= []).push(ia5(base.value, 'nameConstraints: dNSName'));
      } else if (base.tag === 0x87) {
        if (base.value.length !== 8 && base.value.length !== 32) throw derError('nameConstraints: iPAddress of bad length');
        const half = base.value.length / 2;
        (slot.ip ??= []).push({ address: base.value.slice(0, half), mask: base.value.slice(half) });
      } else {
        unsupported = true;
      }
    }
  }
  if (kids.length === 0) throw derError('nameConstraints: empty');
  const [p, x] = out as [{ dns: string[] | undefined; ip: IpSubtree[] | undefined }, { dns: string[] | undefined; ip: IpSubtree[] | undefined }];
  return { permittedDns: p.dns, excludedDns: x.dns, permittedIp: p.ip, excludedIp: x.ip, hasUnsupportedForms: unsupported };
}

function ia5(b: Uint8Array, what: string): string {
  let s = '';
  for (const c of b) {
    if (c > 0x7e || c < 0x20) throw derError(`${what} is not printable IA5String`);
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * RFC 5280 §4.2.1.6: GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, where
 * dNSName [2] IA5String and iPAddress [7] OCTET STRING (4 or 16 octets) are the ones TLS uses.
 */
function readSubjectAltName(value: Uint8Array, facts: ExtensionFacts): void {
  const seq = readSingle(value, DerTag.SEQUENCE, 'subjectAltName');
  const names = readChildren(seq.value, 'subjectAltName');
  if (names.length === 0) throw derError('subjectAltName is empty');
  for (const n of names) {
    if (n.tag === 0x82) {
      facts.dnsNames.push(ia5(n.value, 'subjectAltName: dNSName'));
    } else if (n.tag === 0x87) {
      if (n.value.length !== 4 && n.value.length !== 16) throw derError('subjectAltName: iPAddress of bad length');
      facts.ipAddresses.push(n.value.slice());
    }
  }
}

/** RFC 5280 §4.1.1.2: AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
interface AlgorithmId {
  readonly oid: string;
  /** The parameters element, undefined when absent. */
  readonly params: Tlv | undefined;
}

function parseAlgorithmIdentifier(t: Tlv, what: string): AlgorithmId {
  expectTag(t, DerTag.SEQUENCE, what);
  const [oid, params, ...extra] = readChildren(t.value, what);
  if (oid === undefined || extra.length > 0) throw derError(`${what}: bad AlgorithmIdentifier`);
  // X.690 §8.8.2: NULL has no contents octets.
  if (params?.tag === DerTag.NULL && params.value.length !== 0) throw derError(`${what}: NULL with contents`);
  return { oid: oidText(oid, what), params };
}

/**
 * A signature AlgorithmIdentifier element (of a certificate, an OCSP response or a CRL) as a TLS
 * SignatureScheme, as for certificates below; undefined when unsupported.
 */
export function signatureSchemeOfAlgorithm(t: Tlv): number | undefined {
  return signatureSchemeOf(parseAlgorithmIdentifier(t, 'signatureAlgorithm'));
}

/**
 * Maps the certificate signature AlgorithmIdentifier to a TLS SignatureScheme (RFC 8446 §4.2.3).
 * X.509 ECDSA names no curve (the signer's key has it): ecdsa-with-SHA256/384/512 map by their
 * hash to ecdsa_secp256r1_sha256 / ecdsa_secp384r1_sha384 / ecdsa_secp521r1_sha512, as OpenSSL
 * and rustls map them, and are verified on the issuer key's curve
 * (`CryptoProvider.verifyCertificateSignature`).
 */
function signatureSchemeOf(alg: AlgorithmId): number | undefined {
  const absent = alg.params === undefined;
  const absentOrNull = nullOrAbsent(alg);
  switch (alg.oid) {
    // RFC 5758 §3.2: ECDSA signature AlgorithmIdentifiers MUST omit the parameters.
    case SIG_OID.ecdsaWithSha256:
      return absent ? SignatureScheme.ecdsa_secp256r1_sha256 : undefined;
    case SIG_OID.ecdsaWithSha384:
      return absent ? SignatureScheme.ecdsa_secp384r1_sha384 : undefined;
    case SIG_OID.ecdsaWithSha512:
      return absent ? SignatureScheme.ecdsa_secp521r1_sha512 : undefined;
    // RFC 8410 §3: Ed25519 and Ed448 parameters MUST be absent.
    case OID.ed25519:
      return absent ? SignatureScheme.ed25519 : undefined;
    case OID.ed448:
      return absent ? SignatureScheme.ed448 : undefined;
    // RFC 4055 §5: PKCS#1 v1.5 parameters are NULL (absent is tolerated, as most verifiers do).
    case SIG_OID.sha256WithRsa:
      return absentOrNull ? SignatureScheme.rsa_pkcs1_sha256 : undefined;
    case SIG_OID.sha384WithRsa:
      return absentOrNull ? SignatureScheme.rsa_pkcs1_sha384 : undefined;
    case SIG_OID.sha512WithRsa:
      return absentOrNull ? SignatureScheme.rsa_pkcs1_sha512 : undefined;
    case OID.rsassaPss: {
      const hash = alg.params === undefined || alg.params.tag === DerTag.NULL ? undefined : rsaPssParamsHash(alg.params);
      return hash === undefined ? undefined : RSAE_SCHEME_OF_HASH[hash];
    }
    default:
      return undefined;
  }
}

/**
 * RFC 4055 §3.1 RSASSA-PSS-params → their hash, accepted only in the shapes TLS 1.3 can express
 * (RFC 8446 §4.2.3 rsa_pss_*): hash SHA-256/384/512, MGF1 with the same hash, salt length equal
 * to the hash length, trailerField 1; undefined for any other shape. The DEFAULTs (SHA-1,
 * MGF1-SHA-1, salt 20) never qualify. For signature algorithms and public keys here, and for
 * id-RSASSA-PSS private keys (keys.ts).
 *
 *   RSASSA-PSS-params  ::=  SEQUENCE  {
 *       hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
 *       maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
 *       saltLength         [2] INTEGER DEFAULT 20,
 *       trailerField       [3] INTEGER DEFAULT 1  }
 */
export function rsaPssParamsHash(params: Tlv): HashName | undefined {
  expectTag(params, DerTag.SEQUENCE, 'RSASSA-PSS-params');
  const fields: (Tlv | undefined)[] = [undefined, undefined, undefined, undefined];
  let last = -1;
  for (const k of readChildren(params.value, 'RSASSA-PSS-params')) {
    const n = k.tag - 0xa0;
    if (n < 0 || n > 3 || n <= last) throw derError('RSASSA-PSS-params: unexpected field');
    last = n;
    fields[n] = readTlvSingle(k.value, 'RSASSA-PSS-params');
  }
  const [hashF, mgfF, saltF, trailerF] = fields;
  const hashAlg = hashF === undefined ? undefined : parseAlgorithmIdentifier(hashF, 'hashAlgorithm');
  const mgfAlg = mgfF === undefined ? undefined : parseAlgorithmIdentifier(mgfF, 'maskGenAlgorithm');
  const salt = saltF === undefined ? 20 : readSmallInteger(saltF, 'saltLength');
  const trailer = trailerF === undefined ? 1 : readSmallInteger(trailerF, 'trailerField');
  const hash = hashAlg === undefined ? undefined : PSS_HASHES.find((h) => h.oid === hashAlg.oid);
  if (hashAlg === undefined || hash === undefined || !nullOrAbsent(hashAlg)) return undefined;
  if (mgfAlg === undefined || mgfAlg.oid !== MGF1_OID || mgfAlg.params === undefined || mgfAlg.params.tag === DerTag.NULL) {
    return undefined;
  }
  const mgfHash = parseAlgorithmIdentifier(mgfAlg.params, 'MGF1 hash');
  if (mgfHash.oid !== hashAlg.oid || !nullOrAbsent(mgfHash)) return undefined;
  if (salt !== hash.len || trailer !== 1) return undefined;
  return hash.name;
}

/**
 * RFC 5280 §4.1.2.7: SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
 * subjectPublicKey BIT STRING } → PublicKey, or undefined when the key type is unsupported.
 */
function parseSubjectPublicKeyInfo(spki: Tlv): PublicKey | undefined {
  const [algTlv, keyTlv, ...extra] = readChildren(spki.value, 'subjectPublicKeyInfo');
  if (algTlv === undefined || keyTlv === undefined || extra.length > 0) throw derError('subjectPublicKeyInfo: bad field count');
  const alg = parseAlgorithmIdentifier(algTlv, 'subjectPublicKeyInfo.algorithm');
  expectTag(keyTlv, DerTag.BIT_STRING, 'subjectPublicKey');
  // Every key format we read is a whole number of octets (rustls-webpki requires the same).
  if (keyTlv.value[0] !== 0) throw derError('subjectPublicKey: unused bits');
  const key = keyTlv.value.subarray(1);
  switch (alg.oid) {
    case OID.ecPublicKey: {
      // RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL,
      // specifiedCurve ... }; "specifiedCurve ... MUST NOT be used", implicitCurve is unsupported.
      const p = alg.params;
      if (p === undefined || p.tag === DerTag.NULL) return undefined;
      if (p.tag !== DerTag.OID) throw derError('subjectPublicKeyInfo: EC parameters are not a named curve');
      const oid = oidText(p, 'namedCurve');
      const curve = EC_CURVES.find((c) => CURVE_OID[c] === oid);
      // RFC 5480 §2.2: uncompressed points (0x04 ‖ X ‖ Y) only.
      if (curve === undefined || key.length !== 1 + 2 * CURVE_SIZE[curve] || key[0] !== 0x04) return undefined;
      return { type: 'ec', curve, point: key.slice() };
    }
    case OID.ed25519:
      // RFC 8410 §4: 32-octet public key, parameters absent.
      if (alg.params !== undefined || key.length !== 32) return undefined;
      return { type: 'ed25519', key: key.slice() };
    case OID.ed448:
      // RFC 8410 §4: 57-octet public key, parameters absent.
      if (alg.params !== undefined || key.length !== 57) return undefined;
      return { type: 'ed448', key: key.slice() };
    case OID.rsassaPss: {
      // RFC 4055 §1.2, §3.1: an RSAPublicKey restricted to RSASSA-PSS; absent parameters leave
      // the hash open, present ones fix it. Parameters no TLS 1.3 signature can honour (RFC 8446
      // §4.2.3: MGF1 with the same SHA-2 hash, salt = hash length) make the key unsupported.
      // An explicit NULL is not RSASSA-PSS-params (RFC 4055 §3.1 omits, never NULLs, them).
      if (alg.params?.tag === DerTag.NULL) return undefined;
      const hash = alg.params === undefined ? undefined : rsaPssParamsHash(alg.params);
      if (alg.params !== undefined && hash === undefined) return undefined;
      const rsa = parseRsaPublicKey(key);
      return { ...rsa, pss: hash === undefined ? {} : { hash } };
    }
    case OID.rsaEncryption:
      return parseRsaPublicKey(key);
    default:
      return undefined;
  }
}

/** RFC 8017 §A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
function parseRsaPublicKey(key: Uint8Array): PublicKey & { readonly type: 'rsa' } {
  const seq = readSingle(key, DerTag.SEQUENCE, 'RSAPublicKey');
  const [n, e, ...more] = readChildren(seq.value, 'RSAPublicKey');
  if (n === undefined || e === undefined || more.length > 0) throw derError('RSAPublicKey: bad field count');
  expectTag(n, DerTag.INTEGER, 'RSAPublicKey.modulus');
  expectTag(e, DerTag.INTEGER, 'RSAPublicKey.publicExponent');
  checkInteger(n.value, 'RSAPublicKey.modulus');
  checkInteger(e.value, 'RSAPublicKey.publicExponent');
  return { type: 'rsa', n: stripLeadingZeros(n.value), e: stripLeadingZeros(e.value) };
}

/**
 * RFC 5280 §4.1.2.4: Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue)
 * as RFC 4514-style text, in encoding order (as OpenSSL prints it): `CN=x, O=y`. Unknown
 * attribute types print as dotted OIDs, values of non-string types as `#` + hex of their DER.
 */
export function nameToText(name: Tlv): string {
  const rdns: string[] = [];
  for (const rdn of readChildren(name.value, 'Name')) {
    expectTag(rdn, DerTag.SET, 'RelativeDistinguishedName');
    const parts: string[] = [];
    for (const atv of readChildren(rdn.value, 'RelativeDistinguishedName')) {
      expectTag(atv, DerTag.SEQUENCE, 'AttributeTypeAndValue');
      const [type, value, ...extra] = readChildren(atv.value, 'AttributeTypeAndValue');
      if (type === undefined || value === undefined || extra.length > 0) throw derError('AttributeTypeAndValue: bad field count');
      const oid = oidText(type, 'AttributeType');
      parts.push(`${ATTR_NAMES[oid] ?? oid}=${attributeValueText(value)}`);
    }
    rdns.push(parts.join('+'));
  }
  return rdns.join(', ');
}

/**
 * RFC 5280 §4.1.2.4 DirectoryString (TeletexString, PrintableString, UniversalString, UTF8String,
 * BMPString) and IA5String as text (der.ts has already rejected constructed, i.e. BER, strings).
 */
function attributeValueText(v: Tlv): string {
  const b = v.value;
  switch (v.tag) {
    case 0x13: // PrintableString
    case 0x14: // TeletexString (read as Latin-1)
    case 0x16: // IA5String
      return latin1(b);
    case 0x0c: {
      // UTF8String
      // Created on first use (an import must not need TextDecoder); BOMs are kept, as the oracle does.
      utf8Decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      try {
        return utf8Decoder.decode(b);
      } catch {
        throw derError('Name: UTF8String is not UTF-8');
      }
    }
    case 0x1e: {
      // BMPString: UCS-2 big-endian.
      if (b.length % 2 !== 0) throw derError('BMPString of odd length');
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode(((b[i] as number) << 8) | (b[i + 1] as number));
      return s;
    }
    case 0x1c: {
      // UniversalString: UCS-4 big-endian.
      if (b.length % 4 !== 0) throw derError('UniversalString length not a multiple of 4');
      let s = '';
      for (let i = 0; i < b.length; i += 4) {
        const cp = ((b[i] as number) * 0x1000000) + (((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number));
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw derError('UniversalString has an invalid code point');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return `#${toHex(v.raw)}`;
  }
}

/**
 * X.690 §8.19: OBJECT IDENTIFIER contents as dotted text; each subidentifier minimal (no leading
 * 0x80 octet) and complete, arcs below 2^53.
 */
export function oidText(t: Tlv, what: string): string {
  expectTag(t, DerTag.OID, what);
  const b = t.value;
  if (b.length === 0) throw derError(`${what}: empty OBJECT IDENTIFIER`);
  let s = '';
  let v = 0;
  let start = true;
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (start && c === 0x80) throw derError(`${what}: non-minimal OBJECT IDENTIFIER`);
    if (v > MAX_ARC_BEFORE_SHIFT) throw derError(`${what}: OBJECT IDENTIFIER arc too large`);
    v = v * 128 + (c & 0x7f);
    start = (c & 0x80) === 0;
    if (!start) continue;
    if (s === '') s = v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
    else s += `.${v}`;
    v = 0;
  }
  if (!start) throw derError(`${what}: truncated OBJECT IDENTIFIER`);
  return s;
}

/** X.690 §8.3.2: INTEGER contents are non-empty and minimal (no redundant leading 0x00/0xff). */
export function checkInteger(b: Uint8Array, what: string): void {
  const b0 = b[0];
  if (b0 === undefined) throw derError(`${what}: empty INTEGER`);
  const b1 = b[1];
  if (b1 !== undefined && ((b0 === 0 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80))) {
    throw derError(`${what}: non-minimal INTEGER`);
  }
}

/** A minimal INTEGER element's value when it is in 0..2^31-1, else -1. */
export function readSmallInteger(t: Tlv, what: string): number {
  expectTag(t, DerTag.INTEGER, what);
  checkInteger(t.value, what);
  return smallUint(t.value);
}

function smallUint(b: Uint8Array): number {
  if (b.length > 4 || ((b[0] as number) & 0x80) !== 0) return -1;
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
}

/** X.690 §11.1: a DER BOOLEAN is one octet, 0x00 or 0xFF. */
export function readBoolean(t: Tlv, what: string): boolean {
  expectTag(t, DerTag.BOOLEAN, what);
  if (t.value.length !== 1 || (t.value[0] !== 0 && t.value[0] !== 0xff)) throw derError(`${what}: not a DER BOOLEAN`);
  return t.value[0] === 0xff;
}

/** X.690 §8.6.2: unused-bits octet 0..7, and 0 for an empty bit string. */
function checkBitString(b: Uint8Array, what: string): void {
  const unused = b[0];
  if (unused === undefined || unused > 7 || (b.length === 1 && unused !== 0)) throw derError(`${what}: malformed BIT STRING`);
}

/** The single element filling `content` (an EXPLICIT tag's contents). */
function readTlvSingle(content: Uint8Array, what: string): Tlv {
  const [t, ...extra] = readChildren(content, what);
  if (t === undefined || extra.length > 0) throw derError(`${what}: expected one element`);
  return t;
}

export function expectTag(t: Tlv, tag: number, what: string): void {
  if (t.tag !== tag) throw derError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
}

function nullOrAbsent(a: AlgorithmId): boolean {
  return a.params === undefined || a.params.tag === DerTag.NULL;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

const MAX_DEPTH = 32;
const UNIVERSAL_CONSTRUCTED: ReadonlySet<number> = new Set([8, 11, 16, 17, 29]);
let utf8Decoder: InstanceType<typeof TextDecoder> | undefined;
function emptyFacts(): ExtensionFacts {
  return {
    dnsNames: [],
    ipAddresses: [],
    isCa: false,
    pathLenConstraint: undefined,
    keyUsage: undefined,
    extKeyUsage: undefined,
    nameConstraints: undefined,
    unknownCriticalExtensions: [],
  };
}
/** Largest value that can take one more base-128 digit and stay below 2^53. */
const MAX_ARC_BEFORE_SHIFT = Math.floor((Number.MAX_SAFE_INTEGER - 127) / 128);
const SIG_OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
} as const;
const EC_CURVES: readonly EcCurve[] = ['P-256', 'P-384', 'P-521'];
/** RFC 8446 §4.2.3: an X.509 RSASSA-PSS signature is verified as rsa_pss_rsae_* of its hash. */
const RSAE_SCHEME_OF_HASH: Readonly<Record<HashName, number>> = {
  sha256: SignatureScheme.rsa_pss_rsae_sha256,
  sha384: SignatureScheme.rsa_pss_rsae_sha384,
  sha512: SignatureScheme.rsa_pss_rsae_sha512,
};
const EXT = {
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  nameConstraints: '2.5.29.30',
} as const;
const ATTR_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};
