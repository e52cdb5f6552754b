/**
 * @module test/unit/x509/_oracle
 * The @peculiar/asn1-schema based certificate parser that src/x509/certificate.ts used before
 * it became a strict DER reader, kept verbatim as the test oracle (oracle.test.ts): the same
 * RFC 5280 §4.1 fields, read through the ASN.1 schema library after the der.ts framing checks.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  type GeneralSubtrees,
  KeyUsage,
  NameConstraints,
  type Extension,
  type Name,
  type SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { ECParameters } from '@peculiar/asn1-ecc';
import { RSAPublicKey, RsaSaPssParams } from '@peculiar/asn1-rsa';
import { equalBytes, toHex } from '../../../src/bytes/bytes.ts';
import type { PublicKey } from '../../../src/crypto/provider.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription, SignatureScheme } from '../../../src/protocol/registry.ts';
import type { IpSubtree, NameConstraints as NameConstraintFacts, ParsedCertificate } from '../../../src/x509/certificate.ts';
import { checkDerTree, DerTag, derError, readChildren, readSingle, stripLeadingZeros, type Tlv } from '../../../src/x509/der.ts';
import { CURVE_OID, OID } from '../../../src/x509/oids.ts';

/** parseCertificate as it was with the @peculiar schemas (TlsError bad_certificate on malformed input). */
export function oracleParseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    return oracleUnchecked(der);
  } catch (e) {
    if (e instanceof TlsError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TlsError(AlertDescription.bad_certificate, `certificate: malformed: ${msg}`, { cause: e });
  }
}

function oracleUnchecked(der: Uint8Array): ParsedCertificate {
  // Frame the structure with the strict DER walker first: exact lengths, no trailing bytes.
  const outer = readSingle(der, DerTag.SEQUENCE, 'Certificate');
  const [tbs, sigAlg, sigValue, ...extra] = readChildren(outer.value, 'Certificate');
  if (tbs === undefined || sigAlg === undefined || sigValue === undefined || extra.length > 0) {
    throw derError('Certificate: expected 3 elements');
  }
  expectTag(tbs, DerTag.SEQUENCE, 'tbsCertificate');
  expectTag(sigAlg, DerTag.SEQUENCE, 'signatureAlgorithm');
  expectTag(sigValue, DerTag.BIT_STRING, 'signatureValue');
  checkDerTree(outer.value, 'Certificate');
  const raw = frameTbs(tbs.value);
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same as tbsCertificate.signature.
  if (!equalBytes(raw.signature.raw, sigAlg.raw)) {
    throw derError('signatureAlgorithm differs from tbsCertificate.signature');
  }
  // X.690 §8.6.2: the first octet counts unused bits; a signature has none.
  if (sigValue.value[0] !== 0) throw derError('signatureValue has unused bits');

  const cert = AsnConvert.parse(der, Certificate);
  const t = cert.tbsCertificate;
  const ext = parseExtensions(t.extensions ?? []);
  if (t.version < 2 && t.extensions !== undefined) throw derError('extensions in a certificate older than v3');
  const [notBefore, notAfter] = parseValidity(raw.validity);
  return {
    der,
    tbsDer: tbs.raw,
    signatureAlgorithm: signatureSchemeOf(cert.signatureAlgorithm),
    signature: sigValue.value.subarray(1),
    publicKey: publicKeyOf(t.subjectPublicKeyInfo),
    subjectDer: raw.subject.raw,
    issuerDer: raw.issuer.raw,
    subjectText: nameToText(t.subject),
    issuerText: nameToText(t.issuer),
    serialNumberHex: toHex(new Uint8Array(t.serialNumber)),
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
    signatureAlgorithmOid: cert.signatureAlgorithm.algorithm,
    signatureAlgorithmDer: sigAlg.raw,
    subjectPublicKeyBits: new Uint8Array(t.subjectPublicKeyInfo.subjectPublicKey),
  };
}

