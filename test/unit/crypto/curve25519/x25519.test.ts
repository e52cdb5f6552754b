/**
 * X25519 (src/crypto/curve25519/x25519.ts): the RFC 7748 §5.2 and §6.1 vectors (the
 * 1,000,000-iteration vector only with PURETLS_SLOW_VECTORS=1), every Wycheproof x25519 vector,
 * and differential tests (fixed seeds) against @noble/curves and node:crypto in both
 * directions: random scalars and points, non-canonical u (>= p, top bit set), low-order
 * points, and the fixed-base public key against the ladder. The engine refuses the all-zero
 * result of a low-order point (RFC 8446 §7.4.2, RFC 7748 §6.1) through the pure provider.
 */
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../src/bytes/bytes.ts';
import { x25519, x25519Base } from '../../../../src/crypto/curve25519/index.ts';
import { nobleProvider } from '../../../../src/crypto/noble/index.ts';
import { TlsError } from '../../../../src/errors.ts';
import { AlertDescription, NamedGroup } from '../../../../src/protocol/registry.ts';
import { scriptedRandom } from '../../../helpers/providers.ts';

interface Rfc7748 {
  scalarMult: { scalar: string; u: string; output: string }[];
  iterated: { iterations: number; output: string }[];
  diffieHellman: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; shared: string };
}
const RFC = JSON.parse(readFileSync(new URL('../../../../vectors/rfc7748/x25519.json', import.meta.url), 'utf8')) as Rfc7748;

interface WycheproofXdh {
  testGroups: { tests: { tcId: number; comment: string; flags: string[]; public: string; private: string; shared: string; result: string }[] }[];
}
const WYCHEPROOF = JSON.parse(readFileSync(new URL('../../../../vectors/wycheproof/x25519_test.json', import.meta.url), 'utf8')) as WycheproofXdh;
const WYCHEPROOF_TESTS = WYCHEPROOF.testGroups.flatMap((g) => g.tests);

const NINE = new Uint8Array(32);
NINE[0] = 9;

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** X25519 by OpenSSL (node:crypto), or undefined when OpenSSL refuses (all-zero result). */
function opensslX25519(scalar: Uint8Array, u: Uint8Array): Uint8Array | undefined {
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(scalar), x: '' }, format: 'jwk' });
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(u) }, format: 'jwk' });
  try {
    return new Uint8Array(diffieHellman({ privateKey, publicKey }));
  } catch {
    return undefined;
  }
}

function opensslPublicKey(scalar: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(scalar), x: '' }, format: 'jwk' });
  return new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url'));
}

