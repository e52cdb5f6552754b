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
 * @throws TlsError illegal_parameter for a scheme we did not offer; decrypt_error for a signature
 *   that does not verify
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
  // RFC 8446 §4.4.3: "If the verification fails, the receiver MUST terminate the handshake with a
  // "decrypt_error" alert." A scheme that does not fit the key type also fails here.
  const content = certificateVerifyContent(signer, transcriptHash);
  if (!provider.verify(cv.algorithm, key, content, cv.signature)) {
    throw decryptError('certificate_verify: signature does not verify');
  }
}

const PKCS1_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];
