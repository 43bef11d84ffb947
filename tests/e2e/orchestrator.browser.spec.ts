import { expect, test, type Page } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { insertDuplicateOrchestrator } from '../support/db';
import { git } from '../support/git';
import { fakeHarnessBinary } from '../support/scripted';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent, orchestratorCard as card } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/**
 * The project orchestrator end to end: the real browser-mode server, real
 * session hosts and git worktrees, and the scripted ACP agent playing both the
 * custom command and (through a fake `claude-agent-acp` on the server's PATH)
 * Claude Code, so that switching agents and replacing are done for real.
 */

const ws = useWorkspace('orch');

async function confirmReplace(page: Page, shot: string): Promise<void> {
  const dialog = page.getByTestId('replace-dialog');
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: screenshotPath(shot) });
  await dialog.getByRole('button', { name: 'Replace orchestrator' }).click();
  await expect(dialog).toBeHidden();
}

test('start an orchestrator; switch its agent → Restart needed → Replace → progress → the new one opens; a release that fails → fix → Retry → done', async ({ page, context }) => {
  test.setTimeout(180_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const repo = ws.repo('shop');
  // Both agents start slowly enough for the progress to be on screen, as real ones do.
  const custom = ws.writeScript({ initialize: { delayMs: 1200 }, default: { steps: [{ type: 'text', text: 'Custom orchestrator: halfway through the plan.' }] } }, 'custom.json');
  const claude = ws.writeScript({ initialize: { delayMs: 1500 }, default: { steps: [{ type: 'text', text: 'Claude Code orchestrator here: handoff read.' }] } }, 'claude.json');
  const bin = fakeHarnessBinary(join(ws.dir, 'bin'), 'claude-agent-acp', claude);
  const server = await ws.serve(page, { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
  const worktree = join(server.dataDir, 'worktrees', 'shop', 'orchestrator');

  await addProjectWithScriptedAgent(page, repo, custom, undefined, { orchestrator: 'custom', worker: 'custom' });
  await page.getByRole('tab', { name: 'Board' }).click();

  // 1. No orchestrator yet: Start shows each phase while the agent comes up, then the card shows it.
  await expect(card(page)).toHaveAttribute('data-state', 'none');
  await expect(card(page).getByTestId('no-orchestrator')).toContainText('No orchestrator');
  await page.screenshot({ path: screenshotPath('orchestrator-none') });
  await card(page).getByRole('button', { name: 'Start orchestrator' }).click();
  const startProgress = card(page).getByRole('list', { name: 'Start progress' });
  await expect(startProgress).toBeVisible();
  await expect(startProgress.locator('[aria-current="step"]')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('orchestrator-starting') });
  await expect(card(page)).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  await expect(card(page).getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });
  await expect(card(page)).toContainText('Custom command');
  await expect(card(page)).toContainText('baton/shop-orchestrator');
  await expect(card(page).getByTestId('restart-needed')).toBeHidden();
  expect(existsSync(worktree)).toBe(true);
  // One card per session (issue 14): the orchestrator card is the orchestrator's card; the board's grid has none for it.
  await expect(page.getByTestId('project-board')).toContainText('No other sessions yet');
  await expect(page.getByTestId('session-card')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('orchestrator-running') });

  // The sidebar opens it too (the same rule picks it).
  await page.getByTestId('sidebar-orchestrator').click();
  const view = page.getByTestId('session-view');
  await expect(view).toContainText('You are now the orchestrator');
  await expect(view).toContainText('Custom orchestrator: halfway through the plan.');
  await view.getByRole('button', { name: '← Board' }).click();

  // 2. The project now names Claude Code: Restart needed, Replace, progress, and the new one opens by itself.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Orchestrator agent').selectOption('claude-code');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved')).toBeVisible();
  await page.getByRole('tab', { name: 'Board' }).click();
  const restart = card(page).getByTestId('restart-needed');
  await expect(restart).toContainText('Restart needed: configured Claude Code, running Custom command');
  await page.screenshot({ path: screenshotPath('orchestrator-restart-needed') });
  await restart.getByRole('button', { name: 'Replace' }).click();
  await confirmReplace(page, 'orchestrator-replace-dialog');
  const progress = card(page).getByTestId('replacement-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('list', { name: 'Replacement progress' }).locator('[aria-current="step"]')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('orchestrator-replacing') });
  await expect(view).toBeVisible({ timeout: 30_000 });
  await expect(view).toContainText('Claude Code orchestrator here: handoff read.', { timeout: 20_000 });
  await expect(view).toContainText('You replace the previous orchestrator session');
  await page.screenshot({ path: screenshotPath('orchestrator-replaced-opened') });
  await view.getByRole('button', { name: '← Board' }).click();
  await expect(card(page)).toContainText('Claude Code');
  await expect(card(page).getByTestId('restart-needed')).toBeHidden();
  await expect(page.getByTestId('session-card').filter({ has: page.locator('[data-status="Retired"]') })).toHaveCount(1);
  // The retired one is history on the board; the new one is only on the orchestrator card.
  await expect(page.getByTestId('session-card')).toHaveCount(1);

  // 3. A replacement that cannot release the old worktree (git lock): it stops there and says why, nothing is lost.
  writeFileSync(join(worktree, 'plan.md'), '# Plan the orchestrator never committed\n');
  git(repo, 'worktree', 'lock', '--reason', 'held by the e2e test', worktree);
  await card(page).getByRole('button', { name: 'Replace…' }).click();
  await confirmReplace(page, 'orchestrator-replace-clean-dialog');
  const failed = card(page).getByTestId('replacement-failed');
  await expect(failed).toBeVisible({ timeout: 30_000 });
  await expect(failed).toContainText('No orchestrator — replacement failed at releasing its worktree:');
  await expect(failed).toContainText(/lock/i);
  await expect(failed.locator('[data-state="failed"]')).toHaveAttribute('data-phase', 'release');
  // The old one stays on the board as Retiring until the release succeeds.
  await expect(page.locator('[data-testid="session-card"][data-status="Retiring"]')).toHaveCount(1);
  await expect(card(page).getByTestId('wake-status')).toBeVisible();
  await page.screenshot({ path: screenshotPath('orchestrator-replacement-failed') });

  // Open previous work: the preserved ref, copyable, the command to inspect it, and the Worktrees panel.
  await failed.getByRole('button', { name: 'Open previous work' }).click();
  const previousWork = page.getByTestId('previous-work-dialog');
  const ref = previousWork.getByLabel('preserved ref', { exact: true });
  await expect(ref).toHaveText(/^refs\/baton\/preserved\/\S+$/);
  const refText = (await ref.textContent()) ?? '';
  expect(git(repo, 'show', `${refText}:plan.md`)).toContain('never committed');
  await expect(previousWork.getByLabel('inspect command', { exact: true })).toContainText(`show --stat ${refText}`);
  await previousWork.getByRole('button', { name: 'Copy preserved ref' }).click();
  await expect(previousWork.getByRole('button', { name: 'Copy preserved ref' })).toHaveText('Copied');
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(refText);
  await page.screenshot({ path: screenshotPath('orchestrator-previous-work') });
  await previousWork.getByRole('button', { name: 'Open the Worktrees panel' }).click();
  await expect(page.getByTestId('worktrees-panel')).toBeVisible();
  await expect(page.getByTestId('preserved-row').filter({ hasText: refText })).toHaveCount(1);
  await page.getByRole('tab', { name: 'Board' }).click();

  // 4. Fix the cause, Retry: it carries on from the release, and the new orchestrator opens.
  git(repo, 'worktree', 'unlock', worktree);
  await card(page).getByTestId('replacement-failed').getByRole('button', { name: 'Retry' }).click();
  await expect(view).toBeVisible({ timeout: 30_000 });
  await expect(view).toContainText('Claude Code orchestrator here: handoff read.', { timeout: 20_000 });
  await expect(view).toContainText(refText);
  await view.getByRole('button', { name: '← Board' }).click();
  await expect(card(page)).toHaveAttribute('data-state', 'running');
  await expect(card(page).getByTestId('replacement-failed')).toBeHidden();
  await expect(page.locator('[data-testid="session-card"][data-status="Retiring"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="session-card"][data-status="Retired"]')).toHaveCount(2);
  await page.screenshot({ path: screenshotPath('orchestrator-retried-done') });
});

test('two active orchestrators: the older is flagged Duplicate orchestrator, and Retire duplicates ends it', async ({ page }) => {
  test.setTimeout(90_000);
  const repo = ws.repo('docs');
  const script = ws.writeScript({ default: { steps: [{ type: 'text', text: 'Orchestrating.' }] } }, 'custom.json');
  const server = await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script, undefined, { orchestrator: 'custom', worker: 'custom' });
  await page.getByRole('tab', { name: 'Board' }).click();
  await card(page).getByRole('button', { name: 'Start orchestrator' }).click();
  await expect(card(page).getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });

  // A second active orchestrator, as a bug or another tool might leave one: an older row, interrupted, written
  // straight into the database (the integration tests do the same).
  insertDuplicateOrchestrator(server.dataDir, { id: 'dup-orchestrator', title: 'docs orchestrator (left over)', at: '2020-01-01T00:00:00.000Z' });
  // Main sent no event for a row it did not write: a reload reads everything again.
  await page.reload();
  await page.getByRole('button', { name: /^docs/ }).first().click();

  const duplicates = card(page).getByTestId('duplicates');
  await expect(duplicates).toContainText('Another orchestrator is active for this project');
  const dupCard = page.getByTestId('session-card').filter({ hasText: 'docs orchestrator (left over)' });
  await expect(dupCard.getByTestId('duplicate-flag')).toHaveText('Duplicate orchestrator');
  // Continuing it would make two live orchestrators: its card says so instead of offering Continue.
  await expect(dupCard.getByRole('button', { name: 'Continue' })).toBeHidden();
  await expect(dupCard).toContainText('Another orchestrator is current');
  // The current one is still the newest, and is what the card and the sidebar open.
  await expect(card(page).getByRole('button', { name: 'docs orchestrator', exact: true })).toBeVisible();
  await page.screenshot({ path: screenshotPath('orchestrator-duplicates') });

  await duplicates.getByRole('button', { name: 'Retire duplicates' }).click();
  await expect(card(page).getByTestId('orchestrator-action-outcome')).toHaveText(/Retired 1 duplicate orchestrator\./);
  await expect(duplicates).toBeHidden();
  await expect(dupCard).toHaveAttribute('data-status', 'Retired');
  await expect(dupCard.getByTestId('duplicate-flag')).toBeHidden();
  await expect(card(page).getByTestId('session-status')).toHaveText('Idle');
  await page.screenshot({ path: screenshotPath('orchestrator-duplicates-retired') });
});
