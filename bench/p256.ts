/**
 * @module bench/p256
 * P-256 per operation — ECDH key generation and shared secret, ECDSA sign and verify — for our
 * constant-time P-256 (src/crypto/p256/, what the pure provider uses), @noble/curves (what it
 * used before: BigInt) and node:crypto (OpenSSL, as the node provider calls it), in one process;
 * then the client side of an in-memory full handshake that verifies an ECDSA P-256 chain
 * (CertificateVerify + leaf + intermediate: three verifications, plus a secp256r1 key share) with
 * the pure provider as it is, the pure provider with noble's P-256 put back (before), and the
 * node provider. Interleaved rounds, process CPU time per operation (`benchInterleaved` in
 * _harness.ts). Run: `npx tsx bench/p256.ts` (`--quick` for a smoke run, `--json <file>` to
 * save the table).
 */
import { createECDH, createPrivateKey, createPublicKey, sign as opensslSign, verify as opensslVerify } from 'node:crypto';
import { p256 as nobleP256 } from '@noble/curves/nist.js';
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../src/config.ts';
import { ClientConnection } from '../src/connection/client.ts';
import { ServerConnection } from '../src/connection/server.ts';
import { nobleHash } from '../src/crypto/noble/hash.ts';
import { nobleProvider } from '../src/crypto/noble/index.ts';
import { p256PublicKey, p256SharedSecret, p256Sign, p256Verify } from '../src/crypto/p256/index.ts';
import type { CryptoProvider, KeyExchangeGroup, PrivateKey, PublicKey, RandomSource, SigningKey } from '../src/crypto/provider.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { NamedGroup, SignatureScheme } from '../src/protocol/registry.ts';
import { trustExactly } from '../src/x509/verifier.ts';
import { testCertifiedKey, testRoot } from '../test/helpers/pair.ts';
import { seededRandom } from '../test/helpers/providers.ts';
import { benchInterleaved, finish, header, pauseClock, type Operation } from './_harness.ts';

async function main(): Promise<void> {
  header('puretls P-256: ours vs @noble/curves vs node:crypto, and a client handshake verifying an ECDSA chain (interleaved rounds, CPU time per op)');
  finish(await benchInterleaved([...primitiveOperations(), ...handshakeOperations()]));
}

function primitiveOperations(): Operation[] {
  const random = seededRandom(256);
  const sha256 = nobleHash('sha256');
  const d = random(32);
  const peerPublic = nobleP256.getPublicKey(random(32), false);
  const publicKey = nobleP256.getPublicKey(d, false);
  const message = random(130); // about a CertificateVerify's signed content (RFC 8446 §4.4.3)
  const signature = nobleP256.sign(message, d, { format: 'der' });
  const jwk = { kty: 'EC', crv: 'P-256', x: b64u(publicKey.subarray(1, 33)), y: b64u(publicKey.subarray(33)) };
  const opensslSigningKey = createPrivateKey({ key: { ...jwk, d: b64u(d) }, format: 'jwk' });
  const opensslEcdh = createECDH('prime256v1');
  opensslEcdh.setPrivateKey(d);
  const TRUE = new Uint8Array([1]);
  return [
    {
      name: 'ECDH key generation (public key of a private key)',
      expected: publicKey,
      variants: [
        { name: OURS, fn: () => p256PublicKey(d) },
        { name: NOBLE, fn: () => nobleP256.getPublicKey(d, false) },
        {
          name: `${OPENSSL} (createECDH + setPrivateKey)`,
          fn: () => {
            const ecdh = createECDH('prime256v1');
            ecdh.setPrivateKey(d);
            return ecdh.getPublicKey();
          },
        },
      ],
    },
    {
      name: 'ECDH shared secret (x-coordinate)',
      expected: nobleP256.getSharedSecret(d, peerPublic).subarray(1),
      variants: [
        { name: OURS, fn: () => p256SharedSecret(d, peerPublic) },
        { name: NOBLE, fn: () => nobleP256.getSharedSecret(d, peerPublic).subarray(1) },
        { name: `${OPENSSL} (computeSecret)`, fn: () => opensslEcdh.computeSecret(peerPublic) },
      ],
    },
    {
      name: 'ECDSA sign, SHA-256 (130-byte message)',
      expected: signature,
      variants: [
        { name: `${OURS} (RFC 6979)`, fn: () => p256Sign(sha256, d, message) },
        { name: `${NOBLE} (RFC 6979)`, fn: () => nobleP256.sign(message, d, { format: 'der' }) },
        // OpenSSL draws k at random: its signature differs, so the check verifies it instead.
        {
          name: `${OPENSSL} (random k)`,
          fn: () => opensslSign('sha256', message, opensslSigningKey),
          check: (sig) => nobleP256.verify(sig, message, publicKey, { format: 'der', lowS: false }),
        },
      ],
    },
    {
      name: 'ECDSA verify, SHA-256 (130-byte message)',
      expected: TRUE,
      variants: [
        { name: OURS, fn: () => p256Verify(sha256, publicKey, message, signature) },
        { name: `${NOBLE} (lowS: false)`, fn: () => nobleP256.verify(signature, message, publicKey, { format: 'der', lowS: false }) },
        { name: `${OPENSSL} (JWK import + verify)`, fn: () => opensslVerify('sha256', message, createPublicKey({ key: jwk, format: 'jwk' }), signature) },
      ],
    },
  ];
}

