/**
 * @module rsa/pkcs1
 * EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2) with the DigestInfo prefixes of SHA-256/384/512
 * (RFC 8017 §9.2 note 1). Verification re-encodes and compares the whole block
 * (RFC 8017 §8.2.2), never parses the padding: lenient parsers were forgeable
 * (Bleichenbacher 2006, "BERserk" 2014).
 */
import type { HashAlgorithm, HashName } from '../provider.ts';
import { concat, fromHex } from '../../bytes/bytes.ts';

/**
 * RFC 8017 §9.2 EMSA-PKCS1-V1_5-ENCODE(M, emLen):
 * EM = 0x00 || 0x01 || PS (0xff, at least 8 octets) || 0x00 || T, T = DigestInfo(Hash(M)).
 * @throws RangeError "intended encoded message length too short" when emLen < tLen + 11
 */
export function emsaPkcs1v15Encode(hash: HashAlgorithm, message: Uint8Array, emLen: number): Uint8Array {
  // Steps 1-2: T = DER(DigestInfo { digestAlgorithm, digest = Hash(M) }).
  const t = concat(DIGEST_INFO_PREFIX[hash.name], hash.digest(message));
  // Step 3.
  if (emLen < t.length + 11) throw new RangeError('EMSA-PKCS1-v1_5: intended encoded message length too short');
  // Steps 4-5.
  const em = new Uint8Array(emLen);
  em[1] = 0x01;
  em.fill(0xff, 2, emLen - t.length - 1);
  em.set(t, emLen - t.length);
  return em;
}

/**
 * The DER of DigestInfo up to the digest octets, per hash (RFC 8017 §9.2 note 1):
 * SEQUENCE { SEQUENCE { OID id-sha*, NULL }, OCTET STRING (hLen) }.
 */
const DIGEST_INFO_PREFIX: Readonly<Record<HashName, Uint8Array>> = {
  sha256: fromHex('3031300d060960864801650304020105000420'),
  sha384: fromHex('3041300d060960864801650304020205000430'),
  sha512: fromHex('3051300d060960864801650304020305000440'),
};
