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

test('a view whose code cannot be loaded says what failed and offers Reload, which brings it back', async ({ page }) => {
  server = await startServer();
  // The inbox, the Settings dialog and the palette are chunks loaded on demand (issue 16): refused here, as a server
  // updated under an open page would refuse them.
  const refused = (url: URL) => /\/assets\/(InboxPanel|AppSettingsDialog|PaletteDialog)-[^/]+\.js$/.test(url.pathname);
  await page.route(refused, (route) => route.abort());
  await page.goto(server.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');

  await page.getByTestId('sidebar-inbox').click();
  const inbox = page.getByTestId('lazy-load-error');
  await expect(inbox).toContainText('Could not load the inbox');
  await expect(inbox).toContainText('Reload Baton to fetch it again');

  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByTestId('lazy-load-error')).toContainText('Could not load the Settings dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByTestId('lazy-load-error')).toContainText('Could not load the command palette');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('lazy-load-error') });

  // Served again: Reload fetches the pieces afresh, and they work.
  await page.unroute(refused);
  await inbox.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  await page.getByTestId('sidebar-inbox').click();
  await expect(page.getByRole('main', { name: 'Inbox' })).toContainText('Needs you');
  await expect(page.getByTestId('lazy-load-error')).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toContainText('Leave agents running');
});

test('while a dialog’s code loads, keys are not lost: the palette keeps what is typed, and a dialog’s loading line holds the focus, not its ×', async ({ page }) => {
  server = await startServer();
  // The palette's and the Settings dialog's chunks held until the test lets them through: a slow network, made certain.
  const held = (url: URL) => /\/assets\/(AppSettingsDialog|PaletteDialog)-[^/]+\.js$/.test(url.pathname);
  const waiting: Array<() => void> = [];
  let release = false;
  await page.route(held, async (route) => {
    if (!release) await new Promise<void>((r) => waiting.push(r));
    await route.continue();
  });
  await page.goto(server.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByTestId('piece-loading')).toBeFocused();
  // Enter or Space on a focused × would close it: on the loading line they do nothing.
  await page.keyboard.press('Enter');
  await page.keyboard.press(' ');
  await expect(settings.getByTestId('piece-loading')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(settings).toHaveCount(0);

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByTestId('palette-typeahead')).toBeFocused();
  await page.keyboard.type('sett');
  await expect(palette.getByTestId('palette-typeahead')).toHaveValue('sett');

  release = true;
  for (const go of waiting.splice(0)) go();
  // The dialog arrives with what was typed, its field focused, the matching command listed.
  const field = palette.getByRole('combobox', { name: 'Command' });
  await expect(field).toHaveValue('sett');
  await expect(field).toBeFocused();
  // The caret after the typed text (the dialog selected it as it took the focus), so the next key adds to it.
  // The tests' own types have no DOM: the field's selection is read structurally.
  const selection = () =>
    field.evaluate((el) => {
      const input = el as unknown as { selectionStart: number | null; selectionEnd: number | null };
      return [input.selectionStart, input.selectionEnd];
    });
  await expect.poll(selection).toEqual([4, 4]);
  await page.keyboard.type('ings');
  await expect(field).toHaveValue('settings');
});
