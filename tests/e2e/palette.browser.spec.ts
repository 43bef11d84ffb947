import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

const ws = useWorkspace('palette');

const SCRIPT = { default: { steps: [{ type: 'text', text: 'Done with it.\nSecond line.' }] } };

const palette = (page: Page) => page.locator('.palette');

/** Nothing focused: single-key shortcuts act only outside fields (as for a person who clicked away). */
const blurAll = (page: Page) => page.evaluate('document.activeElement?.blur?.()');

async function openPalette(page: Page): Promise<void> {
  await page.keyboard.press('Control+K');
  await expect(palette(page)).toBeVisible();
}

/** Starts a session through the New session dialog with its options, and waits for its view. */
async function newSession(page: Page, opts: { prompt: string; title?: string; branch?: string; base?: string }): Promise<void> {
  const dialog = page.getByTestId('new-session-dialog');
  await expect(dialog.getByRole('combobox', { name: 'Base branch' })).toBeEnabled();
  await dialog.getByRole('combobox', { name: /^Agent/ }).selectOption('custom');
  await dialog.getByLabel('First prompt').fill(opts.prompt);
  if (opts.title) await dialog.getByRole('textbox', { name: 'Title', exact: true }).fill(opts.title);
  if (opts.branch) await dialog.getByRole('textbox', { name: /^Branch/ }).fill(opts.branch);
  if (opts.base) await dialog.getByRole('combobox', { name: 'Base branch' }).selectOption(opts.base);
  await dialog.getByRole('button', { name: 'Start session' }).click();
}

test('the palette runs actions, lists shortcuts and says why an action is off; j/k and Enter walk the board', async ({ page }) => {
  const repo = ws.repo('webapp');
  await ws.serve(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await addProjectWithScriptedAgent(page, repo, ws.writeScript(SCRIPT));

  // New session from the palette: the dialog opens, and the title names the branch.
  await openPalette(page);
  await expect(palette(page).locator('[data-command="new-session"] kbd')).toHaveText('N');
  await page.keyboard.type('new session');
  await page.keyboard.press('Enter');
  await newSession(page, { prompt: 'First job', title: 'Tidy the README' });
  const view = page.getByTestId('session-view');
  await expect(view.locator('.session-title')).toHaveText('Tidy the README', { timeout: 20_000 });
  await expect(view.getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });
  await expect(view.locator('.session-head .mono')).toHaveText(/^baton\/webapp-tidy-the-readme-[0-9a-f]{6}$/);

  // Session actions act on the open session, and the ones it does not allow say why.
  await openPalette(page);
  await page.keyboard.type('cancel the turn');
  const cancel = palette(page).locator('[data-command="session-cancel"]');
  await expect(cancel).toHaveAttribute('data-disabled', 'true');
  await expect(cancel).toContainText('Nothing to cancel: the agent is not working on a turn.');
  await page.screenshot({ path: screenshotPath('palette-1400') });
  await page.keyboard.press('Control+A');
  await page.keyboard.type('stop session');
  await page.keyboard.press('Enter');
  // Stop asks once more in the palette before it runs.
  await expect(palette(page).getByRole('alert')).toContainText('Stop this session?');
  await page.keyboard.press('Enter');
  await expect(palette(page)).toBeHidden();
  await expect(view.getByTestId('session-status')).toHaveText('Stopped', { timeout: 20_000 });
  await expect(view.getByTestId('prompt-refusal')).toHaveText('The agent cannot take a prompt now: it is stopped. Press Restart to start its agent again and resume the conversation.');

  // Restart from the palette brings it back.
  await openPalette(page);
  await page.keyboard.type('restart session');
  await page.keyboard.press('Enter');
  await expect(view.getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });

  // A second session, then the board: g b, j/k move between cards, Enter opens the focused one.
  // Shortcuts act when no field has the focus: N opens New session.
  await blurAll(page);
  await page.keyboard.press('n');
  await newSession(page, { prompt: 'Second job', title: 'Second one' });
  await expect(page.getByTestId('new-session-dialog')).toBeHidden({ timeout: 20_000 });
  await expect(view.locator('.session-title')).toHaveText('Second one');
  await expect(view.getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });
  await blurAll(page);
  await page.keyboard.press('g');
  await page.keyboard.press('b');
  await expect(page.getByTestId('project-board')).toBeVisible();
  await page.keyboard.press('j');
  await expect(page.getByRole('button', { name: 'Second one' })).toBeFocused();
  await page.keyboard.press('j');
  await expect(page.getByRole('button', { name: 'Tidy the README' })).toBeFocused();
  await page.keyboard.press('k');
  await page.keyboard.press('j');
  await page.setViewportSize({ width: 900, height: 700 });
  await page.screenshot({ path: screenshotPath('palette-board-900') });
  // The palette acts on the card the focus is on.
  await openPalette(page);
  await page.keyboard.type('open session');
  await expect(palette(page).locator('[data-command="session-open"]')).toContainText('Tidy the README');
  await page.keyboard.press('Enter');
  await expect(view.locator('.session-title')).toHaveText('Tidy the README');
});

test('new session options: the branch named from the title, or given with a base branch; a bad branch name refused', async ({ page }) => {
  const repo = ws.repo('api');
  execFileSync('git', ['branch', 'release-1'], { cwd: repo });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, ws.writeScript(SCRIPT));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByTestId('new-session-dialog');
  await expect(dialog.getByRole('combobox', { name: 'Base branch' })).toBeEnabled();
  await dialog.getByRole('textbox', { name: 'Title', exact: true }).fill('Hotfix the API');
  await expect(dialog.getByRole('textbox', { name: /^Branch/ })).toHaveAttribute('placeholder', /^baton\/api-hotfix-the-api-…$/);
  await page.screenshot({ path: screenshotPath('new-session-options-1400') });
  await newSession(page, { prompt: 'Patch it', branch: 'hotfix/api-1', base: 'release-1' });
  const view = page.getByTestId('session-view');
  await expect(view.locator('.session-head .mono')).toHaveText('hotfix/api-1');
  await expect(view.getByTestId('msg-agent')).toContainText('Done with it.', { timeout: 20_000 });
  // The agent's two lines stay two lines.
  await expect(view.getByTestId('msg-agent').locator('br')).toHaveCount(1);

  // A branch git would not take: the dialog stays open and says why.
  await page.setViewportSize({ width: 900, height: 700 });
  await page.getByRole('button', { name: 'New session' }).click();
  await newSession(page, { prompt: 'Again', branch: 'bad..name' });
  await expect(dialog.getByRole('alert')).toContainText('"bad..name" cannot be used as a branch name');
  await page.screenshot({ path: screenshotPath('new-session-options-error-900') });
});
