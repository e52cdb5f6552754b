/**
 * @module crypto/noble/kx
 * The key-exchange groups of the pure provider: x25519 (RFC 7748) on our own Curve25519
 * arithmetic (`src/crypto/curve25519/`), secp256r1 ECDHE on our own P-256 (`src/crypto/p256/`),
 * and on @noble/curves and @noble/post-quantum secp384r1 and secp521r1 ECDHE (RFC 8446 §4.2.8.2,
 * §7.4.2), x448 (RFC 7748 §6.2) and the hybrid X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem §4);
 * the RFC 7919 FFDHE groups on bigint (`ffdhe.ts`). Peer shares are validated here and
 * rejected with illegal_parameter; private keys are drawn from the injected `RandomSource`.
 */
import { x448 } from '@noble/curves/ed448.js';
import { p384, p521 } from '@noble/curves/nist.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { concat } from '../../bytes/bytes.ts';
import { illegalParameter, internalError } from '../../errors.ts';
import { NamedGroup } from '../../protocol/registry.ts';
import { x25519, x25519Base } from '../curve25519/index.ts';
import { modPow } from '../rsa/bigint.ts';
import { bigintFfdheArithmetic, FFDHE_GROUPS, ffdheGroup } from './ffdhe.ts';
import { p256IsValidPrivateKey, p256PublicKey, p256SharedSecret } from '../p256/index.ts';
import type { KeyExchangeGroup, KeyShareKeyPair, RandomSource } from '../provider.ts';

/** The groups of the noble provider, in our preference order (the RFC 7919 FFDHE groups last). */
export const NOBLE_GROUPS: readonly number[] = [
  NamedGroup.X25519MLKEM768,
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.x448,
  NamedGroup.secp521r1,
  ...FFDHE_GROUPS,
];

/** The noble implementation of `group`, or undefined when unsupported. */
export function nobleKeyExchange(group: number): KeyExchangeGroup | undefined {
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
      // RFC 7919 ffdhe2048 .. ffdhe8192 on bigint (`ffdhe.ts`), or undefined.
      return FFDHE_BY_GROUP.get(group);
  }
}

// ---------------------------------------------------------------------------------------------
// x25519

/**
 * RFC 7748 §6.1 X25519(sk, peer) with the TLS checks: the share is exactly 32 bytes
 * (RFC 8446 §4.2.8.2) and the result is not all zeros (RFC 8446 §7.4.2: a low-order peer point
 * would force a known shared secret).
 * @throws TlsError illegal_parameter
 */
export function x25519SharedSecret(privateKey: Uint8Array, peerShare: Uint8Array): Uint8Array {
  if (peerShare.length !== X25519_LEN) throw illegalParameter(`key_share: x25519 share must be ${X25519_LEN} bytes`);
  const shared = x25519(privateKey, peerShare);
  if (isAllZero(shared)) throw illegalParameter('key_share: x25519 shared secret is all zeros');
  return shared;
}

/** X25519 public key for a 32-byte private key (RFC 7748 §6.1, clamping done inside). */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return x25519Base(privateKey);
}

const X25519_GROUP: KeyExchangeGroup = {
  group: NamedGroup.x25519,
  generate(random: RandomSource): KeyShareKeyPair {
    // RFC 7748 §6.1: the private key is 32 random bytes (clamped by the scalar multiplication).
    const sk = random(X25519_LEN);
    return {
      group: NamedGroup.x25519,
      publicKey: x25519PublicKey(sk),
      complete: (peerShare: Uint8Array): Uint8Array => x25519SharedSecret(sk, peerShare),
    };
  },
  respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
    if (clientShare.length !== X25519_LEN) throw illegalParameter(`key_share: x25519 share must be ${X25519_LEN} bytes`);
    const sk = random(X25519_LEN);
    return { share: x25519PublicKey(sk), sharedSecret: x25519SharedSecret(sk, clientShare) };
  },
};

