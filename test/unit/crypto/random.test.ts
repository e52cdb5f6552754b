/** randomBytes of both providers: requested length, large requests, no repeated output. */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import { PROVIDERS } from '../../helpers/providers.ts';

describe.each(PROVIDERS)('randomBytes ($name provider)', (provider) => {
  it('returns exactly the requested number of bytes, including 0 and more than 65536', () => {
    for (const len of [0, 1, 32, 65536, 70000]) expect(provider.randomBytes(len).length).toBe(len);
  });

  it('does not repeat itself and is not all zeros (RFC 8446 §4.1.2 random, Appendix C.1)', () => {
    const a = provider.randomBytes(32);
    const b = provider.randomBytes(32);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(a.some((x) => x !== 0)).toBe(true);
    const big = provider.randomBytes(70000);
    expect(big.subarray(65536).some((x) => x !== 0)).toBe(true);
  });
});
