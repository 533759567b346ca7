import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // skipped-tiers lists, after vitest's summary, each tier skipped here, why, and how to run it.
    reporters: ['default', './test/reporters/skipped-tiers.ts'],
  },
});