// ---------------------------------------------------------------------------------------------
// x448

/**
 * RFC 7748 §6.2 X448(sk, peer) with the TLS checks: the share is exactly 56 bytes
 * (RFC 8446 §4.2.8.2) and the result is not all zeros (RFC 7748 §6.2 "check that the value is not
 * zero"; RFC 8446 §7.4.2). noble refuses a zero result itself; we check as well.
 * @throws TlsError illegal_parameter
 */
function x448SharedSecret(privateKey: Uint8Array, peerShare: Uint8Array): Uint8Array {
  if (peerShare.length !== X448_LEN) throw illegalParameter(`key_share: x448 share must be ${X448_LEN} bytes`);
  let shared: Uint8Array;
  try {
    shared = x448.getSharedSecret(privateKey, peerShare);
  } catch {
    throw illegalParameter('key_share: x448 shared secret is all zeros');
  }
  if (isAllZero(shared)) throw illegalParameter('key_share: x448 shared secret is all zeros');
  return shared;
}

const X448_GROUP: KeyExchangeGroup = {
  group: NamedGroup.x448,
  generate(random: RandomSource): KeyShareKeyPair {
    // RFC 7748 §6.2: the private key is 56 random bytes (clamped by the scalar multiplication).
    const sk = random(X448_LEN);
    return {
      group: NamedGroup.x448,
      publicKey: x448.getPublicKey(sk),
      complete: (peerShare: Uint8Array): Uint8Array => x448SharedSecret(sk, peerShare),
    };
  },
  respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
    if (clientShare.length !== X448_LEN) throw illegalParameter(`key_share: x448 share must be ${X448_LEN} bytes`);
    const sk = random(X448_LEN);
    return { share: x448.getPublicKey(sk), sharedSecret: x448SharedSecret(sk, clientShare) };
  },
};

// ---------------------------------------------------------------------------------------------
// secp256r1 / secp384r1 / secp521r1

/** The ECDH operations of one NIST curve: P-256 is ours (`src/crypto/p256/`), P-384 and P-521 noble's. */
interface EcdhCurve {
  readonly isValidPrivateKey: (sk: Uint8Array) => boolean;
  /** Uncompressed public key (SEC 1 §2.3.3). */
  readonly publicKey: (sk: Uint8Array) => Uint8Array;
  /** The x-coordinate of sk·peer, or undefined when `peer` is not a point on the curve. */
  readonly sharedSecret: (sk: Uint8Array, peer: Uint8Array) => Uint8Array | undefined;
}

const P256_ECDH: EcdhCurve = {
  isValidPrivateKey: p256IsValidPrivateKey,
  publicKey: p256PublicKey,
  sharedSecret: p256SharedSecret,
};