/** Raw TLVs of the TBSCertificate fields needed byte-exact. */
function frameTbs(content: Uint8Array): { signature: Tlv; issuer: Tlv; validity: Tlv; subject: Tlv } {
  const kids = readChildren(content, 'tbsCertificate');
  let i = kids[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const serial = kids[i++];
  const signature = kids[i++];
  const issuer = kids[i++];
  const validity = kids[i++];
  const subject = kids[i++];
  const spki = kids[i++];
  if (!serial || !signature || !issuer || !validity || !subject || !spki) throw derError('tbsCertificate: too few fields');
  expectTag(serial, DerTag.INTEGER, 'serialNumber');
  expectTag(signature, DerTag.SEQUENCE, 'signature');
  expectTag(issuer, DerTag.SEQUENCE, 'issuer');
  expectTag(validity, DerTag.SEQUENCE, 'validity');
  expectTag(subject, DerTag.SEQUENCE, 'subject');
  expectTag(spki, DerTag.SEQUENCE, 'subjectPublicKeyInfo');
  // Optional [1], [2], [3] in increasing order, nothing else.
  let last = 0;
  for (const k of kids.slice(i)) {
    const n = k.tag === 0x81 || k.tag === 0x82 || k.tag === 0xa1 || k.tag === 0xa2 ? k.tag & 0x0f : k.tag === 0xa3 ? 3 : -1;
    if (n <= last) throw derError(`tbsCertificate: unexpected field with tag 0x${k.tag.toString(16)}`);
    last = n;
  }
  return { signature, issuer, validity, subject };
}

/**
 * RFC 5280 §4.1.2.5: Validity ::= SEQUENCE { notBefore Time, notAfter Time }, parsed strictly
 * here (the schema library normalises impossible dates such as month 13 instead of rejecting them).
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
function parseTime(t: Tlv): number {
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
  nameConstraints: NameConstraintFacts | undefined;
  unknownCriticalExtensions: string[];
}

/** RFC 5280 §4.2: the extensions we interpret; each may appear at most once. */
function parseExtensions(exts: Iterable<Extension>): ExtensionFacts {
  const seen = new Set<string>();
  const facts: ExtensionFacts = {
    dnsNames: [],
    ipAddresses: [],
    isCa: false,
    pathLenConstraint: undefined,
    keyUsage: undefined,
    extKeyUsage: undefined,
    nameConstraints: undefined,
    unknownCriticalExtensions: [],
  };
  for (const e of exts) {
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(e.extnID)) throw derError(`duplicate extension ${e.extnID}`);
    seen.add(e.extnID);
    const value = new Uint8Array(e.extnValue.buffer, e.extnValue.byteOffset, e.extnValue.byteLength);
    if (e.extnID === EXT.basicConstraints) {
      readSingle(value, DerTag.SEQUENCE, 'basicConstraints');
      const bc = AsnConvert.parse(value, BasicConstraints);
      facts.isCa = bc.cA;
      if (bc.pathLenConstraint !== undefined) {
        if (bc.pathLenConstraint < 0 || bc.pathLenConstraint > 0x7fffffff) throw derError('pathLenConstraint out of range');
        facts.pathLenConstraint = bc.pathLenConstraint;
      }
    } else if (e.extnID === EXT.subjectAltName) {
      readSubjectAltName(value, facts);
    } else if (e.extnID === EXT.keyUsage) {
      readSingle(value, DerTag.BIT_STRING, 'keyUsage');
      facts.keyUsage = AsnConvert.parse(value, KeyUsage).toNumber() & 0x1ff;
    } else if (e.extnID === EXT.extKeyUsage) {
      readSingle(value, DerTag.SEQUENCE, 'extKeyUsage');
      const eku = AsnConvert.parse(value, ExtendedKeyUsage);
      if (eku.length === 0) throw derError('extKeyUsage is empty');
      facts.extKeyUsage = [...eku];
    } else if (e.extnID === EXT.nameConstraints) {
      readSingle(value, DerTag.SEQUENCE, 'nameConstraints');
      facts.nameConstraints = nameConstraintsOf(AsnConvert.parse(value, NameConstraints));
    } else if (e.critical) {
      facts.unknownCriticalExtensions.push(e.extnID);
    }
  }
  return facts;
}

