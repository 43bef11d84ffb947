import { defineConfig } from 'vitest/config';

// Benchmarks are plain tests that print `bench: NAME = VALUE` lines; they run only via `npm run bench`.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
