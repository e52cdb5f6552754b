/**
 * Hostile certificate chains of issue 8, built with _build.ts, for the regression tests and for
 * bench/hostile-chains.ts (which measures their CPU cost per validation).
 */
import { buildCertificate, ecKey, oddNumber, OIDS, rsaSpki, spkiOf } from './_build.ts';

/** A chain and the root it is valid under. */
export interface RootedChain {
  readonly root: Uint8Array;
  readonly chain: Uint8Array[];
}

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

/**
 * Issue 8 item 2: root → `cas` name-constrained CAs → a leaf with `names` dNSNames, every
 * signature valid. Each CA permits `subtrees` - 1 subtrees that match nothing and then the one
 * that matches, so each CA costs names × subtrees comparisons (times the names of the CAs
 * below it, which have none). With 1000 × 1000 and two CAs the chain is about 50 KB.
 */
export function nameConstraintChain(names: number, subtrees: number, cas: number): RootedChain {
  const keys = Array.from({ length: cas + 2 }, () => ecKey('P-256'));
  const sign = (i: number): { key: ReturnType<typeof ecKey>; hash: string } => ({ key: keys[i] as ReturnType<typeof ecKey>, hash: 'sha256' });
  const root = buildCertificate({ subject: 'nc root', issuer: 'nc root', spki: spkiOf(keys[0] as ReturnType<typeof ecKey>), ca: true, signer: sign(0) });
  const permittedDns = [...Array.from({ length: subtrees - 1 }, (_, i) => `c${i}.test`), 'allowed.test'];
  const chain: Uint8Array[] = [];
  for (let i = 1; i <= cas; i++) {
    chain.unshift(
      buildCertificate({
        subject: `nc CA ${i}`,
        issuer: i === 1 ? 'nc root' : `nc CA ${i - 1}`,
        spki: spkiOf(keys[i] as ReturnType<typeof ecKey>),
        ca: true,
        permittedDns,
        signer: sign(i - 1),
      }),
    );
  }
  const leaf = buildCertificate({
    subject: 'nc leaf',
    issuer: `nc CA ${cas}`,
    spki: spkiOf(keys[cas + 1] as ReturnType<typeof ecKey>),
    ca: false,
    dnsNames: Array.from({ length: names }, (_, i) => `h${i}.allowed.test`),
    signer: sign(cas),
  });
  return { root, chain: [leaf, ...chain] };
}
