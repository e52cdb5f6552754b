import { afterEach, describe, it, expect, vi } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import {
  rsaModulusBits,
  rsaPkcs1Sign,
  rsaPkcs1Verify,
  rsaPssSign,
  rsaPssVerify,
  type RsaPrivateKey,
  type RsaPublicKey,
} from '../../../../src/crypto/rsa/index.ts';
import { i2osp, os2ip } from '../../../../src/crypto/rsa/bigint.ts';
import { emsaPkcs1v15Encode } from '../../../../src/crypto/rsa/pkcs1.ts';
import { privateNumbers, rsasp1 } from '../../../../src/crypto/rsa/private.ts';
import { emsaPssDecode } from '../../../../src/crypto/rsa/pss.ts';
import { publicNumbers, rsavp1 } from '../../../../src/crypto/rsa/public.ts';
import type { HashAlgorithm, RandomSource } from '../../../../src/crypto/provider.ts';
import { concat, fromHex, utf8 } from '../../../../src/bytes/bytes.ts';
import { TlsError } from '../../../../src/errors.ts';
import { AlertDescription } from '../../../../src/protocol/registry.ts';
import { field, loadTrace, rfc8448RsaKey, step } from '../../../helpers/vectors.ts';
import { HASHES, SHA256, SHA384 } from './hashes.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures


function publicOf(k: RsaPrivateKey): RsaPublicKey {
  return { type: 'rsa', n: k.n, e: k.e };
}

interface NodeKeys {
  readonly bits: number;
  readonly priv: RsaPrivateKey;
  readonly nodePriv: nodeCrypto.KeyObject;
  readonly nodePub: nodeCrypto.KeyObject;
}

function nodeKeys(bits: number): NodeKeys {
  const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' });
  const b = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s as string, 'base64url'));
  const priv: RsaPrivateKey = {
    type: 'rsa',
    n: b(jwk.n),
    e: b(jwk.e),
    d: b(jwk.d),
    p: b(jwk.p),
    q: b(jwk.q),
    dp: b(jwk.dp),
    dq: b(jwk.dq),
    qi: b(jwk.qi),
  };
  return { bits, priv, nodePriv: privateKey, nodePub: publicKey };
}

