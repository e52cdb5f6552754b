/**
 * @module test/fuzz/seeds/x509
 * Seeds for the X.509 and configuration targets, from the test PKI in vectors/certs: every
 * certificate (certificate), chains built by issuer name with a reference name each leaf holds
 * (verifier; the RSA-8192 chain of vectors/certs/fuzz gives the mutator a large RSA key to grow
 * an exponent in), every PEM file (pem), and every key file as DER, PEM text and PEM bytes with
 * the passphrase of the encrypted ones (private-key).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concat, equalBytes } from '../../../src/bytes/bytes.ts';
import { parseCertificate, type ParsedCertificate } from '../../../src/x509/certificate.ts';
import { pemDecode } from '../../../src/x509/pem.ts';
import { CERTS_DIR } from '../../helpers/pki.ts';
import { joinDer } from '../der-input.ts';
import { SERVER_NAMES } from '../targets/verifier.ts';

const DIRS = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048', 'rules', 'fuzz'];

function files(): { path: string; bytes: Uint8Array }[] {
  return DIRS.flatMap((d) =>
    readdirSync(join(CERTS_DIR, d))
      .sort()
      .map((f) => ({ path: join(CERTS_DIR, d, f), bytes: new Uint8Array(readFileSync(join(CERTS_DIR, d, f))) })),
  );
}

/** Every distinct certificate (DER) in the test PKI. */
function certificates(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of files()) {
    if (!f.path.endsWith('.pem')) continue;
    for (const b of pemDecode(Buffer.from(f.bytes).toString('utf8'))) {
      if (b.label === 'CERTIFICATE' && !out.some((c) => equalBytes(c, b.der))) out.push(b.der);
    }
  }
  return out;
}

export function certificateSeeds(): Uint8Array[] {
  return certificates();
}

/**
 * One chain per certificate: it, then issuers found by name among the others (at most 4),
 * behind an option byte naming a reference identity it holds (else none), for server usage.
 */
export function verifierSeeds(): Uint8Array[] {
  const parsed: ParsedCertificate[] = certificates().map((der) => parseCertificate(der));
  const out: Uint8Array[] = [];
  for (const leaf of parsed) {
    const chain = [leaf];
    for (let cur = leaf; chain.length < 5; ) {
      const issuer = parsed.find((c) => c !== cur && !chain.includes(c) && equalBytes(c.subjectDer, cur.issuerDer));
      if (issuer === undefined) break;
      chain.push(issuer);
      cur = issuer;
    }
    const name = SERVER_NAMES.findIndex((n) => n !== undefined && leaf.dnsNames.includes(n));
    const option = name >= 0 ? name : SERVER_NAMES.indexOf(undefined);
    out.push(concat(new Uint8Array([option]), joinDer(chain.map((c) => c.der))));
  }
  // The hostile chain as sent: 15 self-issued CAs and their leaf.
  const hostile = ['rules/hostile-leaf.pem', 'rules/hostile.chain.pem'].flatMap((f) => pemDecode(readFileSync(join(CERTS_DIR, f), 'utf8')).map((b) => b.der));
  out.push(concat(new Uint8Array([SERVER_NAMES.indexOf(undefined)]), joinDer(hostile)));
  return out;
}

/** Every PEM file of the test PKI, as it is on disk. */
export function pemSeeds(): Uint8Array[] {
  return files()
    .filter((f) => /\.(pem|key)$/.test(f.path))
    .map((f) => f.bytes);
}

/**
 * Every key file, behind the option byte of the private-key target: form (0 DER, 1 PEM text,
 * 2 PEM bytes) and passphrase index 0 ("puretls", the encrypted keys' passphrase).
 */
export function privateKeySeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of files()) {
    // OpenSSL's default scrypt (N=2^14) costs a second of CPU per run in the pure provider: the
    // fuzz key with N=2^10 (certs/fuzz) reaches the same code sixteen times cheaper.
    if (f.path.endsWith('rules/enc-ed25519-scrypt-aes256.key')) continue;
    if (f.path.endsWith('.der')) {
      out.push(concat(new Uint8Array([0]), f.bytes));
      continue;
    }
    if (!f.path.endsWith('.key')) continue;
    const text = Buffer.from(f.bytes).toString('utf8');
    out.push(concat(new Uint8Array([1]), f.bytes));
    // Encrypted keys once (a scrypt key costs a second of CPU): as PEM only.
    for (const b of pemDecode(text)) if (b.label === 'PRIVATE KEY') out.push(concat(new Uint8Array([0]), b.der));
  }
  // One PEM given as bytes (node:tls accepts readFileSync Buffers).
  const first = out.find((s) => s[0] === 1);
  if (first) out.push(concat(new Uint8Array([2]), first.subarray(1)));
  return out;
}
