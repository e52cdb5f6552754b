/**
 * @module crypto/curve25519
 * Our own constant-time Curve25519 arithmetic for the pure provider: X25519 (RFC 7748) and
 * Ed25519 (RFC 8032) on one float64 field (field.ts). Faster in V8 than the BigInt code of
 * @noble/curves it replaces (bench/curve25519.ts); noble stays the test oracle.
 */
export { x25519, x25519Base } from './x25519.ts';
export { ed25519PrivateKey, ed25519Sign, ed25519Verify, type Ed25519PrivateKey } from './ed25519.ts';
