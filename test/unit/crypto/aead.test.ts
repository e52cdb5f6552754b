/**
 * AEAD known answers for both providers (RFC 8448 §3 record protection for AES-128-GCM,
 * RFC 8439 §2.8.2 for ChaCha20-Poly1305, NIST GCM spec test cases 14 and 16 for AES-256-GCM,
 * Wycheproof aes_ccm_test.json for AES-128-CCM and AES-128-CCM-8 with TLS's 12-byte nonce) and
 * the failure contract: tampering or short input makes `open` return undefined, never throw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex, utf8 } from '../../../src/bytes/bytes.ts';
import type { AeadName } from '../../../src/crypto/provider.ts';
import { field, loadTrace, step } from '../../helpers/vectors.ts';
import { PROVIDERS, PROVIDER_PAIRS } from '../../helpers/providers.ts';

interface AeadVector {
  readonly name: string;
  readonly aead: AeadName;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
  readonly aad: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly sealed: Uint8Array; // ciphertext ‖ tag
}

/**
 * RFC 8448 §3: the server's first encrypted handshake record. RFC 8446 §5.3: nonce = iv XOR
 * the 64-bit sequence number (0 here, so nonce = iv); RFC 8446 §5.2: AAD = the record header,
 * plaintext = TLSInnerPlaintext = content ‖ ContentType handshake (0x16), no padding.
 */
function rfc8448Record(): AeadVector {
  const trace = loadTrace('03-simple-1rtt');
  const keys = step(trace, 'server', 'derive write traffic keys for handshake data');
  const record = step(trace, 'server', 'send handshake record', 1);
  const complete = field(record, 'complete record');
  return {
    name: 'RFC 8448 §3 server handshake record',
    aead: 'aes-128-gcm',
    key: field(keys, 'key expanded'),
    nonce: field(keys, 'iv expanded'),
    aad: complete.subarray(0, 5),
    plaintext: concat(field(record, 'payload'), Uint8Array.of(0x16)),
    sealed: complete.subarray(5),
  };
}

const RFC8439_PLAINTEXT =
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

const VECTORS: readonly AeadVector[] = [
  rfc8448Record(),
  {
    name: 'RFC 8439 §2.8.2',
    aead: 'chacha20-poly1305',
    key: Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i),
    nonce: fromHex('070000004041424344454647'),
    aad: fromHex('50515253c0c1c2c3c4c5c6c7'),
    plaintext: utf8(RFC8439_PLAINTEXT),
    sealed: fromHex(
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b' +
        '1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc' +
        '3ff4def08e4b7a9de576d26586cec64b6116' +
        '1ae10b594f09e26a7e902ecbd0600691',
    ),
  },
  {
    name: 'NIST GCM spec test case 14',
    aead: 'aes-256-gcm',
    key: new Uint8Array(32),
    nonce: new Uint8Array(12),
    aad: new Uint8Array(0),
    plaintext: new Uint8Array(16),
    sealed: fromHex('cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919'),
  },
  {
    name: 'NIST GCM spec test case 16',
    aead: 'aes-256-gcm',
    key: fromHex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
    nonce: fromHex('cafebabefacedbaddecaf888'),
    aad: fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
    plaintext: fromHex(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    ),
    sealed: fromHex(
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
        '76fc6ece0f4e1768cddf8853bb2d551b',
    ),
  },
];

const ALL_AEADS: readonly AeadName[] = ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305', 'aes-128-ccm', 'aes-128-ccm-8'];
const KEY_LEN: Record<AeadName, number> = {
  'aes-128-gcm': 16, 'aes-256-gcm': 32, 'chacha20-poly1305': 32, 'aes-128-ccm': 16, 'aes-128-ccm-8': 16,
};
const TAG_LEN: Record<AeadName, number> = {
  'aes-128-gcm': 16, 'aes-256-gcm': 16, 'chacha20-poly1305': 16, 'aes-128-ccm': 16, 'aes-128-ccm-8': 8,
};

function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i] = (c[i] as number) ^ 0x01;
  return c;
}

