/**
 * Encrypted PKCS#8 private keys (RFC 5958 §3 EncryptedPrivateKeyInfo, RFC 8018 PBES2 with PBKDF2
 * or RFC 7914 scrypt, AES-CBC), as written by `openssl pkcs8 -topk8` (vectors/certs/rules/enc-*)
 * and by node:crypto, decrypted through each provider's `passwordBased` primitives.
 */
import { afterAll, describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nodeCrypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { concat, fromHex } from '../../../src/bytes/bytes.ts';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import type { CryptoProvider } from '../../../src/crypto/provider.ts';
import { nodeCryptoProvider } from '../../../src/node/crypto-provider.ts';
import { DerTag, encodeTlv, integerContents } from '../../../src/x509/der.ts';
import { maxPbkdf2Iterations } from '../../../src/x509/kdf-budget.ts';
import { parsePrivateKey, publicKeysEqual } from '../../../src/x509/keys.ts';
import { certifiedKey } from '../../../src/x509/certified-key.ts';
import { certPaths } from '../../helpers/pki.ts';
import { PROVIDERS } from '../../helpers/providers.ts';
import { type KeyType, vectorText } from './_certs.ts';

const file = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../../vectors/certs/rules/${name}`, import.meta.url)));

const VECTORS: readonly [string, KeyType, string | Uint8Array][] = [
  ['PBKDF2-HMAC-SHA256, AES-256-CBC (PEM)', 'ecdsa-p256', file('enc-p256-pbkdf2-sha256-aes256.key').toString('utf8')],
  ['PBKDF2-HMAC-SHA1, AES-128-CBC (PEM)', 'ecdsa-p384', file('enc-p384-pbkdf2-sha1-aes128.key').toString('utf8')],
  ['scrypt, AES-256-CBC (PEM)', 'ed25519', file('enc-ed25519-scrypt-aes256.key').toString('utf8')],
  ['PBKDF2-HMAC-SHA512, AES-192-CBC (DER)', 'rsa-2048', new Uint8Array(file('enc-rsa-pbkdf2-sha512-aes192.der'))],
];

describe.each(PROVIDERS.map((p) => ({ provider: p, name: p.name })))('encrypted PKCS#8 with the $name provider', ({ provider }) => {
  it.each(VECTORS)('decrypts %s to the same key as the plaintext file', (_, kt, input) => {
    const key = parsePrivateKey(input, { passphrase: 'puretls', provider });
    const plain = parsePrivateKey(vectorText(kt, 'end.key'));
    expect(key).toEqual(plain);
    expect(publicKeysEqual(provider.signingKey(key).publicKey, provider.signingKey(plain).publicKey)).toBe(true);
  });

  it.each(VECTORS)('refuses %s with a wrong passphrase', (_, _kt, input) => {
    expect(() => parsePrivateKey(input, { passphrase: 'wrong', provider })).toThrow(/wrong passphrase/);
  });

  it('decrypts a node:crypto-encrypted key (aes-128-cbc) given the passphrase as bytes', () => {
    const k = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const pem = k.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-128-cbc', passphrase: 'x' }) as string;
    const key = parsePrivateKey(pem, { passphrase: new TextEncoder().encode('x'), provider });
    expect(key).toEqual(parsePrivateKey(k.export({ format: 'pem', type: 'pkcs8' }) as string));
  });

  it('certifiedKey loads a chain with its encrypted key, and refuses it for another certificate', () => {
    const enc = file('enc-p256-pbkdf2-sha256-aes256.key').toString('utf8');
    expect(certifiedKey(provider, vectorText('ecdsa-p256', 'end.chain.pem'), enc, { passphrase: 'puretls' }).leaf.dnsNames).toContain('localhost');
    expect(() => certifiedKey(provider, vectorText('ecdsa-p256', 'client.pem'), enc, { passphrase: 'puretls' })).toThrow(/does not match/);
  });
});

describe('encrypted PKCS#8: configuration errors', () => {
  const pem = file('enc-p256-pbkdf2-sha256-aes256.key').toString('utf8');
  it('needs a passphrase', () => {
    expect(() => parsePrivateKey(pem)).toThrow(/encrypted; pass a passphrase/);
  });
  it('needs a provider with passwordBased primitives', () => {
    expect(() => parsePrivateKey(pem, { passphrase: 'puretls' })).toThrow(/passwordBased/);
  });
});

describe('encrypted PKCS#8: absurd key-derivation parameters fail before any work (issue 8 item 17)', () => {
  // A provider whose password-based primitives only count calls: a refused file never reaches them.
  let derivations = 0;
  const counting: CryptoProvider = {
    ...PROVIDERS[0]!,
    passwordBased: {
      pbkdf2: (_h, _pw, _salt, _iter, dkLen) => {
        derivations++;
        return new Uint8Array(dkLen);
      },
      scrypt: (_pw, _salt, _n, _r, _p, dkLen) => {
        derivations++;
        return new Uint8Array(dkLen);
      },
      aesCbcDecrypt: () => {
        throw new Error('bad padding');
      },
    },
  };
  const seq = (...parts: Uint8Array[]): Uint8Array => encodeTlv(DerTag.SEQUENCE, concat(...parts));
  const oid = (hex: string): Uint8Array => encodeTlv(DerTag.OID, fromHex(hex));
  const int = (n: number): Uint8Array => encodeTlv(DerTag.INTEGER, integerContents(Uint8Array.of(n / 2 ** 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)));
  const octets = (n: number): Uint8Array => encodeTlv(DerTag.OCTET_STRING, new Uint8Array(n).fill(7));
  /** EncryptedPrivateKeyInfo with PBES2 (RFC 8018 §A.4), the given KDF and AES-256-CBC. */
  const encrypted = (kdf: Uint8Array): Uint8Array =>
    seq(seq(oid('2a864886f70d01050d'), seq(kdf, seq(oid('60864801650304012a'), octets(16)))), octets(32));
  const PRF_OID = { sha1: '2a864886f70d0207', sha256: '2a864886f70d0209', sha512: '2a864886f70d020b' } as const;
  /** PBKDF2-params with the PRF given explicitly (or left to its DEFAULT, HMAC-SHA-1). */
  const pbkdf2 = (iterations: number, prf: keyof typeof PRF_OID | 'default' = 'sha256'): Uint8Array =>
    encrypted(
      seq(
        oid('2a864886f70d01050c'),
        seq(octets(8), int(iterations), ...(prf === 'default' ? [] : [seq(oid(PRF_OID[prf]), encodeTlv(DerTag.NULL, new Uint8Array(0)))])),
      ),
    );
  const scrypt = (n: number, r: number, p: number): Uint8Array => encrypted(seq(oid('2b06010401da47040b'), seq(octets(8), int(n), int(r), int(p))));
  const outcome = (der: Uint8Array): string => {
    derivations = 0;
    try {
      parsePrivateKey(der, { passphrase: 'x', provider: counting });
    } catch (e) {
      const msg = (e as Error).message;
      return derivations > 0 ? 'derived' : /out of range|more key-derivation work/.test(msg) ? 'refused' : `other: ${msg}`;
    }
    return 'parsed';
  };
  // The bound is KDF_WORK_LIMIT (kdf-budget.ts, docs/07 §4d) for the AES-256 key of these files:
  // 2 compressions per iteration and output block, SHA-512's counting three, SHA-1's two blocks.
  it.each([
    [2048, 'sha256', 'derived'], // OpenSSL's default
    [1_048_576, 'sha256', 'derived'],
    [1_048_577, 'sha256', 'refused'],
    [349_525, 'sha512', 'derived'],
    [349_526, 'sha512', 'refused'],
    [524_288, 'sha1', 'derived'],
    [524_289, 'sha1', 'refused'],
    [524_289, 'default', 'refused'], // the DEFAULT PRF is HMAC-SHA-1
    [2 ** 31 - 1, 'sha256', 'refused'],
    [0, 'sha256', 'refused'],
  ] as const)('PBKDF2 with %i iterations of HMAC-%s: %s', (iterations, prf, expected) => {
    expect(outcome(pbkdf2(iterations, prf))).toBe(expected);
  });
  it('maxPbkdf2Iterations says the same bounds', () => {
    expect([maxPbkdf2Iterations('sha256', 32), maxPbkdf2Iterations('sha512', 32), maxPbkdf2Iterations('sha1', 32), maxPbkdf2Iterations('sha1', 16)]).toEqual([
      1_048_576, 349_525, 524_288, 1_048_576,
    ]);
  });
  it.each([
    [2 ** 14, 8, 1, 'derived'], // OpenSSL's default, 16 MiB
    [2 ** 15, 8, 1, 'derived'], // 32 MiB
    [2 ** 16, 8, 1, 'refused'], // 64 MiB
    [2 ** 20, 8, 1, 'refused'], // 1 GiB
    [2 ** 14, 8, 15, 'derived'], // work r·p·(N + 12) within 2^21
    [2 ** 14, 8, 16, 'refused'],
    [2, 2 ** 17, 1, 'derived'], // 32 MiB, small N: the PBKDF2 expansion's work counts (12 per r·p)
    [2, 2 ** 17, 2, 'refused'], // (was accepted: 4 s of CPU with the pure provider at p = 4)
    [2 ** 15, 1, 1, 'derived'],
    [2 ** 16, 1, 1, 'refused'], // RFC 7914 §2: N < 2^(128·r/8) (node:crypto refuses it too)
    [2 ** 14 + 1, 8, 1, 'refused'], // N not a power of two (RFC 7914 §2)
    [2 ** 30, 1, 1, 'refused'],
  ])('scrypt N=%i r=%i p=%i: %s', (n, r, p, expected) => {
    expect(outcome(scrypt(n, r, p))).toBe(expected);
  });
});

describe('encrypted PKCS#8 from openssl pkcs8 -topk8 at the key-derivation bound (docs/07 §4d)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-kdf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf <prf> -iter <n>` of the P-256 test key. */
  const made = (prf: string, iterations: number): string => {
    const out = join(dir, `${prf}-${iterations}.key`);
    const args = ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', prf, '-iter', String(iterations), '-passout', 'pass:puretls', '-out', out];
    execFileSync('openssl', [...args, '-in', certPaths('ecdsa-p256').endKey]);
    return readFileSync(out, 'utf8');
  };
  const plain = parsePrivateKey(vectorText('ecdsa-p256', 'end.key'));
  // The key just inside is derived with node:crypto (the pure provider derives the same: the
  // vectors above; at this bound it costs about 1.5 s of CPU, bench/kdf-cost.ts). Just outside is
  // refused before any work by both providers.
  it.each([
    ['hmacWithSHA512', maxPbkdf2Iterations('sha512', 32)],
    ['hmacWithSHA256', maxPbkdf2Iterations('sha256', 32)],
    ['hmacWithSHA1', maxPbkdf2Iterations('sha1', 32)],
  ])('%s: %i iterations load, one more is refused', (prf, iterations) => {
    expect(parsePrivateKey(made(prf, iterations), { passphrase: 'puretls', provider: nodeCryptoProvider })).toEqual(plain);
    const outside = made(prf, iterations + 1);
    for (const provider of [nodeCryptoProvider, nobleProvider]) {
      expect(() => parsePrivateKey(outside, { passphrase: 'puretls', provider })).toThrow(
        `key: ENCRYPTED PRIVATE KEY: PBKDF2-HMAC-${prf.slice(8)} with ${iterations + 1} iterations needs more key-derivation work than one key file may use`,
      );
    }
  });
});