/** X25519 by noble, with its all-zero refusal turned back into the zero output. */
function nobleShared(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  try {
    return nobleX25519.getSharedSecret(scalar, u);
  } catch {
    return new Uint8Array(32);
  }
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('X25519 (RFC 7748)', () => {
  it.each(RFC.scalarMult)('§5.2 vector: X25519($scalar, $u)', (v) => {
    expect(toHex(x25519(fromHex(v.scalar), fromHex(v.u)))).toBe(v.output);
  });

  for (const v of RFC.iterated) {
    const slow = v.iterations > 1000;
    // The 10^6 loop is synchronous (a vitest timeout could not stop it, only mark it failed
    // afterwards): its budget is a generous 3 hours; on a quiet core it takes about 2 minutes.
    it.runIf(!slow || process.env['PURETLS_SLOW_VECTORS'] === '1')(
      `§5.2 iterated vector after ${v.iterations} iterations${slow ? ' (PURETLS_SLOW_VECTORS=1)' : ''}`,
      () => {
        let k: Uint8Array = NINE.slice();
        let u: Uint8Array = NINE.slice();
        for (let i = 0; i < v.iterations; i++) [k, u] = [x25519(k, u), k];
        expect(toHex(k)).toBe(v.output);
      },
      slow ? 3 * 3600_000 : undefined,
    );
  }

  it('§6.1 Diffie-Hellman: both public keys (ladder and fixed base) and the shared secret both ways', () => {
    const dh = RFC.diffieHellman;
    for (const [priv, pub] of [[dh.alicePrivate, dh.alicePublic], [dh.bobPrivate, dh.bobPublic]] as const) {
      expect(toHex(x25519Base(fromHex(priv)))).toBe(pub);
      expect(toHex(x25519(fromHex(priv), NINE))).toBe(pub);
    }
    expect(toHex(x25519(fromHex(dh.alicePrivate), fromHex(dh.bobPublic)))).toBe(dh.shared);
    expect(toHex(x25519(fromHex(dh.bobPrivate), fromHex(dh.alicePublic)))).toBe(dh.shared);
  });

  it(`passes all ${WYCHEPROOF_TESTS.length} Wycheproof x25519 vectors (the shared value, incl. low-order and non-canonical points)`, () => {
    expect(WYCHEPROOF_TESTS.length).toBe(518);
    for (const t of WYCHEPROOF_TESTS) {
      // Every vector is valid or "acceptable"; the acceptable ones differ only in whether an
      // implementation refuses the all-zero result, which the engine does (next test).
      expect(t.result === 'valid' || t.result === 'acceptable', `tcId ${t.tcId}`).toBe(true);
      expect(toHex(x25519(fromHex(t.private), fromHex(t.public))), `tcId ${t.tcId} ${t.comment}`).toBe(t.shared);
    }
  });

  it('the pure provider refuses every Wycheproof all-zero shared secret with illegal_parameter, both roles', () => {
    const zero = WYCHEPROOF_TESTS.filter((t) => t.flags.includes('ZeroSharedSecret'));
    expect(zero.length).toBe(31);
    const kx = nobleProvider.keyExchange(NamedGroup.x25519);
    if (kx === undefined) throw new Error('no x25519');
    for (const t of zero) {
      for (const run of [
        (): unknown => kx.respond(fromHex(t.public), scriptedRandom(fromHex(t.private))),
        (): unknown => kx.generate(scriptedRandom(fromHex(t.private))).complete(fromHex(t.public)),
      ]) {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error, `tcId ${t.tcId}`).toBeInstanceOf(TlsError);
        expect((error as TlsError).alert).toBe(AlertDescription.illegal_parameter);
      }
    }
  });

  it('agrees with noble and OpenSSL on random scalars and random u (any 32 bytes: top bit set, u >= p, twist points)', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (k, u) => {
        const ours = toHex(x25519(k, u));
        expect(ours).toBe(toHex(nobleShared(k, u)));
        const openssl = opensslX25519(k, u);
        expect(ours).toBe(openssl === undefined ? '00'.repeat(32) : toHex(openssl));
      }),
      { seed: 21, numRuns: 150 },
    );
  });

  it('agrees with noble and OpenSSL on non-canonical u: u + p for every u < 19, and 2^255 - 1', () => {
    const P = (1n << 255n) - 19n;
    for (let u = 0n; u < 20n; u++) {
      for (const x of [u, u + P]) {
        const ub = new Uint8Array(32);
        for (let i = 0; i < 32; i++) ub[i] = Number((x >> BigInt(8 * i)) & 0xffn);
        const k = fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4');
        const ours = toHex(x25519(k, ub));
        expect(ours).toBe(toHex(nobleShared(k, ub)));
        expect(ours).toBe(toHex(opensslX25519(k, ub) ?? new Uint8Array(32)));
      }
    }
    const max = new Uint8Array(32).fill(0xff);
    expect(toHex(x25519(NINE, max))).toBe(toHex(nobleShared(NINE, max)));
  });

  it('key agreement across implementations, both directions: ours with OpenSSL and noble keys, theirs with ours', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (a, b) => {
        const oursA = x25519Base(a);
        expect(toHex(oursA)).toBe(toHex(opensslPublicKey(a)));
        expect(toHex(oursA)).toBe(toHex(nobleX25519.getPublicKey(a)));
        const theirB = opensslPublicKey(b);
        const shared = toHex(x25519(a, theirB));
        expect(toHex(opensslX25519(b, oursA) ?? new Uint8Array(1))).toBe(shared);
        expect(toHex(nobleX25519.getSharedSecret(b, oursA))).toBe(shared);
      }),
      { seed: 22, numRuns: 60 },
    );
  });

  it('the fixed-base public key equals the ladder on u = 9, for random and edge scalars', () => {
    const edges = [new Uint8Array(32), new Uint8Array(32).fill(0xff), fromHex('08' + '00'.repeat(30) + '40'), fromHex('f8' + 'ff'.repeat(30) + '7f')];
    for (const k of [...edges, ...fc.sample(bytes32, { seed: 23, numRuns: 100 })]) {
      expect(toHex(x25519Base(k))).toBe(toHex(x25519(k, NINE)));
    }
  });

  it('rejects scalars and points that are not 32 bytes', () => {
    expect(() => x25519(new Uint8Array(31), NINE)).toThrow(RangeError);
    expect(() => x25519(NINE, new Uint8Array(33))).toThrow(RangeError);
    expect(() => x25519Base(new Uint8Array(0))).toThrow(RangeError);
  });
});
