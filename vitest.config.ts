import { defineConfig } from 'vitest/config';

/**
 * The tests that run a second time against the Node session host: every one that starts a session host. The
 * default project runs the native host where it is built (ADR 0034); the Node host is what runs where it is not,
 * and on remote machines, so both stay proven. Left out of the second run: files that choose their runtime
 * themselves or test the Node host's code in-process, which would only run the same thing twice.
 */
const NODE_HOST_TESTS = ['tests/integration/host/**/*.test.ts', 'tests/integration/recovery/**/*.test.ts'];
const RUNTIME_NEUTRAL = ['tests/integration/host/native-parity.test.ts', 'tests/integration/host/native-faults.test.ts', 'tests/integration/host/runtime-choice.test.ts', 'tests/integration/host/lines.test.ts', 'tests/integration/recovery/host-config.test.ts'];

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
        // BATON_HOST_RUNTIME=node is read by launchHost, and by the apps the recovery tests start, which inherit it.
        // The soak kills 60 times here, not 200: the default project soaks the default host in full, and this
        // second run must not push `npm test` past its time (`BATON_HOST_RUNTIME=node npm run soak` hunts longer).
        extends: true,
        test: { name: 'node-host', include: NODE_HOST_TESTS, exclude: RUNTIME_NEUTRAL, env: { BATON_HOST_RUNTIME: 'node', BATON_SOAK_KILLS: '60' } },
      },
    ],
  },
});
