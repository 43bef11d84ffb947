import { expect, test } from '@playwright/test';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent, startSession } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

const ws = useWorkspace('session-controls');

/** "Build" says something on stderr, then asks to run a command; on "again" it asks once more. */
const ASK = (id: string) => ({
  type: 'permission',
  toolCallId: id,
  title: 'Run make build',
  kind: 'execute',
  options: [
    { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
    { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
  ],
});
const SCRIPT = {
  startup: { stderr: ['agent warming up'] },
  prompts: [
    { match: 'again', steps: [{ type: 'stderr', text: 'second build on stderr' }, ASK('make-again-{turn}'), { type: 'text', text: 'Built again.' }] },
    { match: 'Build', steps: [{ type: 'stderr', text: 'compiling the shop (stderr)' }, ASK('make-{turn}'), { type: 'text', text: 'Built.' }] },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

test("the session's own approval policy answers a waiting request; the agent log shows its stderr live, never the transcript", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, ws.repo('shop'), ws.writeScript(SCRIPT));
  await startSession(page, 'Build the shop');
  const view = page.getByTestId('session-view');

  // The project asks (its default): the request waits in the session.
  const permission = view.getByTestId('permission').first();
  await expect(permission.getByRole('button', { name: 'Allow', exact: true })).toBeVisible({ timeout: 30_000 });
  const policy = view.getByLabel('Session approval policy');
  await expect(policy).toHaveValue('project');
  await expect(policy.locator('option').first()).toHaveText('Project default (Ask)');

  // The agent log: what the agent wrote on stderr before asking, kept apart from the transcript.
  await view.getByRole('button', { name: 'Agent log' }).click();
  const log = view.getByTestId('agent-log');
  await expect(log.getByTestId('agent-log-line')).toHaveText(['agent warming up', 'compiling the shop (stderr)'], { timeout: 30_000 });
  await expect(view.getByTestId('transcript')).not.toContainText('compiling the shop');
  await page.screenshot({ path: screenshotPath('session-controls-1400x900') });
  await page.setViewportSize({ width: 900, height: 700 });
  await page.screenshot({ path: screenshotPath('session-controls-900x700') });
  await page.setViewportSize({ width: 1400, height: 900 });

  // This session now approves everything: the request already waiting is answered at once, and says so.
  await policy.selectOption('all');
  await expect(permission.locator('[data-automatic="policy_all"]')).toHaveText('auto-approved (policy: Auto-approve everything)', { timeout: 30_000 });
  await expect(view.getByTestId('msg-agent').last()).toContainText('Built.', { timeout: 30_000 });
  await expect(policy).toHaveValue('all');

  // The next request is answered as it arrives; its stderr line appears live, below the earlier ones.
  await view.getByLabel('Prompt').fill('Build it again');
  await view.getByRole('button', { name: 'Send' }).click();
  await expect(view.locator('[data-automatic="policy_all"]')).toHaveCount(2, { timeout: 30_000 });
  await expect(log.getByTestId('agent-log-line').last()).toHaveText('second build on stderr');
  await expect(view.getByTestId('transcript')).not.toContainText('second build on stderr');

  // Back to the project's policy: the choice is the session's, and it sticks across a reload.
  await policy.selectOption('project');
  await expect(policy).toHaveValue('project');
  await policy.selectOption('edits');
  await page.reload();
  await expect(page.getByTestId('session-view').getByLabel('Session approval policy')).toHaveValue('edits', { timeout: 30_000 });
});
