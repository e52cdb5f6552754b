/**
 * Encrypted PKCS#8 private keys (RFC 5958 §3 EncryptedPrivateKeyInfo, RFC 8018 PBES2 with PBKDF2
 * or RFC 7914 scrypt, AES-CBC), as written by `openssl pkcs8 -topk8` (vectors/certs/rules/enc-*)
 * and by node:crypto, decrypted through each provider's `passwordBased` primitives.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { concat, fromHex } from '../../../src/bytes/bytes.ts';
import type { CryptoProvider } from '../../../src/crypto/provider.ts';
import { DerTag, encodeTlv, integerContents } from '../../../src/x509/der.ts';
import { parsePrivateKey, publicKeysEqual } from '../../../src/x509/keys.ts';
import { certifiedKey } from '../../../src/x509/certified-key.ts';
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
  const pbkdf2 = (iterations: number): Uint8Array =>
    encrypted(seq(oid('2a864886f70d01050c'), seq(octets(8), int(iterations), seq(oid('2a864886f70d0209'), encodeTlv(DerTag.NULL, new Uint8Array(0))))));
  const scrypt = (n: number, r: number, p: number): Uint8Array => encrypted(seq(oid('2b06010401da47040b'), seq(octets(8), int(n), int(r), int(p))));
  const outcome = (der: Uint8Array): string => {
    derivations = 0;
    try {
      parsePrivateKey(der, { passphrase: 'x', provider: counting });
    } catch (e) {
      const msg = (e as Error).message;
      return derivations > 0 ? 'derived' : /out of range/.test(msg) ? 'refused' : `other: ${msg}`;
    }
    return 'parsed';
  };
  it.each([
    [2048, 'derived'],
    [1_000_000, 'derived'],
    [1_000_001, 'refused'],
    [2 ** 31 - 1, 'refused'],
    [0, 'refused'],
  ])('PBKDF2 with %i iterations: %s', (iterations, expected) => {
    expect(outcome(pbkdf2(iterations))).toBe(expected);
  });
  it.each([
    [2 ** 14, 8, 1, 'derived'], // OpenSSL's default, 16 MiB
    [2 ** 15, 8, 1, 'derived'], // 32 MiB
    [2 ** 16, 8, 1, 'refused'], // 64 MiB
    [2 ** 20, 8, 1, 'refused'], // 1 GiB
    [2 ** 14, 8, 8, 'derived'], // work 2^20
    [2 ** 14, 8, 9, 'refused'],
    [2 ** 14 + 1, 8, 1, 'refused'], // N not a power of two (RFC 7914 §2)
    [2 ** 30, 1, 1, 'refused'],
  ])('scrypt N=%i r=%i p=%i: %s', (n, r, p, expected) => {
    expect(outcome(scrypt(n, r, p))).toBe(expected);
  });
});
