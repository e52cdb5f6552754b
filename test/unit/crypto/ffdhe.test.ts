/**
 * The RFC 7919 FFDHE groups (src/crypto/noble/ffdhe.ts) in both providers: the primes computed
 * from RFC 7919 Appendix A's formula equal OpenSSL's built-in ones, shares and secrets are padded
 * to the size of p (RFC 8446 §4.2.8.1, §7.4.1), private exponents have the RFC 7919 §5.2 short
 * sizes, both providers agree, and peer values outside 1 < Y < p - 1 or of the wrong length end in
 * illegal_parameter (RFC 7919 §5.1).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import { FFDHE_GROUPS, ffdheParams, type FfdheParams } from '../../../src/crypto/noble/ffdhe.ts';
import { i2osp, os2ip } from '../../../src/crypto/rsa/bigint.ts';
import type { KeyExchangeGroup } from '../../../src/crypto/provider.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription, NamedGroup } from '../../../src/protocol/registry.ts';
import { PROVIDERS, PROVIDER_PAIRS, scriptedRandom, seededRandom } from '../../helpers/providers.ts';

const CASES = FFDHE_GROUPS.map((g) => ({ g, name: `ffdhe${(params(g).pBytes.length * 8).toString()}` }));

function params(g: number): FfdheParams {
  const p = ffdheParams(g);
  if (!p) throw new Error(`no FFDHE group ${g}`);
  return p;
}

/** p of OpenSSL's built-in group `name`: DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER } (PKCS #3). */
function opensslPrime(name: string): { p: bigint; g: bigint } {
  const pem = execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${name}`], { encoding: 'utf8' });
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  let i = 1;
  const len = (): number => {
    const first = der[i++] as number;
    if (first < 0x80) return first;
    let n = 0;
    for (let k = 0; k < (first & 0x7f); k++) n = n * 256 + (der[i++] as number);
    return n;
  };
  len(); // the SEQUENCE
  const int = (): bigint => {
    if (der[i++] !== 0x02) throw new Error('expected INTEGER');
    const l = len();
    const v = os2ip(der.subarray(i, i + l));
    i += l;
    return v;
  };
  return { p: int(), g: int() };
}

function expectIllegal(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TlsError);
  expect((caught as TlsError).alert).toBe(AlertDescription.illegal_parameter);
}

function kxOf(provider: (typeof PROVIDERS)[number], g: number): KeyExchangeGroup {
  const kx = provider.keyExchange(g);
  if (!kx) throw new Error(`${provider.name}: no group ${g}`);
  return kx;
}

describe('RFC 7919 parameters', () => {
  it.each(CASES)('$name: the prime from the Appendix A formula is OpenSSL’s, generator 2', ({ g, name }) => {
    const ours = params(g);
    const theirs = opensslPrime(name);
    expect(ours.p).toBe(theirs.p);
    expect(theirs.g).toBe(2n);
    expect(ours.pBytes.length * 8).toBe(Number(name.slice(5)));
  });

  it('private exponents have RFC 7919 Appendix A’s short sizes (RFC 7919 §5.2), in whole bytes', () => {
    expect(FFDHE_GROUPS.map((g) => params(g).exponentBytes * 8)).toEqual([232, 280, 328, 376, 400]);
    expect([NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096, NamedGroup.ffdhe6144, NamedGroup.ffdhe8192]).toEqual(FFDHE_GROUPS);
  });
});

describe.each(PROVIDERS)('FFDHE key exchange ($name provider)', (provider) => {
  it('offers the FFDHE groups last (the default config leaves them out: test/interop/openssl-breadth.test.ts)', () => {
    expect(provider.groups.slice(-5)).toEqual(FFDHE_GROUPS);
  });

  it.each(CASES)('$name: shares and shared secret are padded to the size of p (RFC 8446 §4.2.8.1, §7.4.1)', ({ g }) => {
    const pr = params(g);
    const len = pr.pBytes.length;
    const kx = kxOf(provider, g);
    // X = 2 and Y = 2: the public value g^2 = 4 and the secret 2^2 = 4 need len - 1 zero bytes.
    const two = i2osp(2n, pr.exponentBytes) as Uint8Array;
    const four = i2osp(4n, len) as Uint8Array;
    const client = kx.generate(scriptedRandom(two));
    expect(toHex(client.publicKey)).toBe(toHex(four));
    const server = kx.respond(i2osp(2n, len) as Uint8Array, scriptedRandom(two));
    expect(toHex(server.share)).toBe(toHex(four));
    expect(toHex(server.sharedSecret)).toBe(toHex(four));
    expect(toHex(client.complete(i2osp(2n, len) as Uint8Array))).toBe(toHex(four));
  });

  it('redraws a private exponent of 0 or 1', () => {
    const pr = params(NamedGroup.ffdhe2048);
    const good = seededRandom(1)(pr.exponentBytes);
    const kx = kxOf(provider, NamedGroup.ffdhe2048);
    const expected = kx.generate(scriptedRandom(good)).publicKey;
    const redrawn = kx.generate(scriptedRandom(new Uint8Array(pr.exponentBytes), i2osp(1n, pr.exponentBytes) as Uint8Array, good)).publicKey;
    expect(toHex(redrawn)).toBe(toHex(expected));
  });

  it.each(CASES)('$name: refuses Y outside 1 < Y < p - 1 and shares of the wrong length (RFC 7919 §5.1)', ({ g }) => {
    const pr = params(g);
    const len = pr.pBytes.length;
    const kx = kxOf(provider, g);
    const client = kx.generate(seededRandom(2));
    const bad = [0n, 1n, pr.p - 1n, pr.p, pr.p + 1n, 2n ** BigInt(8 * len) - 1n].map((y) => i2osp(y, len) as Uint8Array);
    bad.push(client.publicKey.subarray(1), new Uint8Array([0, ...client.publicKey]));
    for (const share of bad) {
      expectIllegal(() => kx.respond(share, seededRandom(3)));
      expectIllegal(() => client.complete(share));
    }
    // p - 2, the largest valid Y, is accepted (so the bound above is not off by one).
    expect(kx.respond(i2osp(pr.p - 2n, len) as Uint8Array, seededRandom(3)).sharedSecret.length).toBe(len);
  });
});

describe.each(PROVIDER_PAIRS)('FFDHE across providers ($name: a is client, b is server)', ({ a, b }) => {
  it.each(CASES.slice(0, 2))('$name: the same shared secret, and the same shares for the same draws', ({ g }) => {
    const client = kxOf(a, g).generate(seededRandom(10));
    expect(toHex(kxOf(b, g).generate(seededRandom(10)).publicKey)).toBe(toHex(client.publicKey));
    const server = kxOf(b, g).respond(client.publicKey, seededRandom(11));
    expect(toHex(client.complete(server.share))).toBe(toHex(server.sharedSecret));
    expect(server.sharedSecret.length).toBe(params(g).pBytes.length);
  });
});
