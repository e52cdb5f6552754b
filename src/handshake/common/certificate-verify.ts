/**
 * @module certificate-verify
 * Checking a peer's CertificateVerify (RFC 8446 §4.4.3): the scheme must be one we offered and
 * fit the leaf key, and the signature must cover the transcript with the peer's context string.
 */
import type { CryptoProvider, PublicKey } from '../../crypto/provider.ts';
import { decryptError, illegalParameter } from '../../errors.ts';
import type { CertificateVerify } from '../../messages/certificate-verify.ts';
import { rsaSchemeFitsKey } from '../../crypto/noble/sign.ts';
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
 * its curve is bound to, Ed25519, Ed448, and RSASSA-PSS: rsa_pss_rsae_* with an rsaEncryption
 * key, rsa_pss_pss_* with an id-RSASSA-PSS key (only its hash when its parameters fix one).
 */
function schemeFitsKey(scheme: number, key: PublicKey): boolean {
  switch (key.type) {
    case 'ec':
      return scheme === ECDSA_SCHEME_OF_CURVE[key.curve];
    case 'ed25519':
      return scheme === SignatureScheme.ed25519;
    case 'ed448':
      return scheme === SignatureScheme.ed448;
    case 'rsa':
      return rsaSchemeFitsKey(scheme, key.pss);
  }
}

function keyName(key: PublicKey): string {
  if (key.type === 'ec') return key.curve;
  return key.type === 'rsa' && key.pss !== undefined ? 'RSASSA-PSS' : key.type;
}

const ECDSA_SCHEME_OF_CURVE = {
  'P-256': SignatureScheme.ecdsa_secp256r1_sha256,
  'P-384': SignatureScheme.ecdsa_secp384r1_sha384,
  'P-521': SignatureScheme.ecdsa_secp521r1_sha512,
} as const;

const PKCS1_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];
