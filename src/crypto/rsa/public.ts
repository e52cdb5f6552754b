/**
 * @module rsa/public
 * The RSA public key as integers and the verification primitive RSAVP1 (RFC 8017 §3.1,
 * §5.2.2). Inputs here are public (a certificate's key, a peer's signature), so plain
 * variable-time arithmetic is fine.
 */
import { isAcceptedRsaPublicExponent } from '../../protocol/limits.ts';
import type { PublicKey } from '../provider.ts';
import { bitLength, modPowPublic, os2ip } from './bigint.ts';

export type RsaPublicKey = Extract<PublicKey, { type: 'rsa' }>;

/** An RSA public key as integers, with its size. */
export interface RsaPublicNumbers {
  readonly n: bigint;
  readonly e: bigint;
  /** Bit length of n (RFC 8017 §8.1.1 modBits). */
  readonly modBits: number;
  /** Octet length of n (RFC 8017 §5.2.2 k). */
  readonly k: number;
}

/**
 * The key as integers, or undefined when it is not an RSA public key per RFC 8017 §3.1 (n odd
 * and at least 3, 3 <= e <= n - 1 with e odd; an e of 1 would make every padded message its own
 * signature) or its exponent is not below MAX_RSA_PUBLIC_EXPONENT (each bit of e costs one
 * modular squaring per verification, so a huge e is a denial of service; protocol/limits.ts).
 * Leading zero octets of n and e are ignored.
 */
export function publicNumbers(key: { readonly n: Uint8Array; readonly e: Uint8Array }): RsaPublicNumbers | undefined {
  if (!isAcceptedRsaPublicExponent(key.e)) return undefined;
  const n = os2ip(key.n);
  const e = os2ip(key.e);
  if (n < 3n || (n & 1n) === 0n) return undefined;
  if (e >= n) return undefined;
  const modBits = bitLength(n);
  return { n, e, modBits, k: Math.ceil(modBits / 8) };
}

/**
 * RFC 8017 §5.2.2 RSAVP1(n, e, s) = s^e mod n, or undefined when the signature representative
 * is out of range (s >= n).
 */
export function rsavp1(key: RsaPublicNumbers, s: bigint): bigint | undefined {
  if (s < 0n || s >= key.n) return undefined;
  return modPowPublic(s, key.e, key.n);
}
