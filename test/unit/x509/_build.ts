/**
 * A test-only X.509 certificate builder (RFC 5280 §4.1) on our own DER encoder: every field is
 * chosen by the test, so it can make what no CA tool will (RSA keys with absurd exponents, CA:TRUE
 * leaves, malformed dNSNames, long cross-signed bundles, cross-curve ECDSA). Signatures come from
 * node:crypto, or are junk when the test only needs the bytes.
 */
import * as nodeCrypto from 'node:crypto';
import { concat, utf8 } from '../../../src/bytes/bytes.ts';
import { DerTag, encodeTlv, integerContents } from '../../../src/x509/der.ts';

/** A signing key and the AlgorithmIdentifier it signs with. */
export interface BuildSigner {
  readonly key: nodeCrypto.KeyObject;
  /** node:crypto digest name: sha256, sha384, sha512. */
  readonly hash: string;
}

export interface BuildOptions {
  readonly subject: string;
  readonly issuer: string;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** Who signs: a key, or undefined for a junk signature (`junkSignatureLength` bytes, default 64). */
  readonly signer?: BuildSigner;
  /** signatureAlgorithm when there is no signer (default ecdsa-with-SHA256). */
  readonly signatureOid?: string;
  readonly junkSignatureLength?: number;
  /** GeneralizedTime text, default 20240101000000Z .. 21240101000000Z. */
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** basicConstraints cA (critical); absent when undefined. */
  readonly ca?: boolean;
  readonly dnsNames?: readonly string[];
  /** nameConstraints permitted dNSName subtrees (critical). */
  readonly permittedDns?: readonly string[];
  readonly serial?: number;
}

/** The DER of a certificate with the given fields. */
export function buildCertificate(o: BuildOptions): Uint8Array {
  const sigAlg = o.signer === undefined ? algorithmId(o.signatureOid ?? OIDS.ecdsaWithSha256) : signerAlgorithm(o.signer);
  const extensions: Uint8Array[] = [];
  if (o.ca !== undefined) {
    extensions.push(extension(OIDS.basicConstraints, true, seq(o.ca ? tlv(DerTag.BOOLEAN, Uint8Array.of(0xff)) : new Uint8Array(0))));
  }
  if (o.dnsNames !== undefined) extensions.push(extension(OIDS.subjectAltName, false, seq(...o.dnsNames.map((n) => tlv(0x82, utf8(n))))));
  if (o.permittedDns !== undefined) {
    const subtrees = o.permittedDns.map((n) => seq(tlv(0x82, utf8(n))));
    extensions.push(extension(OIDS.nameConstraints, true, seq(tlv(0xa0, concat(...subtrees)))));
  }
  const tbs = seq(
    tlv(0xa0, tlv(DerTag.INTEGER, Uint8Array.of(2))),
    tlv(DerTag.INTEGER, integerContents(u32(o.serial ?? 1))),
    sigAlg,
    name(o.issuer),
    seq(tlv(0x18, utf8(o.notBefore ?? '20240101000000Z')), tlv(0x18, utf8(o.notAfter ?? '21240101000000Z'))),
    name(o.subject),
    o.spki,
    ...(extensions.length > 0 ? [tlv(0xa3, seq(...extensions))] : []),
  );
  const signature =
    o.signer === undefined
      ? new Uint8Array(o.junkSignatureLength ?? 64).fill(0x5a)
      : new Uint8Array(nodeCrypto.sign(o.signer.hash, tbs, { key: o.signer.key, dsaEncoding: 'der' }));
  return seq(tbs, sigAlg, tlv(DerTag.BIT_STRING, concat(Uint8Array.of(0), signature)));
}

/** SubjectPublicKeyInfo of an rsaEncryption key with the given modulus and exponent (big-endian). */
export function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array {
  const rsaPublicKey = seq(tlv(DerTag.INTEGER, integerContents(n)), tlv(DerTag.INTEGER, integerContents(e)));
  return seq(algorithmId(OIDS.rsaEncryption, tlv(DerTag.NULL, new Uint8Array(0))), tlv(DerTag.BIT_STRING, concat(Uint8Array.of(0), rsaPublicKey)));
}

/** SubjectPublicKeyInfo DER of a node:crypto key. */
export function spkiOf(key: nodeCrypto.KeyObject): Uint8Array {
  const pub = key.type === 'private' ? nodeCrypto.createPublicKey(key) : key;
  return new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
}

/** A fresh EC key pair on `curve` ('P-256' or 'P-384'). */
export function ecKey(curve: 'P-256' | 'P-384'): nodeCrypto.KeyObject {
  return nodeCrypto.generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
}

/** `bytes` big-endian bytes with the top bit and the low bit set (an odd number of exactly 8·bytes bits). */
export function oddNumber(bytes: number, fill: number): Uint8Array {
  const b = new Uint8Array(bytes).fill(fill);
  b[0] = (b[0] as number) | 0x80;
  b[bytes - 1] = (b[bytes - 1] as number) | 1;
  return b;
}

export const OIDS = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  rsaEncryption: '1.2.840.113549.1.1.1',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  commonName: '2.5.4.3',
} as const;

function signerAlgorithm(s: BuildSigner): Uint8Array {
  const type = s.key.asymmetricKeyType;
  if (type === 'ec') return algorithmId({ sha256: OIDS.ecdsaWithSha256, sha384: OIDS.ecdsaWithSha384, sha512: OIDS.ecdsaWithSha512 }[s.hash] ?? '');
  if (type === 'rsa') return algorithmId(OIDS.sha256WithRsa, tlv(DerTag.NULL, new Uint8Array(0)));
  throw new Error(`buildCertificate: unsupported signer ${type}`);
}

function algorithmId(oid: string, params?: Uint8Array): Uint8Array {
  return seq(tlv(DerTag.OID, oidContents(oid)), ...(params === undefined ? [] : [params]));
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return seq(tlv(DerTag.OID, oidContents(oid)), ...(critical ? [tlv(DerTag.BOOLEAN, Uint8Array.of(0xff))] : []), tlv(DerTag.OCTET_STRING, value));
}

function name(cn: string): Uint8Array {
  return seq(tlv(DerTag.SET, seq(tlv(DerTag.OID, oidContents(OIDS.commonName)), tlv(0x0c, utf8(cn)))));
}

function oidContents(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number): void => {
    const digits = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) digits.unshift((x & 0x7f) | 0x80);
    out.push(...digits);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const a of arcs.slice(2)) push(a);
  return Uint8Array.from(out);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function seq(...parts: Uint8Array[]): Uint8Array {
  return tlv(DerTag.SEQUENCE, concat(...parts));
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  return encodeTlv(tag, value);
}
