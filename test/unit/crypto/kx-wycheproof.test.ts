/**
 * The x448 and secp521r1 key-exchange groups of both providers against Project Wycheproof
 * (vectors/wycheproof/), driven through `KeyExchangeGroup.respond` with the vector's private key
 * as the random draw: valid cases give the file's shared secret; invalid shares (wrong length,
 * invalid-curve points, compressed points, which TLS 1.3 does not allow, RFC 8446 §4.2.8.2) and
 * every all-zero X448 result (RFC 7748 §6.2) end in illegal_parameter; `acceptable` cases
 * (twist points, non-canonical u) give the file's secret if accepted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/bytes/bytes.ts';
import type { KeyExchangeGroup } from '../../../src/crypto/provider.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription, NamedGroup } from '../../../src/protocol/registry.ts';
import { PROVIDERS, scriptedRandom } from '../../helpers/providers.ts';

interface EcdhCase {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: 'valid' | 'invalid' | 'acceptable';
  readonly public: string;
  readonly private: string;
  readonly shared: string;
}
interface EcdhFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly { readonly tests: readonly EcdhCase[] }[];
}

function load(name: string): EcdhFile {
  return JSON.parse(readFileSync(new URL(`../../../vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as EcdhFile;
}

/** The shared secret, or 'refused' for a TlsError illegal_parameter; any other exception fails. */
function respond(kx: KeyExchangeGroup, share: Uint8Array, privateKey: Uint8Array): string {
  try {
    return toHex(kx.respond(share, scriptedRandom(privateKey)).sharedSecret);
  } catch (e) {
    if (e instanceof TlsError && e.alert === AlertDescription.illegal_parameter) return 'refused';
    throw e;
  }
}

/** Runs every case of `file`; returns the mismatches. */
function run(kx: KeyExchangeGroup, file: EcdhFile, privateKey: (hex: string) => Uint8Array, mustRefuse: (t: EcdhCase) => boolean): string[] {
  const wrong: string[] = [];
  let ran = 0;
  for (const g of file.testGroups) {
    for (const t of g.tests) {
      ran++;
      const got = respond(kx, fromHex(t.public), privateKey(t.private));
      const ok =
        t.result === 'invalid' || mustRefuse(t)
          ? got === 'refused'
          : t.result === 'valid'
            ? got === t.shared
            : got === 'refused' || got === t.shared;
      if (!ok) wrong.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): got ${got}`);
    }
  }
  expect(ran).toBe(file.numberOfTests);
  return wrong;
}

describe.each(PROVIDERS)('x448 and secp521r1 against Wycheproof ($name provider)', (provider) => {
  it('x448_test.json: shared secrets, all-zero results refused (RFC 7748 §6.2)', () => {
    const kx = provider.keyExchange(NamedGroup.x448);
    if (!kx) throw new Error('no x448');
    const file = load('x448_test.json');
    expect(run(kx, file, fromHex, (t) => t.flags.includes('ZeroSharedSecret') || /^0+$/.test(t.shared))).toEqual([]);
  });

  it('ecdh_secp521r1_ecpoint_test.json: shared secrets, invalid-curve and compressed points refused (RFC 8446 §4.2.8.2)', () => {
    const kx = provider.keyExchange(NamedGroup.secp521r1);
    if (!kx) throw new Error('no secp521r1');
    const file = load('ecdh_secp521r1_ecpoint_test.json');
    // TLS 1.3 has only the uncompressed form: the `acceptable` compressed share is refused too.
    const wrong = run(kx, file, (hex) => fromHex(BigInt('0x' + hex).toString(16).padStart(132, '0')), (t) => t.flags.includes('CompressedPoint'));
    expect(wrong).toEqual([]);
  });
});
