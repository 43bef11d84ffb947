import { expect, test, type Page } from '@playwright/test';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/** Terminals from the palette: a new shell in the project, the project's run command, and switching between them. */
const ws = useWorkspace('terminal-palette');

const palette = (page: Page) => page.locator('.palette');

async function runFromPalette(page: Page, words: string, command: string): Promise<void> {
  await page.keyboard.press('Control+K');
  await expect(palette(page)).toBeVisible();
  await page.keyboard.type(words);
  const item = palette(page).locator(`[data-command="${command}"]`);
  await expect(item).toHaveAttribute('data-disabled', 'false');
  await item.click();
  await expect(palette(page)).toBeHidden();
}

test('the palette opens a terminal, starts the run command and switches between terminals', async ({ page }) => {
  const repo = ws.repo('shop');
  await ws.serve(page, { SHELL: '/bin/sh', PS1: '$ ', ENV: '' });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  await page.getByLabel('Repository folder').fill(repo);
  await expect(page.getByTestId('path-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('add-project-dialog').getByRole('button', { name: 'Add project' }).click();

  // With no run command the palette says where to set one.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('run command');
  const run = palette(page).locator('[data-command="terminal-run"]');
  await expect(run).toHaveAttribute('data-disabled', 'true');
  await expect(run).toContainText('set one in Project settings');
  await page.keyboard.press('Escape');

  // A new shell in the project's main checkout: the Worktrees tab shows it, and it takes keystrokes.
  await runFromPalette(page, 'new terminal in the project', 'terminal-new-project');
  const panel = page.getByTestId('terminals-panel');
  const screen = panel.locator('.xterm-rows');
  await expect(panel.getByRole('tab', { selected: true })).toContainText('running');
  await expect(screen).toContainText('$');
  await panel.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo shell-$((6*7))');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('shell-42');

  // The run command, set in Project settings, starts in a terminal of its own from the palette.
  await page.getByRole('tab', { name: 'Settings' }).click();
  const setting = page.getByRole('region', { name: 'Run command' });
  await setting.getByRole('textbox').fill('echo served-$((40+2)); sleep 600');
  await setting.getByRole('button', { name: 'Save run command' }).click();
  await expect(setting.getByRole('status')).toHaveText('Saved');
  await runFromPalette(page, 'run command', 'terminal-run');
  await expect(panel.getByRole('tab', { selected: true })).toContainText('run ·');
  await expect(panel.locator('.xterm-rows')).toContainText('served-42');
  await expect(panel.locator('.xterm-rows')).not.toContainText('shell-42');
  await page.screenshot({ path: screenshotPath('terminal-palette-run'), fullPage: true });

  // Switching back to the first shell from the palette (its key works from inside a terminal) shows its own scrollback.
  await panel.locator('.xterm-helper-textarea').focus();
  await page.keyboard.press('Control+K');
  await page.keyboard.type('switch to terminal');
  await expect(palette(page).locator('[data-command^="terminal:"]')).toHaveCount(2);
  await palette(page).locator('[data-command^="terminal:"]', { hasNotText: 'run ·' }).click();
  await expect(panel.getByRole('tab', { selected: true })).not.toContainText('run ·');
  await expect(panel.locator('.xterm-rows')).toContainText('shell-42');
  await page.screenshot({ path: screenshotPath('terminal-palette-switch'), fullPage: true });
});
