/**
 * Compares fuzz scripts captured from the oracle (scripts/fuzz-oracle.ts) with Stacklab, as the
 * golden transcripts are compared: `FUZZ_DIR=DIR npx vitest run --config scripts/fuzz-oracle.vitest.ts`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: '.', include: ['scripts/fuzz-oracle.check.ts'], testTimeout: 60_000 },
});
