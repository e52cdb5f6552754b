/**
 * Our P-256 (src/crypto/p256/) against Project Wycheproof (vectors/wycheproof/): ECDH with
 * SEC 1 encoded points (invalid-curve points, the identity, compressed points, edge-case shared
 * secrets) and ECDSA verification with SHA-256 and SHA-512 (BER and malformed DER, r or s zero
 * or out of range, edge cases for the arithmetic and for Shamir's trick). Every case must give
 * the file's result; `acceptable` ones (compressed public keys) must give the right secret if
 * accepted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/bytes/bytes.ts';
import { nobleHash } from '../../../../src/crypto/noble/hash.ts';
import { p256SharedSecret, p256Verify } from '../../../../src/crypto/p256/index.ts';

interface WycheproofFile<T> {
  readonly numberOfTests: number;
  readonly testGroups: readonly T[];
}
interface Case {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: 'valid' | 'invalid' | 'acceptable';
}
interface EcdhCase extends Case {
  readonly public: string;
  readonly private: string;
  readonly shared: string;
}
interface EcdsaCase extends Case {
  readonly msg: string;
  readonly sig: string;
}

function load<T>(name: string): WycheproofFile<T> {
  return JSON.parse(readFileSync(new URL(`../../../../vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as WycheproofFile<T>;
}

/** A Wycheproof private key (big-endian, maybe with a leading zero byte or shorter) as 32 bytes. */
function privateKey32(hex: string): Uint8Array {
  return fromHex(BigInt('0x' + hex).toString(16).padStart(64, '0'));
}

describe('P-256 against Wycheproof', () => {
  it('ecdh_secp256r1_ecpoint_test.json: valid cases give the shared secret, invalid points are refused', () => {
    const file = load<{ readonly tests: readonly EcdhCase[] }>('ecdh_secp256r1_ecpoint_test.json');
    const wrong: string[] = [];
    let ran = 0;
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        ran++;
        const got = p256SharedSecret(privateKey32(t.private), fromHex(t.public));
        const ok =
          t.result === 'invalid' ? got === undefined : t.result === 'valid' ? got !== undefined && toHex(got) === t.shared : got === undefined || toHex(got) === t.shared;
        if (!ok) wrong.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): got ${got === undefined ? 'refused' : toHex(got)}`);
      }
    }
    expect(ran).toBe(file.numberOfTests);
    expect(wrong).toEqual([]);
  });

  it.each([
    ['ecdsa_secp256r1_sha256_test.json', 'sha256'],
    ['ecdsa_secp256r1_sha512_test.json', 'sha512'],
  ] as const)('%s: verify gives every case its result', (name, hash) => {
    const file = load<{ readonly publicKey: { readonly uncompressed: string }; readonly sha: string; readonly tests: readonly EcdsaCase[] }>(name);
    const wrong: string[] = [];
    let ran = 0;
    for (const group of file.testGroups) {
      expect(group.sha).toBe(hash === 'sha256' ? 'SHA-256' : 'SHA-512');
      const key = fromHex(group.publicKey.uncompressed);
      for (const t of group.tests) {
        ran++;
        const got = p256Verify(nobleHash(hash), key, fromHex(t.msg), fromHex(t.sig));
        if (got !== (t.result === 'valid')) wrong.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): got ${got}`);
      }
    }
    expect(ran).toBe(file.numberOfTests);
    expect(wrong).toEqual([]);
  });
});
