/**
 * Our P-256 (src/crypto/p256/) against known answers and two oracles. Known answers: RFC 6979
 * A.2.5 (key pair, nonce k, and r, s for SHA-256/384/512 over "sample" and "test"; we return
 * the low-S form of s). Oracles, in both directions on fixed seeds: @noble/curves (the
 * implementation this replaces: same public keys, shared secrets and byte-identical
 * signatures) and node:crypto/OpenSSL (same keys and secrets; each verifies the other's
 * signatures). Edge cases: private keys 1, 2, n − 1 and out-of-range ones, the identity and
 * off-curve or malformed peer points, compressed points, r or s zero or ≥ n, high S, strict DER.
 * Also the two scalar recodings the multiplications rest on.
 */
import { createECDH, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { p256 as noble } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../../src/bytes/bytes.ts';
import { nobleHash } from '../../../../src/crypto/noble/hash.ts';
import { decodeEcdsaSignature, encodeEcdsaSignature } from '../../../../src/crypto/p256/der.ts';
import { DIGITS, signedDigits } from '../../../../src/crypto/p256/digits.ts';
import { wnaf } from '../../../../src/crypto/p256/double-mult.ts';
import { p256IsValidPrivateKey, p256PublicKey, p256SharedSecret, p256Sign, p256Verify } from '../../../../src/crypto/p256/index.ts';
import { rfc6979Candidates } from '../../../../src/crypto/p256/rfc6979.ts';
import { N } from '../../../../src/crypto/p256/scalar.ts';
import { P } from '../../../../src/crypto/p256/field.ts';

const SHA256 = nobleHash('sha256');
const bytes32 = (x: bigint): Uint8Array => fromHex(x.toString(16).padStart(64, '0'));
const int = (b: Uint8Array): bigint => BigInt('0x' + (toHex(b) || '0'));
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** A valid private key from fast-check: any integer in [1, n − 1], edges included. */
const privateKey = fc
  .oneof(fc.constantFrom(1n, 2n, 3n, N - 1n, N - 2n, (N - 1n) / 2n, 2n ** 128n), fc.bigInt({ min: 1n, max: N - 1n }))
  .map(bytes32);
const message = fc.uint8Array({ maxLength: 200 });

function nodeKeys(d: Uint8Array): { priv: KeyObject; pub: KeyObject; point: Uint8Array } {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = new Uint8Array(ecdh.getPublicKey());
  const jwk = { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) };
  return {
    priv: createPrivateKey({ key: { ...jwk, d: b64url(d) }, format: 'jwk' }),
    pub: createPublicKey({ key: jwk, format: 'jwk' }),
    point,
  };
}

describe('RFC 6979 A.2.5 (ECDSA, 256 bits, prime field)', () => {
  const x = fromHex('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721');
  const u = '04' + '60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6' + '7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299';
  const cases = [
    ['sha256', 'sample', 'A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60', 'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716', 'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8'],
    ['sha384', 'sample', '09F634B188CEFD98E7EC88B1AA9852D734D0BC272F7D2A47DECC6EBEB375AAD4', '0EAFEA039B20E9B42309FB1D89E213057CBF973DC0CFC8F129EDDDC800EF7719', '4861F0491E6998B9455193E34E7B0D284DDD7149A74B95B9261F13ABDE940954'],
    ['sha512', 'sample', '5FA81C63109BADB88C1F367B47DA606DA28CAD69AA22C4FE6AD7DF73A7173AA5', '8496A60B5E9B47C825488827E0495B0E3FA109EC4568FD3F8D1097678EB97F00', '2362AB1ADBE2B8ADF9CB9EDAB740EA6049C028114F2460F96554F61FAE3302FE'],
    ['sha256', 'test', 'D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0', 'F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367', '019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083'],
    ['sha384', 'test', '16AEFFA357260B04B1DD199693960740066C1A8F3E8EDD79070AA914D361B3B8', '83910E8B48BB0C74244EBDF7F07A1C5413D61472BD941EF3920E623FBCCEBEB6', '8DDBEC54CF8CD5874883841D712142A56A8D0F218F5003CB0296B6B509619F2C'],
    ['sha512', 'test', '6915D11632ACA3C40D5D51C08DAF9C555933819548784480E93499000D9F0B7F', '461D93F31B6540894788FD206C07CFA0CC35F46FA3C91816FFF1040AD1581A04', '39AF9F15DE0DB8D97E72719C74820D304CE5226E32DEDAE67519E840D1194E55'],
  ] as const;

  it('public key U = xG', () => {
    expect(toHex(p256PublicKey(x))).toBe(u.toLowerCase());
  });

  it.each(cases)('%s, message "%s": k, r and s (s in low-S form), and the RFC signature verifies', (hash, msg, k, r, s) => {
    const h = nobleHash(hash);
    const digest = h.digest(utf8(msg));
    // h1 = bits2octets(H(m)) = int2octets(bits2int(H(m)) mod n), RFC 6979 §2.3.4.
    const h1 = bytes32(int(digest.subarray(0, 32)) % N);
    expect(toHex(rfc6979Candidates(h, x, h1)())).toBe(k.toLowerCase());
    const sig = decodeEcdsaSignature(p256Sign(h, x, utf8(msg)));
    const sRfc = BigInt('0x' + s);
    expect(toHex(sig?.r ?? new Uint8Array())).toBe(r.toLowerCase());
    expect(int(sig?.s ?? new Uint8Array())).toBe(sRfc > (N - 1n) / 2n ? N - sRfc : sRfc);
    expect(p256Verify(h, fromHex(u), utf8(msg), encodeEcdsaSignature(fromHex(r), fromHex(s)))).toBe(true);
  });
});

