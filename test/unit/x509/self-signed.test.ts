import 'reflect-metadata';
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import * as px509 from '@peculiar/x509';
import { generateSelfSigned } from '../../../src/x509/self-signed.ts';
import { parseCertificate } from '../../../src/x509/certificate.ts';
import { publicKeysEqual } from '../../../src/x509/keys.ts';
import { trustExactly } from '../../../src/x509/verifier.ts';
import { SignatureScheme } from '../../../src/protocol/registry.ts';
import { NOW } from './_certs.ts';
import { PROVIDERS, publicKeyData } from './_provider.ts';

const HOSTS = ['localhost', '127.0.0.1', '::1', 'example.test'];

describe('generateSelfSigned (RFC 5280 §4.1)', () => {
  for (const provider of PROVIDERS) {
    const random = (n: number): Uint8Array => provider.randomBytes(n);

    it(`${provider.name}: @peculiar/x509 reads the expected fields`, () => {
      const { certDer } = generateSelfSigned(provider, { hosts: HOSTS, now: NOW, random });
      const c = new px509.X509Certificate(certDer);
      expect(c.subject).toBe('CN=localhost');
      expect(c.issuer).toBe('CN=localhost');
      expect(c.notBefore.getTime()).toBe(NOW - 3600_000);
      expect(c.notAfter.getTime()).toBe(NOW + 30 * 86_400_000);
      expect(c.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
      expect(c.getExtension(px509.BasicConstraintsExtension)?.ca).toBe(false);
      expect(c.getExtension(px509.BasicConstraintsExtension)?.critical).toBe(true);
      expect(c.getExtension(px509.KeyUsagesExtension)?.usages).toBe(px509.KeyUsageFlags.digitalSignature);
      expect(c.getExtension(px509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(c.getExtension(px509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
        { type: 'dns', value: 'example.test' },
      ]);
    });

    it(`${provider.name}: node:crypto verifies the self-signature and matches the PKCS#8 key`, () => {
      const { certDer, keyPkcs8 } = generateSelfSigned(provider, { hosts: HOSTS, now: NOW, random, validityDays: 2 });
      const x = new nodeCrypto.X509Certificate(certDer);
      expect(x.verify(x.publicKey)).toBe(true);
      expect(x.checkHost('localhost')).toBe('localhost');
      expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
      const key = nodeCrypto.createPrivateKey({ key: Buffer.from(keyPkcs8), format: 'der', type: 'pkcs8' });
      expect(publicKeysEqual(publicKeyData(key), publicKeyData(x.publicKey))).toBe(true);
      expect(new Date(x.validTo).getTime()).toBe(NOW + 2 * 86_400_000);
    });

    it(`${provider.name}: our parser and verifier accept it for its hosts`, () => {
      const { certDer } = generateSelfSigned(provider, { hosts: HOSTS, now: NOW, random });
      const c = parseCertificate(certDer);
      expect(c.signatureAlgorithm).toBe(SignatureScheme.ecdsa_secp256r1_sha256);
      expect(c.dnsNames).toEqual(['localhost', 'example.test']);
      expect(c.ipAddresses.map((ip) => ip.length)).toEqual([4, 16]);
      expect(c.isCa).toBe(false);
      const v = trustExactly([certDer]);
      for (const serverName of HOSTS) expect(v.verify({ chain: [certDer], serverName, now: NOW, provider }).leaf.der).toEqual(certDer);
    });
  }

  it('openssl x509 -text accepts the certificate', () => {
    const { certDer } = generateSelfSigned(PROVIDERS[1]!, { hosts: HOSTS, now: NOW, random: (n) => nodeCrypto.randomBytes(n) });
    const r = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: Buffer.from(certDer), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(r.stdout).toContain('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:example.test');
    expect(r.stdout).toContain('CA:FALSE');
    expect(r.stdout).toContain('TLS Web Server Authentication');
  });

  it('draws a fresh scalar when the random bytes are not below the P-256 order', () => {
    let calls = 0;
    const random = (n: number): Uint8Array => {
      calls++;
      return calls === 1 ? new Uint8Array(n).fill(0xff) : nodeCrypto.randomBytes(n);
    };
    const { key } = generateSelfSigned(PROVIDERS[0]!, { hosts: ['a.test'], now: NOW, random });
    expect(key.type === 'ec' && key.d.every((b) => b === 0xff)).toBe(false);
  });

  it('rejects an empty host list with RangeError', () => {
    expect(() => generateSelfSigned(PROVIDERS[0]!, { hosts: [], now: NOW, random: (n) => new Uint8Array(n) })).toThrow(RangeError);
  });
});
