/**
 * @module node/crypto-provider
 * A `CryptoProvider` on `node:crypto` (OpenSSL): SHA-2, HMAC and HKDF (RFC 5869; HMAC-SHA-256 in
 * TypeScript, src/crypto/sha256/, where it is cheaper than a call into OpenSSL), the TLS 1.3 AEADs
 * (CCM included),
 * x25519/x448/P-256/P-384/P-521 ECDHE (RFC 8446 §4.2.8.2, §7.4.2), RFC 7919 FFDHE and the RFC 8446 §4.2.3 signature schemes.
 * X25519MLKEM768 is delegated to the noble provider (Node 20 has no ML-KEM). Unlike the noble
 * provider, RSA-PSS salts come from OpenSSL, not from the injected `RandomSource`, so RSA-PSS
 * signatures are not reproducible; the RFC 8448 byte-exact runs use the noble provider.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createDiffieHellman,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  hash as nodeHash,
  pbkdf2Sync,
  randomFillSync,
  scryptSync,
  sign as nodeSign,
  verify as nodeVerify,
  type CipherCCMTypes,
  type CipherGCMTypes,
  type Hash,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { illegalParameter } from '../errors.ts';
import { isAcceptedRsaPublicExponent } from '../protocol/limits.ts';
import { NamedGroup, SignatureScheme } from '../protocol/registry.ts';
import type {
  Aead,
  AeadName,
  CryptoProvider,
  EcCurve,
  HashAlgorithm,
  HashName,
  HmacKey,
  IncrementalHash,
  KeyExchangeGroup,
  KeyShareKeyPair,
  PrivateKey,
  PublicKey,
  RandomSource,
  SigningKey,
} from '../crypto/provider.ts';
import { AEAD_KEY_LEN, AEAD_NONCE_LEN, AEAD_TAG_LEN, AEAD_TAG_LEN_OF } from '../crypto/noble/aead.ts';
import { HmacSha256 } from '../crypto/sha256/hmac.ts';
import { hkdfExpandWith } from '../crypto/noble/hash.ts';
import {
  checkUncompressedPoint, drawScalar, hybridX25519MlKem768, NOBLE_GROUPS, P521_SCALAR_LEN, P521_TOP_BYTE_MASK, X25519_LEN, X448_LEN,
} from '../crypto/noble/kx.ts';
import { FFDHE_GROUPS, ffdheGroup, type FfdheArithmetic, type FfdheParams } from '../crypto/noble/ffdhe.ts';
import {
  CERTIFICATE_ECDSA_HASH, NOBLE_VERIFY_SCHEMES, RSA_PKCS1_HASH, RSA_PSS_HASH, rsaPssSchemesFor, rsaSchemeFitsKey,
} from '../crypto/noble/sign.ts';

/**
 * The node:crypto provider: OpenSSL-speed primitives under the same TypeScript engine.
 * @example
 * const config = { ...clientDefaults, provider: nodeCryptoProvider };
 */
