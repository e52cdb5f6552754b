/**
 * Signatures for both providers (RFC 8446 §4.2.3): every scheme round-trips across providers in
 * both directions; verify returns false (never throws) for a flipped bit, a wrong key, a scheme
 * that does not fit the key, or malformed input; RSA-PSS with the RFC 8448 §2 key verifies the
 * RFC 8448 §3 CertificateVerify (RFC 8446 §4.4.3).
 */
import { constants, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat, toHex, utf8 } from '../../../src/bytes/bytes.ts';
import type { CryptoProvider, PrivateKey, PublicKey, SigningKey } from '../../../src/crypto/provider.ts';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { nameOf, SignatureScheme } from '../../../src/protocol/registry.ts';
import { field, loadTrace, rfc8448RsaKey, step } from '../../helpers/vectors.ts';
import { PROVIDERS, PROVIDER_PAIRS, scriptedRandom, seededRandom } from '../../helpers/providers.ts';

const S = SignatureScheme;


const b64 = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

/** A fresh 2048-bit RSA key from OpenSSL (big enough for rsa_pss_rsae_sha512). */
function rsa2048(): PrivateKey {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    type: 'rsa',
    n: b64(jwk.n),
    e: b64(jwk.e),
    d: b64(jwk.d),
    p: b64(jwk.p),
    q: b64(jwk.q),
    dp: b64(jwk.dp),
    dq: b64(jwk.dq),
    qi: b64(jwk.qi),
  };
}

const RSA_8448 = rfc8448RsaKey();
const RSA_2048 = rsa2048();

interface KeyCase {
  readonly name: string;
  readonly key: PrivateKey;
  readonly other: PrivateKey; // a different key of the same type
  readonly schemes: readonly number[];
}

const KEYS: readonly KeyCase[] = [
  { name: 'P-256', key: { type: 'ec', curve: 'P-256', d: seededRandom(1)(32) }, other: { type: 'ec', curve: 'P-256', d: seededRandom(2)(32) }, schemes: [S.ecdsa_secp256r1_sha256] },
  { name: 'P-384', key: { type: 'ec', curve: 'P-384', d: seededRandom(3)(48) }, other: { type: 'ec', curve: 'P-384', d: seededRandom(4)(48) }, schemes: [S.ecdsa_secp384r1_sha384] },
  { name: 'Ed25519', key: { type: 'ed25519', seed: seededRandom(5)(32) }, other: { type: 'ed25519', seed: seededRandom(6)(32) }, schemes: [S.ed25519] },
  { name: 'RSA-1024 (RFC 8448 §2)', key: RSA_8448, other: RSA_2048, schemes: [S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384] },
  { name: 'RSA-2048', key: RSA_2048, other: RSA_8448, schemes: [S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512] },
];

const SCHEME_CASES = KEYS.flatMap((k) => k.schemes.map((scheme) => ({ ...k, scheme, label: `${k.name} ${nameOf(SignatureScheme, scheme)}` })));

const ALL_VERIFY_SCHEMES = [
  S.ecdsa_secp256r1_sha256,
  S.ecdsa_secp384r1_sha384,
  S.ecdsa_secp521r1_sha512,
  S.ed25519,
  S.ed448,
  S.rsa_pss_rsae_sha256,
  S.rsa_pss_rsae_sha384,
  S.rsa_pss_rsae_sha512,
  S.rsa_pss_pss_sha256,
  S.rsa_pss_pss_sha384,
  S.rsa_pss_pss_sha512,
  S.rsa_pkcs1_sha256,
  S.rsa_pkcs1_sha384,
  S.rsa_pkcs1_sha512,
];

const MESSAGE = utf8('TLS 1.3 signature test message');

function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i] = (c[i] as number) ^ 0x01;
  return c;
}

function signWith(provider: CryptoProvider, key: PrivateKey, scheme: number, message: Uint8Array): { sk: SigningKey; sig: Uint8Array } {
  const sk = provider.signingKey(key);
  return { sk, sig: sk.sign(scheme, message, seededRandom(99)) };
}

