/**
 * node:tls's textual settings (src/node/tls-lists.ts): `ciphers`, `ecdhCurve`, `minVersion` /
 * `maxVersion`, `secureProtocol`. Where node:tls accepts or refuses a value the same way, the
 * test asks node:tls too (createSecureContext), so the semantics are pinned to the real thing.
 */
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { checkProtocolVersions, parseCipherList, parseGroupList } from '../../src/node/tls-lists.ts';
import { CipherSuite, NamedGroup } from '../../src/protocol/registry.ts';

const { TLS_AES_128_GCM_SHA256: AES128, TLS_AES_256_GCM_SHA384: AES256, TLS_CHACHA20_POLY1305_SHA256: CHACHA } = CipherSuite;
const { X25519MLKEM768, x25519, secp256r1, secp384r1, secp521r1, x448, ffdhe2048, ffdhe8192 } = NamedGroup;

describe('parseCipherList (node:tls `ciphers`)', () => {
  it('takes the TLS_* entries in order and skips the TLS 1.2 syntax, as node splits the list', () => {
    expect(parseCipherList('TLS_CHACHA20_POLY1305_SHA256')).toEqual([CHACHA]);
    expect(parseCipherList('TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_256_GCM_SHA384:HIGH:!aNULL')).toEqual([AES128, AES256]);
    // node's own default list works unchanged.
    expect(parseCipherList(tls.DEFAULT_CIPHERS)).toEqual([AES256, CHACHA, AES128]);
  });

  it('takes the CCM suites (off by default) when named, as OpenSSL does', () => {
    expect(parseCipherList('TLS_AES_128_CCM_SHA256:TLS_AES_128_GCM_SHA256')).toEqual([CipherSuite.TLS_AES_128_CCM_SHA256, AES128]);
    expect(parseCipherList('TLS_AES_128_CCM_8_SHA256')).toEqual([CipherSuite.TLS_AES_128_CCM_8_SHA256]);
    expect(() => tls.createSecureContext({ ciphers: 'TLS_AES_128_CCM_8_SHA256' })).not.toThrow();
  });

  it('refuses a list that would limit node:tls to TLS 1.2 (no TLS_* entry), and unknown TLS 1.3 names', () => {
    expect(() => parseCipherList('ECDHE-RSA-AES128-GCM-SHA256')).toThrow(/no TLS 1.3 suite/);
    expect(() => parseCipherList('DEFAULT')).toThrow(RangeError);
    expect(() => parseCipherList('')).toThrow(RangeError);
    expect(() => parseCipherList('TLS_CHACHA20_POLY1305')).toThrow(/unknown TLS 1.3 cipher suite "TLS_CHACHA20_POLY1305"/);
    expect(() => parseCipherList(5 as unknown as string)).toThrow(TypeError);
  });
});

describe('parseGroupList (node:tls `ecdhCurve`, OpenSSL groups list)', () => {
  it("'auto' keeps the defaults", () => {
    expect(parseGroupList('auto')).toBeUndefined();
  });

  it("accepts OpenSSL's names for each group, as node:tls (OpenSSL 3.0) does", () => {
    for (const [name, id] of [['X25519', x25519], ['x25519', x25519], ['P-256', secp256r1], ['prime256v1', secp256r1], ['secp256r1', secp256r1], ['P-384', secp384r1], ['secp384r1', secp384r1], ['P-521', secp521r1], ['secp521r1', secp521r1], ['X448', x448], ['x448', x448], ['ffdhe2048', ffdhe2048], ['ffdhe8192', ffdhe8192]] as const) {
      expect(parseGroupList(name)).toEqual({ groups: [id], keyShareGroups: [id] });
      expect(() => tls.createSecureContext({ ecdhCurve: name })).not.toThrow();
    }
    expect(parseGroupList('X25519MLKEM768')).toEqual({ groups: [X25519MLKEM768], keyShareGroups: [X25519MLKEM768] });
  });

  it('keeps the order; the key share goes to the first group unless groups are marked with * (OpenSSL 3.5)', () => {
    expect(parseGroupList('P-384:X25519')).toEqual({ groups: [secp384r1, x25519], keyShareGroups: [secp384r1] });
    expect(parseGroupList('*X25519MLKEM768:*X25519:P-256')).toEqual({ groups: [X25519MLKEM768, x25519, secp256r1], keyShareGroups: [X25519MLKEM768, x25519] });
    expect(parseGroupList('X25519MLKEM768/X25519:P-256')?.groups).toEqual([X25519MLKEM768, x25519, secp256r1]);
  });

  it('leaves out groups OpenSSL knows that we do not implement, and skips unknown ones marked ?', () => {
    expect(parseGroupList('brainpoolP256r1tls13:SecP256r1MLKEM768:X25519')).toEqual({ groups: [x25519], keyShareGroups: [x25519] });
    expect(parseGroupList('?bogus:P-256')).toEqual({ groups: [secp256r1], keyShareGroups: [secp256r1] });
  });

  it('refuses unknown names, empty entries, duplicates and lists with nothing we implement (node:tls refuses unknown names too)', () => {
    expect(() => parseGroupList('bogus:X25519')).toThrow(/unknown group "bogus"/);
    expect(() => tls.createSecureContext({ ecdhCurve: 'bogus:X25519' })).toThrow();
    expect(() => parseGroupList('p-256')).toThrow(RangeError);
    expect(() => tls.createSecureContext({ ecdhCurve: 'p-256' })).toThrow();
    expect(() => parseGroupList('')).toThrow(RangeError);
    expect(() => parseGroupList('X25519::P-256')).toThrow(/empty group name/);
    expect(() => parseGroupList('X25519:x25519')).toThrow(/twice/);
    expect(() => parseGroupList('brainpoolP384r1tls13')).toThrow(/none of the groups/);
  });
});

describe('checkProtocolVersions (node:tls minVersion / maxVersion / secureProtocol)', () => {
  it('accepts every minimum and the TLS 1.3 maximum', () => {
    for (const v of ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']) expect(() => checkProtocolVersions({ minVersion: v })).not.toThrow();
    expect(() => checkProtocolVersions({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' })).not.toThrow();
    expect(() => checkProtocolVersions({ secureProtocol: 'TLS_method' })).not.toThrow();
  });

  it('refuses a maximum below TLS 1.3 and a secureProtocol pinned to an older version: they cannot be honoured', () => {
    expect(() => checkProtocolVersions({ maxVersion: 'TLSv1.2' })).toThrow(/maxVersion: TLSv1.2 cannot be honoured/);
    expect(() => checkProtocolVersions({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' })).toThrow(RangeError);
    expect(() => checkProtocolVersions({ secureProtocol: 'TLSv1_2_method' })).toThrow(/cannot be honoured/);
  });

  it('refuses what node:tls refuses: unknown version names, secureProtocol together with a version', () => {
    const bad: tls.SecureContextOptions[] = [{ minVersion: 'TLSv1.4' as tls.SecureVersion }, { minVersion: 'tlsv1.3' as tls.SecureVersion }, { secureProtocol: 'TLS_method', minVersion: 'TLSv1.2' }];
    for (const options of bad) {
      expect(() => checkProtocolVersions(options)).toThrow(TypeError);
      expect(() => tls.createSecureContext(options)).toThrow();
    }
  });
});