export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',
  hash: (name: HashName): HashAlgorithm => NODE_HASHES[name],
  aead: nodeAead,
  groups: NOBLE_GROUPS,
  keyExchange: nodeKeyExchange,
  verifySchemes: NOBLE_VERIFY_SCHEMES,
  signingKey: nodeSigningKey,
  verify: nodeVerifySignature,
  verifyCertificateSignature: nodeVerifyCertificateSignature,
  randomBytes: pooledRandomBytes,
  sha1: (data) => u8(createHash('sha1').update(data).digest()),
  passwordBased: {
    pbkdf2: (hash, password, salt, iterations, dkLen) => u8(pbkdf2Sync(password, salt, iterations, dkLen, hash)),
    scrypt: (password, salt, n, r, p, dkLen) => u8(scryptSync(password, salt, dkLen, { N: n, r, p, maxmem: 2 ** 31 })),
    aesCbcDecrypt: (key, iv, ciphertext) => {
      const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
      return u8(Buffer.concat([d.update(ciphertext), d.final()]));
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Hashes, HMAC, HKDF

/** A Buffer as a plain Uint8Array view (no copy), so `slice()` below the adapter copies as usual. */
function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function wrapHash(h: Hash): IncrementalHash {
  return {
    update(data: Uint8Array): void {
      h.update(data);
    },
    digest(): Uint8Array {
      return u8(h.digest());
    },
    clone(): IncrementalHash {
      return wrapHash(h.copy());
    },
  };
}

/**
 * A hash on OpenSSL. HMAC and HKDF take `keyed`: for SHA-256 our HMAC with the key blocks hashed
 * once (src/crypto/sha256/), because the key schedule's messages are one or two blocks and a
 * node:crypto Hmac object costs more than hashing them (bench/keyschedule.ts); OpenSSL's for the
 * others (the SHA-384 suite only).
 */
function makeHash(name: HashName, outputLen: number, keyed: (key: Uint8Array) => HmacKey): HashAlgorithm {
  return {
    name,
    outputLen,
    digest: (data: Uint8Array): Uint8Array => u8(nodeHash(name, data, 'buffer')),
    create: (): IncrementalHash => wrapHash(createHash(name)),
    hmac: (key: Uint8Array, data: Uint8Array): Uint8Array => keyed(key).mac(data),
    hmacKey: keyed,
    // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt acts as HashLen zeros in HMAC.
    hkdfExtract: (salt: Uint8Array, ikm: Uint8Array): Uint8Array => keyed(salt).mac(ikm),
    // (crypto.hkdfSync always runs Extract first, so Expand is the HmacKey's.)
    hkdfExpand: (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => keyed(prk).expand(info, length),
  };
}

/** An HmacKey on OpenSSL's HMAC: a copy of the key, one Hmac object per message. */
function nodeHmacKey(name: HashName, outputLen: number, key: Uint8Array): HmacKey {
  const k = key.slice();
  return {
    mac: (data: Uint8Array): Uint8Array => u8(createHmac(name, k).update(data).digest()),
    expand: (info: Uint8Array, length: number): Uint8Array =>
      hkdfExpandWith(outputLen, length, (previous, counter) => u8(createHmac(name, k).update(previous).update(info).update(counter).digest())),
  };
}

const NODE_HASHES: { readonly [K in HashName]: HashAlgorithm } = {
  sha256: makeHash('sha256', 32, (key) => new HmacSha256(key)),
  sha384: makeHash('sha384', 48, (key) => nodeHmacKey('sha384', 48, key)),
  sha512: makeHash('sha512', 64, (key) => nodeHmacKey('sha512', 64, key)),
};

// ---------------------------------------------------------------------------------------------
// AEAD

/**
 * An AEAD on OpenSSL (RFC 5116; AES-GCM per SP 800-38D, ChaCha20-Poly1305 per RFC 8439 §2.8),
 * the key imported once as a KeyObject. Node 20 cannot give an OpenSSL cipher context a new IV,
 * so every record makes one Cipheriv/Decipheriv; the rest is kept to the calls OpenSSL needs
 * (measured in bench/record.ts): no options (both ciphers default to the 16-byte tag; AES-GCM
 * and ChaCha20 are stream modes, so `update` returns exactly its input's length and `final`
 * nothing), and one `update` per record: `sealInto` assembles the TLSInnerPlaintext in the
 * output slot, encrypts it in one call and writes the ciphertext back over it.
 * @throws RangeError when the key length does not fit the algorithm
 */
function nodeAead(name: AeadName, key: Uint8Array): Aead {
  const keyLen = AEAD_KEY_LEN[name];
  if (key.length !== keyLen) throw new RangeError(`aead: ${name} key must be ${keyLen} bytes, got ${key.length}`);
  const keyObject = createSecretKey(key);
  if (name === 'aes-128-ccm' || name === 'aes-128-ccm-8') return nodeCcmAead(keyObject, AEAD_TAG_LEN_OF[name]);
  // The cast picks the GCM overload (setAAD, getAuthTag); chacha20-poly1305 has the same calls.
  const cipherName = name as CipherGCMTypes;
  /** Encrypts `inner` and writes ciphertext ‖ tag into `out` at `offset` (`inner` may be that slot). */
  const sealTo = (nonce: Uint8Array, aad: Uint8Array, inner: Uint8Array, out: Uint8Array, offset: number): number => {
    if (nonce.length !== AEAD_NONCE_LEN) throw new RangeError(`aead: nonce must be ${AEAD_NONCE_LEN} bytes`);
    const c = createCipheriv(cipherName, keyObject, nonce);
    c.setAAD(aad);
    out.set(c.update(inner), offset);
    c.final();
    out.set(c.getAuthTag(), offset + inner.length);
    return inner.length + AEAD_TAG_LEN;
  };
  const open = (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined => {
    if (nonce.length !== AEAD_NONCE_LEN || ciphertext.length < AEAD_TAG_LEN) return undefined;
    const bodyLen = ciphertext.length - AEAD_TAG_LEN;
    try {
      const d = createDecipheriv(cipherName, keyObject, nonce);
      d.setAuthTag(ciphertext.subarray(bodyLen));
      d.setAAD(aad);
      const body = d.update(ciphertext.subarray(0, bodyLen));
      d.final(); // throws on a bad tag
      return u8(body);
    } catch {
      return undefined;
    }
  };
  return {
    seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
      const out = new Uint8Array(plaintext.length + AEAD_TAG_LEN);
      sealTo(nonce, aad, plaintext, out, 0);
      return out;
    },
    sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, trailer: Uint8Array, out: Uint8Array, offset: number): number {
      const inner = out.subarray(offset, offset + plaintext.length + trailer.length);
      inner.set(plaintext);
      inner.set(trailer, plaintext.length);
      return sealTo(nonce, aad, inner, out, offset);
    },
    open,
    // OpenSSL through node:crypto always returns a new buffer: nothing to gain in place.
    openInPlace: open,
  };
}

/**
 * AES-128-CCM and AES-128-CCM-8 on OpenSSL's aes-128-ccm (SP 800-38C, RFC 8446 §B.4). CCM takes
 * the whole message in one update (its length is in the first block), so plaintext ‖ trailer is
 * joined first; a bad tag makes `final` throw.
 */
function nodeCcmAead(keyObject: KeyObject, tagLen: number): Aead {
  const seal = (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array => {
    if (nonce.length !== AEAD_NONCE_LEN) throw new RangeError(`aead: nonce must be ${AEAD_NONCE_LEN} bytes`);
    const c = createCipheriv(CCM, keyObject, nonce, { authTagLength: tagLen });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const out = new Uint8Array(plaintext.length + tagLen);
    out.set(c.update(plaintext), 0);
    c.final();
    out.set(c.getAuthTag(), plaintext.length);
    return out;
  };
  const open = (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined => {
    if (nonce.length !== AEAD_NONCE_LEN || ciphertext.length < tagLen) return undefined;
    const bodyLen = ciphertext.length - tagLen;
    try {
      const d = createDecipheriv(CCM, keyObject, nonce, { authTagLength: tagLen });
      d.setAuthTag(ciphertext.subarray(bodyLen));
      d.setAAD(aad, { plaintextLength: bodyLen });
      const body = d.update(ciphertext.subarray(0, bodyLen));
      d.final(); // throws on a bad tag
      return u8(body);
    } catch {
      return undefined;
    }
  };
  return {
    seal,
    sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, trailer: Uint8Array, out: Uint8Array, offset: number): number {
      const sealed = seal(nonce, aad, trailer.length === 0 ? plaintext : Buffer.concat([plaintext, trailer]));
      out.set(sealed, offset);
      return sealed.length;
    },
    open,
    openInPlace: open, // a new buffer, as for GCM
  };
}

const CCM: CipherCCMTypes = 'aes-128-ccm';

// ---------------------------------------------------------------------------------------------
// Key exchange

function nodeKeyExchange(group: number): KeyExchangeGroup | undefined {
  switch (group) {
    case NamedGroup.x25519:
      return X25519_GROUP;
    case NamedGroup.secp256r1:
      return P256_GROUP;
    case NamedGroup.secp384r1:
      return P384_GROUP;
    case NamedGroup.secp521r1:
      return P521_GROUP;
    case NamedGroup.x448:
      return X448_GROUP;
    case NamedGroup.X25519MLKEM768:
      return X25519MLKEM768_GROUP;
    default:
      // RFC 7919 ffdhe2048 .. ffdhe8192 on OpenSSL, or undefined.
      return FFDHE_BY_GROUP.get(group);
  }
}

/**
 * An X25519 or X448 private key KeyObject for raw bytes. JWK import is used because it is ~10x
 * faster than PKCS#8 DER in Node 20 (OpenSSL 3 decoder lookup); Node builds an OKP private key
 * from `d` alone and only type-checks `x`, so `x` is left empty rather than computed (the RFC 8448
 * tests would catch a Node that started to check it).
 */
function montgomeryPrivateKeyObject(crv: MontgomeryCurve, sk: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(sk), x: '' }, format: 'jwk' });
}

