import { defineConfig } from 'vitest/config';

process.env.TZ = 'UTC';

/** Browser tests: a real server and Debian's Chromium, one file at a time. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
