/**
 * The crypto provider matrix (STYLE §8 "Provider matrix"): every crypto test runs against each
 * provider here with `describe.each(PROVIDERS)`. Also a scripted `RandomSource` for tests that
 * pin private keys (RFC 8448) or need a deterministic run.
 */
import type { CryptoProvider, RandomSource } from '../../src/crypto/provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../../src/node/crypto-provider.ts';

/** Every provider the crypto suites run against. */
export const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, nodeCryptoProvider];

/** An ordered pair of providers; `name` reads `noble→node`. */
export interface ProviderPair {
  readonly name: string;
  readonly a: CryptoProvider;
  readonly b: CryptoProvider;
}

/** Every ordered pair (a, b) of providers, for interoperability tests (noble↔node both ways). */
export const PROVIDER_PAIRS: readonly ProviderPair[] = PROVIDERS.flatMap((a) =>
  PROVIDERS.map((b) => ({ name: `${a.name}→${b.name}`, a, b })),
);

/**
 * A RandomSource that returns `chunks` in order; each request must ask for exactly the next
 * chunk's length (so a test notices when a provider draws differently than expected).
 */
export function scriptedRandom(...chunks: readonly Uint8Array[]): RandomSource {
  let i = 0;
  return (length: number): Uint8Array => {
    const c = chunks[i++];
    if (c === undefined) throw new Error(`scriptedRandom: no chunk left for a request of ${length} bytes`);
    if (c.length !== length) throw new Error(`scriptedRandom: chunk ${i - 1} has ${c.length} bytes, ${length} requested`);
    return c.slice();
  };
}

/** A deterministic, non-cryptographic RandomSource (xorshift32) for reproducible runs. */
export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0 || 1;
  return (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}
