import { expect, test, type Page } from '@playwright/test';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ORCHESTRATOR_LOOP_STEPS } from '../support/orchestrator-scripts';
import { SCRIPTED_AGENT } from '../support/scripted';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent, orchestratorCard as card } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/**
 * The task queue end to end: tasks added in the panel wake the orchestrator
 * (the scripted agent, calling Baton's MCP tools over the control socket as a
 * real orchestrator would), which claims runs, starts workers and completes
 * or fails the runs; people retry, cancel and follow it all from the panel.
 */

const ws = useWorkspace('tasks');

const task = (page: Page, title: string) => page.getByTestId('task').filter({ has: page.getByText(title, { exact: true }) });

async function addTask(page: Page, title: string, body: string, priority?: string): Promise<void> {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Details').fill(body);
  if (priority) await form.getByLabel('Priority').selectOption(priority);
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(form.getByLabel('Title')).toHaveValue('');
}

test('add a task in the panel → the orchestrator wakes → a worker card appears → the run completes', async ({ page }) => {
  test.setTimeout(120_000);
  const repo = ws.repo('shop');
  // One script for both roles (a project has one custom command), as in the orchestrator loop integration test.
  const script = ws.writeScript({
    prompts: [
      {
        match: 'Wake-up',
        steps: [...ORCHESTRATOR_LOOP_STEPS],
      },
      {
        // Only the worker's prompt (the task's title and details) names the file; the handoff lists titles only.
        match: 'src/feature.ts',
        steps: [
          { type: 'tool_call', id: 'edit', title: 'Edit src/feature.ts', kind: 'edit', status: 'pending' },
          { type: 'delay', ms: 2000 },
          { type: 'tool_update', id: 'edit', status: 'completed', content: 'written' },
          { type: 'text', text: 'Implemented the feature.' },
        ],
      },
    ],
    default: { steps: [{ type: 'text', text: 'Ready.' }] },
  });

  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script, undefined, { orchestrator: 'custom', worker: 'custom' });
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await expect(page.getByTestId('tasks-empty')).toBeVisible();

  // 1. A task with no orchestrator yet: queued, and the card says what the wake waits for.
  await addTask(page, 'Implement the feature', 'Add src/feature.ts behind a flag.', 'high');
  const row = task(page, 'Implement the feature');
  await expect(row).toHaveAttribute('data-run-status', 'queued');
  await expect(row).toContainText('High');
  await expect(page.getByRole('tab', { name: 'Tasks' })).toContainText('1');
  const wake = card(page).getByTestId('wake-status');
  await expect(wake).toHaveText('Wake pending: 1 new run — No orchestrator: start one to work on the queue');
  await page.screenshot({ path: screenshotPath('tasks-queued-no-orchestrator') });

  // 2. Start the orchestrator: its handoff first, then the wake; it claims the run and starts a worker.
  await card(page).getByRole('button', { name: 'Start orchestrator' }).click();
  await expect(row).toHaveAttribute('data-run-status', 'running', { timeout: 30_000 });
  const workerLink = row.getByTestId('task-worker');
  await expect(workerLink).toHaveText('Implement the feature');
  await expect(wake).toContainText(/^Woke (just now|\d+ s ago)/);
  await page.screenshot({ path: screenshotPath('tasks-run-running') });

  // The worker is on the board, beside the orchestrator.
  await page.getByRole('tab', { name: 'Board' }).click();
  const workerCard = page.getByTestId('session-card').filter({ hasText: 'Worker' });
  await expect(workerCard).toHaveCount(1);
  await expect(workerCard).toContainText('Implement the feature');
  await expect(card(page)).toHaveAttribute('data-state', 'running');
  await page.screenshot({ path: screenshotPath('tasks-worker-card') });

  // 3. The worker ends its turn, the orchestrator (woken in its wait) completes the run with what the worker said.
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await expect(row).toHaveAttribute('data-run-status', 'completed', { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row.getByTestId('run-summary')).toHaveText('Done: Worker said: Implemented the feature.');
  await expect(row.getByRole('button', { name: 'Cancel task' })).toBeHidden();
  await expect(wake).toContainText(/^Woke /);
  await page.screenshot({ path: screenshotPath('tasks-run-completed') });

  // The worker serving the run is one click away.
  await row.getByTestId('task-worker').click();
  const view = page.getByTestId('session-view');
  await expect(view).toContainText('Add src/feature.ts behind a flag.');
  await expect(view).toContainText('Implemented the feature.');
  await page.screenshot({ path: screenshotPath('tasks-worker-opened') });
});

