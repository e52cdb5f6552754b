/**
 * Key exchange for both providers: RFC 8448 private keys reproduce the traces' public keys and
 * (EC)DHE shared secrets (x25519 in §3, P-256 in §5), every group interoperates across providers
 * in both directions (incl. X25519MLKEM768), and invalid peer shares are rejected with
 * illegal_parameter (RFC 8446 §4.2.8.2, §7.4.2; draft-ietf-tls-ecdhe-mlkem §4).
 */
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../../src/bytes/bytes.ts';
import { TlsError } from '../../../src/errors.ts';
import type { CryptoProvider, KeyExchangeGroup } from '../../../src/crypto/provider.ts';
import { AlertDescription, NamedGroup } from '../../../src/protocol/registry.ts';
import { field, loadTrace, step, type TraceName } from '../../helpers/vectors.ts';
import { PROVIDERS, PROVIDER_PAIRS, scriptedRandom, seededRandom } from '../../helpers/providers.ts';

const ALL_GROUPS = [
  NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.x448, NamedGroup.secp521r1, NamedGroup.X25519MLKEM768,
] as const;
const GROUP_NAMES: Record<number, string> = {
  [NamedGroup.x25519]: 'x25519',
  [NamedGroup.secp256r1]: 'secp256r1',
  [NamedGroup.secp384r1]: 'secp384r1',
  [NamedGroup.x448]: 'x448',
  [NamedGroup.secp521r1]: 'secp521r1',
  [NamedGroup.X25519MLKEM768]: 'X25519MLKEM768',
};

const SECRET_LEN: Record<number, number> = {
  [NamedGroup.x25519]: 32,
  [NamedGroup.secp256r1]: 32,
  [NamedGroup.secp384r1]: 48,
  [NamedGroup.x448]: 56,
  [NamedGroup.secp521r1]: 66,
  [NamedGroup.X25519MLKEM768]: 64,
};

function group(provider: CryptoProvider, g: number): KeyExchangeGroup {
  const kx = provider.keyExchange(g);
  if (!kx) throw new Error(`${provider.name}: no group ${g}`);
  return kx;
}

/** Runs `fn` and returns the TlsError it throws (fails the test if it does not throw one). */
function tlsErrorOf(fn: () => unknown): TlsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw new Error(`expected a TlsError, got ${String(e)}`);
  }
  throw new Error('expected a TlsError, nothing was thrown');
}

function traceKeys(trace: TraceName, action: string): {
  clientPrivate: Uint8Array;
  clientPublic: Uint8Array;
  serverPrivate: Uint8Array;
  serverPublic: Uint8Array;
  ikm: Uint8Array;
} {
  const steps = loadTrace(trace);
  const client = step(steps, 'client', action);
  const server = step(steps, 'server', action);
  return {
    clientPrivate: field(client, 'private key'),
    clientPublic: field(client, 'public key'),
    serverPrivate: field(server, 'private key'),
    serverPublic: field(server, 'public key'),
    ikm: field(step(steps, 'server', 'extract secret "handshake"'), 'IKM'),
  };
}

const RFC8448_CASES = [
  { name: 'x25519 (RFC 8448 §3)', group: NamedGroup.x25519, ...traceKeys('03-simple-1rtt', 'create an ephemeral x25519 key pair') },
  {
    name: 'secp256r1 (RFC 8448 §5)',
    group: NamedGroup.secp256r1,
    ...traceKeys('05-hello-retry-request', 'create an ephemeral P-256 key pair'),
  },
];