/** The raw public key of an X25519 or X448 KeyObject. */
function montgomeryRawPublicKey(privateKey: KeyObject): Uint8Array {
  return u8(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url'));
}

type MontgomeryCurve = 'X25519' | 'X448';

/**
 * X25519 / X448 with the TLS checks: a share of exactly the key length (RFC 8446 §4.2.8.2), no
 * all-zero result (RFC 7748 §6.1, §6.2; RFC 8446 §7.4.2: OpenSSL refuses to derive it and we
 * also check).
 * @throws TlsError illegal_parameter
 */
function montgomeryShared(crv: MontgomeryCurve, len: number, privateKey: KeyObject, peerShare: Uint8Array): Uint8Array {
  const name = crv.toLowerCase();
  if (peerShare.length !== len) throw illegalParameter(`key_share: ${name} share must be ${len} bytes`);
  let shared: Uint8Array;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv, x: b64u(peerShare) }, format: 'jwk' });
    shared = u8(diffieHellman({ privateKey, publicKey }));
  } catch {
    throw illegalParameter(`key_share: ${name} shared secret is all zeros`);
  }
  let acc = 0;
  for (const x of shared) acc |= x;
  if (acc === 0) throw illegalParameter(`key_share: ${name} shared secret is all zeros`);
  return shared;
}

