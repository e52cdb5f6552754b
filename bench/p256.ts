/**
 * @module bench/p256
 * P-256 per operation — ECDH key generation and shared secret, ECDSA sign and verify — for our
 * constant-time P-256 (src/crypto/p256/, what the pure provider uses), @noble/curves (what it
 * used before: BigInt) and node:crypto (OpenSSL, as the node provider calls it), in one process;
 * then the client side of an in-memory full handshake that verifies an ECDSA P-256 chain
 * (CertificateVerify + leaf + intermediate: three verifications, plus a secp256r1 key share) with
 * the pure provider as it is, the pure provider with noble's P-256 put back (before), and the
 * node provider. Each round runs every variant of every operation for one time window, so load
 * on a shared machine hits all of them alike; the figure is the process CPU time per operation
 * (median and range over the rounds), wall time beside it. Run: `npx tsx bench/p256.ts`
 * (`--quick` for a smoke run, `--json <file>` to save the table).
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
import { QUICK, checkOnce, finish, header, median, section, warmup } from './_harness.ts';

interface Variant {
  readonly name: string;
  /** One operation; returns its result (bytes or a verdict) for the correctness check. */
  readonly fn: () => unknown;
  /** Replaces the byte comparison with `expected` (for OpenSSL's randomised signatures). */
  readonly check?: (result: Uint8Array) => boolean;
}

interface Operation {
  readonly name: string;
  /** What every variant must return once (correct before fast). */
  readonly expected: Uint8Array;
  readonly variants: readonly Variant[];
}

interface Row {
  readonly operation: string;
  readonly variant: string;
  readonly cpuMicros: { readonly median: number; readonly min: number; readonly max: number };
  readonly wallMicros: number;
}

const ROUNDS = QUICK ? 3 : 11;
const WINDOW_MS = QUICK ? 40 : 200;

async function main(): Promise<void> {
  header('puretls P-256: ours vs @noble/curves vs node:crypto, and a client handshake verifying an ECDSA chain (interleaved rounds, CPU time per op)');
  const operations = [...primitiveOperations(), ...handshakeOperations()];
  for (const op of operations) {
    for (const v of op.variants) {
      if (v.check === undefined) checkOnce(() => toBytes(v.fn()), op.expected);
      else if (!v.check(toBytes(v.fn()))) throw new Error(`bench: correctness check failed: ${v.name}`);
      await warmup(v.fn);
    }
  }
  const samples = new Map<string, { cpu: number[]; wall: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const op of operations) {
      for (const v of op.variants) {
        const { cpu, wall } = timeWindow(v.fn);
        const key = `${op.name}\u0000${v.name}`;
        const s = samples.get(key) ?? { cpu: [], wall: [] };
        s.cpu.push(cpu);
        s.wall.push(wall);
        samples.set(key, s);
      }
    }
    await new Promise((r) => setImmediate(r));
  }
  const rows: Row[] = [];
  for (const op of operations) {
    section(op.name);
    const opRows: Row[] = [];
    for (const v of op.variants) {
      const s = samples.get(`${op.name}\u0000${v.name}`);
      if (s === undefined) continue;
      opRows.push({
        operation: op.name,
        variant: v.name,
        cpuMicros: { median: median(s.cpu), min: Math.min(...s.cpu), max: Math.max(...s.cpu) },
        wallMicros: median(s.wall),
      });
    }
    const ours = opRows[0]?.cpuMicros.median ?? Number.NaN;
    for (const row of opRows) {
      const c = row.cpuMicros;
      console.log(
        `${row.variant.padEnd(46)} ${c.median.toFixed(1).padStart(8)} µs CPU (${c.min.toFixed(1)}–${c.max.toFixed(1)})` +
          `  ${row.wallMicros.toFixed(1).padStart(8)} µs wall  ×${(c.median / ours).toFixed(2)} ours`,
      );
    }
    rows.push(...opRows);
  }
  console.log(`\n${ROUNDS} interleaved rounds of ${WINDOW_MS} ms per variant; "×r ours": that row's CPU time over the first row's.`);
  finish(rows);
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

let pausedCpu = 0;
let pausedWall = 0;

/** Runs `fn` and books its CPU and wall time as paused (subtracted by `timeWindow`). */
function pauseClock<T>(fn: () => T): T {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const out = fn();
  const cpu = process.cpuUsage(cpu0);
  pausedCpu += cpu.user + cpu.system;
  pausedWall += (performance.now() - wall0) * 1000;
  return out;
}

/** Runs `fn` for one window; returns CPU and wall microseconds per call, paused time excluded. */
function timeWindow(fn: () => unknown): { cpu: number; wall: number } {
  let n = 0;
  pausedCpu = 0;
  pausedWall = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < WINDOW_MS) {
    fn();
    n++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system - pausedCpu) / n, wall: ((now - start) * 1000 - pausedWall) / n };
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

/** Normalises a variant's result for the correctness check (verdicts become one byte). */
function toBytes(x: unknown): Uint8Array {
  if (typeof x === 'boolean') return new Uint8Array([x ? 1 : 0]);
  if (x instanceof Uint8Array) return new Uint8Array(x);
  throw new Error('bench: unexpected result type');
}

function b64u(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

const OURS = 'puretls p256';
const NOBLE = '@noble/curves';
const OPENSSL = 'node:crypto';

await main();
