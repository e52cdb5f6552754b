/**
 * PKCS#12 (RFC 7292) files made by the real `openssl pkcs12 -export` (OpenSSL 3: PBES2 with
 * AES-256-CBC and a SHA-256 MAC by default), read by src/x509/pkcs12.ts; legacy files (RC2/3DES,
 * SHA-1 MAC) are refused with a message that says how to convert them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../../../src/node/crypto-provider.ts';
import { parseCertificateChain } from '../../../src/x509/certificate.ts';
import { certifiedKey } from '../../../src/x509/certified-key.ts';
import { parsePkcs12 } from '../../../src/x509/pkcs12.ts';
import { certPaths } from '../../helpers/pki.ts';

const dir = mkdtempSync(join(tmpdir(), 'puretls-p12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `openssl pkcs12 -export` of a test key and its chain (leaf + intermediate) with `args`. */
function p12(keyType: 'ecdsa-p256' | 'rsa-2048', name: string, args: readonly string[]): Uint8Array {
  const p = certPaths(keyType);
  const out = join(dir, `${keyType}-${name}.p12`);
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', p.endKey, '-in', p.endChain, '-out', out, ...args]);
  return new Uint8Array(readFileSync(out));
}

describe('parsePkcs12 on files from openssl pkcs12 -export', () => {
  for (const keyType of ['ecdsa-p256', 'rsa-2048'] as const) {
    const chain = parseCertificateChain(readFileSync(certPaths(keyType).endChain, 'utf8'));
    for (const provider of [nodeCryptoProvider, nobleProvider]) {
      it(`${keyType}, ${provider.name}: OpenSSL 3 defaults (PBES2 AES-256-CBC, SHA-256 MAC): the key and the chain, leaf first`, () => {
        const file = p12(keyType, `default-${provider.name}`, ['-passout', 'pass:secret']);
        const got = parsePkcs12(file, 'secret', provider);
        expect(got.chain.map((c) => Buffer.from(c).toString('hex'))).toEqual(chain.map((c) => Buffer.from(c).toString('hex')));
        expect(() => certifiedKey(provider, got.chain, got.key)).not.toThrow();
      });
    }
  }

  it('other modern encodings: SHA-512 MAC, AES-128 key, unencrypted certificates, no MAC, unencrypted key', () => {
    const variants: string[][] = [
      ['-macalg', 'sha512'],
      ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC'],
      ['-certpbe', 'NONE'],
      ['-nomac'],
      ['-keypbe', 'NONE', '-certpbe', 'NONE'],
    ];
    for (const [i, args] of variants.entries()) {
      const got = parsePkcs12(p12('ecdsa-p256', `variant${i}`, ['-passout', 'pass:secret', ...args]), 'secret', nodeCryptoProvider);
      expect(got.chain.length, args.join(' ')).toBe(2);
      expect(() => certifiedKey(nodeCryptoProvider, got.chain, got.key)).not.toThrow();
    }
  });

  it('an empty passphrase (-passout pass:) opens with no passphrase', () => {
    const got = parsePkcs12(p12('ecdsa-p256', 'empty', ['-passout', 'pass:']), undefined, nodeCryptoProvider);
    expect(got.chain.length).toBe(2);
  });

  it('a wrong passphrase fails the MAC check', () => {
    const file = p12('ecdsa-p256', 'wrong', ['-passout', 'pass:secret']);
    expect(() => parsePkcs12(file, 'Secret', nodeCryptoProvider)).toThrow(/MAC verification failed: wrong passphrase/);
    expect(() => parsePkcs12(file, undefined, nodeCryptoProvider)).toThrow(/MAC verification failed/);
  });

  it('a wrong passphrase without a MAC fails decryption, not silently', () => {
    const file = p12('ecdsa-p256', 'nomac-wrong', ['-passout', 'pass:secret', '-nomac']);
    expect(() => parsePkcs12(file, 'Secret', nodeCryptoProvider)).toThrow(/wrong passphrase|corrupt/);
  });

  it('refuses legacy files (-legacy: RC2-40 certificates, 3DES key, SHA-1 MAC) with a way to convert them', () => {
    const legacy = p12('ecdsa-p256', 'legacy', ['-passout', 'pass:secret', '-legacy']);
    expect(() => parsePkcs12(legacy, 'secret', nodeCryptoProvider)).toThrow(/SHA-1 MAC is not supported .*openssl pkcs12 -in old.p12 -legacy/);
    const des = p12('ecdsa-p256', 'des', ['-passout', 'pass:secret', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'NONE']);
    expect(() => parsePkcs12(des, 'secret', nodeCryptoProvider)).toThrow(/the private key is encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC/);
    const rc2 = p12('ecdsa-p256', 'rc2', ['-passout', 'pass:secret', '-legacy', '-macalg', 'sha256', '-keypbe', 'AES-256-CBC']);
    expect(() => parsePkcs12(rc2, 'secret', nodeCryptoProvider)).toThrow(/the certificates are encrypted with pbewithSHAAnd40BitRC2-CBC/);
  });

  it('one key-derivation bound for the whole file: -iter 349525 loads, 349526 is refused (docs/07 §4d)', () => {
    // OpenSSL's -iter sets the MAC's and both PBES2 parts' counts: 3 derivations of 2 units per
    // iteration (SHA-256) share KDF_WORK_LIMIT = 2^21, though each alone would be far inside it.
    const inside = parsePkcs12(p12('ecdsa-p256', 'iter-inside', ['-passout', 'pass:secret', '-iter', '349525']), 'secret', nodeCryptoProvider);
    expect(inside.chain.length).toBe(2);
    const outside = p12('ecdsa-p256', 'iter-outside', ['-passout', 'pass:secret', '-iter', '349526']);
    expect(() => parsePkcs12(outside, 'secret', nodeCryptoProvider)).toThrow(/with 349526 iterations needs more key-derivation work than one key file may use/);
  });

  it('refuses what is not a PKCS#12 file', () => {
    expect(() => parsePkcs12(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]), 'x', nodeCryptoProvider)).toThrow(/pfx/);
    expect(() => parsePkcs12(new Uint8Array(readFileSync(certPaths('ecdsa-p256').end)), 'x', nodeCryptoProvider)).toThrow(/pfx/);
  });
});
