/**
 * vitest setup file (vitest.config.ts `setupFiles`): every fast-check property in the suite runs
 * on `TEST_SEED` (test/helpers/seed.ts), fixed unless `PURETLS_SEED` says otherwise. Properties
 * therefore set `numRuns` only, never their own `seed`. A failure message carries fast-check's
 * `{ seed, path }` and the counterexample.
 */
import fc from 'fast-check';
import { TEST_SEED } from './helpers/seed.ts';

fc.configureGlobal({ seed: TEST_SEED });
