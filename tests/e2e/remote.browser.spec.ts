import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_ALIAS, startSshd, type Sshd } from '../support/sshd';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { removeDir, screenshotPath, startServer, stopServer, type RunningServer } from './support/server';
import { addProjectWithScriptedAgent, startSession } from './support/sessions';

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
  const dir = sshd?.dir;
  await sshd?.stop();
  sshd = null;
  // Hosts and agents a test started on the "remote" (this machine) run from its temp dir: none outlives the test.
  if (dir) for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL');
});

/** Live processes whose command line names `dir` (read from /proc). */
function processesMentioning(dir: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

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
  // Its orchestrator runs there too (its Baton tools reach this machine over the link): nothing refuses Start.
  const card = page.getByTestId('orchestrator-card');
  await expect(card.getByRole('button', { name: 'Start orchestrator' })).toBeEnabled();
  await expect(card.getByTestId('orchestrator-refusal')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('remote-project-connected') });

  await sshd!.down();
  await expect(host).toHaveText('on devbox · Disconnected (host unreachable)', { timeout: 15_000 });
  await page.screenshot({ path: screenshotPath('remote-project-disconnected') });

  await sshd!.up();
  await expect(host).toHaveText('on devbox · Connected', { timeout: 20_000 });
});

test('a session on the SSH destination: its card goes Disconnected (host unreachable) when the link breaks, and recovers', async ({ page }) => {
  test.setTimeout(120_000);
  const repo = join(sshd!.remoteHome, 'shop');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# shop\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');
  // The scripted agent runs on the remote (this machine): a slow turn, so the link can break in the middle of it.
  const script = join(sshd!.dir, 'script.json');
  const steps = [...Array.from({ length: 80 }, (_, i) => [{ type: 'text', text: `step ${i}. ` }, { type: 'delay', ms: 100 }]).flat(), { type: 'text', text: 'All steps done.' }];
  writeFileSync(script, JSON.stringify({ prompts: [{ match: 'Refactor', steps }] }));

  await page.goto(server!.url);
  await addProjectWithScriptedAgent(page, `ssh://${HOST_ALIAS}${repo}`, script);
  await startSession(page, 'Refactor the cart');
  const view = page.getByTestId('session-view');
  await expect(view).toContainText('step 3.', { timeout: 30_000 });
  await view.getByRole('button', { name: '← Board' }).click();
  const card = page.getByTestId('session-card');
  await expect(card).toHaveAttribute('data-status', 'Working');

  await sshd!.down();
  await expect(card).toHaveAttribute('data-status', 'Disconnected', { timeout: 20_000 });
  await expect(card.getByTestId('session-status')).toHaveText('Disconnected (host unreachable)');
  await page.screenshot({ path: screenshotPath('remote-session-disconnected') });

  await sshd!.up();
  await expect(card).toHaveAttribute('data-status', 'Idle', { timeout: 60_000 });
  await card.getByRole('button', { name: 'Refactor the cart' }).click();
  await expect(view).toContainText('All steps done.');
  await page.screenshot({ path: screenshotPath('remote-session-recovered') });
});
