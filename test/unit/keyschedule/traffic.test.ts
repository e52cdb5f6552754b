import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import { ALL_SUITES, TLS_AES_128_GCM_SHA256 } from '../../../src/crypto/suites.ts';
import { deriveTrafficKeys, nextTrafficSecret } from '../../../src/keyschedule/traffic.ts';
import { testHash } from './_hash.ts';
import { oracleExpandLabel } from './_oracle.ts';

describe('traffic keys (RFC 8446 §7.3) and key update (RFC 8446 §7.2)', () => {
  it.each(ALL_SUITES.map((s) => [s.name, s] as const))('derives key and iv of the right lengths for %s', (_, suite) => {
    const h = testHash(suite.hash);
    const secret = new Uint8Array(h.outputLen).fill(0x42);
    const keys = deriveTrafficKeys(h, suite, secret);
    expect(toHex(keys.key)).toBe(toHex(oracleExpandLabel(suite.hash as 'sha256', secret, 'key', new Uint8Array(0), suite.keyLen)));
    expect(toHex(keys.iv)).toBe(toHex(oracleExpandLabel(suite.hash as 'sha256', secret, 'iv', new Uint8Array(0), 12)));
    expect(keys.key.length).toBe(suite.keyLen);
  });

  it('rejects a hash that is not the suite hash', () => {
    expect(() => deriveTrafficKeys(testHash('sha384'), TLS_AES_128_GCM_SHA256, new Uint8Array(48))).toThrow(RangeError);
  });

  it('next application traffic secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
    for (const name of ['sha256', 'sha384'] as const) {
      const h = testHash(name);
      const s0 = new Uint8Array(h.outputLen).fill(1);
      const s1 = nextTrafficSecret(h, s0);
      expect(toHex(s1)).toBe(toHex(oracleExpandLabel(name, s0, 'traffic upd', new Uint8Array(0), h.outputLen)));
      expect(toHex(nextTrafficSecret(h, s1))).not.toBe(toHex(s1));
    }
  });
});
