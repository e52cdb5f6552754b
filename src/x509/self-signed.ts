/**
 * @module self-signed
 * Generates a short-lived self-signed ECDSA P-256 server certificate (RFC 5280 §4.1) for local
 * testing: subjectAltName from the host list (RFC 5280 §4.2.1.6), basicConstraints cA=false,
 * keyUsage digitalSignature, extKeyUsage serverAuth, signed ecdsa-with-SHA256 (RFC 5758 §3.2)
 * through the CryptoProvider.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  GeneralNames,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { ECParameters } from '@peculiar/asn1-ecc';
import type { CryptoProvider, PrivateKey, RandomSource } from '../crypto/provider.ts';
import { SignatureScheme } from '../protocol/registry.ts';
import { DerTag, encodeTlv } from './der.ts';
import { concat } from '../bytes/bytes.ts';
import { CURVE_OID, encodePrivateKeyPkcs8, OID } from './keys.ts';
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

  const name = new Name([
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: cn }) })]),
  ]);
  // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random octets, top bit clear.
  const serial = random(16).slice();
  serial[0] = ((serial[0] as number) & 0x7f) | 0x40;
  const sigAlg = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }); // parameters absent
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer,
    signature: sigAlg,
    issuer: name,
    validity: new Validity({ notBefore: new Date(now - 3600_000), notAfter: new Date(now + days * 86_400_000) }),
    subject: name,
    subjectPublicKeyInfo: new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({
        algorithm: OID.ecPublicKey,
        parameters: AsnConvert.serialize(new ECParameters({ namedCurve: CURVE_OID['P-256'] })),
      }),
      subjectPublicKey: pub.point.slice().buffer,
    }),
    extensions: new Extensions([
      extension(EXT.basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(EXT.keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
      extension(EXT.extKeyUsage, false, new ExtendedKeyUsage([ID_KP_SERVER_AUTH])),
      extension(EXT.subjectAltName, false, new GeneralNames(hosts.map(generalName))),
    ]),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = signing.sign(SignatureScheme.ecdsa_secp256r1_sha256, tbsDer, random);
  // Assemble Certificate by hand so the signed bytes are exactly the bytes we embed.
  const certDer = encodeTlv(
    DerTag.SEQUENCE,
    concat(tbsDer, new Uint8Array(AsnConvert.serialize(sigAlg)), encodeTlv(DerTag.BIT_STRING, concat(new Uint8Array([0]), signature))),
  );
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

function extension(id: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function generalName(host: string): GeneralName {
  // RFC 5280 §4.2.1.6: IP addresses go in iPAddress, never in dNSName.
  return parseIpLiteral(host) !== undefined ? new GeneralName({ iPAddress: host }) : new GeneralName({ dNSName: host });
}

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
