/**
 * Signature schemes of issue 12 in both providers: ecdsa_secp521r1_sha512 and ed448 against
 * Wycheproof (vectors/wycheproof/), and RSASSA-PSS keys (id-RSASSA-PSS, RFC 4055; RFC 8446 §4.2.3
 * rsa_pss_pss_*): the key parameters are respected (a restricted key signs and verifies only its
 * hash), and mismatches are refused (rsae schemes on PSS keys, pss schemes on rsaEncryption keys,
 * PKCS#1 v1.5 on PSS keys; key files whose parameters TLS cannot honour).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/bytes/bytes.ts';
import type { PublicKey } from '../../../src/crypto/provider.ts';
import { SignatureScheme } from '../../../src/protocol/registry.ts';
import { parseCertificate, parseCertificateChain } from '../../../src/x509/certificate.ts';
import { certifiedKey } from '../../../src/x509/certified-key.ts';
import { parsePrivateKey } from '../../../src/x509/keys.ts';
import { certPaths, type KeyType } from '../../helpers/pki.ts';
import { PROVIDERS, seededRandom } from '../../helpers/providers.ts';

interface SigCase {
  readonly tcId: number;
  readonly comment: string;
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}
interface SigGroup {
  readonly publicKey: { readonly pk?: string; readonly uncompressed?: string };
  readonly tests: readonly SigCase[];
}

function load(name: string): { readonly numberOfTests: number; readonly testGroups: readonly SigGroup[] } {
  return JSON.parse(readFileSync(new URL(`../../../vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as {
    numberOfTests: number;
    testGroups: readonly SigGroup[];
  };
}

function leafKey(type: KeyType, end = 'end'): PublicKey {
  const [leaf] = parseCertificateChain(readFileSync(`${certPaths(type).dir}/${end}.pem`, 'utf8'));
  const key = leaf === undefined ? undefined : parseCertificate(leaf).publicKey;
  if (key === undefined) throw new Error(`no key in ${type}/${end}.pem`);
  return key;
}

const MSG = new TextEncoder().encode('TLS 1.3, server CertificateVerify');

describe.each(PROVIDERS)('ECDSA P-521 and Ed448 ($name provider)', (provider) => {
  it.each([
    { file: 'ecdsa_secp521r1_sha512_test.json', scheme: SignatureScheme.ecdsa_secp521r1_sha512 },
    { file: 'ed448_test.json', scheme: SignatureScheme.ed448 },
  ])('$file: every valid signature verifies, every invalid one is refused', ({ file, scheme }) => {
    const data = load(file);
    const wrong: string[] = [];
    let ran = 0;
    for (const g of data.testGroups) {
      const key: PublicKey = g.publicKey.pk !== undefined
        ? { type: 'ed448', key: fromHex(g.publicKey.pk) }
        : { type: 'ec', curve: 'P-521', point: fromHex(g.publicKey.uncompressed ?? '') };
      for (const t of g.tests) {
        ran++;
        const ok = provider.verify(scheme, key, fromHex(t.msg), fromHex(t.sig));
        if ((t.result === 'valid' && !ok) || (t.result === 'invalid' && ok)) wrong.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): ${ok}`);
      }
    }
    expect(ran).toBe(data.numberOfTests);
    expect(wrong).toEqual([]);
  });

  it.each([
    { type: 'ecdsa-p521' as const, scheme: SignatureScheme.ecdsa_secp521r1_sha512 },
    { type: 'ed448' as const, scheme: SignatureScheme.ed448 },
  ])('a $type key signs with its one scheme; the other provider verifies; other schemes do not fit', ({ type, scheme }) => {
    const ck = certifiedKey(provider, readFileSync(certPaths(type).endChain, 'utf8'), readFileSync(certPaths(type).endKey, 'utf8'));
    expect(ck.key.schemes).toEqual([scheme]);
    const sig = ck.key.sign(scheme, MSG, seededRandom(1));
    for (const p of PROVIDERS) expect(p.verify(scheme, leafKey(type), MSG, sig)).toBe(true);
    expect(provider.verify(scheme, leafKey(type), MSG.subarray(1), sig)).toBe(false);
    for (const other of [SignatureScheme.ecdsa_secp384r1_sha384, SignatureScheme.ed25519, SignatureScheme.ecdsa_secp521r1_sha512, SignatureScheme.ed448]) {
      if (other !== scheme) expect(provider.verify(other, leafKey(type), MSG, sig)).toBe(false);
    }
  });
});

describe.each(PROVIDERS)('RSASSA-PSS keys, id-RSASSA-PSS (RFC 4055; RFC 8446 §4.2.3) ($name provider)', (provider) => {
  const pss = (end: string) => certifiedKey(
    provider,
    readFileSync(`${certPaths('rsa-pss').dir}/${end}.pem`, 'utf8') + readFileSync(certPaths('rsa-pss').inter, 'utf8'),
    readFileSync(`${certPaths('rsa-pss').dir}/${end}.key`, 'utf8'),
  );

  it('an unrestricted PSS key makes rsa_pss_pss_sha256/384/512, never rsa_pss_rsae_*', () => {
    const ck = pss('end');
    expect(ck.key.schemes).toEqual([SignatureScheme.rsa_pss_pss_sha256, SignatureScheme.rsa_pss_pss_sha384, SignatureScheme.rsa_pss_pss_sha512]);
    const key = leafKey('rsa-pss');
    expect(key.type === 'rsa' && key.pss).toEqual({});
    for (const s of ck.key.schemes) {
      const sig = ck.key.sign(s, MSG, seededRandom(2));
      for (const p of PROVIDERS) expect(p.verify(s, key, MSG, sig)).toBe(true);
      // The same signature under the rsaEncryption scheme of the same hash is refused: wrong key type.
      expect(provider.verify(s - 5, key, MSG, sig)).toBe(false);
    }
    expect(() => ck.key.sign(SignatureScheme.rsa_pss_rsae_sha256, MSG, seededRandom(2))).toThrow();
  });

  it('a key restricted to SHA-384 (MGF1-SHA-384, salt 48) makes and accepts rsa_pss_pss_sha384 only', () => {
    const ck = pss('end-sha384');
    expect(ck.key.schemes).toEqual([SignatureScheme.rsa_pss_pss_sha384]);
    const key = leafKey('rsa-pss', 'end-sha384');
    expect(key.type === 'rsa' && key.pss).toEqual({ hash: 'sha384' });
    const sig = ck.key.sign(SignatureScheme.rsa_pss_pss_sha384, MSG, seededRandom(3));
    expect(provider.verify(SignatureScheme.rsa_pss_pss_sha384, key, MSG, sig)).toBe(true);
    // A valid SHA-256 PSS signature by the same private key is refused: the key's parameters forbid SHA-256.
    const unrestricted = { type: 'rsa' as const, n: key.type === 'rsa' ? key.n : new Uint8Array(0), e: key.type === 'rsa' ? key.e : new Uint8Array(0), pss: {} };
    const privateKey = parsePrivateKey(readFileSync(`${certPaths('rsa-pss').dir}/end-sha384.key`, 'utf8'));
    if (privateKey.type !== 'rsa') throw new Error('not RSA');
    const free = provider.signingKey({ ...privateKey, pss: {} });
    const sha256Sig = free.sign(SignatureScheme.rsa_pss_pss_sha256, MSG, seededRandom(4));
    expect(provider.verify(SignatureScheme.rsa_pss_pss_sha256, unrestricted, MSG, sha256Sig)).toBe(true);
    expect(provider.verify(SignatureScheme.rsa_pss_pss_sha256, key, MSG, sha256Sig)).toBe(false);
  });

  it('rsaEncryption keys refuse rsa_pss_pss_*; PSS keys refuse PKCS#1 v1.5', () => {
    const rsae = certifiedKey(provider, readFileSync(certPaths('rsa-2048').endChain, 'utf8'), readFileSync(certPaths('rsa-2048').endKey, 'utf8'));
    const sig = rsae.key.sign(SignatureScheme.rsa_pss_rsae_sha256, MSG, seededRandom(5));
    const rsaeKey = leafKey('rsa-2048');
    expect(provider.verify(SignatureScheme.rsa_pss_rsae_sha256, rsaeKey, MSG, sig)).toBe(true);
    expect(provider.verify(SignatureScheme.rsa_pss_pss_sha256, rsaeKey, MSG, sig)).toBe(false);
    // The CA of the rsa-pss chain signed the intermediate with RSASSA-PSS: read as PKCS#1 it fails.
    const [inter] = parseCertificateChain(readFileSync(certPaths('rsa-pss').inter, 'utf8'));
    const cert = parseCertificate(inter as Uint8Array);
    const [ca] = parseCertificateChain(readFileSync(certPaths('rsa-pss').ca, 'utf8'));
    const caKey = parseCertificate(ca as Uint8Array).publicKey as PublicKey;
    expect(provider.verifyCertificateSignature(SignatureScheme.rsa_pss_pss_sha256, caKey, cert.tbsDer, cert.signature)).toBe(true);
    expect(provider.verifyCertificateSignature(SignatureScheme.rsa_pss_rsae_sha256, caKey, cert.tbsDer, cert.signature)).toBe(false);
    expect(provider.verifyCertificateSignature(SignatureScheme.rsa_pkcs1_sha256, caKey, cert.tbsDer, cert.signature)).toBe(false);
  });
});

describe('RSASSA-PSS key parameters TLS 1.3 cannot honour are refused (RFC 8446 §4.2.3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-pss-'));
  /** An RSA-PSS key with `opts` and a self-signed certificate for it, made by openssl. */
  const make = (name: string, opts: readonly string[]): { key: string; cert: string } => {
    const key = join(dir, `${name}.key`);
    const cert = join(dir, `${name}.pem`);
    execFileSync('openssl', ['genpkey', '-quiet', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', ...opts.flatMap((o) => ['-pkeyopt', o]), '-out', key]);
    execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-subj', '/CN=pss', '-days', '1', '-sha256', '-out', cert]);
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  };

  it.each([
    { name: 'MGF1 with another hash', opts: ['rsa_pss_keygen_md:sha256', 'rsa_pss_keygen_mgf1_md:sha1'] },
    { name: 'a minimum salt other than the hash length', opts: ['rsa_pss_keygen_md:sha256', 'rsa_pss_keygen_saltlen:20'] },
  ])('$name: the key file is refused, the certificate key is unsupported', ({ name, opts }) => {
    const { key, cert } = make(name.replace(/\W+/g, '-'), opts);
    expect(() => parsePrivateKey(key)).toThrow(/RSASSA-PSS key parameters/);
    const [der] = parseCertificateChain(cert);
    expect(parseCertificate(der as Uint8Array).publicKey).toBeUndefined();
  });

  it('SHA-256 with MGF1-SHA-256 and salt 32 is accepted as restricted to SHA-256', () => {
    const { key, cert } = make('ok', ['rsa_pss_keygen_md:sha256', 'rsa_pss_keygen_mgf1_md:sha256', 'rsa_pss_keygen_saltlen:32']);
    const k = parsePrivateKey(key);
    expect(k.type === 'rsa' && k.pss).toEqual({ hash: 'sha256' });
    const [der] = parseCertificateChain(cert);
    const pub = parseCertificate(der as Uint8Array).publicKey;
    expect(pub?.type === 'rsa' && pub.pss).toEqual({ hash: 'sha256' });
  });
});
