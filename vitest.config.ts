import { defineConfig } from 'vitest/config';

/** The session-host and recovery tests: they run a second time, against the native session host (native/host). */
const NATIVE_HOST_TESTS = ['tests/integration/host/**/*.test.ts', 'tests/integration/recovery/**/*.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'default', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/renderer/**/*.test.ts'] },
      },
      {
        // The same host and recovery tests with BATON_HOST_RUNTIME=native, which launchHost (and the app the
        // recovery tests start, which inherits it) reads; skipped, saying why, where the binary cannot be built.
        extends: true,
        test: {
          name: 'native-host',
          include: NATIVE_HOST_TESTS,
          env: { BATON_HOST_RUNTIME: 'native' },
          setupFiles: ['tests/support/native-host-setup.ts'],
        },
      },
    ],
  },
});
