import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // One database per worker process is shared by the files it runs (see test/support/database.ts).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    setupFiles: ['test/support/setup-env.ts'],
    globalSetup: ['test/support/global-setup.ts'],
  },
});
