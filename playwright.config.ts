import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from './tests/e2e/support/chromium';

const executablePath = findChromium();
if (!executablePath) {
  if (process.env.CI === 'true') {
    // CI must never go green without running e2e.
    throw new Error(`${HOW_TO_GET_CHROMIUM} (CI=true: a missing browser is a failure.)`);
  }
  console.log(`[e2e] browser tests skipped: ${HOW_TO_GET_CHROMIUM}`);
}

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/support/global-setup.ts',
  outputDir: 'test-results/e2e-artifacts',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  projects: [
    {
      name: 'browser',
      testMatch: /.*\.browser\.spec\.ts/,
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1280, height: 800 },
        launchOptions: executablePath ? { executablePath, args: CHROMIUM_ARGS } : {},
      },
    },
    { name: 'electron', testMatch: /.*\.electron\.spec\.ts/ },
  ],
});
