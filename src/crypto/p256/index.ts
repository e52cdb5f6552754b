/**
 * @module crypto/p256
 * Our own constant-time P-256 (NIST curve secp256r1) for the pure provider: ECDH key pairs and
 * shared secrets (`ecdh.ts`), ECDSA signing and verification (`ecdsa.ts`). Field and scalar
 * arithmetic on 22-bit limbs in doubles (`limbs.ts`, `field.ts`, `scalar.ts`); Jacobian point
 * arithmetic (`jacobian.ts`) for a precomputed-table k·G (`base-mult.ts`), a fixed-window k·P
 * (`point-mult.ts`) — both constant time, with their exceptional cases proved out — and the
 * variable-time u1·G + u2·Q of verification (`double-mult.ts`); complete projective formulas
 * (`point.ts`) for building tables and the verification fallback. Side channels:
 * docs/07-security-notes.md §1b. Hashes come in as `HashAlgorithm`s (sub-layer 3a: no package
 * imports).
 */
export { p256IsValidPrivateKey, p256PublicKey, p256SharedSecret } from './ecdh.ts';
export { p256Sign, p256Verify } from './ecdsa.ts';
