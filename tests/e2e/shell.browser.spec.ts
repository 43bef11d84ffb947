import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { removeDir, screenshotPath, startServer, stopServer, type RunningServer } from './support/server';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

let server: RunningServer | null = null;
test.afterEach(async () => {
  if (server) {
    await stopServer(server);
    removeDir(server.dataDir);
    server = null;
  }
});

test('the page loads with the token and shows the empty states', async ({ page }) => {
  server = await startServer();
  await page.goto(server.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('projects-empty')).toBeVisible();
  await expect(page.getByTestId('board-empty')).toContainText('Add a project');
  // The token does not linger in the address bar.
  expect(page.url()).not.toContain('token=');
  await page.screenshot({ path: screenshotPath('shell-empty') });
});

test('without the token the page loads but reaches nothing, and says how to get in', async ({ page }) => {
  server = await startServer();
  const bare = new URL(server.url);
  bare.search = '';
  // The page itself is public (it holds no secret); the contract is not.
  const res = await page.goto(bare.toString());
  expect(res?.status()).toBe(200);
  const state = page.getByTestId('connection-state');
  await expect(state).toHaveAttribute('data-state', 'disconnected');
  await expect(state).toContainText('without its access token');
  await expect(page.getByTestId('projects-empty')).toHaveCount(0);
});

test('the status bar shows reconnecting when the server dies and connected after it restarts', async ({ page }) => {
  server = await startServer();
  const { port, token, dataDir } = server;
  await page.goto(server.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');

  await stopServer(server, 'SIGKILL');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
  await page.screenshot({ path: screenshotPath('shell-reconnecting') });

  server = await startServer({ port, token, dataDir });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
  await expect(page.getByTestId('projects-empty')).toBeVisible();
  await page.screenshot({ path: screenshotPath('shell-reconnected') });
});

test('a corrupt database shows the error screen with its path and is left untouched', async ({ page }) => {
  server = await startServer();
  const dataDir = server.dataDir;
  await stopServer(server);
  removeDir(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const dbPath = join(dataDir, 'baton.db');
  writeFileSync(dbPath, 'this is not a database, it is a grocery list\n');
  const digest = () => createHash('sha256').update(readFileSync(dbPath)).digest('hex');
  const before = digest();
  server = await startServer({ dataDir });
  await page.goto(server.url);
  const screen = page.getByTestId('store-error');
  await expect(screen).toBeVisible();
  await expect(screen).toHaveAttribute('data-reason', 'corrupt');
  await expect(screen).toContainText(dbPath);
  await page.screenshot({ path: screenshotPath('store-error-corrupt') });
  expect(digest()).toBe(before);
});
