/**
 * @module bench/curve25519
 * X25519 and Ed25519 per operation: our float64 Curve25519 (src/crypto/curve25519/, what the
 * pure provider uses) against @noble/curves (what it used before: BigInt) and node:crypto
 * (OpenSSL, doing what the node provider does per call), in one process. Each round runs every
 * variant of every operation for one time window, so load on a shared machine hits all of them
 * alike; the figure is the process CPU time per operation (median and range over the rounds),
 * wall time beside it. Run: `npx tsx bench/curve25519.ts` (`--quick` for a smoke run,
 * `--json <file>` to save the table).
 */
import { createPrivateKey, createPublicKey, diffieHellman, sign as opensslSign, verify as opensslVerify, type KeyObject } from 'node:crypto';
import { ed25519 as nobleEd25519, x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { ed25519PrivateKey, ed25519Sign, ed25519Verify, x25519, x25519Base } from '../src/crypto/curve25519/index.ts';
import { nobleHash } from '../src/crypto/noble/hash.ts';
import { seededRandom } from '../test/helpers/providers.ts';
import { benchInterleaved, finish, header, type Operation } from './_harness.ts';

async function main(): Promise<void> {
  header('puretls Curve25519: X25519 and Ed25519, ours vs @noble/curves vs node:crypto (interleaved rounds, CPU time per op)');
  finish(await benchInterleaved(buildOperations()));
}

function buildOperations(): Operation[] {
  const random = seededRandom(25519);
  const sha512 = nobleHash('sha512');
  const sk = random(32);
  const peerPublic = nobleX25519.getPublicKey(random(32));
  const seed = random(32);
  const message = random(130); // about a CertificateVerify's signed content (RFC 8446 §4.4.3)
  const expanded = ed25519PrivateKey(seed, sha512);
  const signature = nobleEd25519.sign(message, seed);
  const opensslSigningKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const opensslX25519Key = (): KeyObject => createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(sk), x: '' }, format: 'jwk' });
  const opensslX25519Private = opensslX25519Key();
  const jwkPublic = (crv: string, x: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv, x: b64u(x) }, format: 'jwk' });
  const TRUE = new Uint8Array([1]);
  return [
    {
      name: 'X25519 key generation (public key of a private key)',
      expected: nobleX25519.getPublicKey(sk),
      variants: [
        { name: OURS, fn: () => x25519Base(sk) },
        { name: NOBLE, fn: () => nobleX25519.getPublicKey(sk) },
        { name: `${OPENSSL} (JWK import + export)`, fn: () => b64uDecode(createPublicKey(opensslX25519Key()).export({ format: 'jwk' }).x) },
      ],
    },
    {
      name: 'X25519 shared secret',
      expected: nobleX25519.getSharedSecret(sk, peerPublic),
      variants: [
        { name: OURS, fn: () => x25519(sk, peerPublic) },
        { name: NOBLE, fn: () => nobleX25519.getSharedSecret(sk, peerPublic) },
        { name: `${OPENSSL} (peer JWK import + derive)`, fn: () => diffieHellman({ privateKey: opensslX25519Private, publicKey: jwkPublic('X25519', peerPublic) }) },
      ],
    },
    {
      name: 'Ed25519 sign (130-byte message)',
      expected: signature,
      variants: [
        { name: `${OURS} (key expanded once)`, fn: () => ed25519Sign(expanded, message, sha512) },
        { name: `${NOBLE} (from the seed, as before)`, fn: () => nobleEd25519.sign(message, seed) },
        { name: OPENSSL, fn: () => opensslSign(null, message, opensslSigningKey) },
      ],
    },
    {
      name: 'Ed25519 verify (130-byte message)',
      expected: TRUE,
      variants: [
        { name: OURS, fn: () => ed25519Verify(expanded.publicKey, message, signature, sha512) },
        { name: `${NOBLE} (zip215: false)`, fn: () => nobleEd25519.verify(signature, message, expanded.publicKey, { zip215: false }) },
        { name: `${OPENSSL} (JWK import + verify)`, fn: () => opensslVerify(null, message, jwkPublic('Ed25519', expanded.publicKey), signature) },
      ],
    },
  ];
}

function b64u(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

function b64uDecode(s: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(s ?? '', 'base64url'));
}

const OURS = 'puretls curve25519';
const NOBLE = '@noble/curves';
const OPENSSL = 'node:crypto';
/** RFC 8410 §7: PKCS#8 prefix for a raw Ed25519 seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

await main();
