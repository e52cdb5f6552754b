/**
 * @module rsa/pss
 * EMSA-PSS encoding and verification (RFC 8017 §9.1) with the mask generation function MGF1
 * (RFC 8017 §B.2.1). TLS 1.3 fixes the salt length to the hash length and MGF1 to the same hash
 * as the message digest (RFC 8446 §4.2.3), so this file takes one `HashAlgorithm` for both.
 */
import type { HashAlgorithm } from '../provider.ts';
import { concat, equalConstantTime, writeU32 } from '../../bytes/bytes.ts';

/**
 * RFC 8017 §9.1.1 EMSA-PSS-ENCODE(M, emBits) with the given salt: the encoded message EM of
 * emLen = ceil(emBits / 8) octets.
 * @throws RangeError "encoding error" when emLen < hLen + sLen + 2 (modulus too small for the hash)
 */
export function emsaPssEncode(hash: HashAlgorithm, message: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const hLen = hash.outputLen;
  const sLen = salt.length;
  const emLen = Math.ceil(emBits / 8);
  // Steps 2-3.
  const mHash = hash.digest(message);
  if (emLen < hLen + sLen + 2) throw new RangeError('EMSA-PSS: modulus too small for this hash and salt');
  // Steps 5-6: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt; H = Hash(M').
  const h = hash.digest(concat(PSS_PADDING1, mHash, salt));
  // Steps 7-8: DB = PS || 0x01 || salt.
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - sLen - hLen - 2] = 0x01;
  db.set(salt, emLen - sLen - hLen - 1);
  // Steps 9-10: maskedDB = DB xor MGF(H, emLen - hLen - 1).
  const dbMask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (dbMask[i] as number);
  // Step 11: clear the leftmost 8 * emLen - emBits bits.
  db[0] = (db[0] as number) & (0xff >>> (8 * emLen - emBits));
  // Step 12: EM = maskedDB || H || 0xbc.
  return concat(db, h, TRAILER);
}

/**
 * RFC 8017 §9.1.2 EMSA-PSS-VERIFY(M, EM, emBits) with salt length `sLen`: returns the salt when
 * EM is consistent with M, undefined ("inconsistent") otherwise. Never throws.
 */
export function emsaPssDecode(
  hash: HashAlgorithm,
  message: Uint8Array,
  em: Uint8Array,
  emBits: number,
  sLen: number,
): Uint8Array | undefined {
  const hLen = hash.outputLen;
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen) return undefined;
  // Step 2.
  const mHash = hash.digest(message);
  // Step 3.
  if (emLen < hLen + sLen + 2) return undefined;
  // Step 4: the rightmost octet must be 0xbc.
  if (em[emLen - 1] !== 0xbc) return undefined;
  // Step 5.
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  // Step 6: the leftmost 8 * emLen - emBits bits of maskedDB must be zero.
  const topMask = 0xff >>> (8 * emLen - emBits);
  if (((maskedDb[0] as number) & ~topMask) !== 0) return undefined;
  // Steps 7-9: DB = maskedDB xor MGF(H, emLen - hLen - 1), leftmost bits cleared.
  const db = mgf1(hash, h, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (maskedDb[i] as number);
  db[0] = (db[0] as number) & topMask;
  // Step 10: DB = PS (zeros) || 0x01 || salt.
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return undefined;
  if (db[psLen] !== 0x01) return undefined;
  // Step 11.
  const salt = db.slice(db.length - sLen);
  // Steps 12-14: H' = Hash((0x)00 * 8 || mHash || salt) must equal H.
  const hPrime = hash.digest(concat(PSS_PADDING1, mHash, salt));
  return equalConstantTime(h, hPrime) ? salt : undefined;
}

/** RFC 8017 §B.2.1 MGF1(mgfSeed, maskLen) with `hash`. */
export function mgf1(hash: HashAlgorithm, seed: Uint8Array, maskLen: number): Uint8Array {
  const out = new Uint8Array(maskLen);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed, 0);
  // T = Hash(mgfSeed || C) for C = I2OSP(counter, 4), counter = 0, 1, ...; output the first maskLen octets.
  for (let counter = 0, off = 0; off < maskLen; counter++) {
    writeU32(input, seed.length, counter);
    const t = hash.digest(input);
    out.set(t.subarray(0, Math.min(t.length, maskLen - off)), off);
    off += t.length;
  }
  return out;
}

const PSS_PADDING1: Uint8Array = new Uint8Array(8);
const TRAILER: Uint8Array = Uint8Array.of(0xbc);