function nameConstraintsOf(nc: NameConstraints): NameConstraintFacts {
  let unsupported = false;
  const side = (trees: GeneralSubtrees | undefined): { dns: string[] | undefined; ip: IpSubtree[] | undefined } => {
    let dns: string[] | undefined;
    let ip: IpSubtree[] | undefined;
    if (trees !== undefined && trees.length === 0) throw derError('nameConstraints: empty GeneralSubtrees');
    for (const t of trees ?? []) {
      if ((t.minimum ?? 0) !== 0 || t.maximum !== undefined) unsupported = true;
      if (t.base.dNSName !== undefined) (dns ??= []).push(t.base.dNSName);
      else if (t.base.iPAddress !== undefined) {
        const b = new Uint8Array(AsnConvert.serialize(t.base)).subarray(2);
        const half = b.length / 2;
        (ip ??= []).push({ address: b.slice(0, half), mask: b.slice(half) });
      } else unsupported = true;
    }
    return { dns, ip };
  };
  if (nc.permittedSubtrees === undefined && nc.excludedSubtrees === undefined) throw derError('nameConstraints: empty');
  const p = side(nc.permittedSubtrees);
  const x = side(nc.excludedSubtrees);
  return { permittedDns: p.dns, excludedDns: x.dns, permittedIp: p.ip, excludedIp: x.ip, hasUnsupportedForms: unsupported };
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
      let s = '';
      for (const c of n.value) {
        if (c > 0x7e || c < 0x20) throw derError('subjectAltName: dNSName is not printable IA5String');
        s += String.fromCharCode(c);
      }
      facts.dnsNames.push(s);
    } else if (n.tag === 0x87) {
      if (n.value.length !== 4 && n.value.length !== 16) throw derError('subjectAltName: iPAddress of bad length');
      facts.ipAddresses.push(n.value.slice());
    }
  }
}

/** Maps the certificate signature AlgorithmIdentifier to a TLS SignatureScheme (RFC 8446 §4.2.3). */
function signatureSchemeOf(alg: AlgorithmIdentifier): number | undefined {
  const params = alg.parameters;
  const absent = params === undefined;
  const absentOrNull = absent || params === null || isDerNull(params);
  switch (alg.algorithm) {
    // RFC 5758 §3.2: ECDSA signature AlgorithmIdentifiers MUST omit the parameters.
    case SIG_OID.ecdsaWithSha256:
      return absent ? SignatureScheme.ecdsa_secp256r1_sha256 : undefined;
    case SIG_OID.ecdsaWithSha384:
      return absent ? SignatureScheme.ecdsa_secp384r1_sha384 : undefined;
    case SIG_OID.ecdsaWithSha512:
      return absent ? SignatureScheme.ecdsa_secp521r1_sha512 : undefined;
    // RFC 8410 §3: Ed25519 parameters MUST be absent.
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
    case OID.rsassaPss:
      return params instanceof ArrayBuffer ? pssSchemeOf(params) : undefined;
    default:
      return undefined;
  }
}

/**
 * RFC 4055 §3.1 RSASSA-PSS-params, accepted only in the shapes TLS 1.3 can express
 * (RFC 8446 §4.2.3 rsa_pss_*): hash SHA-256/384/512, MGF1 with the same hash, salt length equal
 * to the hash length, trailerField 1.
 */
function pssSchemeOf(params: ArrayBuffer): number | undefined {
  const p = AsnConvert.parse(params, RsaSaPssParams);
  const hash = HASH_BY_OID[p.hashAlgorithm.algorithm];
  if (hash === undefined || !nullOrAbsent(p.hashAlgorithm)) return undefined;
  if (p.maskGenAlgorithm.algorithm !== MGF1_OID || !(p.maskGenAlgorithm.parameters instanceof ArrayBuffer)) return undefined;
  const mgfHash = AsnConvert.parse(p.maskGenAlgorithm.parameters, AlgorithmIdentifier);
  if (mgfHash.algorithm !== p.hashAlgorithm.algorithm || !nullOrAbsent(mgfHash)) return undefined;
  if (p.saltLength !== hash.len || p.trailerField !== 1) return undefined;
  return hash.scheme;
}

/** SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) → PublicKey, or undefined when unsupported. */
function publicKeyOf(spki: SubjectPublicKeyInfo): PublicKey | undefined {
  const alg = spki.algorithm;
  const key = new Uint8Array(spki.subjectPublicKey);
  switch (alg.algorithm) {
    case OID.ecPublicKey: {
      // RFC 5480 §2.1.1: namedCurve; §2.2: uncompressed points (0x04 ‖ X ‖ Y) only.
      if (!(alg.parameters instanceof ArrayBuffer)) return undefined;
      const namedCurve = AsnConvert.parse(alg.parameters, ECParameters).namedCurve;
      const curve = (['P-256', 'P-384', 'P-521'] as const).find((c) => CURVE_OID[c] === namedCurve);
      const size = curve === undefined ? 0 : { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[curve];
      if (curve === undefined || key.length !== 1 + 2 * size || key[0] !== 0x04) return undefined;
      return { type: 'ec', curve, point: key };
    }
    case OID.ed25519:
      // RFC 8410 §4: 32-octet public key, parameters absent.
      if (alg.parameters !== undefined || key.length !== 32) return undefined;
      return { type: 'ed25519', key };
    case OID.ed448:
      // RFC 8410 §4: 57-octet public key, parameters absent.
      if (alg.parameters !== undefined || key.length !== 57) return undefined;
      return { type: 'ed448', key };
    case OID.rsaEncryption:
      return rsaPublicKeyOf(key);
    case OID.rsassaPss: {
      // RFC 4055 §1.2, §3.1: absent parameters leave the hash open; present ones must have the TLS shape.
      if (alg.parameters === undefined) return { ...rsaPublicKeyOf(key), pss: {} };
      const scheme = alg.parameters instanceof ArrayBuffer && !isDerNull(alg.parameters) ? pssSchemeOf(alg.parameters) : undefined;
      const hash = scheme === undefined ? undefined : ({ [SignatureScheme.rsa_pss_rsae_sha256]: 'sha256', [SignatureScheme.rsa_pss_rsae_sha384]: 'sha384', [SignatureScheme.rsa_pss_rsae_sha512]: 'sha512' } as const)[scheme];
      return hash === undefined ? undefined : { ...rsaPublicKeyOf(key), pss: { hash } };
    }
    default:
      return undefined;
  }
}

/** RFC 8017 §A.1.1 RSAPublicKey inside the BIT STRING. */
function rsaPublicKeyOf(key: Uint8Array): PublicKey & { readonly type: 'rsa' } {
  readSingle(key, DerTag.SEQUENCE, 'RSAPublicKey');
  const k = AsnConvert.parse(key, RSAPublicKey);
  return { type: 'rsa', n: stripLeadingZeros(new Uint8Array(k.modulus)), e: stripLeadingZeros(new Uint8Array(k.publicExponent)) };
}

/** RFC 4514-style text, in encoding order (as OpenSSL prints it): `CN=x, O=y`. */
function nameToText(name: Name): string {
  const rdns: string[] = [];
  for (const rdn of name) {
    const parts: string[] = [];
    for (const atv of rdn) {
      const key = ATTR_NAMES[atv.type] ?? atv.type;
      const v = atv.value.anyValue !== undefined ? `#${toHex(new Uint8Array(atv.value.anyValue))}` : atv.value.toString();
      parts.push(`${key}=${v}`);
    }
    rdns.push(parts.join('+'));
  }
  return rdns.join(', ');
}

function expectTag(t: Tlv, tag: number, what: string): void {
  if (t.tag !== tag) throw derError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
}

function isDerNull(p: ArrayBuffer): boolean {
  const b = new Uint8Array(p);
  return b.length === 2 && b[0] === DerTag.NULL && b[1] === 0;
}

function nullOrAbsent(a: AlgorithmIdentifier): boolean {
  return a.parameters === undefined || a.parameters === null || isDerNull(a.parameters);
}

const SIG_OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
} as const;
const MGF1_OID = '1.2.840.113549.1.1.8';
const HASH_BY_OID: Readonly<Record<string, { len: number; scheme: number }>> = {
  '2.16.840.1.101.3.4.2.1': { len: 32, scheme: SignatureScheme.rsa_pss_rsae_sha256 },
  '2.16.840.1.101.3.4.2.2': { len: 48, scheme: SignatureScheme.rsa_pss_rsae_sha384 },
  '2.16.840.1.101.3.4.2.3': { len: 64, scheme: SignatureScheme.rsa_pss_rsae_sha512 },
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
