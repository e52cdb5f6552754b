/**
 * @module crypto/noble/ffdhe
 * The finite-field Diffie-Hellman groups ffdhe2048 .. ffdhe8192 of RFC 7919 (RFC 8446 §4.2.7),
 * with the TLS 1.3 rules of RFC 8446 §4.2.8.1 and §7.4.1, over a modular exponentiation the
 * provider supplies (bigint for the pure provider, OpenSSL for the node one):
 *
 * - a share is Y = g^X mod p, big-endian, left-padded with zeros to the size of p (§4.2.8.1);
 * - a peer's Y must satisfy 1 < Y < p - 1 (§4.2.8.1, RFC 7919 §5.1), else illegal_parameter;
 * - the shared secret Z is left-padded to the size of p (§7.4.1);
 * - private exponents are short, as RFC 7919 §5.2 allows: the sizes its Appendix A recommends
 *   (225 bits for ffdhe2048 up to 400 bits for ffdhe8192), so a handshake stays in milliseconds.
 *
 * The primes are computed once, on first use, from RFC 7919 Appendix A's formula
 * p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1 with generator 2 (the tests compare them
 * with OpenSSL's built-in groups).
 */
import { illegalParameter } from '../../errors.ts';
import { NamedGroup } from '../../protocol/registry.ts';
import type { KeyExchangeGroup, KeyShareKeyPair, RandomSource } from '../provider.ts';
import { i2osp, os2ip } from '../rsa/bigint.ts';

/** One RFC 7919 group: its prime and the private-exponent size. */
export interface FfdheParams {
  readonly group: number;
  /** The prime p (generator g = 2). */
  readonly p: bigint;
  /** p as big-endian bytes: its length is the length of every share and shared secret. */
  readonly pBytes: Uint8Array;
  /** Bytes of a private exponent: RFC 7919 Appendix A's short-exponent size, rounded up to whole bytes. */
  readonly exponentBytes: number;
}

/** The arithmetic a provider supplies: X is a private exponent, Y a validated peer value. */
export interface FfdheArithmetic {
  /** g^X mod p, `params.pBytes.length` bytes. */
  publicValue(params: FfdheParams, x: Uint8Array): Uint8Array;
  /** Y^X mod p, `params.pBytes.length` bytes (left-padded, RFC 8446 §7.4.1). */
  sharedValue(params: FfdheParams, x: Uint8Array, y: Uint8Array): Uint8Array;
}

/** The RFC 7919 groups, smallest first (all off by default: they are slower than ECDHE). */
export const FFDHE_GROUPS: readonly number[] = [
  NamedGroup.ffdhe2048,
  NamedGroup.ffdhe3072,
  NamedGroup.ffdhe4096,
  NamedGroup.ffdhe6144,
  NamedGroup.ffdhe8192,
];

/** The parameters of RFC 7919 group `group`, or undefined when it is not one. */
export function ffdheParams(group: number): FfdheParams | undefined {
  const def = DEFINITIONS.get(group);
  if (def === undefined) return undefined;
  let params = PARAMS_CACHE.get(group);
  if (params === undefined) {
    const { bits, x, exponentBits } = def;
    // RFC 7919 Appendix A: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1.
    const b = BigInt(bits);
    const p = 2n ** b - 2n ** (b - 64n) + (floorScaledE(bits - 130) + BigInt(x)) * 2n ** 64n - 1n;
    params = { group, p, pBytes: i2osp(p, bits / 8) as Uint8Array, exponentBytes: Math.ceil(exponentBits / 8) };
    PARAMS_CACHE.set(group, params);
  }
  return params;
}

/**
 * The KeyExchangeGroup of RFC 7919 group `group` over `arithmetic`, or undefined when `group` is
 * not an FFDHE group.
 */
