import { expect, test } from '@playwright/test';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/** The "Open in editor" app setting: what is installed is shown, the default is the first installed, a choice survives a reload. */
const ws = useWorkspace('editor-setting');

test('the editor setting shows what is installed, defaults to the first one, and keeps a choice', async ({ page }) => {
  // A real program named like Cursor's command, and no `code`: Cursor is the first installed.
  const bin = join(ws.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'cursor'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'cursor'), 0o755);
  await ws.serve(page, { PATH: `${bin}:/usr/bin:/bin`, EDITOR: '', VISUAL: '' });

  await page.getByRole('button', { name: 'Settings' }).click();
  const setting = page.getByTestId('app-settings-dialog').getByTestId('editor-setting');
  await expect(setting.getByRole('radio', { name: /The first one installed \(now: Cursor\)/ })).toBeChecked();
  await expect(setting.getByRole('radio', { name: /^Cursor/ })).toHaveAccessibleName(/Cursor installed/);
  await expect(setting.getByRole('radio', { name: /^VS Code/ })).toHaveAccessibleName(/VS Code not found/);
  await expect(setting).toContainText("Shell Command: Install 'code' command in PATH");
  await expect(setting.getByRole('radio', { name: /^\$EDITOR/ })).toHaveAccessibleName(/not found/);

  // Controlled by the saved setting: it shows checked once main has saved it.
  await setting.getByRole('radio', { name: /^VS Code/ }).click();
  await expect(setting.getByRole('radio', { name: /^VS Code/ })).toBeChecked();
  await page.screenshot({ path: screenshotPath('app-settings-editor') });

  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  const again = page.getByTestId('app-settings-dialog').getByTestId('editor-setting');
  await expect(again.getByRole('radio', { name: /^VS Code/ })).toBeChecked();
  await again.getByRole('radio', { name: /The first one installed/ }).click();
  await expect(again.getByRole('radio', { name: /The first one installed/ })).toBeChecked();
});
