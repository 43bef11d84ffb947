import { expect, test } from '@playwright/test';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/** Terminals in the browser: open one from the Worktrees tab, type a command, see its output; a reload shows the same scrollback. */
const ws = useWorkspace('terminals');

test('open a terminal, type a command, see its output; reload and see the same scrollback', async ({ page }) => {
  const repo = ws.repo('shop');
  await ws.serve(page, { SHELL: '/bin/sh', PS1: '$ ', ENV: '' });
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  await page.getByLabel('Repository folder').fill(repo);
  await expect(page.getByTestId('path-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('add-project-dialog').getByRole('button', { name: 'Add project' }).click();

  await page.getByRole('tab', { name: 'Worktrees' }).click();
  await page.getByRole('button', { name: 'Terminals in main checkout' }).click();
  const panel = page.getByTestId('terminals-panel');
  await panel.getByRole('button', { name: 'New terminal' }).click();
  const screen = panel.locator('.xterm-rows');
  await expect(panel.getByRole('tab')).toContainText('running');
  await expect(screen).toContainText('$');
  await panel.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo hello-$((6*7))');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('hello-42');
  await page.screenshot({ path: screenshotPath('terminal-output'), fullPage: true });

  await page.reload();
  await page.getByRole('tab', { name: 'Worktrees' }).click();
  await page.getByRole('button', { name: 'Terminals in main checkout' }).click();
  // The same terminal, its scrollback replayed from main: the command and its output are there.
  await expect(page.getByTestId('terminals-panel').locator('.xterm-rows')).toContainText('hello-42');
  await expect(page.getByTestId('terminals-panel').getByRole('tab')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('terminal-after-reload'), fullPage: true });
});
