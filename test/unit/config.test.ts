import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/config.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { dangerouslyAcceptAnyCertificate } from '../../src/x509/verifier.ts';

const base = { provider: nobleProvider, verifier: dangerouslyAcceptAnyCertificate() };

describe('clientConfig', () => {
  it('orders key shares as supported_groups orders the groups (RFC 8446 §4.2.8)', () => {
    const c = clientConfig({ ...base, groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.secp256r1, NamedGroup.x25519] });
    expect(c.keyShareGroups).toEqual([NamedGroup.x25519, NamedGroup.secp256r1]);
  });

  it('refuses a key share group twice, or one not in groups', () => {
    expect(() => clientConfig({ ...base, keyShareGroups: [NamedGroup.x25519, NamedGroup.x25519] })).toThrow(RangeError);
    expect(() => clientConfig({ ...base, groups: [NamedGroup.x25519], keyShareGroups: [NamedGroup.secp256r1] })).toThrow(RangeError);
  });

  it('requires a verifier: there is no silent default', () => {
    expect(() => clientConfig({ provider: nobleProvider } as never)).toThrow(TypeError);
  });

  it('offers rsa_pkcs1 for certificates by default (RFC 8446 §4.2.3)', () => {
    expect(clientConfig(base).signatureSchemes).toContain(0x0401);
  });
});
