import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_ALIAS, startSshd, type Sshd } from '../support/sshd';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { removeDir, screenshotPath, startServer, stopServer, type RunningServer } from './support/server';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

let server: RunningServer | null = null;
let sshd: Sshd | null = null;
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });

test.beforeEach(async () => {
  sshd = await startSshd();
  // The server's every ssh uses the fixture's config (its key, known_hosts, Host devbox), never ~/.ssh.
  server = await startServer({ env: { BATON_SSH_CONFIG: sshd.configPath } });
});
test.afterEach(async () => {
  if (server) {
    await stopServer(server);
    removeDir(server.dataDir);
    server = null;
  }
  await sshd?.stop();
  sshd = null;
});

test('add a project on an SSH destination; break the link and see Disconnected; see it recover', async ({ page }) => {
  const repo = join(sshd!.remoteHome, 'billing');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# billing\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');

  await page.goto(server!.url);
  await page.getByTestId('projects-empty').getByRole('button', { name: 'Add project' }).click();
  const dialog = page.getByTestId('add-project-dialog');
  await dialog.getByLabel('Repository folder').fill(`ssh://${HOST_ALIAS}${repo}`);
  const check = dialog.getByTestId('path-check');
  await expect(check).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
  await expect(check).toContainText(`Git repository ${repo} on main`);
  await dialog.getByRole('button', { name: 'Add project' }).click();

  const host = page.getByTestId('project-host');
  await expect(host).toHaveText('on devbox · Connected');
  await expect(page.getByTestId('project-view')).toContainText(`ssh://devbox${repo}`);
  await page.screenshot({ path: screenshotPath('remote-project-connected') });

  await sshd!.down();
  await expect(host).toHaveText('on devbox · Disconnected (host unreachable)', { timeout: 15_000 });
  await page.screenshot({ path: screenshotPath('remote-project-disconnected') });

  await sshd!.up();
  await expect(host).toHaveText('on devbox · Connected', { timeout: 20_000 });
});