/** RFC 7748 §6.1 / §6.2: the private key is `len` random bytes (OpenSSL clamps). */
function montgomeryGroup(group: number, crv: MontgomeryCurve, len: number): KeyExchangeGroup {
  return {
    group,
    generate(random: RandomSource): KeyShareKeyPair {
      const sk = montgomeryPrivateKeyObject(crv, random(len));
      return {
        group,
        publicKey: montgomeryRawPublicKey(sk),
        complete: (peerShare: Uint8Array): Uint8Array => montgomeryShared(crv, len, sk, peerShare),
      };
    },
    respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
      if (clientShare.length !== len) throw illegalParameter(`key_share: ${crv.toLowerCase()} share must be ${len} bytes`);
      const sk = montgomeryPrivateKeyObject(crv, random(len));
      return { share: montgomeryRawPublicKey(sk), sharedSecret: montgomeryShared(crv, len, sk, clientShare) };
    },
  };
}

const X25519_GROUP: KeyExchangeGroup = montgomeryGroup(NamedGroup.x25519, 'X25519', X25519_LEN);
const X448_GROUP: KeyExchangeGroup = montgomeryGroup(NamedGroup.x448, 'X448', X448_LEN);

function ecdheGroup(group: number, curveName: string, scalarLen: number, topByteMask = 0xff): KeyExchangeGroup {
  const shareLen = 1 + 2 * scalarLen;
  /** A fresh ECDH object with a private scalar drawn (and redrawn if out of range) from `random`. */
  const newEcdh = (random: RandomSource): ReturnType<typeof createECDH> => {
    const ecdh = createECDH(curveName);
    drawScalar(random, scalarLen, (sk) => {
      try {
        ecdh.setPrivateKey(sk); // OpenSSL rejects 0 and values >= the order
        return true;
      } catch {
        return false;
      }
    }, topByteMask);
    return ecdh;
  };
  // RFC 8446 §7.4.2: the shared secret is the x-coordinate, which computeSecret returns.
  const shared = (ecdh: ReturnType<typeof createECDH>, peerShare: Uint8Array): Uint8Array => {
    // OpenSSL would accept compressed points too: TLS 1.3 allows only the uncompressed form.
    checkUncompressedPoint(peerShare, shareLen);
    try {
      return u8(ecdh.computeSecret(peerShare));
    } catch {
      // RFC 8446 §4.2.8.2: peers MUST validate that the point is on the curve.
      throw illegalParameter('key_share: ECDH share is not a point on the curve');
    }
  };
  return {
    group,
    generate(random: RandomSource): KeyShareKeyPair {
      const ecdh = newEcdh(random);
      return { group, publicKey: u8(ecdh.getPublicKey()), complete: (peerShare: Uint8Array): Uint8Array => shared(ecdh, peerShare) };
    },
    respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
      checkUncompressedPoint(clientShare, shareLen);
      const ecdh = newEcdh(random);
      return { share: u8(ecdh.getPublicKey()), sharedSecret: shared(ecdh, clientShare) };
    },
  };
}

