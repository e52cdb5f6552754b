/**
 * @module rsa/private
 * The RSA signature primitive RSASP1 (RFC 8017 §5.2.1) in its Chinese-remainder form
 * (RFC 8017 §3.2 second representation, p, q, dP, dQ, qInv), with multiplicative blinding of
 * the input and a check of the result under the public exponent before it leaves. This is the
 * only code in puretls that computes with an RSA private key.
 */
import type { PrivateKey, RandomSource } from '../provider.ts';
import { internalError } from '../../errors.ts';
import { modInverse, modPow, modPowPublic, os2ip } from './bigint.ts';
import { publicNumbers, type RsaPublicNumbers } from './public.ts';

export type RsaPrivateKey = Extract<PrivateKey, { type: 'rsa' }>;

/** An RSA private key as integers (RFC 8017 §3.2). */
export interface RsaPrivateNumbers extends RsaPublicNumbers {
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
}

/**
 * The key as integers, parsed once per key object (a server signs with the same key in every
 * handshake). `d` is not used: CRT needs only p, q, dP, dQ and qInv.
 * @throws RangeError when the key is malformed (bad public part, n != p * q, or a CRT value out
 *   of range). Inconsistent CRT exponents are caught later by the result check of `rsasp1`.
 */
export function privateNumbers(key: RsaPrivateKey): RsaPrivateNumbers {
  const cached = parsed.get(key);
  if (cached) return cached;
  const pub = publicNumbers(key);
  if (!pub) throw new RangeError('RSA private key: invalid modulus or public exponent (e must be odd, 3 <= e < 2^33)');
  const p = os2ip(key.p);
  const q = os2ip(key.q);
  const dp = os2ip(key.dp);
  const dq = os2ip(key.dq);
  const qi = os2ip(key.qi);
  if (p < 3n || q < 3n || p * q !== pub.n) throw new RangeError('RSA private key: n != p * q');
  if (dp < 1n || dp >= p || dq < 1n || dq >= q || qi < 1n || qi >= p) {
    throw new RangeError('RSA private key: CRT value out of range');
  }
  const numbers: RsaPrivateNumbers = { ...pub, p, q, dp, dq, qi };
  parsed.set(key, numbers);
  return numbers;
}

/**
 * RFC 8017 §5.2.1 RSASP1(K, m) = m^d mod n, computed as:
 *
 * 1. blinding (RFC 8017 §5.2.1 note, Kocher 1996): r in [2, n-2] from `random`,
 *    m' = m * r^e mod n, so the exponentiations run on a value unrelated to m;
 * 2. CRT (RFC 8017 §5.2.1 step 2b): s1 = m'^dP mod p, s2 = m'^dQ mod q,
 *    h = (s1 - s2) * qInv mod p, s' = s2 + q * h;
 * 3. unblinding: s = s' * r^-1 mod n;
 * 4. fault check: s^e mod n must give m back. A wrong CRT half (a glitch, a bit flip, a bad
 *    key) would otherwise leak a factor of n via gcd(s^e - m, n) (Boneh-DeMillo-Lipton 1997,
 *    Lenstra); OpenSSL makes the same check.
 *
 * Blinding hides m from the timing of the exponentiations; it does not make them constant
 * time in the exponent (see `modPow` for what a JIT cannot promise). `random` is the injected
 * RandomSource of the handshake, like every other draw (a fixed source gives a fixed r, and the
 * signature does not depend on r).
 * @throws RangeError when m is out of range (m >= n)
 * @throws TlsError internal_error when `random` gives no invertible r in MAX_BLINDING_DRAWS draws,
 *   or when the fault check fails
 */
export function rsasp1(key: RsaPrivateNumbers, m: bigint, random: RandomSource): bigint {
  const { n, e, p, q, dp, dq, qi } = key;
  if (m < 0n || m >= n) throw new RangeError('RSASP1: message representative out of range');
  // 1. Blinding factor r = 2 + (draw mod (n - 3)), so r is never 0 or 1 whatever the source; r
  //    is invertible unless it shares a prime with n (probability about 2/sqrt(n) per draw).
  let r = 0n;
  let rInv: bigint | undefined;
  for (let draw = 0; rInv === undefined; draw++) {
    if (draw === MAX_BLINDING_DRAWS) throw internalError('RSA blinding: the random source gave no usable factor');
    r = 2n + (os2ip(random(key.k + 8)) % (n - 3n));
    rInv = modInverse(r, n);
  }
  const blinded = (m * modPowPublic(r, e, n)) % n;
  // 2. CRT.
  const s1 = modPow(blinded % p, dp, p);
  const s2 = modPow(blinded % q, dq, q);
  const h = (((s1 - s2) % p + p) % p * qi) % p;
  const sBlinded = s2 + q * h;
  // 3. Unblinding.
  const s = (sBlinded * rInv) % n;
  // 4. Fault check.
  if (modPowPublic(s, e, n) !== m) throw internalError('RSA signature failed its self-check (fault or inconsistent key)');
  return s;
}

/** Draws of a blinding factor before giving up (a real random source needs one). */
const MAX_BLINDING_DRAWS = 4;
const parsed = new WeakMap<RsaPrivateKey, RsaPrivateNumbers>();
