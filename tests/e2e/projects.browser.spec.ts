import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { removeDir, screenshotPath, startServer, stopServer, type RunningServer } from './support/server';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

let server: RunningServer | null = null;
let work: string;
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });

test.beforeEach(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'baton-e2e-work-')));
  server = await startServer();
});
test.afterEach(async () => {
  if (server) {
    await stopServer(server);
    removeDir(server.dataDir);
    server = null;
  }
  rmSync(work, { recursive: true, force: true });
});

function makeRepo(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

test('add a project by path: bad paths are explained inline, a good one lands in the sidebar; settings mask env secrets', async ({ page }) => {
  const repo = makeRepo('shop-api');
  const plain = join(work, 'not-a-repo');
  mkdirSync(plain);
  await page.goto(server!.url);
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  const dialog = page.getByTestId('add-project-dialog');
  const input = dialog.getByLabel('Repository folder');
  const check = dialog.getByTestId('path-check');
  const submit = dialog.getByRole('button', { name: 'Add project' });

  await input.fill(join(work, 'missing'));
  await expect(check).toHaveAttribute('data-state', 'error');
  await expect(check).toContainText('does not exist');
  await expect(submit).toBeDisabled();
  await page.screenshot({ path: screenshotPath('add-project-missing') });

  await input.fill(plain);
  await expect(check).toHaveAttribute('data-state', 'error');
  await expect(check).toContainText(/not .*git/i);
  await page.screenshot({ path: screenshotPath('add-project-not-a-repo') });

  await input.fill(repo);
  await expect(check).toHaveAttribute('data-state', 'ok');
  await expect(check).toContainText('on main');
  await page.screenshot({ path: screenshotPath('add-project-ok') });
  await submit.click();

  await expect(dialog).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Projects' })).toContainText('shop-api');
  await expect(page.getByTestId('project-view')).toContainText(repo);

  await page.getByRole('tab', { name: 'Settings' }).click();
  const env = page.getByTestId('env-editor');
  await env.getByLabel('Variable name').fill('STRIPE_SECRET');
  await env.getByLabel('Variable value').fill('sk_test_e2e_do_not_show');
  await env.getByRole('button', { name: 'Set' }).click();
  await expect(env.getByTestId('env-row')).toContainText('STRIPE_SECRET');
  await expect(env.getByTestId('env-row')).toContainText('••••••••');
  await expect(page.locator('body')).not.toContainText('sk_test_e2e_do_not_show');
  await page.screenshot({ path: screenshotPath('project-settings'), fullPage: true });

  // After a reload the secret is still masked: the page never receives it.
  await page.reload();
  await page.getByRole('button', { name: /shop-api/ }).click();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('env-row')).toContainText('STRIPE_SECRET');
  expect(await page.content()).not.toContain('sk_test_e2e_do_not_show');
});

test('worktrees panel: create, a release that fails for real shows git’s reason, Retry completes it, preserved work listed', async ({ page }) => {
  const repo = makeRepo('billing');
  await page.goto(server!.url);
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  await page.getByLabel('Repository folder').fill(repo);
  await expect(page.getByTestId('path-check')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('add-project-dialog').getByRole('button', { name: 'Add project' }).click();
  await page.getByRole('tab', { name: 'Worktrees' }).click();

  await page.getByLabel('New worktree name').fill('fix-invoices');
  await page.getByRole('button', { name: 'New worktree' }).click();
  const row = page.getByTestId('worktree-row');
  await expect(row).toHaveAttribute('data-status', 'active');
  await expect(row).toContainText('baton/billing-fix-invoices');

  const wtPath = join(server!.dataDir, 'worktrees', 'billing', 'fix-invoices');
  writeFileSync(join(wtPath, 'notes.txt'), 'uncommitted\n');
  git(repo, 'worktree', 'lock', '--reason', 'e2e', wtPath);
  await row.getByRole('button', { name: 'Release' }).click();
  await expect(row).toHaveAttribute('data-status', 'release_failed');
  await expect(row).toContainText(/lock/i);
  await page.screenshot({ path: screenshotPath('worktree-release-failed'), fullPage: true });

  git(repo, 'worktree', 'unlock', wtPath);
  await row.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('worktree-row')).toHaveCount(0);
  await expect(page.getByTestId('preserved-row')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('worktree-released'), fullPage: true });
});
