/**
 * Encrypted PKCS#8 private keys (RFC 5958 §3 EncryptedPrivateKeyInfo, RFC 8018 PBES2 with PBKDF2
 * or RFC 7914 scrypt, AES-CBC), as written by `openssl pkcs8 -topk8` (vectors/certs/rules/enc-*)
 * and by node:crypto, decrypted through each provider's `passwordBased` primitives.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
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
