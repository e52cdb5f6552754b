/**
 * @module client-certificate
 * The client's answer to a CertificateRequest (RFC 8446 §4.4.2, §4.4.3): the first configured
 * certificate whose key can make one of the request's signature_algorithms (RFC 8446 §4.4.2.3)
 * and whose chain reaches one of its certificate_authorities when those are listed (RFC 8446
 * §4.2.4), sent with a CertificateVerify under the client context string; or an empty
 * Certificate when none fits (the server then decides, RFC 8446 §4.4.2.4).
 *
 * Steps: selectClientCertificate → sendCertificate → (sendCertificateVerify).
 */
import { equalBytes } from '../../bytes/bytes.ts';
import type { ClientConfig } from '../../config.ts';
import { TlsError } from '../../errors.ts';
import { HandshakeType, SignatureScheme } from '../../protocol/registry.ts';
import type { Transcript } from '../../transcript.ts';
import { parseCertificate } from '../../x509/certificate.ts';
import type { CertifiedKey } from '../../x509/certified-key.ts';
import { sendCertificate } from '../common/certificate-compression.ts';
import { sendMessage } from '../common/send.ts';
import { certificateVerifyContent } from '../common/signature-content.ts';
import type { HandshakeOutput } from '../output.ts';
import type { ReceivedCertificateRequest } from './state.ts';

/** Sends our Certificate (and CertificateVerify when we have a fitting certificate). */
export function sendClientAuthentication(
  config: ClientConfig,
  req: ReceivedCertificateRequest,
  transcript: Transcript,
  out: HandshakeOutput,
): void {
  const chosen = selectClientCertificate(config.certificates, req);
  // RFC 8879 §4: compressed with an algorithm of the request's compress_certificate, if any.
  sendCertificate(
    out,
    transcript,
    config,
    {
      type: HandshakeType.certificate,
      // RFC 8446 §4.4.2: the context of the CertificateRequest this answers.
      certificateRequestContext: req.context,
      // RFC 8446 §4.4.2: "If the client does not have an appropriate certificate to send in
      // response to the server's authentication request, it MUST send a Certificate message
      // containing no certificates." (We never staple for ourselves.)
      certificateList: chosen ? chosen.certified.chain.map((certData) => ({ certData, extensions: [] })) : [],
    },
    req.compressionAlgorithms,
  );
  if (!chosen) return;
  // RFC 8446 §4.4.3: "Servers MUST send this message when authenticating via a certificate.
  // Clients MUST send this message whenever authenticating via a certificate", over the
  // transcript through our Certificate, with the client context string.
  const signed = certificateVerifyContent('client', transcript.hashNow());
  sendMessage(out, transcript, {
    type: HandshakeType.certificate_verify,
    algorithm: chosen.scheme,
    signature: chosen.certified.key.sign(chosen.scheme, signed, config.random),
  });
}

/**
 * The first of `certificates` that fits `req`, with the scheme to sign with: the server's most
 * preferred scheme our key can make (never RSASSA-PKCS1-v1_5, RFC 8446 §4.4.3).
 */
export function selectClientCertificate(
  certificates: readonly CertifiedKey[],
  req: ReceivedCertificateRequest,
): { certified: CertifiedKey; scheme: number } | undefined {
  for (const certified of certificates) {
    const scheme = req.signatureSchemes.find((s) => certified.key.schemes.includes(s) && !PKCS1_SCHEMES.includes(s));
    if (scheme === undefined) continue;
    if (req.authorities.length > 0 && !chainNamesAuthority(certified, req.authorities)) continue;
    return { certified, scheme };
  }
  return undefined;
}

/**
 * RFC 8446 §4.2.4: "the distinguished names of acceptable certificate authorities": a chain fits
 * when one of its certificates is issued by (or is) a listed authority.
 */
function chainNamesAuthority(certified: CertifiedKey, authorities: readonly Uint8Array[]): boolean {
  const names: Uint8Array[] = [certified.leaf.issuerDer, certified.leaf.subjectDer];
  for (const der of certified.chain.slice(1)) {
    try {
      const c = parseCertificate(der);
      names.push(c.issuerDer, c.subjectDer);
    } catch (e) {
      // An intermediate we cannot parse names nothing; the peer would refuse it anyway.
      if (!(e instanceof TlsError)) throw e;
    }
  }
  return names.some((n) => authorities.some((a) => equalBytes(a, n)));
}

const PKCS1_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];
