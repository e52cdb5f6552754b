/**
 * @module x509/oids
 * The object identifiers that key and certificate parsing share: key algorithms, named curves,
 * and the SHA-2 / MGF1 identifiers of RSASSA-PSS parameters.
 */
import type { EcCurve, HashName } from '../crypto/provider.ts';

/** Object identifiers of the key algorithms (RFC 5480 §2.1.1, RFC 8410 §3, RFC 8017 §A.1, RFC 4055 §2). */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;
/** RFC 5480 §2.1.1.1 named curves. */
export const CURVE_OID: { readonly [K in EcCurve]: string } = {
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
  'P-521': '1.3.132.0.35',
};
/** Bytes of a scalar or coordinate (SEC 2 §2.4.2, §2.5.1, §2.6.1). */
export const CURVE_SIZE: { readonly [K in EcCurve]: number } = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
/** RFC 4055 §2.1 SHA-2 hash OIDs (NIST CSOR) with their output lengths, the hashes RSASSA-PSS may use in TLS 1.3. */
export const PSS_HASHES: readonly { readonly name: HashName; readonly oid: string; readonly len: number }[] = [
  { name: 'sha256', oid: '2.16.840.1.101.3.4.2.1', len: 32 },
  { name: 'sha384', oid: '2.16.840.1.101.3.4.2.2', len: 48 },
  { name: 'sha512', oid: '2.16.840.1.101.3.4.2.3', len: 64 },
];
/** RFC 4055 §2.2 id-mgf1. */
export const MGF1_OID = '1.2.840.113549.1.1.8';
