import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['server/**/*.test.ts', 'test/**/*.test.ts', 'client/src/**/*.test.ts'],
    exclude: ['node_modules/**', 'test/e2e/**'],
    testTimeout: 20_000,
    // Every run's temporary folders under one, removed at the end (test/support/temp-root.ts).
    globalSetup: ['test/support/temp-root.ts'],
    // Indexes checked against scans in every test (server/sim/index.ts).
    setupFiles: ['test/support/index-checks.ts'],
  },
});
