import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Interop tests start real openssl / node:tls peers on loopback; two cores, keep it bounded.
    maxWorkers: 2,
  },
});