function fixedRandom(seed: number): RandomSource {
  return (len) => Uint8Array.from({ length: len }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

const PSS = nodeCrypto.constants.RSA_PKCS1_PSS_PADDING;
const PKCS1 = nodeCrypto.constants.RSA_PKCS1_PADDING;

function flipBit(b: Uint8Array, index: number): Uint8Array {
  const c = b.slice();
  c[index] = (c[index] as number) ^ 0x01;
  return c;
}

// RFC 8446 §4.4.3: the content covered by the server's CertificateVerify signature.
function serverSignedContent(transcriptHash: Uint8Array): Uint8Array {
  return concat(new Uint8Array(64).fill(0x20), utf8('TLS 1.3, server CertificateVerify'), Uint8Array.of(0), transcriptHash);
}

const trace = loadTrace('03-simple-1rtt');
const msg = (actor: string, action: string, label: string): Uint8Array => field(step(trace, actor, action), label);
const rfcTranscript = concat(
  msg('client', 'construct a ClientHello handshake message', 'ClientHello'),
  msg('server', 'construct a ServerHello handshake message', 'ServerHello'),
  msg('server', 'construct an EncryptedExtensions handshake message', 'EncryptedExtensions'),
  msg('server', 'construct a Certificate handshake message', 'Certificate'),
);
const rfcCertificateVerify = msg('server', 'construct a CertificateVerify handshake message', 'CertificateVerify');
const rfcSignedContent = serverSignedContent(SHA256.digest(rfcTranscript));
const rfcKey = rfc8448RsaKey();

// ---------------------------------------------------------------------------------------------

describe('RFC 8448 §3 server CertificateVerify (rsa_pss_rsae_sha256)', () => {
  // 4-byte handshake header, SignatureScheme (u16), signature<0..2^16-1> (RFC 8446 §4.4.3).
  const scheme = ((rfcCertificateVerify[4] as number) << 8) | (rfcCertificateVerify[5] as number);
  const sigLen = ((rfcCertificateVerify[6] as number) << 8) | (rfcCertificateVerify[7] as number);
  const signature = rfcCertificateVerify.subarray(8);

  it('the trace carries rsa_pss_rsae_sha256 and a 128-octet signature', () => {
    expect(scheme).toBe(0x0804);
    expect(sigLen).toBe(signature.length);
    expect(rsaModulusBits(rfcKey.n)).toBe(1024);
  });

  it('verifies with rsaPssVerify over 64×0x20 ‖ context ‖ 0x00 ‖ Transcript-Hash (RFC 8446 §4.4.3)', () => {
    expect(rsaPssVerify(SHA256, publicOf(rfcKey), rfcSignedContent, signature)).toBe(true);
  });

  it('fails for the client context string, another hash, or the PKCS#1 v1.5 scheme', () => {
    const clientContent = concat(
      new Uint8Array(64).fill(0x20),
      utf8('TLS 1.3, client CertificateVerify'),
      Uint8Array.of(0),
      SHA256.digest(rfcTranscript),
    );
    expect(rsaPssVerify(SHA256, publicOf(rfcKey), clientContent, signature)).toBe(false);
    expect(rsaPssVerify(SHA384, publicOf(rfcKey), rfcSignedContent, signature)).toBe(false);
    expect(rsaPkcs1Verify(SHA256, publicOf(rfcKey), rfcSignedContent, signature)).toBe(false);
  });

  it('signing with the trace salt (recovered by RFC 8017 §9.1.2) reproduces the trace signature byte for byte', () => {
    const pub = publicNumbers(rfcKey);
    if (!pub) throw new Error('bad key');
    const em = i2osp(rsavp1(pub, os2ip(signature)) as bigint, Math.ceil((pub.modBits - 1) / 8));
    const salt = emsaPssDecode(SHA256, rfcSignedContent, em as Uint8Array, pub.modBits - 1, 32);
    expect(salt?.length).toBe(32);
    const requested: number[] = [];
    const replay: RandomSource = (len) => {
      requested.push(len);
      return requested.length === 1 ? (salt as Uint8Array).slice() : fixedRandom(18)(len);
    };
    expect(rsaPssSign(SHA256, rfcKey, rfcSignedContent, replay)).toEqual(new Uint8Array(signature));
    // RFC 8446 §4.2.3: the salt is as long as the digest; the only other draw is the blinding
    // factor (k + 8 bytes), which does not change the signature.
    expect(requested).toEqual([32, 128 + 8]);
  });

  it('PSS salt comes only from `random`: the same random gives the same signature, node verifies it', () => {
    const a = rsaPssSign(SHA256, rfcKey, rfcSignedContent, fixedRandom(1));
    const b = rsaPssSign(SHA256, rfcKey, rfcSignedContent, fixedRandom(1));
    const c = rsaPssSign(SHA256, rfcKey, rfcSignedContent, fixedRandom(2));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    const nodePub = nodeCrypto.createPublicKey({
      key: { kty: 'RSA', n: Buffer.from(rfcKey.n).toString('base64url'), e: Buffer.from(rfcKey.e).toString('base64url') },
      format: 'jwk',
    });
    for (const sig of [a, c]) {
      expect(nodeCrypto.verify('sha256', rfcSignedContent, { key: nodePub, padding: PSS, saltLength: 32 }, sig)).toBe(true);
    }
  });
});

describe.each([2048, 3072])('RSA-%i cross-checked with node:crypto (RFC 8017 §8)', (bits) => {
  const keys = nodeKeys(bits);
  const pub = publicOf(keys.priv);
  const message = utf8(`puretls rsa ${bits} cross-check`);

  it('rsaModulusBits reports the key size, leading zero octets ignored', () => {
    expect(rsaModulusBits(keys.priv.n)).toBe(bits);
    expect(rsaModulusBits(concat(Uint8Array.of(0, 0), keys.priv.n))).toBe(bits);
  });

  describe.each(HASHES.map((h) => [h.name, h] as const))('%s', (name, hash: HashAlgorithm) => {
    it('our RSASSA-PSS signature (sLen = hLen, RFC 8446 §4.2.3) verifies in node:crypto', () => {
      const sig = rsaPssSign(hash, keys.priv, message, (n) => nodeCrypto.randomBytes(n));
      expect(sig.length).toBe(bits / 8);
      const ok = nodeCrypto.verify(name, message, { key: keys.nodePub, padding: PSS, saltLength: hash.outputLen }, sig);
      expect(ok).toBe(true);
      expect(rsaPssVerify(hash, pub, message, sig)).toBe(true);
    });

    it("node:crypto's RSASSA-PSS signature verifies in ours; tampering fails", () => {
      const sig = new Uint8Array(
        nodeCrypto.sign(name, message, { key: keys.nodePriv, padding: PSS, saltLength: hash.outputLen }),
      );
      expect(rsaPssVerify(hash, pub, message, sig)).toBe(true);
      expect(rsaPssVerify(hash, pub, flipBit(message, 3), sig)).toBe(false);
      expect(rsaPssVerify(hash, pub, message, flipBit(sig, sig.length - 1))).toBe(false);
      expect(rsaPssVerify(hash, pub, message, flipBit(sig, 0))).toBe(false);
    });

    it('a node PSS signature with a salt length other than hLen is rejected (RFC 8446 §4.2.3)', () => {
      const sig = nodeCrypto.sign(name, message, { key: keys.nodePriv, padding: PSS, saltLength: hash.outputLen - 1 });
      expect(rsaPssVerify(hash, pub, message, new Uint8Array(sig))).toBe(false);
    });

    it('our RSASSA-PKCS1-v1_5 signature equals node:crypto\'s byte for byte (deterministic, RFC 8017 §8.2.1)', () => {
      const ours = rsaPkcs1Sign(hash, keys.priv, message, fixedRandom(11));
      const theirs = new Uint8Array(nodeCrypto.sign(name, message, { key: keys.nodePriv, padding: PKCS1 }));
      expect(ours).toEqual(theirs);
      expect(nodeCrypto.verify(name, message, { key: keys.nodePub, padding: PKCS1 }, ours)).toBe(true);
    });

    it("node:crypto's RSASSA-PKCS1-v1_5 signature verifies in ours; tampering fails", () => {
      const sig = new Uint8Array(nodeCrypto.sign(name, message, { key: keys.nodePriv, padding: PKCS1 }));
      expect(rsaPkcs1Verify(hash, pub, message, sig)).toBe(true);
      expect(rsaPkcs1Verify(hash, pub, flipBit(message, 0), sig)).toBe(false);
      expect(rsaPkcs1Verify(hash, pub, message, flipBit(sig, 17))).toBe(false);
      // A signature made with another hash carries another DigestInfo.
      const other = HASHES.find((h) => h !== hash) as HashAlgorithm;
      expect(rsaPkcs1Verify(other, pub, message, sig)).toBe(false);
    });
  });

  it('a signature that is not exactly k octets fails, even with only a leading zero added or removed (RFC 8017 §8.1.2 step 1)', () => {
    const pss = rsaPssSign(SHA256, keys.priv, message, fixedRandom(3));
    const pkcs = rsaPkcs1Sign(SHA256, keys.priv, message, fixedRandom(11));
    expect(rsaPssVerify(SHA256, pub, message, concat(Uint8Array.of(0), pss))).toBe(false);
    expect(rsaPkcs1Verify(SHA256, pub, message, concat(Uint8Array.of(0), pkcs))).toBe(false);
    expect(rsaPssVerify(SHA256, pub, message, pss.subarray(1))).toBe(false);
    expect(rsaPkcs1Verify(SHA256, pub, message, pkcs.subarray(1))).toBe(false);
    expect(rsaPssVerify(SHA256, pub, message, new Uint8Array(0))).toBe(false);
  });

  it('a signature representative s >= n fails (RFC 8017 §5.2.2 step 1)', () => {
    const n = os2ip(keys.priv.n);
    const pss = rsaPssSign(SHA256, keys.priv, message, fixedRandom(4));
    const pkcs = rsaPkcs1Sign(SHA256, keys.priv, message, fixedRandom(11));
    // s + n is congruent to s: it would verify if the range check were missing (when it fits k octets).
    for (const [sig, verify] of [
      [pss, rsaPssVerify],
      [pkcs, rsaPkcs1Verify],
    ] as const) {
      const shifted = i2osp(os2ip(sig) + n, bits / 8);
      if (shifted) expect(verify(SHA256, pub, message, shifted)).toBe(false);
      expect(verify(SHA256, pub, message, i2osp(n, bits / 8) as Uint8Array)).toBe(false);
      expect(verify(SHA256, pub, message, new Uint8Array(bits / 8).fill(0xff))).toBe(false);
    }
  });
});

describe('RSA edge cases', () => {
  it('PSS with modBits = 8k - 7 (1025 bits) uses emLen = k - 1 and interoperates both ways (RFC 8017 §8.1.1)', () => {
    const keys = nodeKeys(1025);
    expect(rsaModulusBits(keys.priv.n)).toBe(1025);
    const pub = publicOf(keys.priv);
    const m = utf8('odd modulus length');
    const ours = rsaPssSign(SHA256, keys.priv, m, fixedRandom(5));
    expect(nodeCrypto.verify('sha256', m, { key: keys.nodePub, padding: PSS, saltLength: 32 }, ours)).toBe(true);
    const theirs = nodeCrypto.sign('sha256', m, { key: keys.nodePriv, padding: PSS, saltLength: 32 });
    expect(rsaPssVerify(SHA256, pub, m, new Uint8Array(theirs))).toBe(true);
    expect(rsaPkcs1Verify(SHA256, pub, m, rsaPkcs1Sign(SHA256, keys.priv, m, fixedRandom(11)))).toBe(true);
  });

  it('PKCS#1 v1.5 verify re-encodes and compares: blocks a lenient parser would accept are refused (RFC 8017 §8.2.2)', () => {
    const k = privateNumbers(rfcKey);
    const pub = publicOf(rfcKey);
    const m = utf8('Bleichenbacher 2006');
    const digest = SHA256.digest(m);
    const prefix = fromHex('3031300d060960864801650304020105000420');
    const rawSign = (em: Uint8Array): Uint8Array => i2osp(rsasp1(k, os2ip(em), fixedRandom(12)), k.k) as Uint8Array;
    const block = (blockType: number, psLen: number, psByte: number, t: Uint8Array, tail: Uint8Array): Uint8Array => {
      const em = concat(Uint8Array.of(0, blockType), new Uint8Array(psLen).fill(psByte), Uint8Array.of(0), t, tail);
      expect(em.length).toBe(k.k);
      return em;
    };
    const t = concat(prefix, digest);
    const fullPs = k.k - 3 - t.length;
    // Control: the correct block, signed the same raw way, verifies (so the refusals below are meaningful).
    const good = block(1, fullPs, 0xff, t, new Uint8Array(0));
    expect(good).toEqual(emsaPkcs1v15Encode(SHA256, m, k.k));
    expect(rsaPkcs1Verify(SHA256, pub, m, rawSign(good))).toBe(true);
    const forged: Uint8Array[] = [
      // Garbage after the digest, padding shortened to make room (the 2006 e=3 forgery shape).
      block(1, fullPs - 8, 0xff, t, new Uint8Array(8).fill(0x41)),
      // A padding octet that is not 0xff.
      (() => {
        const em = good.slice();
        em[10] = 0xfe;
        return em;
      })(),
      // Block type 2 (encryption padding).
      block(2, fullPs, 0xff, t, new Uint8Array(0)),
      // DigestInfo without the NULL parameters (Go, BoringSSL and ring refuse it as well).
      block(1, fullPs + 2, 0xff, concat(fromHex('302f300b0609608648016503040201'), fromHex('0420'), digest), new Uint8Array(0)),
      // The SHA-384 OID around a SHA-256 digest.
      block(1, fullPs, 0xff, concat(fromHex('3031300d060960864801650304020205000420'), digest), new Uint8Array(0)),
    ];
    for (const em of forged) expect(rsaPkcs1Verify(SHA256, pub, m, rawSign(em))).toBe(false);
  });

  it('verify refuses a key that is not an RSA public key (e = 1, even n) instead of throwing (RFC 8017 §3.1)', () => {
    const m = utf8('e = 1');
    const k = Math.ceil(rsaModulusBits(rfcKey.n) / 8);
    // With e = 1 the encoded message is its own "signature".
    const em = emsaPkcs1v15Encode(SHA256, m, k);
    expect(rsaPkcs1Verify(SHA256, { type: 'rsa', n: rfcKey.n, e: Uint8Array.of(1) }, m, em)).toBe(false);
    const evenN = rfcKey.n.slice();
    evenN[evenN.length - 1] = (evenN[evenN.length - 1] as number) & 0xfe;
    const sig = rsaPssSign(SHA256, rfcKey, m, fixedRandom(6));
    expect(rsaPssVerify(SHA256, { type: 'rsa', n: evenN, e: rfcKey.e }, m, sig)).toBe(false);
    expect(rsaPssVerify(SHA256, { type: 'rsa', n: new Uint8Array(0), e: rfcKey.e }, m, sig)).toBe(false);
  });

  it('a key too small for the hash: sign throws RangeError, verify returns false (RFC 8017 §9.1.1 step 3)', () => {
    const keys = nodeKeys(512);
    const m = utf8('small');
    const sha512 = HASHES[2] as HashAlgorithm;
    expect(() => rsaPssSign(sha512, keys.priv, m, fixedRandom(7))).toThrow(RangeError);
    expect(() => rsaPkcs1Sign(sha512, keys.priv, m, fixedRandom(11))).toThrow(RangeError);
    expect(rsaPssVerify(sha512, publicOf(keys.priv), m, new Uint8Array(64).fill(1))).toBe(false);
    expect(rsaPkcs1Verify(sha512, publicOf(keys.priv), m, new Uint8Array(64).fill(1))).toBe(false);
  });

  it('a private key with a faulty CRT exponent is caught by the result check before any signature leaves', () => {
    const dp = rfcKey.dp.slice();
    dp[dp.length - 1] = (dp[dp.length - 1] as number) ^ 0x02;
    const faulty: RsaPrivateKey = { ...rfcKey, dp };
    let err: unknown;
    try {
      rsaPkcs1Sign(SHA256, faulty, utf8('fault'), fixedRandom(11));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alert).toBe(AlertDescription.internal_error);
  });

  it('a private key whose primes do not multiply to n is refused', () => {
    const p = rfcKey.p.slice();
    p[p.length - 1] = (p[p.length - 1] as number) ^ 0x04;
    expect(() => rsaPssSign(SHA256, { ...rfcKey, p }, utf8('x'), fixedRandom(8))).toThrow(RangeError);
  });

  it('blinding is transparent: any blinding factor gives the same RSASP1 result (RFC 8017 §5.2.1)', () => {
    const k = privateNumbers(rfcKey);
    const m = os2ip(emsaPkcs1v15Encode(SHA256, utf8('blind'), k.k));
    const plain = rsasp1(k, m, fixedRandom(9));
    expect(rsasp1(k, m, fixedRandom(10))).toBe(plain);
    // An all-zero source still blinds (r = 2): the factor is 2 + draw mod (n - 3).
    expect(rsasp1(k, m, (len) => new Uint8Array(len))).toBe(plain);
    // Unblinded, non-CRT reference: m^d mod n.
    let ref = 1n;
    let b = m;
    let d = os2ip(rfcKey.d);
    while (d > 0n) {
      if (d & 1n) ref = (ref * b) % k.n;
      b = (b * b) % k.n;
      d >>= 1n;
    }
    expect(plain).toBe(ref);
    expect(() => rsasp1(k, k.n, fixedRandom(13))).toThrow(RangeError);
  });
});

describe('every random draw goes through the injected RandomSource (issue 8 item 15)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  it('RSA-PSS draws the salt, then the blinding factor (k + 8 bytes), from `random`', () => {
    const k = privateNumbers(rfcKey);
    const draws: number[] = [];
    const counting: RandomSource = (len) => {
      draws.push(len);
      return fixedRandom(14)(len);
    };
    const sig = rsaPssSign(SHA256, rfcKey, utf8('draws'), counting);
    expect(draws).toEqual([32, k.k + 8]);
    expect(rsaPssVerify(SHA256, publicOf(rfcKey), utf8('draws'), sig)).toBe(true);
    draws.length = 0;
    rsaPkcs1Sign(SHA256, rfcKey, utf8('draws'), counting);
    expect(draws).toEqual([k.k + 8]);
  });
  it('signs where no global Web Crypto exists', () => {
    vi.stubGlobal('crypto', undefined);
    expect(globalThis.crypto).toBeUndefined();
    const sig = rsaPssSign(SHA256, rfcKey, utf8('no global crypto'), fixedRandom(15));
    expect(rsaPssVerify(SHA256, publicOf(rfcKey), utf8('no global crypto'), sig)).toBe(true);
  });
  it('a source that never gives an invertible blinding factor fails with internal_error, in bounded draws', () => {
    const k = privateNumbers(rfcKey);
    // r = 2 + draw mod (n - 3) = p shares the factor p with n, every time.
    const factor: RandomSource = (len) => i2osp(k.p - 2n, len) as Uint8Array;
    let calls = 0;
    let err: unknown;
    try {
      rsasp1(k, 5n, (len) => {
        calls++;
        return factor(len);
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alert).toBe(AlertDescription.internal_error);
    expect(calls).toBe(4);
  });
});

describe('RSA public exponent bound: odd, 3 <= e < 2^33 (issue 8 item 1, protocol/limits.ts)', () => {
  const n = rfcKey.n;
  const e = (v: bigint): Uint8Array => i2osp(v, v < 2n ** 32n ? 4 : 8) as Uint8Array;
  it.each([3n, 65537n, 2n ** 33n - 1n])('e = %s is accepted', (v) => {
    expect(publicNumbers({ n, e: e(v) })?.e).toBe(v);
  });
  it.each([1n, 65536n, 2n ** 33n + 1n, 2n ** 61n + 1n])('e = %s is refused', (v) => {
    expect(publicNumbers({ n, e: e(v) })).toBeUndefined();
  });
  it('verification with a 1023-bit exponent is refused before any arithmetic (false, not a slow failure)', () => {
    const huge = new Uint8Array(128).fill(0x35);
    huge[0] = 0x7f;
    const sig = rsaPssSign(SHA256, rfcKey, utf8('huge e'), fixedRandom(16));
    expect(rsaPssVerify(SHA256, { type: 'rsa', n, e: huge }, utf8('huge e'), sig)).toBe(false);
    expect(rsaPkcs1Verify(SHA256, { type: 'rsa', n, e: huge }, utf8('huge e'), sig)).toBe(false);
  });
  it('a private key with an exponent out of range cannot sign', () => {
    expect(() => rsaPssSign(SHA256, { ...rfcKey, e: e(2n ** 33n + 1n) }, utf8('x'), fixedRandom(17))).toThrow(RangeError);
  });
});
