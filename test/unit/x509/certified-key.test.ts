import { describe, it, expect } from 'vitest';
import { certifiedKey } from '../../../src/x509/certified-key.ts';
import { parsePrivateKey } from '../../../src/x509/keys.ts';
import { utf8 } from '../../../src/bytes/bytes.ts';
import { KEY_TYPES, vectorText } from './_certs.ts';
import { PROVIDERS } from './_provider.ts';

describe('certifiedKey (RFC 8446 §4.4.2, §4.4.3)', () => {
  for (const provider of PROVIDERS) {
    for (const kt of KEY_TYPES) {
      it(`${provider.name}: loads the ${kt} chain and key; the key signs for the leaf's public key`, () => {
        const ck = certifiedKey(provider, vectorText(kt, 'end.chain.pem'), vectorText(kt, 'end.key'));
        expect(ck.chain).toHaveLength(2);
        expect(ck.leaf.subjectText).toBe('CN=testserver.com, O=puretls test');
        const scheme = ck.key.schemes[0] as number;
        const msg = utf8('TLS 1.3, server CertificateVerify');
        const sig = ck.key.sign(scheme, msg, (n) => provider.randomBytes(n));
        expect(provider.verify(scheme, ck.leaf.publicKey!, msg, sig)).toBe(true);
      });
    }
  }

  it('accepts an already parsed key', () => {
    const key = parsePrivateKey(vectorText('ed25519', 'end.key'));
    expect(certifiedKey(PROVIDERS[0]!, vectorText('ed25519', 'end.pem'), key).leaf.publicKey?.type).toBe('ed25519');
  });

  it('refuses a key of the same type that belongs to another certificate', () => {
    for (const kt of KEY_TYPES) {
      expect(() => certifiedKey(PROVIDERS[0]!, vectorText(kt, 'end.pem'), vectorText(kt, 'client.key'))).toThrow(/does not match/);
    }
  });

  it('refuses a key of another type', () => {
    expect(() => certifiedKey(PROVIDERS[0]!, vectorText('ecdsa-p256', 'end.pem'), vectorText('ed25519', 'end.key'))).toThrow(/does not match/);
    expect(() => certifiedKey(PROVIDERS[0]!, vectorText('ecdsa-p256', 'end.pem'), vectorText('ecdsa-p384', 'end.key'))).toThrow(/does not match/);
  });

  it('refuses an empty chain', () => {
    expect(() => certifiedKey(PROVIDERS[0]!, [], vectorText('ed25519', 'end.key'))).toThrow(/empty/);
  });
});