/** draft-ietf-tls-ecdhe-mlkem: ML-KEM-768 from noble (Node 20 has none), X25519 from OpenSSL. */
const X25519MLKEM768_GROUP: KeyExchangeGroup = hybridX25519MlKem768(X25519_GROUP);

/**
 * RFC 7919 arithmetic on OpenSSL's DH: our short exponent is set as the private key (RFC 7919
 * §5.2), and both values are left-padded to the size of p (RFC 8446 §4.2.8.1, §7.4.1). The peer
 * value has already passed `checkPeerValue` (1 < Y < p - 1).
 */
const OPENSSL_FFDHE: FfdheArithmetic = {
  publicValue(pr: FfdheParams, x: Uint8Array): Uint8Array {
    const dh = createDiffieHellman(pr.pBytes, FFDHE_GENERATOR);
    dh.setPrivateKey(x);
    return leftPad(u8(dh.generateKeys()), pr.pBytes.length);
  },
  sharedValue(pr: FfdheParams, x: Uint8Array, y: Uint8Array): Uint8Array {
    const dh = createDiffieHellman(pr.pBytes, FFDHE_GENERATOR);
    dh.setPrivateKey(x);
    return leftPad(u8(dh.computeSecret(y)), pr.pBytes.length);
  },
};

const FFDHE_GENERATOR = Buffer.of(2);
const FFDHE_BY_GROUP: ReadonlyMap<number, KeyExchangeGroup> = new Map(
  FFDHE_GROUPS.map((g) => [g, ffdheGroup(g, OPENSSL_FFDHE) as KeyExchangeGroup]),
);

/** `b` left-padded with zeros to `len` bytes (OpenSSL returns big integers without leading zeros). */
function leftPad(b: Uint8Array, len: number): Uint8Array {
  if (b.length >= len) return b;
  const out = new Uint8Array(len);
  out.set(b, len - b.length);
  return out;
}

const P256_GROUP: KeyExchangeGroup = ecdheGroup(NamedGroup.secp256r1, 'prime256v1', 32);
const P384_GROUP: KeyExchangeGroup = ecdheGroup(NamedGroup.secp384r1, 'secp384r1', 48);
const P521_GROUP: KeyExchangeGroup = ecdheGroup(NamedGroup.secp521r1, 'secp521r1', P521_SCALAR_LEN, P521_TOP_BYTE_MASK);

// ---------------------------------------------------------------------------------------------
// Signatures

