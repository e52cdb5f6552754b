/**
 * @module test/helpers/seed
 * The one seed of every property test and fuzz replay in a test run. `npm test` runs on the
 * fixed `FIXED_SEED`, so a red run means a change broke something and the same run fails the
 * same way again. `npm run test:explore` (test/explore.ts) sets `PURETLS_SEED` to a fresh random
 * seed per round; a failure it finds is reproduced with `PURETLS_SEED=<seed> npx vitest run <file>`
 * and then kept as a fixed case.
 */

/** The seed `npm test` uses when `PURETLS_SEED` is not set. */
export const FIXED_SEED = 0x7e57_5eed;

/** `PURETLS_SEED` (decimal or 0x-hex, a 32-bit integer) or `FIXED_SEED`. */
export const TEST_SEED: number = parseSeed(process.env.PURETLS_SEED);

function parseSeed(text: string | undefined): number {
  if (text === undefined || text === '') return FIXED_SEED;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`PURETLS_SEED must be an integer, got ${JSON.stringify(text)}`);
  return n | 0;
}