describe.each(PROVIDERS)('AEAD ($name provider)', (provider) => {
  it.each(VECTORS)('seals and opens the $name vector ($aead)', (v) => {
    const aead = provider.aead(v.aead, v.key);
    expect(toHex(aead.seal(v.nonce, v.aad, v.plaintext))).toBe(toHex(v.sealed));
    const opened = aead.open(v.nonce, v.aad, v.sealed);
    expect(opened && toHex(opened)).toBe(toHex(v.plaintext));
  });

  it.each(VECTORS)('rejects a tampered ciphertext, tag, AAD or nonce for $name (RFC 5116 §2.2)', (v) => {
    const aead = provider.aead(v.aead, v.key);
    expect(aead.open(v.nonce, v.aad, flip(v.sealed, 0))).toBeUndefined();
    expect(aead.open(v.nonce, v.aad, flip(v.sealed, v.sealed.length - 1))).toBeUndefined();
    expect(aead.open(v.nonce, concat(v.aad, Uint8Array.of(0)), v.sealed)).toBeUndefined();
    expect(aead.open(flip(v.nonce, 11), v.aad, v.sealed)).toBeUndefined();
    expect(aead.open(v.nonce, v.aad, v.sealed.subarray(0, v.sealed.length - 1))).toBeUndefined();
  });

  it.each(ALL_AEADS)('%s open returns undefined for input shorter than the tag or a wrong-size nonce', (name) => {
    const aead = provider.aead(name, new Uint8Array(KEY_LEN[name]));
    for (const len of [0, 1, TAG_LEN[name] - 1]) expect(aead.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(len))).toBeUndefined();
    expect(aead.open(new Uint8Array(8), new Uint8Array(0), new Uint8Array(32))).toBeUndefined();
  });

  it.each(ALL_AEADS)('%s seals an empty plaintext to a bare tag (16 bytes, 8 for CCM_8) that opens to empty', (name) => {
    const aead = provider.aead(name, new Uint8Array(KEY_LEN[name]).fill(7));
    const sealed = aead.seal(new Uint8Array(12), utf8('aad'), new Uint8Array(0));
    expect(sealed.length).toBe(TAG_LEN[name]);
    expect(aead.open(new Uint8Array(12), utf8('aad'), sealed)?.length).toBe(0);
  });

  it.each(ALL_AEADS)('%s sealInto(plaintext, trailer) writes exactly seal(plaintext ‖ trailer) at the offset', (name) => {
    const aead = provider.aead(name, new Uint8Array(KEY_LEN[name]).fill(3));
    const nonce = new Uint8Array(12).fill(9);
    const plaintext = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    for (const trailer of [new Uint8Array(0), Uint8Array.of(0x17), Uint8Array.of(0x16, 0, 0, 0)]) {
      const expected = aead.seal(nonce, utf8('hdr'), concat(plaintext, trailer));
      const out = new Uint8Array(7 + expected.length + 5).fill(0xee);
      expect(aead.sealInto(nonce, utf8('hdr'), plaintext, trailer, out, 7)).toBe(expected.length);
      expect(toHex(out.subarray(7, 7 + expected.length))).toBe(toHex(expected));
      // Nothing outside the slot is touched.
      expect(out.subarray(0, 7).every((b) => b === 0xee) && out.subarray(7 + expected.length).every((b) => b === 0xee)).toBe(true);
    }
  });

  it.each(ALL_AEADS)('%s refuses a key of the wrong length', (name) => {
    expect(() => provider.aead(name, new Uint8Array(KEY_LEN[name] + 1))).toThrow(RangeError);
  });
});

describe.each(PROVIDER_PAIRS)('AEAD interoperability ($name: a seals, b opens)', ({ a, b }) => {
  it.each(ALL_AEADS)('%s: a 16 KiB record sealed by one provider opens with the other', (name) => {
    const key = Uint8Array.from({ length: KEY_LEN[name] }, (_, i) => i * 7);
    const nonce = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
    const plaintext = Uint8Array.from({ length: 16385 }, (_, i) => i & 0xff);
    const sealed = a.aead(name, key).seal(nonce, utf8('hdr'), plaintext);
    const opened = b.aead(name, key).open(nonce, utf8('hdr'), sealed);
    expect(opened && toHex(opened)).toBe(toHex(plaintext));
  });
});

interface WycheproofAeadCase {
  readonly tcId: number;
  readonly comment: string;
  readonly key: string;
  readonly iv: string;
  readonly aad: string;
  readonly msg: string;
  readonly ct: string;
  readonly tag: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofAeadGroup {
  readonly keySize: number;
  readonly ivSize: number;
  readonly tagSize: number;
  readonly tests: readonly WycheproofAeadCase[];
}

/** The aes_ccm_test.json groups TLS 1.3 uses: 128-bit key, 96-bit nonce, 128-bit (CCM) or 64-bit (CCM_8) tag. */
const CCM_GROUPS: readonly { readonly aead: AeadName; readonly tests: readonly WycheproofAeadCase[] }[] = (() => {
  const file = JSON.parse(readFileSync(new URL('../../../vectors/wycheproof/aes_ccm_test.json', import.meta.url), 'utf8')) as {
    readonly testGroups: readonly WycheproofAeadGroup[];
  };
  const pick = (tagSize: number): readonly WycheproofAeadCase[] =>
    file.testGroups.filter((g) => g.keySize === 128 && g.ivSize === 96 && g.tagSize === tagSize).flatMap((g) => g.tests);
  return [
    { aead: 'aes-128-ccm', tests: pick(128) },
    { aead: 'aes-128-ccm-8', tests: pick(64) },
  ];
})();

describe.each(PROVIDERS)('AES-CCM against Wycheproof ($name provider, SP 800-38C)', (provider) => {
  it.each(CCM_GROUPS)('$aead: valid cases seal and open to the file\'s bytes, modified tags are refused', ({ aead, tests }) => {
    expect(tests.length).toBeGreaterThan(5);
    const wrong: string[] = [];
    for (const t of tests) {
      const a = provider.aead(aead, fromHex(t.key));
      const sealed = fromHex(t.ct + t.tag);
      const opened = a.open(fromHex(t.iv), fromHex(t.aad), sealed);
      if (t.result === 'valid') {
        if (toHex(a.seal(fromHex(t.iv), fromHex(t.aad), fromHex(t.msg))) !== t.ct + t.tag) wrong.push(`tcId ${t.tcId}: seal`);
        if (opened === undefined || toHex(opened) !== t.msg) wrong.push(`tcId ${t.tcId}: open`);
      } else if (t.result === 'invalid' && opened !== undefined) {
        wrong.push(`tcId ${t.tcId} (${t.comment}): opened`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