export function ffdheGroup(group: number, arithmetic: FfdheArithmetic): KeyExchangeGroup | undefined {
  if (!DEFINITIONS.has(group)) return undefined;
  const params = (): FfdheParams => ffdheParams(group) as FfdheParams;
  const shared = (x: Uint8Array, peerShare: Uint8Array): Uint8Array => {
    const pr = params();
    checkPeerValue(pr, peerShare);
    return arithmetic.sharedValue(pr, x, peerShare);
  };
  return {
    group,
    generate(random: RandomSource): KeyShareKeyPair {
      const pr = params();
      const x = drawExponent(pr, random);
      return { group, publicKey: arithmetic.publicValue(pr, x), complete: (peerShare: Uint8Array): Uint8Array => shared(x, peerShare) };
    },
    respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array } {
      const pr = params();
      checkPeerValue(pr, clientShare);
      const x = drawExponent(pr, random);
      return { share: arithmetic.publicValue(pr, x), sharedSecret: shared(x, clientShare) };
    },
  };
}

/** The pure provider's arithmetic: `modPow` on bigint (see its timing note in rsa/bigint.ts). */
export function bigintFfdheArithmetic(modPow: (base: bigint, exp: bigint, m: bigint) => bigint): FfdheArithmetic {
  const pad = (pr: FfdheParams, v: bigint): Uint8Array => i2osp(v, pr.pBytes.length) as Uint8Array;
  return {
    publicValue: (pr, x) => pad(pr, modPow(2n, os2ip(x), pr.p)),
    sharedValue: (pr, x, y) => pad(pr, modPow(os2ip(y), os2ip(x), pr.p)),
  };
}

/**
 * RFC 8446 §4.2.8.1: the share is Y padded to the size of p, and "Peers MUST validate each
 * other's public key Y by ensuring that 1 < Y < p-1" (RFC 7919 §5.1): this keeps Y out of the
 * subgroup {1, p - 1} of order 2 (p is a safe prime, so every other Y has order q or 2q).
 * @throws TlsError illegal_parameter
 */
export function checkPeerValue(params: FfdheParams, share: Uint8Array): void {
  if (share.length !== params.pBytes.length) throw illegalParameter(`key_share: FFDHE share must be ${params.pBytes.length} bytes`);
  const y = os2ip(share);
  if (y <= 1n || y >= params.p - 1n) throw illegalParameter('key_share: FFDHE share is not in 1 < Y < p - 1 (RFC 7919 §5.1)');
}

/**
 * A private exponent of `exponentBytes` random bytes, redrawn while it is 0 or 1 (RFC 7919 §5.2:
 * a short exponent of at least the recommended size; it stays far below q = (p - 1) / 2).
 * @throws Error when `random` keeps producing 0 or 1 (a broken RNG)
 */
function drawExponent(params: FfdheParams, random: RandomSource): Uint8Array {
  for (let i = 0; i < MAX_EXPONENT_DRAWS; i++) {
    const x = random(params.exponentBytes);
    if (x.length === params.exponentBytes && os2ip(x) > 1n) return x;
  }
  throw new Error('key_share: random source produced no valid FFDHE exponent');
}

/** floor(2^k · e), from e = Σ 1/n! summed in fixed point with 64 guard bits. */
function floorScaledE(k: number): bigint {
  const guard = 64n;
  let term = 1n << (BigInt(k) + guard);
  let sum = 0n;
  for (let n = 1n; term > 0n; n++) {
    sum += term;
    term /= n;
  }
  return sum >> guard;
}

/**
 * RFC 7919 Appendix A.1-A.5: size b of p in bits, the constant X of the formula, and the
 * short-exponent size each section recommends ("should choose a secret key of at least ... bits").
 */
const DEFINITIONS: ReadonlyMap<number, { readonly bits: number; readonly x: number; readonly exponentBits: number }> = new Map([
  [NamedGroup.ffdhe2048, { bits: 2048, x: 560316, exponentBits: 225 }],
  [NamedGroup.ffdhe3072, { bits: 3072, x: 2625351, exponentBits: 275 }],
  [NamedGroup.ffdhe4096, { bits: 4096, x: 5736041, exponentBits: 325 }],
  [NamedGroup.ffdhe6144, { bits: 6144, x: 15705020, exponentBits: 375 }],
  [NamedGroup.ffdhe8192, { bits: 8192, x: 10965728, exponentBits: 400 }],
]);

const PARAMS_CACHE = new Map<number, FfdheParams>();

/** A sane RNG yields 0 or 1 as a 29-byte exponent once in 2^231 draws, never 8 times. */
const MAX_EXPONENT_DRAWS = 8;
