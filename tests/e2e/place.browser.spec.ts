import { expect, test, type Page } from '@playwright/test';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath, startServer, stopServer } from './support/server';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

const ws = useWorkspace('place');

/** Adds a project through the sidebar's own button (always there, unlike the empty state's), and waits until the sidebar lists it. */
async function addProject(page: Page, repo: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Add project', exact: true }).first().click();
  await page.getByLabel('Repository folder').fill(repo);
  await expect(page.getByTestId('path-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('add-project-dialog').getByRole('button', { name: 'Add project' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: new RegExp(`^${name}`) })).toBeVisible();
}

test('reload keeps the place; a restarted server (same data dir) takes the old tab back by itself, on the same port', async ({ page }) => {
  test.setTimeout(90_000);
  const dataDir = join(ws.dir, 'data');
  ws.server = await startServer({ dataDir, remembered: true });
  const firstPort = ws.server.port;
  await page.goto(ws.server.url);
  await addProject(page, ws.repo('alpha'), 'alpha');
  await addProject(page, ws.repo('beta'), 'beta');
  await page.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: /^beta/ }).click();
  await page.getByRole('tab', { name: 'Worktrees' }).click();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'beta' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Worktrees' })).toHaveAttribute('aria-selected', 'true');

  await stopServer(ws.server);
  await expect(page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'connected');
  ws.server = await startServer({ dataDir, remembered: true });
  expect(ws.server.port).toBe(firstPort);
  // No new address typed: the tab reconnects and is still where it was.
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'beta' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Worktrees' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
});

test('at 900 px the Tasks badge stays on its label’s line', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 700 });
  await ws.serve(page);
  await addProject(page, ws.repo('a-project-with-a-rather-long-name'), 'a-project-with-a-rather-long-name');
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill('Something to do');
  await form.getByRole('button', { name: 'Add task' }).click();
  const tab = page.getByRole('tab', { name: /Tasks/ });
  const badge = tab.locator('.tab-count');
  await expect(badge).toHaveText('1');
  const [t, b] = [await tab.boundingBox(), await badge.boundingBox()];
  expect(t && b).toBeTruthy();
  // One line: the badge sits inside the tab's height, beside the label, not under it.
  expect(t!.height).toBeLessThanOrEqual(32);
  expect(b!.y).toBeGreaterThanOrEqual(t!.y);
  expect(b!.y + b!.height).toBeLessThanOrEqual(t!.y + t!.height + 0.5);
  await page.screenshot({ path: screenshotPath('tabs-900px') });
});

test('Settings shows the agents installed here, with versions, and how to install the others', async ({ page }) => {
  const bin = join(ws.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'codex-acp'), '#!/bin/sh\n[ "$1" = "--version" ] && echo "codex-acp 0.4.1"\n');
  chmodSync(join(bin, 'codex-acp'), 0o755);
  await ws.serve(page, { PATH: bin });
  await page.getByRole('button', { name: 'Settings' }).click();
  const list = page.getByTestId('agents-list');
  await expect(list.locator('[data-agent="codex"]')).toContainText('installed, 0.4.1');
  await expect(list.locator('[data-agent="claude-code"]')).toContainText('npm install -g @agentclientprotocol/claude-agent-acp');
  await expect(list.locator('[data-agent="gemini"]')).toContainText('npm install -g @google/gemini-cli');
  await page.getByTestId('app-settings-dialog').screenshot({ path: screenshotPath('settings-agents') });
});