describe.each(PROVIDERS)('key exchange ($name provider)', (provider) => {
  it('offers x25519, secp256r1, secp384r1, x448, secp521r1 and X25519MLKEM768', () => {
    for (const g of ALL_GROUPS) expect(provider.groups).toContain(g);
    for (const g of provider.groups) expect(provider.keyExchange(g)?.group).toBe(g);
    expect(provider.keyExchange(0x0105)).toBeUndefined();
  });

  it.each(RFC8448_CASES)('$name: trace private keys reproduce the public keys and the handshake IKM', (c) => {
    const kx = group(provider, c.group);
    const client = kx.generate(scriptedRandom(c.clientPrivate));
    expect(client.group).toBe(c.group);
    expect(toHex(client.publicKey)).toBe(toHex(c.clientPublic));
    const server = kx.respond(c.clientPublic, scriptedRandom(c.serverPrivate));
    expect(toHex(server.share)).toBe(toHex(c.serverPublic));
    expect(toHex(server.sharedSecret)).toBe(toHex(c.ikm));
    expect(toHex(client.complete(c.serverPublic))).toBe(toHex(c.ikm));
  });

  it.each([NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1].map((g) => ({ g, name: GROUP_NAMES[g] })))(
    '$name redraws a private scalar that is zero or not below the group order',
    ({ g }) => {
      const len = g === NamedGroup.secp256r1 ? 32 : g === NamedGroup.secp384r1 ? 48 : 66;
      const good = seededRandom(5)(len);
      const expected = group(provider, g).generate(scriptedRandom(good)).publicKey;
      const redrawn = group(provider, g).generate(
        scriptedRandom(new Uint8Array(len).fill(0xff), new Uint8Array(len), good),
      ).publicKey;
      expect(toHex(redrawn)).toBe(toHex(expected));
    },
  );

  describe('rejects invalid peer shares with illegal_parameter', () => {
    const expectIllegal = (fn: () => unknown): void => {
      expect(tlsErrorOf(fn).alert).toBe(AlertDescription.illegal_parameter);
    };

    it('x25519 share of the wrong length (RFC 8446 §4.2.8.2)', () => {
      const kx = group(provider, NamedGroup.x25519);
      for (const len of [0, 31, 33]) {
        expectIllegal(() => kx.respond(new Uint8Array(len).fill(9), seededRandom(1)));
        expectIllegal(() => kx.generate(seededRandom(1)).complete(new Uint8Array(len).fill(9)));
      }
    });

    it('x25519 low-order share giving an all-zero shared secret (RFC 8446 §7.4.2, RFC 7748 §6.1)', () => {
      const kx = group(provider, NamedGroup.x25519);
      const one = new Uint8Array(32);
      one[0] = 1;
      for (const lowOrder of [new Uint8Array(32), one]) {
        expectIllegal(() => kx.respond(lowOrder, seededRandom(2)));
        expectIllegal(() => kx.generate(seededRandom(2)).complete(lowOrder));
      }
    });

    it.each([NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.secp521r1].map((g) => ({ g, name: GROUP_NAMES[g] })))(
      '$name: wrong length, compressed point, point not on the curve (RFC 8446 §4.2.8.2)',
      ({ g }) => {
      const kx = group(provider, g);
      const valid = kx.generate(seededRandom(3)).publicKey;
      const coordLen = (valid.length - 1) / 2;
      const compressed = concat(Uint8Array.of(0x02 | ((valid[valid.length - 1] as number) & 1)), valid.subarray(1, 1 + coordLen));
      const offCurve = valid.slice();
      offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
      const wrongForm = valid.slice();
      wrongForm[0] = 0x06; // hybrid form of X9.62, not allowed in TLS 1.3
      const origin = new Uint8Array(valid.length);
      origin[0] = 0x04; // (0, 0) is not on either curve
      const bad = [valid.subarray(0, valid.length - 1), concat(valid, Uint8Array.of(0)), compressed, offCurve, wrongForm, origin];
      for (const share of bad) {
        expectIllegal(() => kx.respond(share, seededRandom(4)));
        expectIllegal(() => kx.generate(seededRandom(4)).complete(share));
      }
      // The genuine share is accepted by both paths (so the rejections above are not vacuous).
      expect(kx.respond(valid, seededRandom(4)).sharedSecret.length).toBe(coordLen);
      },
    );

    it('x448 share of the wrong length, low-order shares giving an all-zero secret (RFC 8446 §4.2.8.2, RFC 7748 §6.2)', () => {
      const kx = group(provider, NamedGroup.x448);
      for (const len of [0, 55, 57]) {
        expectIllegal(() => kx.respond(new Uint8Array(len).fill(5), seededRandom(1)));
        expectIllegal(() => kx.generate(seededRandom(1)).complete(new Uint8Array(len).fill(5)));
      }
      const one = new Uint8Array(56);
      one[0] = 1;
      // p - 1 (little-endian): the point of order 2.
      const pMinus1 = new Uint8Array(56).fill(0xff);
      pMinus1[0] = 0xfe;
      pMinus1[28] = 0xfe;
      for (const lowOrder of [new Uint8Array(56), one, pMinus1]) {
        expectIllegal(() => kx.respond(lowOrder, seededRandom(2)));
        expectIllegal(() => kx.generate(seededRandom(2)).complete(lowOrder));
      }
      expect(kx.respond(kx.generate(seededRandom(3)).publicKey, seededRandom(2)).sharedSecret.length).toBe(56);
    });

    it('X25519MLKEM768 shares of the wrong length (draft-ietf-tls-ecdhe-mlkem §4.2)', () => {
      const kx = group(provider, NamedGroup.X25519MLKEM768);
      const client = kx.generate(seededRandom(6));
      expect(client.publicKey.length).toBe(1216);
      const server = kx.respond(client.publicKey, seededRandom(7));
      expect(server.share.length).toBe(1120);
      expectIllegal(() => kx.respond(client.publicKey.subarray(0, 1215), seededRandom(7)));
      expectIllegal(() => kx.respond(concat(client.publicKey, Uint8Array.of(0)), seededRandom(7)));
      expectIllegal(() => kx.respond(client.publicKey.subarray(0, 1184), seededRandom(7)));
      expectIllegal(() => client.complete(server.share.subarray(0, 1119)));
      expectIllegal(() => client.complete(concat(server.share, Uint8Array.of(0))));
      expectIllegal(() => client.complete(client.publicKey));
    });

    it('X25519MLKEM768 encapsulation key failing the FIPS 203 §7.2 modulus check (draft §4.2)', () => {
      const kx = group(provider, NamedGroup.X25519MLKEM768);
      const share = kx.generate(seededRandom(8)).publicKey.slice();
      // The first 12-bit coefficient becomes 0xfff >= q = 3329.
      share[0] = 0xff;
      share[1] = (share[1] as number) | 0x0f;
      expectIllegal(() => kx.respond(share, seededRandom(9)));
    });

    it('X25519MLKEM768 with a low-order X25519 part (draft §4.3: all-zero check applies)', () => {
      const kx = group(provider, NamedGroup.X25519MLKEM768);
      const client = kx.generate(seededRandom(10));
      const zeroX = concat(client.publicKey.subarray(0, 1184), new Uint8Array(32));
      expectIllegal(() => kx.respond(zeroX, seededRandom(11)));
      const server = kx.respond(client.publicKey, seededRandom(11));
      expectIllegal(() => client.complete(concat(server.share.subarray(0, 1088), new Uint8Array(32))));
    });
  });
});

