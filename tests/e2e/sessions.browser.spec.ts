import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { removeDir, screenshotPath, startServer, stopServer, type RunningServer } from './support/server';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

const AGENT = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/scripted-agent/agent.mjs');
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' };
let server: RunningServer | null = null;
let work: string;

test.beforeEach(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'baton-e2e-sessions-')));
  server = await startServer();
});
test.afterEach(async () => {
  if (server) {
    await stopServer(server);
    removeDir(server.dataDir);
    server = null;
  }
  try {
    execFileSync('pkill', ['-f', work], { stdio: 'ignore' });
  } catch {
    // Nothing left to kill: the expected case.
  }
  rmSync(work, { recursive: true, force: true });
});

test('a session with the scripted agent: the transcript streams, a permission is answered, a long tool is cancelled', async ({ page }) => {
  const repo = join(work, 'webapp');
  mkdirSync(repo);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo, env: gitEnv });
  writeFileSync(join(repo, 'README.md'), '# webapp\n');
  execFileSync('git', ['add', '-A'], { cwd: repo, env: gitEnv });
  execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: repo, env: gitEnv });
  const script = join(work, 'script.json');
  writeFileSync(
    script,
    JSON.stringify({
      prompts: [
        {
          match: 'Fix',
          steps: [
            { type: 'thought', text: 'Reading the code first.' },
            { type: 'text', text: 'I will **fix** the login bug.\n\n- read the code\n- run the tests' },
            { type: 'tool_call', id: 'read', title: 'Read src/login.ts', kind: 'read', status: 'pending' },
            { type: 'delay', ms: 300 },
            { type: 'tool_update', id: 'read', status: 'completed', content: 'export function login() {}' },
            { type: 'permission', id: 'tests', title: 'Run npm test' },
            { type: 'text', text: 'Tests pass.' },
          ],
        },
        { match: 'long', steps: [{ type: 'spawn_tool', id: 'build', command: 'sleep', args: ['30'], wait: true }] },
      ],
    }),
  );

  await page.goto(server!.url);
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  await page.getByLabel('Repository folder').fill(repo);
  await expect(page.getByTestId('path-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('add-project-dialog').getByRole('button', { name: 'Add project' }).click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Custom agent command').fill(`"${process.execPath}" "${AGENT}" --script "${script}"`);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved')).toBeVisible();

  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByTestId('new-session-dialog');
  await dialog.getByRole('combobox', { name: /^Agent/ }).selectOption('custom');
  await dialog.getByLabel('First prompt').fill('Fix the login bug');
  await dialog.getByRole('button', { name: 'Start session' }).click();

  const view = page.getByTestId('session-view');
  await expect(view).toBeVisible();
  await expect(view.getByTestId('msg-user')).toContainText('Fix the login bug');
  await expect(view.getByTestId('tool-call')).toHaveAttribute('data-status', 'completed');
  const permission = view.getByTestId('permission');
  await expect(permission).toContainText('Run npm test');
  await expect(view.getByTestId('session-status')).toHaveText('Needs you');
  await expect(view.locator('.msg-agent strong')).toHaveText('fix');
  await page.screenshot({ path: screenshotPath('session-permission') });

  await permission.getByRole('button', { name: 'Allow' }).click();
  await expect(view.getByTestId('session-status')).toHaveText('Idle');
  await expect(view).toContainText('Tests pass.');
  await expect(permission).toHaveAttribute('data-answered', 'true');
  await page.screenshot({ path: screenshotPath('session-turn-done') });

  await view.getByLabel('Prompt').fill('Now a long build');
  await view.getByRole('button', { name: 'Send' }).click();
  await expect(view.getByTestId('session-status')).toHaveText('Working');
  await expect(view.getByTestId('tool-call').nth(1)).toHaveAttribute('data-status', 'in_progress');
  await page.screenshot({ path: screenshotPath('session-working') });
  await view.getByRole('button', { name: 'Cancel' }).click();
  await expect(view.getByTestId('session-status')).toHaveText('Idle');
  await expect(view).toContainText('Turn ended · cancelled');
  await page.screenshot({ path: screenshotPath('session-cancelled') });

  await view.getByRole('button', { name: '← Board' }).click();
  await expect(page.getByTestId('session-card')).toHaveCount(1);
  await page.getByTestId('session-card').click();
  await view.getByRole('button', { name: 'Stop' }).click();
  await expect(view.getByTestId('session-status')).toHaveText('Stopped');
  await page.getByRole('button', { name: '← Board' }).click();
  await page.screenshot({ path: screenshotPath('board-one-session') });
});
