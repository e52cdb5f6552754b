/**
 * @module certified-key
 * A certificate chain together with the private key of its leaf, loaded into a provider: what a
 * server (or a client doing client authentication) sends in Certificate and signs with in
 * CertificateVerify (RFC 8446 §4.4.2, §4.4.3). Mismatches are refused at configuration time.
 */
import type { CryptoProvider, PrivateKey, SigningKey } from '../crypto/provider.ts';
import { type ParsedCertificate, parseCertificate, parseCertificateChain } from './certificate.ts';
import { parsePrivateKey, publicKeysEqual } from './keys.ts';

/** A chain (leaf first, DER) and the leaf's signing key. */
export interface CertifiedKey {
  readonly chain: readonly Uint8Array[];
  readonly leaf: ParsedCertificate;
  readonly key: SigningKey;
  /** A DER OCSPResponse to staple (RFC 8446 §4.4.2.1), if any. */
  readonly ocspResponse?: Uint8Array;
}

/**
 * Loads a chain (PEM bundle, DER, or DER list; leaf first) and its private key (PEM, PKCS#8 DER,
 * or a parsed key; an encrypted PKCS#8 key needs `options.passphrase`) into `provider`, with an
 * optional OCSP response to staple (`options.ocspResponse`, 1..2^24-1 bytes, RFC 6066 §8).
 * @throws Error when the chain is empty or malformed, the key unsupported, or the key does not
 *   belong to the leaf certificate
 * @example certifiedKey(nobleProvider, readFileSync('chain.pem', 'utf8'), readFileSync('key.pem', 'utf8'))
 */
export function certifiedKey(
  provider: CryptoProvider,
  chain: string | Uint8Array | readonly Uint8Array[],
  key: string | Uint8Array | PrivateKey,
  options: {
    readonly passphrase?: string | Uint8Array;
    /** A DER OCSPResponse for the leaf, stapled when a client asks (RFC 8446 §4.4.2.1, RFC 6066 §8). */
    readonly ocspResponse?: Uint8Array;
  } = {},
): CertifiedKey {
  const ders = parseCertificateChain(chain);
  const leafDer = ders[0];
  if (leafDer === undefined) throw new Error('certified key: the certificate chain is empty');
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificate(leafDer);
  } catch (e) {
    throw new Error(`certified key: leaf certificate: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (leaf.publicKey === undefined) {
    throw new Error(`certified key: the leaf certificate ${leaf.subjectText} has an unsupported key type`);
  }
  const privateKey = typeof key === 'string' || key instanceof Uint8Array ? parsePrivateKey(key, { ...options, provider }) : key;
  const signing = provider.signingKey(privateKey);
  if (!publicKeysEqual(signing.publicKey, leaf.publicKey)) {
    throw new Error(`certified key: the private key does not match the certificate ${leaf.subjectText}`);
  }
  const { ocspResponse } = options;
  if (ocspResponse === undefined) return { chain: ders, leaf, key: signing };
  // RFC 6066 §8: opaque OCSPResponse<1..2^24-1>; the bytes are the CA's, sent as configured.
  if (!(ocspResponse instanceof Uint8Array) || ocspResponse.length < 1 || ocspResponse.length > 0xffffff) {
    throw new Error('certified key: ocspResponse must be 1..2^24-1 bytes of DER');
  }
  return { chain: ders, leaf, key: signing, ocspResponse: ocspResponse.slice() };
}