describe.each(PROVIDER_PAIRS)('key exchange interoperability ($name: a is client, b is server)', ({ a, b }) => {
  it.each(ALL_GROUPS.map((g) => ({ g, name: GROUP_NAMES[g] })))('$name: both sides derive the same shared secret', ({ g }) => {
    const client = group(a, g).generate(a.randomBytes);
    const server = group(b, g).respond(client.publicKey, b.randomBytes);
    const secret = client.complete(server.share);
    expect(toHex(secret)).toBe(toHex(server.sharedSecret));
    expect(secret.length).toBe(SECRET_LEN[g]);
  });

  it.each(ALL_GROUPS.map((g) => ({ g, name: GROUP_NAMES[g] })))('$name: the same random draws give the same shares in both providers', ({ g }) => {
    const ca = group(a, g).generate(seededRandom(42));
    const cb = group(b, g).generate(seededRandom(42));
    expect(toHex(ca.publicKey)).toBe(toHex(cb.publicKey));
    const sa = group(a, g).respond(ca.publicKey, seededRandom(43));
    const sb = group(b, g).respond(ca.publicKey, seededRandom(43));
    expect(toHex(sa.share)).toBe(toHex(sb.share));
    expect(toHex(sa.sharedSecret)).toBe(toHex(sb.sharedSecret));
  });
});