/**
 * Imports `key` once into an OpenSSL KeyObject (JWK for EC and RSA, PKCS#8 for Ed25519).
 * @throws Error when the key is malformed or of an unsupported type
 */
function nodeSigningKey(key: PrivateKey): SigningKey {
  switch (key.type) {
    case 'ec': {
      const { curveName, jwkCurve, scheme, hash, len } = EC_CURVES[key.curve];
      if (key.d.length !== len) throw new Error(`signingKey: ${key.curve} private scalar must be ${len} bytes`);
      const ecdh = createECDH(curveName);
      ecdh.setPrivateKey(key.d); // throws for a scalar out of range
      const point = u8(ecdh.getPublicKey());
      const keyObject = createPrivateKey({
        key: { kty: 'EC', crv: jwkCurve, d: b64u(key.d), x: b64u(point.subarray(1, 1 + len)), y: b64u(point.subarray(1 + len)) },
        format: 'jwk',
      });
      return {
        schemes: [scheme],
        publicKey: { type: 'ec', curve: key.curve, point },
        sign(s: number, message: Uint8Array): Uint8Array {
          checkScheme(this.schemes, s);
          // RFC 8446 §4.2.3: DER ECDSA-Sig-Value. OpenSSL draws the nonce itself.
          return u8(nodeSign(hash, message, { key: keyObject, dsaEncoding: 'der' }));
        },
      };
    }
    case 'ed25519':
    case 'ed448':
      return eddsaSigningKey(key.type, key.seed);
    case 'rsa': {
      const schemes = rsaPssSchemesFor(key.n, key.pss);
      if (schemes.length === 0) throw new Error('signingKey: RSA modulus too small for RSA-PSS');
      // protocol/limits.ts: the exponent bound holds for our own keys too (as for the noble provider).
      if (!isAcceptedRsaPublicExponent(key.e)) throw new Error('signingKey: RSA public exponent must be odd, 3 <= e < 2^33');
      const keyObject = createPrivateKey({
        key: {
          kty: 'RSA',
          n: b64u(key.n),
          e: b64u(key.e),
          d: b64u(key.d),
          p: b64u(key.p),
          q: b64u(key.q),
          dp: b64u(key.dp),
          dq: b64u(key.dq),
          qi: b64u(key.qi),
        },
        format: 'jwk',
      });
      return {
        schemes,
        publicKey: key.pss === undefined ? { type: 'rsa', n: key.n, e: key.e } : { type: 'rsa', n: key.n, e: key.e, pss: key.pss },
        sign(s: number, message: Uint8Array): Uint8Array {
          checkScheme(this.schemes, s);
          const hash = RSA_PSS_HASH[s] as HashName;
          // RFC 8446 §4.2.3: RSASSA-PSS, MGF1 with the same hash, salt length = digest length
          // (rsa_pss_rsae_* and rsa_pss_pss_* alike: the JWK-imported key is an RSA key). The
          // salt comes from OpenSSL's RNG, not from `random`: these signatures are not reproducible.
          return u8(
            nodeSign(hash, message, { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[hash] }),
          );
        },
      };
    }
    default:
      throw new Error('signingKey: unsupported key type');
  }
}

/**
 * An Ed25519 or Ed448 signing key on OpenSSL (RFC 8032, pure EdDSA with an empty context as
 * RFC 8446 §4.2.3 requires), imported once from the raw private key through PKCS#8 (RFC 8410 §7).
 * @throws Error when the private key has the wrong length
 */
function eddsaSigningKey(type: 'ed25519' | 'ed448', seed: Uint8Array): SigningKey {
  const { prefix, len, scheme, name } = EDDSA[type];
  if (seed.length !== len) throw new Error(`signingKey: ${name} private key must be ${len} bytes`);
  const keyObject = createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(keyObject).export({ format: 'jwk' });
  return {
    schemes: [scheme],
    publicKey: { type, key: u8(Buffer.from(jwk.x ?? '', 'base64url')) },
    sign(s: number, message: Uint8Array): Uint8Array {
      checkScheme(this.schemes, s);
      return u8(nodeSign(null, message, keyObject));
    },
  };
}