describe.each(PROVIDERS)('signatures ($name provider)', (provider) => {
  it('lists every scheme it verifies (RFC 8446 §4.2.3)', () => {
    expect([...provider.verifySchemes].sort()).toEqual([...ALL_VERIFY_SCHEMES].sort());
  });

  it.each(KEYS)('$name: signingKey reports its schemes and the same public key as the other provider', (k) => {
    const sk = provider.signingKey(k.key);
    expect(sk.schemes).toEqual(k.schemes);
    for (const other of PROVIDERS) expect(other.signingKey(k.key).publicKey).toEqual(sk.publicKey);
  });

  it.each(SCHEME_CASES)('$label: a flipped signature bit, a changed message and a wrong key all fail', (c) => {
    const { sk, sig } = signWith(provider, c.key, c.scheme, MESSAGE);
    expect(provider.verify(c.scheme, sk.publicKey, MESSAGE, sig)).toBe(true);
    expect(provider.verify(c.scheme, sk.publicKey, MESSAGE, flip(sig, sig.length >> 1))).toBe(false);
    expect(provider.verify(c.scheme, sk.publicKey, MESSAGE, flip(sig, sig.length - 1))).toBe(false);
    expect(provider.verify(c.scheme, sk.publicKey, flip(MESSAGE, 0), sig)).toBe(false);
    expect(provider.verify(c.scheme, provider.signingKey(c.other).publicKey, MESSAGE, sig)).toBe(false);
  });

  it.each(SCHEME_CASES)('$label: verify is false for every other scheme (scheme must fit the key, RFC 8446 §4.2.3)', (c) => {
    const { sk, sig } = signWith(provider, c.key, c.scheme, MESSAGE);
    for (const scheme of [...ALL_VERIFY_SCHEMES, S.ecdsa_secp521r1_sha512, S.rsa_pss_pss_sha256, S.ed448, 0xffff]) {
      if (scheme === c.scheme) continue;
      expect(provider.verify(scheme, sk.publicKey, MESSAGE, sig)).toBe(false);
    }
  });

  it('verify never throws on malformed signatures or keys', () => {
    const keys: PublicKey[] = [
      { type: 'ec', curve: 'P-256', point: new Uint8Array(65) },
      { type: 'ec', curve: 'P-256', point: new Uint8Array(3) },
      { type: 'ec', curve: 'P-384', point: Uint8Array.of(4) },
      { type: 'ed25519', key: new Uint8Array(31) },
      { type: 'ed25519', key: new Uint8Array(32).fill(0xff) },
      { type: 'rsa', n: new Uint8Array(0), e: Uint8Array.of(3) },
      { type: 'rsa', n: Uint8Array.of(0xff, 0xff), e: new Uint8Array(0) },
      provider.signingKey(RSA_8448).publicKey,
    ];
    const sigs = [new Uint8Array(0), Uint8Array.of(0x30, 0x00), Uint8Array.of(0x30, 0x81), new Uint8Array(64), new Uint8Array(128).fill(0xff), new Uint8Array(512)];
    for (const scheme of ALL_VERIFY_SCHEMES) {
      for (const key of keys) for (const sig of sigs) expect(provider.verify(scheme, key, MESSAGE, sig)).toBe(false);
    }
  });

  it('signingKey refuses malformed keys and sign refuses a scheme outside the key\'s list', () => {
    expect(() => provider.signingKey({ type: 'ec', curve: 'P-256', d: new Uint8Array(32) })).toThrow();
    expect(() => provider.signingKey({ type: 'ec', curve: 'P-256', d: new Uint8Array(32).fill(0xff) })).toThrow();
    expect(() => provider.signingKey({ type: 'ec', curve: 'P-384', d: seededRandom(1)(32) })).toThrow();
    expect(() => provider.signingKey({ type: 'ed25519', seed: new Uint8Array(31) })).toThrow();
    const ec = provider.signingKey({ type: 'ec', curve: 'P-256', d: seededRandom(1)(32) });
    expect(() => ec.sign(S.ecdsa_secp384r1_sha384, MESSAGE, seededRandom(1))).toThrow();
    const rsa = provider.signingKey(RSA_8448);
    expect(() => rsa.sign(S.rsa_pss_rsae_sha512, MESSAGE, seededRandom(1))).toThrow();
    expect(() => rsa.sign(S.rsa_pkcs1_sha256, MESSAGE, seededRandom(1))).toThrow();
  });

  it('RSA keys need an odd exponent 3 <= e < 2^33 (issue 8): verify is false, signingKey throws', () => {
    const huge = new Uint8Array(RSA_8448.n.length).fill(0x35);
    huge[0] = 0x7f; // one bit shorter than n, odd
    const m = MESSAGE;
    const sig = provider.signingKey(RSA_8448).sign(S.rsa_pss_rsae_sha256, m, seededRandom(1));
    for (const e of [huge, Uint8Array.of(2, 0, 0, 0, 1), Uint8Array.of(1), Uint8Array.of(1, 0, 0)]) {
      expect(provider.verify(S.rsa_pss_rsae_sha256, { type: 'rsa', n: RSA_8448.n, e }, m, sig)).toBe(false);
      expect(provider.verify(S.rsa_pkcs1_sha256, { type: 'rsa', n: RSA_8448.n, e }, m, sig)).toBe(false);
      expect(() => provider.signingKey({ ...RSA_8448, e })).toThrow(/exponent/);
    }
    // Control: the same key with its own e = 65537 verifies.
    expect(provider.verify(S.rsa_pss_rsae_sha256, { type: 'rsa', n: RSA_8448.n, e: RSA_8448.e }, m, sig)).toBe(true);
  });

  it.each([
    ['P-384', 'sha256', S.ecdsa_secp256r1_sha256],
    ['P-256', 'sha384', S.ecdsa_secp384r1_sha384],
    ['P-256', 'sha512', S.ecdsa_secp521r1_sha512],
    ['P-384', 'sha512', S.ecdsa_secp521r1_sha512],
  ] as const)('verifyCertificateSignature: ECDSA on %s with %s (X.509 names no curve); verify stays bound to the curve', (curve, hash, scheme) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const jwk = publicKey.export({ format: 'jwk' });
    const key: PublicKey = { type: 'ec', curve, point: concat(Uint8Array.of(4), b64(jwk.x), b64(jwk.y)) };
    const sig = new Uint8Array(nodeSign(hash, MESSAGE, { key: privateKey, dsaEncoding: 'der' }));
    expect(provider.verifyCertificateSignature(scheme, key, MESSAGE, sig)).toBe(true);
    expect(provider.verifyCertificateSignature(scheme, key, flip(MESSAGE, 1), sig)).toBe(false);
    // Another hash, or a key of another type, does not verify.
    for (const other of [S.ecdsa_secp256r1_sha256, S.ecdsa_secp384r1_sha384, S.ecdsa_secp521r1_sha512].filter((x) => x !== scheme)) {
      expect(provider.verifyCertificateSignature(other, key, MESSAGE, sig)).toBe(false);
    }
    expect(provider.verifyCertificateSignature(scheme, provider.signingKey(RSA_8448).publicKey, MESSAGE, sig)).toBe(false);
    // RFC 8446 §4.2.3: in CertificateVerify the scheme binds the curve.
    expect(provider.verify(scheme, key, MESSAGE, sig)).toBe(false);
  });

  it('Ed25519 reproduces RFC 8032 §7.1 test 1', () => {
    const sk = provider.signingKey({ type: 'ed25519', seed: fromHexStr('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60') });
    expect(sk.publicKey).toEqual({ type: 'ed25519', key: fromHexStr('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a') });
    const sig = sk.sign(S.ed25519, new Uint8Array(0), seededRandom(1));
    expect(toHex(sig)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it.each([
    { curve: 'P-256' as const, scheme: S.ecdsa_secp256r1_sha256, n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
    {
      curve: 'P-384' as const,
      scheme: S.ecdsa_secp384r1_sha384,
      n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    },
  ])('$curve ECDSA: accepts the high-S twin of a valid signature (as OpenSSL does)', ({ curve, scheme, n }) => {
    const sk = provider.signingKey({ type: 'ec', curve, d: seededRandom(7)(curve === 'P-256' ? 32 : 48) });
    const sig = sk.sign(scheme, MESSAGE, seededRandom(1));
    const [r, s] = decodeEcdsaSig(sig);
    const twin = encodeEcdsaSig(r, n - s);
    expect(toHex(twin)).not.toBe(toHex(sig));
    expect(provider.verify(scheme, sk.publicKey, MESSAGE, twin)).toBe(true);
  });

  it('RSA-PSS with the RFC 8448 §2 key verifies the RFC 8448 §3 CertificateVerify (RFC 8446 §4.4.3)', () => {
    const trace = loadTrace('03-simple-1rtt');
    const msg = (actor: string, action: string, label: string): Uint8Array => field(step(trace, actor, action), label);
    const transcript = concat(
      msg('client', 'construct a ClientHello handshake message', 'ClientHello'),
      msg('server', 'construct a ServerHello handshake message', 'ServerHello'),
      msg('server', 'construct an EncryptedExtensions handshake message', 'EncryptedExtensions'),
      msg('server', 'construct a Certificate handshake message', 'Certificate'),
    );
    const cv = msg('server', 'construct a CertificateVerify handshake message', 'CertificateVerify');
    // Handshake header (4) ‖ algorithm (2) ‖ signature<0..2^16-1>.
    const algorithm = ((cv[4] as number) << 8) | (cv[5] as number);
    const sigLen = ((cv[6] as number) << 8) | (cv[7] as number);
    const signature = cv.subarray(8);
    expect(algorithm).toBe(S.rsa_pss_rsae_sha256);
    expect(signature.length).toBe(sigLen);
    const content = concat(
      new Uint8Array(64).fill(0x20),
      utf8('TLS 1.3, server CertificateVerify'),
      Uint8Array.of(0),
      provider.hash('sha256').digest(transcript),
    );
    const publicKey = provider.signingKey(RSA_8448).publicKey;
    expect(provider.verify(S.rsa_pss_rsae_sha256, publicKey, content, signature)).toBe(true);
    expect(provider.verify(S.rsa_pss_rsae_sha256, publicKey, flip(content, 70), signature)).toBe(false);
    expect(provider.verify(S.rsa_pkcs1_sha256, publicKey, content, signature)).toBe(false);
  });

  it.each([
    { scheme: S.rsa_pkcs1_sha256, hash: 'sha256', name: 'rsa_pkcs1_sha256' },
    { scheme: S.rsa_pkcs1_sha384, hash: 'sha384', name: 'rsa_pkcs1_sha384' },
    { scheme: S.rsa_pkcs1_sha512, hash: 'sha512', name: 'rsa_pkcs1_sha512' },
  ])('$name: verifies an OpenSSL RSASSA-PKCS1-v1_5 signature (certificates only, RFC 8446 §4.2.3)', ({ scheme, hash }) => {
    const jwk = privateJwk(RSA_2048);
    const sig = new Uint8Array(nodeSign(hash, MESSAGE, { key: jwk, format: 'jwk', padding: constants.RSA_PKCS1_PADDING }));
    const publicKey = provider.signingKey(RSA_2048).publicKey;
    expect(provider.verify(scheme, publicKey, MESSAGE, sig)).toBe(true);
    expect(provider.verify(scheme, publicKey, MESSAGE, flip(sig, 5))).toBe(false);
    expect(provider.verify(S.rsa_pss_rsae_sha256, publicKey, MESSAGE, sig)).toBe(false);
  });
});

describe('RSA-PSS salt source', () => {
  it('the noble provider draws the RSA-PSS salt from the injected random (deterministic signatures)', () => {
    const noble = nobleProvider;
    const sk = noble.signingKey(RSA_8448);
    const salt = new Uint8Array(32).fill(0x5a);
    // Then the blinding factor, k + 8 bytes, from the same source (it does not change the signature).
    const blind = (fill: number): Uint8Array => new Uint8Array(128 + 8).fill(fill);
    const a = sk.sign(S.rsa_pss_rsae_sha256, MESSAGE, scriptedRandom(salt, blind(1)));
    const b = sk.sign(S.rsa_pss_rsae_sha256, MESSAGE, scriptedRandom(salt, blind(2)));
    const c = sk.sign(S.rsa_pss_rsae_sha256, MESSAGE, scriptedRandom(new Uint8Array(32).fill(0x5b), blind(1)));
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).not.toBe(toHex(c));
  });
});

describe.each(PROVIDER_PAIRS)('signature interoperability ($name: a signs, b verifies)', ({ a, b }) => {
  it.each(SCHEME_CASES)('$label', (c) => {
    const { sk, sig } = signWith(a, c.key, c.scheme, MESSAGE);
    expect(b.verify(c.scheme, sk.publicKey, MESSAGE, sig)).toBe(true);
    expect(b.verify(c.scheme, sk.publicKey, flip(MESSAGE, 3), sig)).toBe(false);
  });
});

function fromHexStr(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}

function privateJwk(k: PrivateKey): Record<string, string> {
  if (k.type !== 'rsa') throw new Error('rsa only');
  const e = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  return { kty: 'RSA', n: e(k.n), e: e(k.e), d: e(k.d), p: e(k.p), q: e(k.q), dp: e(k.dp), dq: e(k.dq), qi: e(k.qi) };
}

/** DER ECDSA-Sig-Value (RFC 3279 §2.2.3) with short-form lengths (enough for P-256/P-384). */
function decodeEcdsaSig(der: Uint8Array): [bigint, bigint] {
  let off = 2;
  const readInt = (): bigint => {
    if (der[off] !== 0x02) throw new Error('not an INTEGER');
    const len = der[off + 1] as number;
    const v = BigInt(`0x${toHex(der.subarray(off + 2, off + 2 + len))}`);
    off += 2 + len;
    return v;
  };
  return [readInt(), readInt()];
}

function encodeEcdsaSig(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint): Uint8Array => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
    const body = fromHexStr(hex);
    return concat(Uint8Array.of(0x02, body.length), body);
  };
  const body = concat(int(r), int(s));
  return concat(Uint8Array.of(0x30, body.length), body);
}
