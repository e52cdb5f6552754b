import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests and fuzz replays run on one fixed seed (docs/06-testing-and-fuzzing.md §6.2).
    setupFiles: ['test/fast-check.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Interop tests start real openssl / node:tls peers on loopback; two cores, keep it bounded.
    maxWorkers: 2,
  },
});
