import { expect, test } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../support/git';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent, startSession } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/**
 * Release from the Worktrees panel never deletes a folder an agent works in:
 * it is refused with the session named, and offered as "Stop the session and
 * release", which stops it, preserves its work under the session and releases.
 */
const ws = useWorkspace('worktrees');

test('release of a live session’s worktree: refused with the session named, then “Stop the session and release”', async ({ page }) => {
  const repo = ws.repo('shop');
  const script = ws.writeScript({ default: { steps: [{ type: 'text', text: 'On it.' }] } });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script);
  await startSession(page, 'Fix the checkout total');
  await expect(page.getByTestId('session-view')).toContainText('On it.');

  await page.getByRole('tab', { name: 'Worktrees' }).click();
  const row = page.getByTestId('worktree-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('worktree-held-by')).toContainText('In use by “Fix the checkout total”');
  const wtPath = (await row.locator('td.mono.truncate').getAttribute('title')) as string;
  writeFileSync(join(wtPath, 'wip.txt'), 'half done\n');

  await row.getByRole('button', { name: 'Release' }).click();
  const refused = row.getByTestId('release-refused');
  await expect(refused).toContainText('is in use by session "Fix the checkout total"');
  await expect(row).toHaveAttribute('data-status', 'active');
  expect(existsSync(join(wtPath, 'wip.txt'))).toBe(true);
  await page.screenshot({ path: screenshotPath('worktree-release-refused'), fullPage: true });

  await refused.getByRole('button', { name: 'Stop the session and release' }).click();
  await expect(page.getByTestId('worktree-row')).toHaveCount(0);
  await expect(page.getByTestId('worktrees-panel').getByRole('status')).toContainText('refs/baton/preserved/');
  const preserved = page.getByTestId('preserved-row');
  await expect(preserved).toHaveCount(1);
  await expect(preserved).toContainText('uncommitted work of session');
  await expect(preserved).toContainText('Fix the checkout total');
  expect(existsSync(wtPath)).toBe(false);
  const ref = (await preserved.getByTestId('preserved-ref').textContent()) ?? '';
  expect(git(repo, 'show', `${ref}:wip.txt`)).toBe('half done\n');
  await page.screenshot({ path: screenshotPath('worktree-stopped-and-released'), fullPage: true });
});

test('Replace with an agent that cannot start: the dialog says why, nothing is stopped, the orchestrator keeps running', async ({ page }) => {
  const repo = ws.repo('shop');
  const script = ws.writeScript({ default: { steps: [{ type: 'text', text: 'Orchestrating.' }] } });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script, undefined, { orchestrator: 'custom', worker: 'custom' });
  await page.getByRole('tab', { name: 'Board' }).click();
  const card = page.getByTestId('orchestrator-card');
  await card.getByRole('button', { name: 'Start orchestrator' }).click();
  await expect(card).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  await expect(card.getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });

  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Custom agent command').fill('no-such-agent-binary --acp');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved')).toBeVisible();
  await page.getByRole('tab', { name: 'Board' }).click();

  // The launch changed (same harness, another command): Restart needed, and Replace is offered.
  await expect(card.getByTestId('restart-needed')).toContainText('changed since this orchestrator started');
  await card.getByRole('button', { name: 'Replace…' }).click();
  const dialog = page.getByTestId('replace-dialog');
  await dialog.getByRole('button', { name: 'Replace orchestrator' }).click();
  const refused = dialog.getByTestId('replace-refused');
  await expect(refused).toContainText('no-such-agent-binary');
  await expect(refused).toContainText('Nothing was stopped');
  await page.screenshot({ path: screenshotPath('orchestrator-replace-refused') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(card).toHaveAttribute('data-state', 'running');
  await expect(card.getByTestId('session-status')).toHaveText('Idle');
});

test('a worktree no session holds: Changes shows its diff against the base, read-only', async ({ page }) => {
  const repo = ws.repo('shop');
  const script = ws.writeScript({ default: { steps: [{ type: 'text', text: 'ok' }] } });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script);
  await page.getByRole('tab', { name: 'Worktrees' }).click();
  const panel = page.getByTestId('worktrees-panel');
  await panel.getByLabel('New worktree name').fill('spike');
  await panel.getByRole('button', { name: 'New worktree' }).click();
  const row = page.getByTestId('worktree-row');
  await expect(row).toHaveCount(1);
  const wtPath = (await row.locator('td.mono.truncate').getAttribute('title')) ?? '';
  writeFileSync(join(wtPath, 'spike.txt'), 'try this\nand that\n');

  await row.getByTestId('worktree-changes-open').click();
  const view = page.getByTestId('worktree-changes');
  await expect(view.getByTestId('worktree-changes-summary')).toContainText('1 file +2 −0');
  await expect(view.locator('[data-testid="diff-file"][data-path="spike.txt"]')).toContainText('and that');
  // Nothing here goes to an agent: no comment widget, no commit picks.
  await expect(view.locator('.diff-add-widget')).toHaveCount(0);
  await expect(view.getByRole('checkbox')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('worktree-sessionless-changes'), fullPage: true });
  await view.getByRole('radio', { name: 'Uncommitted' }).click();
  await expect(view.getByTestId('worktree-changes-summary')).toContainText('vs HEAD');
  await view.getByRole('button', { name: 'Close' }).click();
  await expect(view).toHaveCount(0);
});
