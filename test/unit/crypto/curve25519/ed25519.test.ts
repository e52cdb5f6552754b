/**
 * Ed25519 (src/crypto/curve25519/ed25519.ts): the RFC 8032 §7.1 vectors, every Wycheproof
 * ed25519 vector, and differential tests (fixed seeds) against @noble/curves (strict mode, the
 * verifier the pure provider used before) and node:crypto, in both directions: random keys and
 * messages, non-canonical encodings of A and R, S >= L, small-order and mixed-order public
 * keys. Where OpenSSL (cofactorless, no small-order check) and noble (cofactored, small-order A
 * refused) differ, we follow noble: see docs/07-security-notes.md §1.
 */
import { createPrivateKey, createPublicKey, sign as opensslSign, verify as opensslVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ED25519_TORSION_SUBGROUP, ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../../src/bytes/bytes.ts';
import { ed25519PrivateKey, ed25519Sign, ed25519Verify } from '../../../../src/crypto/curve25519/index.ts';
import { scalarMulAdd, scalarReduce } from '../../../../src/crypto/curve25519/scalar.ts';
import { nobleHash } from '../../../../src/crypto/noble/hash.ts';

const SHA512 = nobleHash('sha512');
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const P = (1n << 255n) - 19n;

interface Rfc8032 {
  tests: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
}
const RFC = JSON.parse(readFileSync(new URL('../../../../vectors/rfc8032/ed25519.json', import.meta.url), 'utf8')) as Rfc8032;

interface WycheproofEddsa {
  testGroups: { publicKey: { pk: string }; tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[] }[];
}
const WYCHEPROOF = JSON.parse(readFileSync(new URL('../../../../vectors/wycheproof/ed25519_test.json', import.meta.url), 'utf8')) as WycheproofEddsa;
const WYCHEPROOF_TESTS = WYCHEPROOF.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, pk: g.publicKey.pk })));

const verify = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean => ed25519Verify(pk, msg, sig, SHA512);
const sign = (seed: Uint8Array, msg: Uint8Array): Uint8Array => ed25519Sign(ed25519PrivateKey(seed, SHA512), msg, SHA512);

function nobleVerify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    return nobleEd25519.verify(sig, msg, pk, { zip215: false });
  } catch {
    return false;
  }
}

function opensslVerifies(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pk).toString('base64url') }, format: 'jwk' });
    return opensslVerify(null, msg, key, sig);
  } catch {
    return false;
  }
}

function opensslSignature(seed: Uint8Array, msg: Uint8Array): Uint8Array {
  // RFC 8410 §7 PKCS#8 for a raw seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return new Uint8Array(opensslSign(null, msg, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })));
}

