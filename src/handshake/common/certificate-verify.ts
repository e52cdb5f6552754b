/**
 * @module certificate-verify
 * Checking a peer's CertificateVerify (RFC 8446 §4.4.3): the scheme must be one we offered and
 * fit the leaf key, and the signature must cover the transcript with the peer's context string.
 */
import type { CryptoProvider, PublicKey } from '../../crypto/provider.ts';
import { decryptError, illegalParameter } from '../../errors.ts';
import type { CertificateVerify } from '../../messages/certificate-verify.ts';
import { SignatureScheme } from '../../protocol/registry.ts';
import { certificateVerifyContent, type Signer } from './signature-content.ts';

/**
 * @throws TlsError illegal_parameter for a scheme we did not offer or that does not fit the key;
 *   decrypt_error for a signature that does not verify
 */
export function verifyCertificateVerify(
  provider: CryptoProvider,
  offeredSchemes: readonly number[],
  key: PublicKey,
  cv: CertificateVerify,
  signer: Signer,
  transcriptHash: Uint8Array,
): void {
  // RFC 8446 §4.4.3: "the signature algorithm MUST be one offered in the client's
  // "signature_algorithms" extension", and "RSA signatures MUST use an RSASSA-PSS algorithm,
  // regardless of whether RSASSA-PKCS1-v1_5 algorithms appear in "signature_algorithms"".
  if (!offeredSchemes.includes(cv.algorithm) || PKCS1_SCHEMES.includes(cv.algorithm)) {
    throw illegalParameter(`certificate_verify: scheme 0x${cv.algorithm.toString(16)} is not acceptable`);
  }
  // RFC 8446 §4.2.3: a TLS 1.3 scheme names the key type, and for ECDSA the curve. A scheme the
  // key cannot make is a field inconsistent with the certificate, not a failed verification:
  // illegal_parameter (RFC 8446 §6.2), as OpenSSL sends ("wrong signature type").
  if (!schemeFitsKey(cv.algorithm, key)) {
    throw illegalParameter(`certificate_verify: scheme 0x${cv.algorithm.toString(16)} does not fit the ${keyName(key)} key`);
  }
  // RFC 8446 §4.4.3: "If the verification fails, the receiver MUST terminate the handshake with a
  // "decrypt_error" alert."
  const content = certificateVerifyContent(signer, transcriptHash);
  if (!provider.verify(cv.algorithm, key, content, cv.signature)) {
    throw decryptError('certificate_verify: signature does not verify');
  }
}

/**
 * The TLS 1.3 CertificateVerify schemes each key can make (RFC 8446 §4.2.3): ECDSA with the hash
 * its curve is bound to, Ed25519, and RSASSA-PSS with an rsaEncryption key (rsa_pss_rsae_*; our
 * keys never carry the RSASSA-PSS OID, so rsa_pss_pss_* fits none).
 */
function schemeFitsKey(scheme: number, key: PublicKey): boolean {
  switch (key.type) {
    case 'ec':
      return scheme === (key.curve === 'P-256' ? SignatureScheme.ecdsa_secp256r1_sha256 : SignatureScheme.ecdsa_secp384r1_sha384);
    case 'ed25519':
      return scheme === SignatureScheme.ed25519;
    case 'rsa':
      return RSAE_PSS_SCHEMES.includes(scheme);
  }
}

function keyName(key: PublicKey): string {
  return key.type === 'ec' ? key.curve : key.type;
}

const RSAE_PSS_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
];

const PKCS1_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];
