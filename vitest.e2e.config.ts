import { defineConfig } from 'vitest/config';

/**
 * End-to-end suite: the built bot as a child process against the fake Discord and fake AniList, and the web
 * pages in headless Chromium. `npm run test:e2e`.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    pool: 'forks',
    // Each file starts its own bot processes and a browser; one at a time keeps a 2-core CI machine calm.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