describe('P-256 against @noble/curves and node:crypto (fixed seeds)', () => {
  it('public keys agree with both oracles', () => {
    fc.assert(
      fc.property(privateKey, (d) => {
        const ours = p256PublicKey(d);
        expect(toHex(ours)).toBe(toHex(noble.getPublicKey(d, false)));
        expect(toHex(ours)).toBe(toHex(nodeKeys(d).point));
      }),
      { numRuns: 30 },
    );
  });

  it('ECDH shared secrets agree with both oracles, for uncompressed and compressed peer points', () => {
    fc.assert(
      fc.property(privateKey, privateKey, (d, e) => {
        const peer = noble.getPublicKey(e, false);
        const ours = p256SharedSecret(d, peer);
        expect(ours).toBeDefined();
        expect(toHex(ours ?? new Uint8Array())).toBe(toHex(noble.getSharedSecret(d, peer).subarray(1)));
        const node = createECDH('prime256v1');
        node.setPrivateKey(d);
        expect(toHex(ours ?? new Uint8Array())).toBe(toHex(node.computeSecret(peer)));
        expect(toHex(p256SharedSecret(d, noble.getPublicKey(e, true)) ?? new Uint8Array())).toBe(toHex(ours ?? new Uint8Array()));
      }),
      { numRuns: 25 },
    );
  });

  it('signatures are byte-identical to noble (RFC 6979, low S), and node:crypto verifies them', () => {
    fc.assert(
      fc.property(privateKey, message, (d, msg) => {
        const ours = p256Sign(SHA256, d, msg);
        expect(toHex(ours)).toBe(toHex(noble.sign(msg, d, { format: 'der' })));
        expect(nodeVerify('sha256', msg, nodeKeys(d).pub, ours)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('we verify node:crypto signatures (random k, high or low S) and agree with noble on tampered ones', () => {
    fc.assert(
      fc.property(privateKey, message, fc.nat(), (d, msg, where) => {
        const { priv, point } = nodeKeys(d);
        const sig = new Uint8Array(nodeSign('sha256', msg, priv));
        expect(p256Verify(SHA256, point, msg, sig)).toBe(true);
        const parsed = decodeEcdsaSignature(sig);
        if (parsed === undefined) throw new Error('node produced a signature we cannot parse');
        const flippedS = encodeEcdsaSignature(parsed.r, bytes32(N - int(parsed.s)));
        expect(p256Verify(SHA256, point, msg, flippedS)).toBe(true); // s > n/2 is fine in TLS
        const tampered = sig.slice();
        const i = where % tampered.length;
        tampered[i] = (tampered[i] as number) ^ (1 << (where % 8));
        expect(p256Verify(SHA256, point, msg, tampered)).toBe(noble.verify(tampered, msg, point, { format: 'der', lowS: false }));
        expect(p256Verify(SHA256, point, utf8('another message'), sig)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });
});

describe('P-256 edge cases', () => {
  const d = bytes32(0x1234567890abcdefn);
  const peer = noble.getPublicKey(bytes32(0xfedcba0987654321n), false);

  it('private keys: exactly 32 bytes encoding an integer in [1, n − 1]', () => {
    for (const bad of [bytes32(0n), bytes32(N), bytes32(N + 1n), bytes32(2n ** 256n - 1n), new Uint8Array(31).fill(1), new Uint8Array(33).fill(1)]) {
      expect(p256IsValidPrivateKey(bad)).toBe(false);
      expect(() => p256PublicKey(bad)).toThrow(RangeError);
      expect(() => p256SharedSecret(bad, peer)).toThrow(RangeError);
      expect(() => p256Sign(SHA256, bad, utf8('m'))).toThrow(RangeError);
    }
    for (const good of [bytes32(1n), bytes32(N - 1n)]) expect(p256IsValidPrivateKey(good)).toBe(true);
  });

  it('peer points: the identity, off-curve points, coordinates ≥ p, bad prefixes and lengths are refused', () => {
    const x = peer.subarray(1, 33);
    const y = peer.subarray(33);
    // A point with a small x, so that x + p still fits 32 bytes (a reader that reduced mod p
    // would accept it).
    let smallX = 0n;
    let smallY: Uint8Array = new Uint8Array(0);
    for (; smallY.length === 0; smallX++) {
      try {
        smallY = noble.Point.fromBytes(Uint8Array.of(2, ...bytes32(smallX))).toBytes(false).subarray(33);
      } catch {
        // no point with this x
      }
    }
    smallX--;
    expect(p256SharedSecret(d, Uint8Array.of(4, ...bytes32(smallX), ...smallY))).toBeDefined();
    const bad: Uint8Array[] = [
      Uint8Array.of(0), // SEC 1 §2.3.3: the identity
      new Uint8Array(0),
      Uint8Array.of(4, ...x, ...bytes32((int(y) + 1n) % P)), // off the curve
      Uint8Array.of(4, ...bytes32(smallX + P), ...smallY), // x ≥ p
      Uint8Array.of(4, ...x, ...bytes32(P)), // y ≥ p
      Uint8Array.of(4, ...bytes32(2n ** 256n - 1n), ...y),
      Uint8Array.of(5, ...x, ...y),
      Uint8Array.of(2, ...x, ...y), // compressed prefix, uncompressed length
      Uint8Array.of(4, ...x), // uncompressed prefix, compressed length
      peer.subarray(0, 64),
      Uint8Array.of(...peer, 0),
      Uint8Array.of(2, ...bytes32(smallX + P)), // compressed, x ≥ p
    ];
    for (const point of bad) {
      expect(p256SharedSecret(d, point)).toBeUndefined();
      expect(p256Verify(SHA256, point, utf8('m'), p256Sign(SHA256, d, utf8('m')))).toBe(false);
    }
    // Compressed: an x with no point on the curve is refused, as noble refuses it.
    for (let x0 = 0n; x0 < 20n; x0++) {
      let onCurve = true;
      try {
        noble.Point.fromBytes(Uint8Array.of(2, ...bytes32(x0)));
      } catch {
        onCurve = false;
      }
      expect(p256SharedSecret(d, Uint8Array.of(2, ...bytes32(x0))) !== undefined).toBe(onCurve);
    }
  });

  it('edge scalars for the incomplete Jacobian additions (base-mult.ts, point-mult.ts proofs) agree with noble', () => {
    const delta = 2n ** 256n - N; // 2^256 mod n: the scalars the base-mult proof singles out
    const scalars = new Set<bigint>([delta, 2n * delta, delta - 1n, delta + 1n, 2n ** 255n, 2n ** 255n - 1n, 2n ** 255n + 1n, (N - 1n) / 2n, (N + 1n) / 2n]);
    for (let i = 1n; i <= 40n; i++) {
      scalars.add(i);
      scalars.add(N - i);
    }
    for (let i = 0n; i < 52n; i++) {
      scalars.add(32n ** i % N); // a single nonzero digit
      scalars.add((32n ** i * 17n) % N); // a digit that turns negative with a carry
      scalars.add((2n ** 256n - 1n - 32n ** i) % N); // long runs of −1 digits
    }
    const other = noble.Point.BASE.multiply(0x1234567n).toBytes(false);
    for (const k of scalars) {
      const kb = bytes32(k);
      expect(toHex(p256PublicKey(kb))).toBe(toHex(noble.getPublicKey(kb, false)));
      expect(toHex(p256SharedSecret(kb, other) ?? new Uint8Array())).toBe(toHex(noble.getSharedSecret(kb, other).subarray(1)));
    }
  });

  it('G, −G and small multiples as peer points give noble\'s secrets', () => {
    for (const k of [1n, 2n, 3n, N - 1n, N - 2n]) {
      const point = noble.Point.BASE.multiply(k).toBytes(false);
      expect(toHex(p256SharedSecret(d, point) ?? new Uint8Array())).toBe(toHex(noble.getSharedSecret(d, point).subarray(1)));
    }
  });

  it('signatures: r or s zero or ≥ n, trailing bytes and BER forms fail; high S passes', () => {
    const msg = utf8('edge');
    const sig = decodeEcdsaSignature(p256Sign(SHA256, d, msg));
    if (sig === undefined) throw new Error('unparsable own signature');
    const pub = p256PublicKey(d);
    const r = int(sig.r);
    const s = int(sig.s);
    const der = (rr: bigint, ss: bigint): Uint8Array => {
      const enc = (v: bigint): number[] => {
        let h = v.toString(16);
        if (h.length % 2) h = '0' + h;
        const b = [...fromHex(h)];
        if ((b[0] as number) & 0x80) b.unshift(0);
        return [2, b.length, ...b];
      };
      const body = [...enc(rr), ...enc(ss)];
      return Uint8Array.from([0x30, body.length, ...body]);
    };
    expect(p256Verify(SHA256, pub, msg, der(r, s))).toBe(true);
    expect(p256Verify(SHA256, pub, msg, der(r, N - s))).toBe(true);
    for (const [rr, ss] of [[0n, s], [r, 0n], [N, s], [r, N], [r + N, s], [r, s + N], [2n ** 256n + r, s]] as const) {
      expect(p256Verify(SHA256, pub, msg, der(rr, ss))).toBe(false);
    }
    const good = der(r, s);
    expect(p256Verify(SHA256, pub, msg, Uint8Array.of(...good, 0))).toBe(false);
    expect(p256Verify(SHA256, pub, msg, Uint8Array.of(0x30, 0x81, ...good.subarray(1)))).toBe(false); // long-form length
    const padded = [...good];
    padded.splice(3, 0, 0); // r with a superfluous leading zero
    padded[1] = (padded[1] as number) + 1;
    padded[3] = (padded[3] as number) + 1;
    expect(p256Verify(SHA256, pub, msg, Uint8Array.from(padded))).toBe(false);
    expect(p256Verify(SHA256, pub, msg, new Uint8Array(0))).toBe(false);
  });
});

describe('P-256 scalar recodings', () => {
  const scalar = fc.oneof(fc.constantFrom(0n, 1n, 31n, 32n, 33n, N - 1n, 2n ** 256n - 1n), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }));

  it('signedDigits: 52 digits in [−15, 16] with Σ d_i·32^i = k', () => {
    fc.assert(
      fc.property(scalar, (k) => {
        const digits = new Int32Array(DIGITS);
        signedDigits(digits, bytes32(k));
        let sum = 0n;
        for (let i = DIGITS - 1; i >= 0; i--) {
          const di = digits[i] as number;
          expect(di).toBeGreaterThanOrEqual(-15);
          expect(di).toBeLessThanOrEqual(16);
          sum = sum * 32n + BigInt(di);
        }
        expect(sum).toBe(k);
      }),
      { numRuns: 200 },
    );
  });

  it.each([5, 8])('wnaf width %i: odd digits below 2^(w−1), at most one nonzero in any w in a row, Σ d_i·2^i = k', (w) => {
    fc.assert(
      fc.property(scalar, (k) => {
        const naf = new Int8Array(257);
        const top = wnaf(naf, bytes32(k), w);
        let sum = 0n;
        let lastNonZero = -w;
        for (let i = 0; i < naf.length; i++) {
          const di = naf[i] as number;
          if (di !== 0) {
            expect(Math.abs(di) % 2).toBe(1);
            expect(Math.abs(di)).toBeLessThan(2 ** (w - 1));
            expect(i - lastNonZero).toBeGreaterThanOrEqual(w);
            lastNonZero = i;
          }
          sum += BigInt(di) << BigInt(i);
        }
        expect(sum).toBe(k);
        expect(top).toBe(k === 0n ? 0 : lastNonZero + 1);
      }),
      { numRuns: 200 },
    );
  });
});