/**
 * Verifies with OpenSSL. Never throws: malformed input, an unknown scheme or one that does not
 * fit the key (RFC 8446 §4.2.3 binds each ECDSA scheme to one curve) yields false, and so does an
 * RSA key whose exponent is outside protocol/limits.ts's bound (OpenSSL refuses exponents over 64
 * bits only for moduli over 3072 bits: below that a huge e costs it 100 ms and more per check).
 * OpenSSL accepts high-S ECDSA signatures and requires strict DER.
 */
function nodeVerifySignature(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (key.type === 'rsa' && !isAcceptedRsaPublicExponent(key.e)) return false;
  try {
    switch (scheme) {
      case SignatureScheme.ecdsa_secp256r1_sha256:
      case SignatureScheme.ecdsa_secp384r1_sha384:
      case SignatureScheme.ecdsa_secp521r1_sha512: {
        if (key.type !== 'ec') return false;
        const { scheme: curveScheme, hash } = EC_CURVES[key.curve];
        if (curveScheme !== scheme) return false;
        return nodeVerify(hash, message, { key: publicKeyObject(key), dsaEncoding: 'der' }, signature);
      }
      case SignatureScheme.ed25519:
        if (key.type !== 'ed25519' || key.key.length !== 32 || signature.length !== 64) return false;
        return nodeVerify(null, message, publicKeyObject(key), signature);
      case SignatureScheme.ed448:
        if (key.type !== 'ed448' || key.key.length !== 57 || signature.length !== 114) return false;
        return nodeVerify(null, message, publicKeyObject(key), signature);
      case SignatureScheme.rsa_pss_rsae_sha256:
      case SignatureScheme.rsa_pss_rsae_sha384:
      case SignatureScheme.rsa_pss_rsae_sha512:
      case SignatureScheme.rsa_pss_pss_sha256:
      case SignatureScheme.rsa_pss_pss_sha384:
      case SignatureScheme.rsa_pss_pss_sha512: {
        // RFC 8446 §4.2.3: rsae for rsaEncryption keys, pss for id-RSASSA-PSS keys within their restriction.
        if (key.type !== 'rsa' || !rsaSchemeFitsKey(scheme, key.pss)) return false;
        const hash = RSA_PSS_HASH[scheme] as HashName;
        return nodeVerify(
          hash,
          message,
          { key: publicKeyObject(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[hash] },
          signature,
        );
      }
      case SignatureScheme.rsa_pkcs1_sha256:
      case SignatureScheme.rsa_pkcs1_sha384:
      case SignatureScheme.rsa_pkcs1_sha512: {
        // RFC 4055 §1.2: an id-RSASSA-PSS key is for RSASSA-PSS only.
        if (key.type !== 'rsa' || key.pss !== undefined) return false;
        const hash = RSA_PKCS1_HASH[scheme] as HashName;
        return nodeVerify(hash, message, { key: publicKeyObject(key), padding: constants.RSA_PKCS1_PADDING }, signature);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * `CryptoProvider.verifyCertificateSignature` on OpenSSL: an ECDSA scheme stands for its hash on
 * the key's curve (OpenSSL takes any digest with any curve); other schemes as `verify`.
 */
function nodeVerifyCertificateSignature(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const hash = CERTIFICATE_ECDSA_HASH[scheme];
  if (hash === undefined) return nodeVerifySignature(scheme, key, message, signature);
  if (key.type !== 'ec') return false;
  try {
    return nodeVerify(hash, message, { key: publicKeyObject(key), dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/**
 * The KeyObject for a public key, imported once per `PublicKey` object (a verifier that keeps
 * its parsed trust anchors or peer keys pays the import once).
 * @throws Error when the key is malformed (caught by the caller)
 */
function publicKeyObject(key: PublicKey): KeyObject {
  const cached = PUBLIC_KEY_CACHE.get(key);
  if (cached !== undefined) return cached;
  let jwk: JsonWebKey;
  switch (key.type) {
    case 'ec': {
      const { jwkCurve, len } = EC_CURVES[key.curve];
      if (key.point.length !== 1 + 2 * len || key.point[0] !== 0x04) throw new Error('verify: EC point not uncompressed');
      jwk = { kty: 'EC', crv: jwkCurve, x: b64u(key.point.subarray(1, 1 + len)), y: b64u(key.point.subarray(1 + len)) };
      break;
    }
    case 'ed25519':
      jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(key.key) };
      break;
    case 'ed448':
      jwk = { kty: 'OKP', crv: 'Ed448', x: b64u(key.key) };
      break;
    case 'rsa':
      jwk = { kty: 'RSA', n: b64u(key.n), e: b64u(key.e) };
      break;
  }
  const keyObject = createPublicKey({ key: jwk, format: 'jwk' }); // checks the point is on the curve
  PUBLIC_KEY_CACHE.set(key, keyObject);
  return keyObject;
}

/** @throws Error when `scheme` is not one this key produces (a caller bug, not a peer error) */
function checkScheme(schemes: readonly number[], scheme: number): void {
  if (!schemes.includes(scheme)) throw new Error(`sign: scheme 0x${scheme.toString(16)} does not fit this key`);
}

/** Unpadded base64url of an unsigned big-endian integer or raw key, leading zero bytes kept. */
function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

const PUBLIC_KEY_CACHE = new WeakMap<PublicKey, KeyObject>();

const HASH_LEN: { readonly [K in HashName]: number } = { sha256: 32, sha384: 48, sha512: 64 };

const EC_CURVES: {
  readonly [K in EcCurve]: {
    readonly curveName: string;
    readonly jwkCurve: string;
    readonly scheme: number;
    readonly hash: HashName;
    readonly len: number;
  };
} = {
  'P-256': { curveName: 'prime256v1', jwkCurve: 'P-256', scheme: SignatureScheme.ecdsa_secp256r1_sha256, hash: 'sha256', len: 32 },
  'P-384': { curveName: 'secp384r1', jwkCurve: 'P-384', scheme: SignatureScheme.ecdsa_secp384r1_sha384, hash: 'sha384', len: 48 },
  'P-521': { curveName: 'secp521r1', jwkCurve: 'P-521', scheme: SignatureScheme.ecdsa_secp521r1_sha512, hash: 'sha512', len: 66 },
};

/** RFC 8410 §7 PKCS#8 DER prefixes for a raw Ed25519 seed and a raw Ed448 key, with their lengths and schemes. */
const EDDSA = {
  ed25519: { prefix: Buffer.from('302e020100300506032b657004220420', 'hex'), len: 32, scheme: SignatureScheme.ed25519, name: 'Ed25519' },
  ed448: { prefix: Buffer.from('3047020100300506032b6571043b0439', 'hex'), len: 57, scheme: SignatureScheme.ed448, name: 'Ed448' },
} as const;

/**
 * OpenSSL's CSPRNG, drawn 4 KiB at a time: a handshake asks for a dozen small values (randoms,
 * private keys, nonces, ticket_age_add), and each randomFillSync call has a fixed cost far above
 * that of its bytes. Every byte is handed out once, as a copy.
 */
function pooledRandomBytes(length: number): Uint8Array {
  if (length > RANDOM_POOL_LEN / 4) return randomFillSync(new Uint8Array(length));
  if (randomPoolUsed + length > RANDOM_POOL_LEN) {
    randomFillSync(randomPool);
    randomPoolUsed = 0;
  }
  const out = randomPool.slice(randomPoolUsed, randomPoolUsed + length);
  randomPool.fill(0, randomPoolUsed, randomPoolUsed + length);
  randomPoolUsed += length;
  return out;
}

const RANDOM_POOL_LEN = 4096;
const randomPool = new Uint8Array(RANDOM_POOL_LEN);
let randomPoolUsed = RANDOM_POOL_LEN;
