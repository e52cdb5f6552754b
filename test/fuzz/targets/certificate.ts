/**
 * @module test/fuzz/targets/certificate
 * Fuzz target: the strict DER certificate reader (src/x509/certificate.ts, RFC 5280 §4.1 over
 * X.690 DER) on one certificate from the peer. Oracle: a TlsError (bad_certificate) or a parsed
 * certificate whose facts are views of the input: the same `der`, `tbsDer` inside it, and no
 * field larger than the input (so the replay in `npm test` checks output sizes, not time).
 */
import { parseCertificate, type ParsedCertificate } from '../../../src/x509/certificate.ts';
import { expectOnlyTlsErrors } from './setup.ts';

export function fuzz(data: Uint8Array): void {
  let cert: ParsedCertificate | undefined;
  expectOnlyTlsErrors(() => {
    cert = parseCertificate(data);
  });
  if (cert === undefined) return;
  checkFacts(cert, data);
}

/** The parsed facts are bounded by the input (no output larger than what came in). */
export function checkFacts(cert: ParsedCertificate, der: Uint8Array): void {
  if (cert.der !== der) throw new Error('certificate: der is not the input');
  const bytes = [cert.tbsDer, cert.signature, cert.subjectDer, cert.issuerDer, ...cert.ipAddresses];
  for (const b of bytes) if (b.length > der.length) throw new Error('certificate: a field is larger than the input');
  let text = cert.subjectText.length + cert.issuerText.length + cert.serialNumberHex.length;
  for (const n of cert.dnsNames) text += n.length;
  // Text is at most a few characters per input byte (hex escapes, separators).
  if (text > 4 * der.length) throw new Error(`certificate: ${text} characters of text from ${der.length} bytes`);
  if (cert.tbsDer.buffer !== der.buffer) throw new Error('certificate: tbsDer is not a view of the input');
}