/** An EcdhCurve on a @noble/curves Weierstrass curve (its point decoding checks the curve equation). */
function nobleEcdh(curve: typeof p384 | typeof p521): EcdhCurve {
  return {
    isValidPrivateKey: (sk) => curve.utils.isValidSecretKey(sk),
    publicKey: (sk) => curve.getPublicKey(sk, false),
    sharedSecret: (sk, peer) => {
      try {
        return curve.getSharedSecret(sk, peer, true).slice(1);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Draws an ECDH private scalar from `random`: `len` bytes read as a big-endian integer, the
 * first byte cut to `topByteMask` (so the draw has the bit length of the group order: P-521's
 * order has 521 bits, one bit in the first of 66 bytes), redrawn while it is 0 or >= the group
 * order (rejection sampling, FIPS 186-5 A.2.2 style).
 * @throws Error when `random` keeps producing out-of-range values (a broken RNG)
 */
export function drawScalar(random: RandomSource, len: number, isValid: (sk: Uint8Array) => boolean, topByteMask = 0xff): Uint8Array {
  for (let i = 0; i < MAX_SCALAR_DRAWS; i++) {
    const sk = random(len);
    if (sk.length !== len) continue;
    sk[0] = (sk[0] as number) & topByteMask;
    if (isValid(sk)) return sk;
  }
  throw new Error('key_share: random source produced no valid private scalar');
}

function ecdheGroup(group: number, curve: EcdhCurve, scalarLen: number, topByteMask = 0xff): KeyExchangeGroup {
  const shareLen = 1 + 2 * scalarLen;
  const newPrivateKey = (random: RandomSource): Uint8Array => drawScalar(random, scalarLen, curve.isValidPrivateKey, topByteMask);
  // RFC 8446 §7.4.2: the shared secret is the x-coordinate of the ECDH point, fixed length.
  const sharedSecret = (sk: Uint8Array, peerShare: Uint8Array): Uint8Array => {
    checkUncompressedPoint(peerShare, shareLen);
    const secret = curve.sharedSecret(sk, peerShare);
    // RFC 8446 §4.2.8.2: peers MUST validate that the point is on the curve.
    if (secret === undefined) throw illegalParameter('key_share: ECDH share is not a point on the curve');
    return secret;
  };
  return {
    group,
    generate(random: RandomSource): KeyShareKeyPair {
      const sk = newPrivateKey(random);
      return {
        group,
        publicKey: curve.publicKey(sk),
        complete: (peerShare: Uint8Array): Uint8Array => sharedSecret(sk, peerShare),
      };
    },
    respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
      checkUncompressedPoint(clientShare, shareLen);
      const sk = newPrivateKey(random);
      return { share: curve.publicKey(sk), sharedSecret: sharedSecret(sk, clientShare) };
    },
  };
}

/**
 * RFC 8446 §4.2.8.2: UncompressedPointRepresentation is `legacy_form = 4` followed by X and Y;
 * TLS 1.3 has no other point format, so compressed points are rejected.
 * @throws TlsError illegal_parameter
 */
export function checkUncompressedPoint(share: Uint8Array, shareLen: number): void {
  if (share.length !== shareLen) throw illegalParameter(`key_share: ECDH share must be ${shareLen} bytes`);
  if (share[0] !== 0x04) throw illegalParameter('key_share: ECDH share is not an uncompressed point');
}

/** SEC 2 §2.6.1: P-521 scalars and coordinates take 66 bytes; the order has 521 bits (1 in the first byte). */
export const P521_SCALAR_LEN = 66;
export const P521_TOP_BYTE_MASK = 0x01;

const P256_GROUP: KeyExchangeGroup = ecdheGroup(NamedGroup.secp256r1, P256_ECDH, 32);
const P384_GROUP: KeyExchangeGroup = ecdheGroup(NamedGroup.secp384r1, nobleEcdh(p384), 48);
const P521_GROUP: KeyExchangeGroup = ecdheGroup(NamedGroup.secp521r1, nobleEcdh(p521), P521_SCALAR_LEN, P521_TOP_BYTE_MASK);

// ---------------------------------------------------------------------------------------------
// X25519MLKEM768

/**
 * draft-ietf-tls-ecdhe-mlkem §4.1-4.3 X25519MLKEM768 over a given X25519 implementation (the
 * node provider passes its OpenSSL one): client share = ML-KEM-768 encapsulation key ‖ X25519
 * share; server share = ML-KEM ciphertext ‖ X25519 share; shared secret = ML-KEM shared secret ‖
 * X25519 shared secret (the order is historical, see the draft's note). Random draws, in order:
 * client 64-byte ML-KEM seed then the X25519 key; server 32-byte encapsulation randomness then
 * the X25519 key.
 */
export function hybridX25519MlKem768(x25519Group: KeyExchangeGroup): KeyExchangeGroup {
  return {
    group: NamedGroup.X25519MLKEM768,
    generate(random: RandomSource): KeyShareKeyPair {
      // FIPS 203 ML-KEM.KeyGen_internal(d, z): the 64-byte seed is d ‖ z.
      const { publicKey: ek, secretKey: dk } = ml_kem768.keygen(random(MLKEM768_SEED_LEN));
      const x = x25519Group.generate(random);
      return {
        group: NamedGroup.X25519MLKEM768,
        publicKey: concat(ek, x.publicKey),
        complete(peerShare: Uint8Array): Uint8Array {
          // draft §4.2: the client MUST check the ciphertext length (illegal_parameter).
          if (peerShare.length !== MLKEM768_CIPHERTEXT_LEN + X25519_LEN) {
            throw illegalParameter('key_share: X25519MLKEM768 server share has the wrong length');
          }
          // draft §4.3: the X25519 part gets the RFC 8446 §7.4.2 all-zero check (illegal_parameter).
          const xSecret = x.complete(peerShare.subarray(MLKEM768_CIPHERTEXT_LEN));
          let kemSecret: Uint8Array;
          try {
            // FIPS 203 decapsulation uses implicit rejection: a wrong ciphertext yields a random
            // secret (and a failed Finished), not an error.
            kemSecret = ml_kem768.decapsulate(peerShare.subarray(0, MLKEM768_CIPHERTEXT_LEN), dk);
          } catch (e) {
            // draft §4.2: any other decapsulation failure is internal_error.
            throw internalError('key_share: ML-KEM-768 decapsulation failed', e);
          }
          return concat(kemSecret, xSecret);
        },
      };
    },
    respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
      if (clientShare.length !== MLKEM768_ENCAPSULATION_KEY_LEN + X25519_LEN) {
        throw illegalParameter('key_share: X25519MLKEM768 client share has the wrong length');
      }
      let encapsulated: { cipherText: Uint8Array; sharedSecret: Uint8Array };
      try {
        // FIPS 203 §7.2: encapsulate() runs the encapsulation key (modulus) check.
        encapsulated = ml_kem768.encapsulate(clientShare.subarray(0, MLKEM768_ENCAPSULATION_KEY_LEN), random(MLKEM768_MSG_LEN));
      } catch {
        // draft §4.2: the server MUST check the encapsulation key (illegal_parameter).
        throw illegalParameter('key_share: ML-KEM-768 encapsulation key fails the FIPS 203 modulus check');
      }
      const x = x25519Group.respond(clientShare.subarray(MLKEM768_ENCAPSULATION_KEY_LEN), random);
      return {
        share: concat(encapsulated.cipherText, x.share),
        sharedSecret: concat(encapsulated.sharedSecret, x.sharedSecret),
      };
    },
  };
}

const X25519MLKEM768_GROUP: KeyExchangeGroup = hybridX25519MlKem768(X25519_GROUP);

// ---------------------------------------------------------------------------------------------
// ffdhe2048 .. ffdhe8192

const BIGINT_FFDHE = bigintFfdheArithmetic(modPow);
const FFDHE_BY_GROUP: ReadonlyMap<number, KeyExchangeGroup> = new Map(
  FFDHE_GROUPS.map((g) => [g, ffdheGroup(g, BIGINT_FFDHE) as KeyExchangeGroup]),
);

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
}

/** Rejection-sampling budget: a sane RNG fails once in ~2^32 draws for P-256, never 64 times. */
const MAX_SCALAR_DRAWS = 64;
/** RFC 7748 §5: X25519 keys and shares are 32 bytes, X448 ones 56 bytes. */
export const X25519_LEN = 32;
export const X448_LEN = 56;
/** FIPS 203 ML-KEM-768 sizes: keygen seed d ‖ z, encapsulation randomness m, ek, ciphertext. */
export const MLKEM768_SEED_LEN = 64;
export const MLKEM768_MSG_LEN = 32;
export const MLKEM768_ENCAPSULATION_KEY_LEN = 1184;
export const MLKEM768_CIPHERTEXT_LEN = 1088;