test('a failed run is retried from the panel (a new attempt, the orchestrator woken again); an open task is canceled', async ({ page }) => {
  test.setTimeout(120_000);
  const repo = ws.repo('billing');
  const script = ws.writeScript({
    prompts: [
      {
        match: 'Wake-up',
        steps: [
          { type: 'mcp_call', tool: 'claim_next_run', save: 'claim' },
          { type: 'mcp_call', tool: 'fail_run', args: { runId: '{{claim.run.id}}', claimToken: '{{claim.claimToken}}', summary: 'Could not reproduce: no invoice in the test data.' } },
          { type: 'text', text: 'Failed the run.' },
        ],
      },
    ],
    default: { steps: [{ type: 'text', text: 'Ready.' }] },
  });

  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script, undefined, { orchestrator: 'custom', worker: 'custom' });
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await card(page).getByRole('button', { name: 'Start orchestrator' }).click();
  await expect(card(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect(card(page).getByTestId('session-status')).toHaveText('Idle', { timeout: 20_000 });

  await addTask(page, 'Fix the invoice rounding', 'Totals are off by a cent.');
  const row = task(page, 'Fix the invoice rounding');
  await expect(row).toHaveAttribute('data-run-status', 'failed', { timeout: 30_000 });
  await expect(row.getByTestId('run-summary')).toHaveText('Failed: Could not reproduce: no invoice in the test data.');
  await page.screenshot({ path: screenshotPath('tasks-run-failed') });

  // Retry: a second attempt is queued, the orchestrator is woken and (this script) fails it again.
  await row.getByRole('button', { name: 'Retry' }).click();
  await expect(row).toContainText('Attempt 2', { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-run-status', 'failed', { timeout: 30_000 });
  await expect(card(page).getByTestId('wake-status')).toContainText(/^Woke /);

  // Cancel asks first, then the task leaves the queue and is listed under Canceled.
  await row.getByRole('button', { name: 'Cancel task' }).click();
  await expect(row.getByRole('group', { name: 'Confirm cancel' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('tasks-cancel-confirm') });
  await row.getByRole('button', { name: 'Yes, cancel it' }).click();
  await expect(row).toHaveAttribute('data-status', 'canceled');
  await page.getByRole('group', { name: 'Show tasks' }).getByRole('button', { name: /^Open/ }).click();
  await expect(page.getByTestId('tasks-empty')).toHaveText('No open tasks.');
  await page.getByRole('group', { name: 'Show tasks' }).getByRole('button', { name: /^Canceled/ }).click();
  await expect(task(page, 'Fix the invoice rounding')).toHaveAttribute('data-status', 'canceled');
  await page.screenshot({ path: screenshotPath('tasks-canceled') });
});

test('a worker that crashes leaves its run Needs attention with the reason; Recover puts it back in the queue and wakes the orchestrator, which completes it', async ({ page }) => {
  test.setTimeout(120_000);
  const repo = ws.repo('search');
  const orchestrator = ws.writeScript({
    prompts: [
      {
        // The recovered run comes back through the queue. (It is completed here without a second worker: main's recover
        // keeps the crashed worker on the run, so spawn_worker refuses it with worker_exists; reported to main.)
        match: 'recovered run',
        steps: [
          { type: 'mcp_call', tool: 'claim_next_run', save: 'claim' },
          { type: 'mcp_call', tool: 'complete_run', args: { runId: '{{claim.run.id}}', claimToken: '{{claim.claimToken}}', summary: 'Reindexed it myself after the worker crashed.' } },
          { type: 'text', text: 'Recovered run completed.' },
        ],
      },
      {
        match: 'Wake-up',
        // The shared loop, except that worker_status and complete_run are refused when the worker crashed (the run
        // needs attention): the orchestrator leaves it to a person rather than failing its turn.
        steps: ORCHESTRATOR_LOOP_STEPS.map((s) =>
          s.type === 'text' ? { ...s, text: 'Done with this wake.' } : s.tool === 'worker_status' || s.tool === 'complete_run' ? { ...s, failTurn: false } : s,
        ),
      },
    ],
    default: { steps: [{ type: 'text', text: 'Ready.' }] },
  });
  // Workers run "Claude Code": a fake claude-agent-acp whose first start crashes mid-turn, and every later one works.
  const crash = ws.writeScript({ default: { steps: [{ type: 'text', text: 'Indexing…' }, { type: 'delay', ms: 500 }, { type: 'crash', code: 1, stderr: 'worker: out of memory (on purpose)' }] } }, 'crash.json');
  const good = ws.writeScript({ default: { steps: [{ type: 'text', text: 'Reindexed the catalogue.' }] } }, 'good.json');
  const bin = join(ws.dir, 'bin');
  mkdirSync(bin);
  const marker = join(ws.dir, 'crashed-once');
  const agent = (s: string) => `exec "${process.execPath}" "${SCRIPTED_AGENT}" --script "${s}" "$@"`;
  writeFileSync(join(bin, 'claude-agent-acp'), `#!/bin/sh\nif [ ! -e "${marker}" ]; then touch "${marker}"; ${agent(crash)}; fi\n${agent(good)}\n`);
  chmodSync(join(bin, 'claude-agent-acp'), 0o755);

  await ws.serve(page, { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
  await addProjectWithScriptedAgent(page, repo, orchestrator, undefined, { orchestrator: 'custom', worker: 'claude-code' });
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await card(page).getByRole('button', { name: 'Start orchestrator' }).click();
  await expect(card(page).getByTestId('session-status')).toHaveText('Idle', { timeout: 30_000 });

  await addTask(page, 'Reindex the catalogue', 'The search index is stale.');
  const row = task(page, 'Reindex the catalogue');
  await expect(row).toHaveAttribute('data-run-status', 'needs_attention', { timeout: 30_000 });
  await expect(row.getByTestId('run-status')).toHaveText('Needs attention');
  // A worker agent that dies mid-turn is interrupted (its conversation kept for Continue), not failed: issue 11.
  await expect(row.getByTestId('run-attention')).toContainText('Its worker was interrupted');
  await expect(row.getByTestId('task-worker').locator('..').getByTestId('session-status')).toHaveText('Interrupted');
  await page.screenshot({ path: screenshotPath('tasks-run-needs-attention') });

  await row.getByRole('button', { name: 'Recover' }).click();
  await expect(row).toHaveAttribute('data-run-status', 'completed', { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row.getByTestId('run-summary')).toHaveText('Done: Reindexed it myself after the worker crashed.');
  await expect(row.getByTestId('run-attention')).toBeHidden();
  await expect(card(page).getByTestId('wake-status')).toContainText(/^Woke /);
  await page.screenshot({ path: screenshotPath('tasks-run-recovered') });
});
