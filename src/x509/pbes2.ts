/**
 * @module x509/pbes2
 * RFC 8018 §6.2 PBES2 decryption: PBKDF2 (HMAC-SHA-1/256/384/512, RFC 8018 §5.2) or scrypt
 * (RFC 7914) and AES-128/192/256-CBC, through the provider's `passwordBased` primitives. Used by
 * encrypted PKCS#8 keys (RFC 5958 §3, keys.ts) and by PKCS#12 files (RFC 7292, pkcs12.ts).
 *
 *   PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
 *   PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
 *                                prf AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 }
 *   scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter INTEGER, blockSize INTEGER,
 *                                parallelizationParameter INTEGER, keyLength INTEGER OPTIONAL }
 * Failures are plain Errors (configuration input).
 */
import type { PasswordBasedCrypto } from '../crypto/provider.ts';
import { algorithm, DerTag, expectTag, readChildren, stripLeadingZeros, type Tlv } from './der.ts';
import { KdfBudget, type Pbkdf2Prf, pbkdf2Work, scryptWork } from './kdf-budget.ts';

/** The PBES2 algorithm identifier (RFC 8018 §A.4). */
export const PBES2_OID = '1.2.840.113549.1.5.13';

/**
 * Decrypts `ciphertext` under the AlgorithmIdentifier `algorithm` (which must be PBES2) with
 * `password` (the passphrase's bytes: OpenSSL uses UTF-8, also inside PKCS#12 files). The key
 * derivation is charged to `budget` before it runs (a PKCS#12 file passes one for all its parts).
 * @throws Error for another scheme, malformed or out-of-range parameters, a derivation past the
 *   budget, or a bad padding (wrong passphrase or corrupt data)
 */
export function decryptPbes2(algorithmId: Tlv, ciphertext: Uint8Array, password: Uint8Array, pb: PasswordBasedCrypto, budget: KdfBudget = new KdfBudget()): Uint8Array {
  const [algOid, params] = algorithm(algorithmId);
  if (algOid !== PBES2_OID || params === undefined) throw new Error(`unsupported encryption ${algOid} (only PBES2)`);
  const [kdf, enc, ...more] = readChildren(expectTag(params, DerTag.SEQUENCE).value, 'PBES2-params');
  if (kdf === undefined || enc === undefined || more.length > 0) throw new Error('malformed PBES2-params');
  const [encOid, ivTlv] = algorithm(enc);
  const keyLen = AES_CBC_KEY_LEN[encOid];
  if (keyLen === undefined) throw new Error(`unsupported cipher ${encOid} (only AES-CBC)`);
  const iv = expectTag(ivTlv, DerTag.OCTET_STRING).value;
  if (iv.length !== 16) throw new Error('AES-CBC IV is not 16 bytes');
  const key = deriveKey(kdf, password, keyLen, pb, budget);
  try {
    return pb.aesCbcDecrypt(key, iv, ciphertext);
  } catch {
    throw new Error('wrong passphrase or corrupt data (bad padding)');
  }
}

/** RFC 8018 §5.2 PBKDF2 or RFC 7914 §7 scrypt, its work charged to `budget` first. */
function deriveKey(kdf: Tlv, password: Uint8Array, keyLen: number, pb: PasswordBasedCrypto, budget: KdfBudget): Uint8Array {
  const [oid, params] = algorithm(kdf);
  const fields = readChildren(expectTag(params, DerTag.SEQUENCE).value, 'KDF params');
  const salt = expectTag(fields[0], DerTag.OCTET_STRING).value;
  const int = (t: Tlv | undefined, what: string): number => {
    const v = stripLeadingZeros(expectTag(t, DerTag.INTEGER).value);
    if (v.length > 4) throw new Error(`${what} too large`);
    let n = 0;
    for (const b of v) n = n * 256 + b;
    return n;
  };
  if (oid === PBE_OID.pbkdf2) {
    const iterations = int(fields[1], 'iterationCount');
    if (iterations < 1) throw new Error('PBKDF2 iteration count 0 out of range');
    let i = 2;
    if (fields[i]?.tag === DerTag.INTEGER && int(fields[i++], 'keyLength') !== keyLen) throw new Error('PBKDF2 keyLength does not fit the cipher');
    let hash: Pbkdf2Prf = 'sha1'; // DEFAULT algid-hmacWithSHA1
    const prf = fields[i];
    if (prf !== undefined) {
      i++;
      const h = PRF_HASH[algorithm(prf)[0]];
      if (h === undefined) throw new Error('unsupported PBKDF2 PRF');
      hash = h;
    }
    if (i !== fields.length) throw new Error('malformed PBKDF2-params');
    budget.charge(pbkdf2Work(hash, iterations, keyLen), `PBKDF2-HMAC-${hash.toUpperCase()} with ${iterations} iterations`);
    return pb.pbkdf2(hash, password, salt, iterations, keyLen);
  }
  if (oid === PBE_OID.scrypt) {
    const n = int(fields[1], 'costParameter');
    const r = int(fields[2], 'blockSize');
    const p = int(fields[3], 'parallelizationParameter');
    if (fields[4] !== undefined && int(fields[4], 'keyLength') !== keyLen) throw new Error('scrypt keyLength does not fit the cipher');
    // RFC 7914 §2: N a power of two > 1 and below 2^(128·r/8); memory 128·N·r bytes bounded here,
    // work N·r·p by the budget.
    if (n < 2 || (n & (n - 1)) !== 0 || r < 1 || p < 1 || n >= 2 ** (16 * r) || n * r > MAX_SCRYPT_NR) {
      throw new Error(`scrypt parameters N=${n} r=${r} p=${p} out of range`);
    }
    budget.charge(scryptWork(n, r, p), `scrypt with N=${n} r=${r} p=${p}`);
    return pb.scrypt(password, salt, n, r, p, keyLen);
  }
  throw new Error(`unsupported key derivation ${oid} (only PBKDF2 and scrypt)`);
}

/** RFC 8018 Appendix A/B and RFC 7914 §7 object identifiers. */
const PBE_OID = { pbkdf2: '1.2.840.113549.1.5.12', scrypt: '1.3.6.1.4.1.11591.4.11' } as const;
const PRF_HASH: Readonly<Record<string, Pbkdf2Prf>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** RFC 8018 Appendix B.2.5 aes128/192/256-CBC-Pad → key length in bytes. */
const AES_CBC_KEY_LEN: Readonly<Record<string, number>> = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};
/**
 * scrypt memory 128·N·r bytes ≤ 32 MiB: the default `maxmem` of OpenSSL's scrypt and of
 * node:crypto, which read no more (OpenSSL writes N = 2^14, r = 8: 16 MiB). Checked before any
 * work; the work (N·r·p, and PBKDF2's iterations) is bounded by the file's KdfBudget.
 */
const MAX_SCRYPT_NR = 2 ** 18;
