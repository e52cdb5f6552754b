/**
 * @module rsa
 * RSA signatures on `bigint` for the pure provider: RSASSA-PSS (RFC 8017 §8.1) as TLS 1.3
 * uses it for rsa_pss_rsae_* (salt length = hash length, MGF1 with the same hash,
 * RFC 8446 §4.2.3) and RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) for rsa_pkcs1_* certificate
 * signatures. One policy lives here, because it bounds our own CPU: public exponents must be
 * below MAX_RSA_PUBLIC_EXPONENT (protocol/limits.ts; `publicNumbers`). Which modulus sizes to
 * accept is the verifier layer's choice, using `rsaModulusBits`.
 */
import type { HashAlgorithm, RandomSource } from '../provider.ts';
import { equalConstantTime } from '../../bytes/bytes.ts';
import { bitLength, i2osp, os2ip } from './bigint.ts';
import { emsaPkcs1v15Encode } from './pkcs1.ts';
import { privateNumbers, rsasp1, type RsaPrivateKey, type RsaPrivateNumbers } from './private.ts';
import { emsaPssDecode, emsaPssEncode } from './pss.ts';
import { publicNumbers, rsavp1, type RsaPublicKey } from './public.ts';

export type { RsaPrivateKey } from './private.ts';
export type { RsaPublicKey } from './public.ts';

/**
 * RFC 8017 §8.1.1 RSASSA-PSS-SIGN with sLen = hLen (RFC 8446 §4.2.3). The salt is
 * `random(hLen)`, then the blinding factor is drawn from `random` too (`rsasp1`); a fixed `random`
 * gives a fixed signature.
 * @throws RangeError when the key is malformed or too small for the hash
 * @throws TlsError internal_error when the result fails its check under the public key
 */
export function rsaPssSign(
  hash: HashAlgorithm,
  key: RsaPrivateKey,
  message: Uint8Array,
  random: RandomSource,
): Uint8Array {
  const k = privateNumbers(key);
  // Step 1: EM = EMSA-PSS-ENCODE(M, modBits - 1).
  const em = emsaPssEncode(hash, message, k.modBits - 1, random(hash.outputLen));
  // Steps 2a-2c: m = OS2IP(EM), s = RSASP1(K, m), S = I2OSP(s, k).
  return signRepresentative(k, os2ip(em), random);
}

/**
 * RFC 8017 §8.1.2 RSASSA-PSS-VERIFY with sLen = hLen (RFC 8446 §4.2.3). False (never throws)
 * for a malformed key, a signature that is not exactly k octets, s >= n, or an inconsistent
 * encoding.
 */
export function rsaPssVerify(
  hash: HashAlgorithm,
  key: RsaPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const pub = publicNumbers(key);
  // Step 1: length checking.
  if (!pub || signature.length !== pub.k) return false;
  // Step 2: m = RSAVP1((n, e), OS2IP(S)); EM = I2OSP(m, emLen), emLen = ceil((modBits - 1) / 8).
  const m = rsavp1(pub, os2ip(signature));
  if (m === undefined) return false;
  const emBits = pub.modBits - 1;
  const em = i2osp(m, Math.ceil(emBits / 8));
  if (!em) return false;
  // Step 3: EMSA-PSS-VERIFY(M, EM, modBits - 1).
  return emsaPssDecode(hash, message, em, emBits, hash.outputLen) !== undefined;
}

/**
 * RFC 8017 §8.2.1 RSASSA-PKCS1-V1_5-SIGN. Deterministic; `random` only blinds (`rsasp1`).
 * @throws RangeError when the key is malformed or too small for the DigestInfo
 * @throws TlsError internal_error when the result fails its check under the public key
 */
export function rsaPkcs1Sign(hash: HashAlgorithm, key: RsaPrivateKey, message: Uint8Array, random: RandomSource): Uint8Array {
  const k = privateNumbers(key);
  // Step 1: EM = EMSA-PKCS1-V1_5-ENCODE(M, k).
  const em = emsaPkcs1v15Encode(hash, message, k.k);
  return signRepresentative(k, os2ip(em), random);
}

/**
 * RFC 8017 §8.2.2 RSASSA-PKCS1-V1_5-VERIFY: recovers EM and compares it with our own
 * encoding of the message (step 4), octet for octet. False (never throws) for a malformed
 * key, a wrong-length signature, s >= n, or any difference.
 */
export function rsaPkcs1Verify(
  hash: HashAlgorithm,
  key: RsaPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const pub = publicNumbers(key);
  // Step 1: length checking.
  if (!pub || signature.length !== pub.k) return false;
  // Step 2: m = RSAVP1((n, e), OS2IP(S)); EM = I2OSP(m, k).
  const m = rsavp1(pub, os2ip(signature));
  if (m === undefined) return false;
  const em = i2osp(m, pub.k);
  if (!em) return false;
  // Step 3: EM' = EMSA-PKCS1-V1_5-ENCODE(M, k); a modulus too small for the DigestInfo
  // cannot carry a valid signature.
  let expected: Uint8Array;
  try {
    expected = emsaPkcs1v15Encode(hash, message, pub.k);
  } catch {
    return false;
  }
  // Step 4: compare EM with EM'.
  return equalConstantTime(em, expected);
}

/**
 * Checks a private key once, at import, as signing would (RFC 8017 §3.1, §3.2: n = p * q, CRT
 * values in range, the public exponent within MAX_RSA_PUBLIC_EXPONENT).
 * @throws RangeError naming what is wrong
 */
export function checkRsaPrivateKey(key: RsaPrivateKey): void {
  privateNumbers(key);
}

/** The bit length of the modulus `n` (big-endian, leading zero octets ignored). */
export function rsaModulusBits(n: Uint8Array): number {
  return bitLength(os2ip(n));
}

/** RFC 8017 §8.1.1 step 2 / §8.2.1 step 2: s = RSASP1(K, m), S = I2OSP(s, k). */
function signRepresentative(key: RsaPrivateNumbers, m: bigint, random: RandomSource): Uint8Array {
  const s = i2osp(rsasp1(key, m, random), key.k);
  // s < n < 256^k, so I2OSP cannot fail.
  if (!s) throw new RangeError('RSASP1: result does not fit the modulus length');
  return s;
}
