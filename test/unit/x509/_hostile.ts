/**
 * Hostile certificate chains of issue 8, built with _build.ts, for the regression tests and for
 * bench/hostile-chains.ts (which measures their CPU cost per validation).
 */
import { buildCertificate, ecKey, oddNumber, OIDS, rsaSpki, spkiOf } from './_build.ts';

/**
 * Issue 8 item 1: a leaf "signed" (junk) by `count` fake intermediates that share one subject, each
 * an RSA CA with a `modulusBits` modulus and an exponent one bit shorter. Every intermediate is a
 * candidate issuer of the leaf, so a verifier that computes with such keys runs `count` modular
 * exponentiations with a huge exponent before it can give up.
 */
export function hugeExponentChain(modulusBits: number, count: number): Uint8Array[] {
  const bytes = modulusBits / 8;
  const issuer = 'hostile RSA CA';
  const leaf = buildCertificate({
    subject: 'hostile leaf',
    issuer,
    spki: spkiOf(ecKey('P-256')),
    signatureOid: OIDS.sha256WithRsa,
    junkSignatureLength: bytes,
    ca: false,
    dnsNames: ['hostile.test'],
  });
  const cas = Array.from({ length: count }, (_, i) =>
    buildCertificate({
      subject: issuer,
      issuer,
      spki: rsaSpki(oddNumber(bytes, 0xc3 ^ i), oddNumber(bytes, 0x3c ^ i).map((b, j) => (j === 0 ? b & 0x7f : b))),
      signatureOid: OIDS.sha256WithRsa,
      junkSignatureLength: bytes,
      ca: true,
      serial: 100 + i,
    }),
  );
  return [leaf, ...cas];
}