function le(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

function withS(sig: Uint8Array, s: Uint8Array): Uint8Array {
  const out = sig.slice();
  out.set(s, 32);
  return out;
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('Ed25519 (RFC 8032)', () => {
  it.each(RFC.tests)('§7.1 $name: public key, signature, verification (noble and OpenSSL agree)', (v) => {
    const seed = fromHex(v.secretKey), msg = fromHex(v.message), sig = fromHex(v.signature), pk = fromHex(v.publicKey);
    const key = ed25519PrivateKey(seed, SHA512);
    expect(toHex(key.publicKey)).toBe(v.publicKey);
    expect(toHex(ed25519Sign(key, msg, SHA512))).toBe(v.signature);
    expect(verify(pk, msg, sig)).toBe(true);
    expect(toHex(opensslSignature(seed, msg))).toBe(v.signature);
    expect(nobleVerify(pk, msg, sig)).toBe(true);
  });

  it(`gives the expected result on all ${WYCHEPROOF_TESTS.length} Wycheproof ed25519 vectors, as noble strict does`, () => {
    expect(WYCHEPROOF_TESTS.length).toBe(151);
    for (const t of WYCHEPROOF_TESTS) {
      const got = verify(fromHex(t.pk), fromHex(t.msg), fromHex(t.sig));
      expect(got, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid');
      expect(got, `tcId ${t.tcId} (noble)`).toBe(nobleVerify(fromHex(t.pk), fromHex(t.msg), fromHex(t.sig)));
    }
  });

  it('signs exactly as noble and OpenSSL (deterministic signatures) and each verifies the others', () => {
    fc.assert(
      fc.property(bytes32, fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        const ours = sign(seed, msg);
        const pk = ed25519PrivateKey(seed, SHA512).publicKey;
        expect(toHex(pk)).toBe(toHex(nobleEd25519.getPublicKey(seed)));
        expect(toHex(ours)).toBe(toHex(nobleEd25519.sign(msg, seed)));
        expect(toHex(ours)).toBe(toHex(opensslSignature(seed, msg)));
        expect(verify(pk, msg, ours)).toBe(true);
        expect(opensslVerifies(pk, msg, ours)).toBe(true);
        expect(nobleVerify(pk, msg, ours)).toBe(true);
      }),
      { seed: 31, numRuns: 60 },
    );
  });

  it('refuses any single flipped bit in the signature, the key or the message, as noble does', () => {
    const seed = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
    const msg = utf8('puretls');
    const pk = ed25519PrivateKey(seed, SHA512).publicKey;
    const sig = sign(seed, msg);
    for (let bit = 0; bit < 512; bit += 3) {
      const s = sig.slice();
      s[bit >>> 3] = (s[bit >>> 3] as number) ^ (1 << (bit & 7));
      expect(verify(pk, msg, s), `signature bit ${bit}`).toBe(nobleVerify(pk, msg, s));
      expect(verify(pk, msg, s)).toBe(false);
    }
    for (let bit = 0; bit < 256; bit += 3) {
      const k = pk.slice();
      k[bit >>> 3] = (k[bit >>> 3] as number) ^ (1 << (bit & 7));
      expect(verify(k, msg, sig), `key bit ${bit}`).toBe(false);
    }
    expect(verify(pk, utf8('puretlS'), sig)).toBe(false);
  });

  it('refuses S >= L (S + L, S + 2L, 2^256 - 1) with noble and OpenSSL', () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const msg = utf8('malleable?');
    const pk = ed25519PrivateKey(seed, SHA512).publicKey;
    const sig = sign(seed, msg);
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i] as number);
    for (const bad of [s + L, s + 2n * L, s + 8n * L, (1n << 256n) - 1n].filter((x) => x < 1n << 256n)) {
      const forged = withS(sig, le(bad));
      expect(verify(pk, msg, forged)).toBe(false);
      expect(nobleVerify(pk, msg, forged)).toBe(false);
      expect(opensslVerifies(pk, msg, forged)).toBe(false);
    }
  });

  it('refuses non-canonical encodings of A and R (y >= p, "negative zero"), with noble', () => {
    const msg = utf8('encodings');
    const valid = RFC.tests[1] as Rfc8032['tests'][number];
    const pk = fromHex(valid.publicKey), sig = fromHex(valid.signature);
    const nonCanonical: Uint8Array[] = [];
    for (let k = 0n; k < 19n; k++) {
      for (const sign of [0, 0x80]) {
        const e = le(P + k);
        e[31] = (e[31] as number) | sign;
        nonCanonical.push(e);
      }
    }
    // x = 0 with the sign bit set: the identity (y = 1) and y = -1.
    nonCanonical.push(fromHex('01' + '00'.repeat(30) + '80'), fromHex('ec' + 'ff'.repeat(31)));
    for (const enc of nonCanonical) {
      const asKey = verify(enc, msg, sig);
      expect(asKey).toBe(false);
      expect(asKey).toBe(nobleVerify(enc, msg, sig));
      const asR = sig.slice();
      asR.set(enc, 0);
      expect(verify(pk, fromHex(valid.message), asR)).toBe(false);
      expect(nobleVerify(pk, fromHex(valid.message), asR)).toBe(false);
    }
  });

  it('matches noble on every combination of small-order A and R, S in {0, 1, L - 1} (small-order keys refused)', () => {
    const msg = utf8('torsion');
    const torsion = ED25519_TORSION_SUBGROUP.map(fromHex);
    const validR = fromHex((RFC.tests[0] as Rfc8032['tests'][number]).signature).subarray(0, 32);
    for (const a of torsion) {
      for (const r of [...torsion, validR]) {
        for (const s of [0n, 1n, L - 1n]) {
          const sig = new Uint8Array(64);
          sig.set(r, 0);
          sig.set(le(s), 32);
          const ours = verify(a, msg, sig);
          expect(ours, `A ${toHex(a)} R ${toHex(r)} S ${s}`).toBe(nobleVerify(a, msg, sig));
          expect(ours).toBe(false);
        }
      }
    }
    // A = R = identity, S = 0 satisfies both equations; only the small-order rule refuses it.
    // OpenSSL (no such rule) accepts it: the one place where we are stricter than the node provider.
    const identity = torsion[0] as Uint8Array;
    const trivial = new Uint8Array(64);
    trivial.set(identity, 0);
    expect(verify(identity, msg, trivial)).toBe(false);
    expect(opensslVerifies(identity, msg, trivial)).toBe(true);
  });

  it('accepts a mixed-order key (A + T, T of order 8) when the cofactored equation holds, as noble does', () => {
    // A signer that hashes the torsion-shifted key A' = A + T: [8]([S]B - [k]A' - R) = 0 holds
    // because [8][k]T = 0, while the cofactorless [S]B = R + [k]A' of OpenSSL fails.
    const seed = fromHex('c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7');
    const key = ed25519PrivateKey(seed, SHA512);
    const t8 = nobleEd25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1] as string);
    const shifted = nobleEd25519.Point.fromHex(toHex(key.publicKey)).add(t8).toBytes();
    let cofactorlessFailures = 0;
    for (let i = 0; i < 8; i++) {
      const msg = utf8(`mixed order ${i}`);
      const r = scalarReduce(SHA512.digest(new Uint8Array([...key.prefix, ...msg])));
      const rBytes = nobleEd25519.Point.BASE.multiply(bigintOf(r)).toBytes();
      const k = scalarReduce(SHA512.digest(new Uint8Array([...rBytes, ...shifted, ...msg])));
      const sig = new Uint8Array(64);
      sig.set(rBytes, 0);
      sig.set(scalarMulAdd(k, key.scalar, r), 32);
      expect(verify(shifted, msg, sig)).toBe(true);
      expect(nobleVerify(shifted, msg, sig)).toBe(true);
      if (!opensslVerifies(shifted, msg, sig)) cofactorlessFailures++;
    }
    expect(cofactorlessFailures).toBeGreaterThan(0);
  });

  it('matches noble on random 64-byte signatures and random 32-byte keys (nearly all invalid)', () => {
    fc.assert(
      fc.property(bytes32, fc.uint8Array({ minLength: 64, maxLength: 64 }), (pk, sig) => {
        const msg = utf8('random');
        expect(verify(pk, msg, sig)).toBe(nobleVerify(pk, msg, sig));
      }),
      { seed: 32, numRuns: 200 },
    );
  });

  it('returns false for wrong lengths and throws RangeError for a seed that is not 32 bytes', () => {
    const valid = RFC.tests[0] as Rfc8032['tests'][number];
    expect(verify(fromHex(valid.publicKey).subarray(0, 31), new Uint8Array(0), fromHex(valid.signature))).toBe(false);
    expect(verify(fromHex(valid.publicKey), new Uint8Array(0), fromHex(valid.signature).subarray(0, 63))).toBe(false);
    expect(() => ed25519PrivateKey(new Uint8Array(31), SHA512)).toThrow(RangeError);
  });
});

function bigintOf(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i] as number);
  return x;
}
