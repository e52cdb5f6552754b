/**
 * Hashes, HMAC and HKDF of both providers against published vectors: FIPS 180-2 examples,
 * RFC 4231 HMAC test case 2, RFC 5869 Appendix A.1–A.3, and Project Wycheproof's HMAC and HKDF
 * vectors for SHA-256 and SHA-384 through `hmacKey` as well as the one-shot functions.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../src/bytes/bytes.ts';
import type { HashName } from '../../../src/crypto/provider.ts';
import { PROVIDERS } from '../../helpers/providers.ts';
import { type HkdfCase, loadWycheproof, type MacCase } from '../../helpers/wycheproof-mac.ts';

const SHA_ABC: Record<HashName, string> = {
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  sha512:
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
};

const HMAC_JEFE: Record<HashName, string> = {
  sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  sha384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
  sha512:
    '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
};

const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** RFC 5869 Appendix A, SHA-256 cases. */
const HKDF_CASES = [
  {
    name: 'A.1 basic',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2 longer inputs/outputs',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
      'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3 zero-length salt and info',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: new Uint8Array(0),
    info: new Uint8Array(0),
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
] as const;

describe.each(PROVIDERS)('hash, HMAC, HKDF ($name provider)', (provider) => {
  it.each(['sha256', 'sha384', 'sha512'] as const)('%s("abc") matches FIPS 180-2 and reports its output length', (name) => {
    const h = provider.hash(name);
    expect(h.name).toBe(name);
    expect(toHex(h.digest(utf8('abc')))).toBe(SHA_ABC[name]);
    expect(h.outputLen).toBe(SHA_ABC[name].length / 2);
  });

  it('SHA-256 of the empty string is the RFC 8448 empty transcript hash', () => {
    expect(toHex(provider.hash('sha256').digest(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('incremental hashing with clone() gives the intermediate and the final digests (RFC 8446 §4.4.1 transcript)', () => {
    const h = provider.hash('sha256').create();
    h.update(utf8('abcdbcdecdefdefgefghfghighijhijk'));
    const mid = h.clone();
    h.update(utf8('ijkljklmklmnlmnomnopnopq'));
    expect(toHex(mid.digest())).toBe(toHex(provider.hash('sha256').digest(utf8('abcdbcdecdefdefgefghfghighijhijk'))));
    expect(toHex(h.digest())).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it.each(['sha256', 'sha384', 'sha512'] as const)('HMAC-%s matches RFC 4231 test case 2', (name) => {
    expect(toHex(provider.hash(name).hmac(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(HMAC_JEFE[name]);
  });

  it.each(HKDF_CASES)('HKDF-SHA256 matches RFC 5869 $name', (c) => {
    const h = provider.hash('sha256');
    const prk = h.hkdfExtract(c.salt, c.ikm);
    expect(toHex(prk)).toBe(c.prk);
    expect(toHex(h.hkdfExpand(fromHex(c.prk), c.info, c.length))).toBe(c.okm);
  });

  it.each(['sha256', 'sha384'] as const)('HMAC-%s: hmac and hmacKey give every Wycheproof tag (keys of 16, 32, 65+ bytes; truncated tags)', (name) => {
    const h = provider.hash(name);
    for (const g of loadWycheproof<MacCase>(`hmac_${name}_test.json`).testGroups) {
      for (const c of g.tests) {
        const key = fromHex(c.key);
        const msg = fromHex(c.msg);
        const keyed = h.hmacKey(key);
        const tags = [h.hmac(key, msg), keyed.mac(msg), keyed.mac(msg)].map((t) => toHex(t.subarray(0, g.tagSize! / 8)));
        for (const tag of tags) {
          if (c.result === 'valid') expect(tag, `tcId ${c.tcId}`).toBe(c.tag);
          else expect(tag, `tcId ${c.tcId}`).not.toBe(c.tag);
        }
      }
    }
  });

  it.each(['sha256', 'sha384'] as const)('HKDF-%s: hkdfExtract, then hkdfExpand and hmacKey(prk).expand give every Wycheproof output', (name) => {
    const h = provider.hash(name);
    for (const g of loadWycheproof<HkdfCase>(`hkdf_${name}_test.json`).testGroups) {
      for (const c of g.tests) {
        const prk = h.hkdfExtract(fromHex(c.salt), fromHex(c.ikm));
        const info = fromHex(c.info);
        if (c.result === 'valid') {
          expect(toHex(h.hkdfExpand(prk, info, c.size)), `tcId ${c.tcId}`).toBe(c.okm);
          expect(toHex(h.hmacKey(prk).expand(info, c.size)), `tcId ${c.tcId}`).toBe(c.okm);
        } else {
          // Only "invalid output size" (L > 255 * HashLen) is invalid here.
          expect(() => h.hkdfExpand(prk, info, c.size), `tcId ${c.tcId}`).toThrow(RangeError);
          expect(() => h.hmacKey(prk).expand(info, c.size), `tcId ${c.tcId}`).toThrow(RangeError);
        }
      }
    }
  });

  it.each(['sha256', 'sha384', 'sha512'] as const)('hmacKey(%s) keeps its own copy of the key', (name) => {
    const h = provider.hash(name);
    const key = utf8('Jefe');
    const keyed = h.hmacKey(key);
    key.fill(0);
    expect(toHex(keyed.mac(utf8('what do ya want for nothing?')))).toBe(HMAC_JEFE[name]);
  });

  it('HKDF-Expand returns a prefix of the longer output for shorter L (RFC 5869 §2.3)', () => {
    const h = provider.hash('sha384');
    const prk = h.hkdfExtract(new Uint8Array(0), utf8('ikm'));
    const long = h.hkdfExpand(prk, utf8('info'), 100);
    expect(long.length).toBe(100);
    expect(toHex(h.hkdfExpand(prk, utf8('info'), 17))).toBe(toHex(long.subarray(0, 17)));
  });
});
