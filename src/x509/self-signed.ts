/**
 * @module self-signed
 * Generates a short-lived self-signed ECDSA P-256 server certificate (RFC 5280 §4.1) for local
 * testing: subjectAltName from the host list (RFC 5280 §4.2.1.6), basicConstraints cA=false,
 * keyUsage digitalSignature, extKeyUsage serverAuth, signed ecdsa-with-SHA256 (RFC 5758 §3.2)
 * through the CryptoProvider. Encoded with der.ts (X.690 DER).
 */
import type { CryptoProvider, PrivateKey, RandomSource } from '../crypto/provider.ts';
import { SignatureScheme } from '../protocol/registry.ts';
import { DerTag, encodeOid, encodeSequence, encodeSmallInteger, encodeTlv, integerContents } from './der.ts';
import { concat } from '../bytes/bytes.ts';
import { encodePrivateKeyPkcs8 } from './keys.ts';
import { CURVE_OID, OID } from './oids.ts';
import { parseIpLiteral } from './names.ts';

/** Options for {@link generateSelfSigned}. */
export interface SelfSignedOptions {
  /** DNS names and IP literals; the first is also the subject CN. */
  readonly hosts: readonly string[];
  /** ms since the epoch; the certificate is valid from one hour before. */
  readonly now: number;
  /** Lifetime in days (default 30). */
  readonly validityDays?: number;
  readonly random: RandomSource;
}

/**
 * Generates a P-256 key and a self-signed certificate for `hosts`.
 * @returns the certificate DER, the key as PKCS#8 DER, and the key itself
 * @throws RangeError when `hosts` is empty or validityDays is not positive
 * @example const { certDer, keyPkcs8 } = generateSelfSigned(nobleProvider, { hosts: ['localhost', '127.0.0.1'], now: Date.now(), random: nobleProvider.randomBytes })
 */
export function generateSelfSigned(
  provider: CryptoProvider,
  options: SelfSignedOptions,
): { certDer: Uint8Array; keyPkcs8: Uint8Array; key: PrivateKey } {
  const { hosts, now, random } = options;
  const days = options.validityDays ?? 30;
  const cn = hosts[0];
  if (cn === undefined) throw new RangeError('self-signed: hosts must not be empty');
  if (!(days > 0)) throw new RangeError('self-signed: validityDays must be positive');

  const key: PrivateKey = { type: 'ec', curve: 'P-256', d: randomScalar(random) };
  const signing = provider.signingKey(key);
  const pub = signing.publicKey;
  if (pub.type !== 'ec') throw new Error('self-signed: provider returned a non-EC public key for a P-256 key');

  // Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue): CN as UTF8String.
  const name = encodeSequence(encodeTlv(DerTag.SET, encodeSequence(encodeOid(ATTR_COMMON_NAME), encodeTlv(UTF8_STRING, utf8(cn)))));
  // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random octets, top bit clear.
  const serial = random(16).slice();
  serial[0] = ((serial[0] as number) & 0x7f) | 0x40;
  const sigAlg = encodeSequence(encodeOid(ECDSA_WITH_SHA256)); // RFC 5758 §3.2: parameters absent
  const tbsDer = encodeSequence(
    encodeTlv(0xa0, encodeSmallInteger(2)), // [0] EXPLICIT version v3
    encodeTlv(DerTag.INTEGER, integerContents(serial)),
    sigAlg,
    name,
    encodeSequence(time(now - 3600_000), time(now + days * 86_400_000)),
    name,
    encodeSequence(
      encodeSequence(encodeOid(OID.ecPublicKey), encodeOid(CURVE_OID['P-256'])),
      bitString(pub.point),
    ),
    encodeTlv(0xa3, encodeSequence( // [3] EXPLICIT extensions
      extension(EXT.basicConstraints, true, encodeSequence()), // cA DEFAULT FALSE: omitted (DER)
      extension(EXT.keyUsage, true, encodeTlv(DerTag.BIT_STRING, Uint8Array.of(7, 0x80))), // digitalSignature (bit 0)
      extension(EXT.extKeyUsage, false, encodeSequence(encodeOid(ID_KP_SERVER_AUTH))),
      extension(EXT.subjectAltName, false, encodeSequence(...hosts.map(generalName))),
    )),
  );
  const signature = signing.sign(SignatureScheme.ecdsa_secp256r1_sha256, tbsDer, random);
  const certDer = encodeSequence(tbsDer, sigAlg, bitString(signature));
  return { certDer, keyPkcs8: encodePrivateKeyPkcs8(key), key };
}

/** A uniform P-256 scalar in [1, n-1] by rejection sampling (FIPS 186-5 §A.4.2). */
function randomScalar(random: RandomSource): Uint8Array {
  for (let i = 0; i < 128; i++) {
    const d = random(32).slice();
    if (d.length === 32 && !d.every((b) => b === 0) && lessThan(d, P256_ORDER)) return d;
  }
  throw new Error('self-signed: the random source does not produce usable bytes');
}

function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y;
  }
  return false;
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  const flag = critical ? [encodeTlv(DerTag.BOOLEAN, Uint8Array.of(0xff))] : [];
  return encodeSequence(encodeOid(id), ...flag, encodeTlv(DerTag.OCTET_STRING, value));
}

function generalName(host: string): Uint8Array {
  // RFC 5280 §4.2.1.6: IP addresses go in iPAddress [7], never in dNSName [2] (both IMPLICIT).
  const ip = parseIpLiteral(host);
  return ip !== undefined ? encodeTlv(0x87, ip) : encodeTlv(0x82, utf8(host));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Z. */
function time(ms: number): Uint8Array {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = Number(iso.slice(0, 4));
  return year < 2050 ? encodeTlv(UTC_TIME, ascii(digits.slice(2))) : encodeTlv(GENERALIZED_TIME, ascii(digits));
}

function bitString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(DerTag.BIT_STRING, concat(new Uint8Array([0]), bytes)); // no unused bits
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const UTF8_STRING = 0x0c;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const ATTR_COMMON_NAME = '2.5.4.3';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const ID_KP_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EXT = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
} as const;
const P256_ORDER = new Uint8Array([
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad,
  0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
]);