/**
 * The client side of a full 1-RTT handshake against our server in memory (ECDSA P-256 leaf +
 * intermediate, root trusted, secp256r1 key share): ClientHello (key generation), then the
 * server flight (shared secret, chain and CertificateVerify verification, Finished). Only the
 * client's calls are timed; the verdict is whether the handshake completed.
 */
function handshakeOperations(): Operation[] {
  const variants = [
    ['pure provider (our P-256)', nobleProvider],
    ['pure provider, noble P-256 (before)', withNobleP256(nobleProvider)],
    ['node provider (OpenSSL)', nodeCryptoProvider],
  ] as const;
  return [
    {
      name: 'client full handshake, ECDSA P-256 chain verified, secp256r1 (client work only)',
      expected: new Uint8Array([1]),
      variants: variants.map(([name, provider]) => {
        const { sc, cc } = configs(provider);
        return { name, fn: () => clientHandshake(sc, cc) };
      }),
    },
  ];
}

function configs(provider: CryptoProvider): { sc: ServerConfig; cc: ClientConfig } {
  return {
    sc: serverConfig({ provider: nodeCryptoProvider, certificates: [testCertifiedKey(nodeCryptoProvider, 'ecdsa-p256')] }),
    cc: clientConfig({ provider, verifier: trustExactly([testRoot('ecdsa-p256')]), groups: [NamedGroup.secp256r1], middleboxCompat: false }),
  };
}

/**
 * One handshake. The server (node provider, the same for every variant) runs with the clock
 * paused, so the figure is the client's own work.
 */
function clientHandshake(sc: ServerConfig, cc: ClientConfig): boolean {
  const client = new ClientConnection(cc, { serverName: 'localhost' });
  const server = new ServerConnection(sc);
  const hello = client.takeOutput();
  pauseClock(() => server.receive(hello));
  const flight = pauseClock(() => server.takeOutput());
  client.receive(flight);
  const fin = client.takeOutput();
  pauseClock(() => server.receive(fin));
  return client.isHandshakeDone && server.isHandshakeDone;
}

/**
 * The pure provider as it was before src/crypto/p256/: P-256 key shares and ECDSA on
 * @noble/curves, everything else unchanged.
 */
function withNobleP256(base: CryptoProvider): CryptoProvider {
  const isP256 = (key: PrivateKey | PublicKey): boolean => key.type === 'ec' && key.curve === 'P-256';
  return {
    ...base,
    name: 'noble (P-256 on @noble/curves)',
    keyExchange: (group: number): KeyExchangeGroup | undefined => (group === NamedGroup.secp256r1 ? NOBLE_P256_GROUP : base.keyExchange(group)),
    signingKey: (key: PrivateKey): SigningKey => {
      if (key.type !== 'ec' || key.curve !== 'P-256') return base.signingKey(key);
      const d = key.d.slice();
      return {
        schemes: [SignatureScheme.ecdsa_secp256r1_sha256],
        publicKey: { type: 'ec', curve: 'P-256', point: nobleP256.getPublicKey(d, false) },
        sign: (_scheme: number, message: Uint8Array): Uint8Array => nobleP256.sign(message, d, { prehash: true, format: 'der' }),
      };
    },
    verify: (scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean => {
      if (scheme !== SignatureScheme.ecdsa_secp256r1_sha256 || !isP256(key) || key.type !== 'ec') return base.verify(scheme, key, message, signature);
      try {
        return nobleP256.verify(signature, message, key.point, { prehash: true, format: 'der', lowS: false });
      } catch {
        return false;
      }
    },
  };
}

/** secp256r1 key shares on noble as before (no redraw of a scalar ≥ n: chance 2^-32). */
const NOBLE_P256_GROUP: KeyExchangeGroup = {
  group: NamedGroup.secp256r1,
  generate(random: RandomSource) {
    const sk = random(32);
    return {
      group: NamedGroup.secp256r1,
      publicKey: nobleP256.getPublicKey(sk, false),
      complete: (peer: Uint8Array): Uint8Array => nobleP256.getSharedSecret(sk, peer, true).slice(1),
    };
  },
  respond(clientShare: Uint8Array, random: RandomSource) {
    const sk = random(32);
    return { share: nobleP256.getPublicKey(sk, false), sharedSecret: nobleP256.getSharedSecret(sk, clientShare, true).slice(1) };
  },
};

function b64u(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

const OURS = 'puretls p256';
const NOBLE = '@noble/curves';
const OPENSSL = 'node:crypto';

await main();
