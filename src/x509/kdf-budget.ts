/**
 * @module x509/kdf-budget
 * One bound on the password-based key-derivation work of one key file (an encrypted PKCS#8 key,
 * or a whole PKCS#12 file with its MAC and every encrypted bag), checked before any work: a file
 * with absurd parameters fails at once instead of running for seconds or minutes (docs/07 §4d).
 *
 * The unit is one SHA-256 compression with the pure provider (0.6-0.9 µs on the loaded 2-core
 * test machine; `npx tsx bench/kdf-cost.ts` measures every row below on both providers), so that
 * the bound is one CPU time whatever the algorithm:
 * - PBKDF2 (RFC 8018 §5.2): each iteration is one HMAC, two compressions, per output block of
 *   the PRF (⌈dkLen/hLen⌉: HMAC-SHA-1 needs two blocks for an AES-256 key). SHA-384/512
 *   compress 128-byte blocks in 80 rounds of 64-bit arithmetic, which JavaScript emulates with
 *   32-bit halves: a compression costs about three SHA-256 ones (measured 2.5 µs against 0.9).
 * - The PKCS#12 MAC key derivation (RFC 7292 Appendix B.2): one digest call per iteration,
 *   whose set-up costs about as much as its one compression (measured 2.1 µs per SHA-256
 *   iteration): two compressions' worth.
 * - scrypt (RFC 7914 §5): ROMix costs about 0.4 µs per N·r·p (one unit), and the PBKDF2 that
 *   expands the password into p·128·r bytes and hashes them back costs about 12 units per r·p,
 *   which dominates when N is small (N = 2, r = 2^17, p = 4 took 4 s of CPU with the pure
 *   provider, 1 s with node:crypto). Its memory has a bound of its own (pbes2.ts).
 */
import type { HashName } from '../crypto/provider.ts';

/** The PRFs of PBKDF2 we read (RFC 8018 Appendix B.1). */
export type Pbkdf2Prf = 'sha1' | HashName;

/**
 * Work units per key file: 2^21, about 1.9 s of CPU with the pure provider and 0.2-0.5 s with
 * node:crypto. The largest single derivations it admits for an AES-256 key are 1,048,576 PBKDF2
 * iterations with HMAC-SHA-256 (OWASP's 2023 password-hash advice is 600,000), 349,525 with
 * HMAC-SHA-384/512 (OWASP: 210,000), 524,288 with HMAC-SHA-1, and scrypt with r·p·(N + 12) ≤
 * 2^21 (OpenSSL's default N = 2^14, r = 8, p = 1 uses a sixteenth; p up to 15 at that N and r).
 * OpenSSL writes 2048 PBKDF2 iterations (a thousandth of the bound). It keeps the worst legal file
 * inside the private-key fuzz target's 3 s input budget (test/fuzz/targets).
 */
export const KDF_WORK_LIMIT: number = 2 ** 21;

/** Units per compression of each hash (see the module comment). */
const COMPRESSION_COST: Readonly<Record<Pbkdf2Prf, number>> = { sha1: 1, sha256: 1, sha384: 3, sha512: 3 };
const OUTPUT_LEN: Readonly<Record<Pbkdf2Prf, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
/** Units per r·p of scrypt's PBKDF2 expansion and compression of p·128·r bytes. */
const SCRYPT_EXPANSION_COST = 12;

/** Units of a PBKDF2 derivation of `dkLen` bytes. */
export function pbkdf2Work(prf: Pbkdf2Prf, iterations: number, dkLen: number): number {
  return 2 * COMPRESSION_COST[prf] * Math.ceil(dkLen / OUTPUT_LEN[prf]) * iterations;
}

/** The most PBKDF2 iterations one file may use for a `dkLen`-byte key (docs, tests, bench). */
export function maxPbkdf2Iterations(prf: Pbkdf2Prf, dkLen: number): number {
  return Math.floor(KDF_WORK_LIMIT / pbkdf2Work(prf, 1, dkLen));
}

/** Units of one PKCS#12 MAC key derivation (one output block: the MAC key is one hash long). */
export function pkcs12MacWork(hash: HashName, iterations: number): number {
  return 2 * COMPRESSION_COST[hash] * iterations;
}

/** Units of an scrypt derivation. */
export function scryptWork(n: number, r: number, p: number): number {
  return r * p * (n + SCRYPT_EXPANSION_COST);
}

/** The key-derivation work one file has left: every derivation is charged before it runs. */
export class KdfBudget {
  #spent = 0;

  /** @throws Error naming `what` when `units` more would pass KDF_WORK_LIMIT (nothing is charged then) */
  charge(units: number, what: string): void {
    if (this.#spent + units > KDF_WORK_LIMIT) {
      throw new Error(`${what} needs more key-derivation work than one key file may use (docs/07 §4d: at most ${KDF_WORK_LIMIT} units, ${units} asked)`);
    }
    this.#spent += units;
  }
}
