/**
 * @module crypto/p256
 * Our own constant-time P-256 (NIST curve secp256r1) for the pure provider: ECDH key pairs and
 * shared secrets (`ecdh.ts`), ECDSA signing and verification (`ecdsa.ts`). Field and scalar
 * arithmetic on 22-bit limbs in doubles (`limbs.ts`, `field.ts`, `scalar.ts`), complete
 * projective formulas for every secret-dependent step (`point.ts`), a precomputed table for
 * k·G (`base-mult.ts`), a fixed window for k·P (`point-mult.ts`), and variable-time Jacobian
 * arithmetic for verification (`jacobian.ts`, `double-mult.ts`). Side channels:
 * docs/07-security-notes.md §1. Hashes come in as `HashAlgorithm`s (sub-layer 3a: no package
 * imports).
 */
export { p256IsValidPrivateKey, p256PublicKey, p256SharedSecret } from './ecdh.ts';
export { p256Sign, p256Verify } from './ecdsa.ts';
