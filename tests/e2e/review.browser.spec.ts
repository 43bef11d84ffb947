import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../support/git';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent, startSession } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

/**
 * Review and land an agent's work, end to end in the browser: a scripted
 * agent edits files (a real child process writing into its worktree), the
 * card counts them, Changes shows the diff, a review comment goes back to
 * the agent with its file:line, then commit and merge land it on main.
 */
const ws = useWorkspace('review');

const APP = ['export function total(items) {', '  let t = 0;', '  for (const i of items) t += i.price;', '  return t;', '}', ''].join('\n');

/** A repository with a source file the agent will edit. */
function shopRepo(): string {
  const repo = ws.repo('shop');
  git(repo, 'config', 'user.name', 'Tester');
  git(repo, 'config', 'user.email', 'tester@example.com');
  writeFileSync(join(repo, 'app.js'), APP);
  writeFileSync(join(repo, 'long.txt'), Array.from({ length: 40 }, (_, i) => `line ${i + 1}\n`).join(''));
  git(repo, 'add', 'app.js', 'long.txt');
  git(repo, 'commit', '-qm', 'app');
  return repo;
}

const EDIT = "printf 'export function sum(items) {\\n  return items.reduce((t, i) => t + i.price, 0);\\n}\\n' > app.js && printf '# Notes\\n\\nsum replaces total.\\n' > NOTES.md && sed -i 's/^line 20$/line twenty/' long.txt";

const card = (page: Page) => page.getByTestId('session-card').first();

async function backToBoard(page: Page): Promise<void> {
  await page.getByRole('button', { name: '← Board' }).click();
  await expect(page.getByTestId('session-view')).toHaveCount(0);
}

test('the card counts the agent’s edits; Changes shows the diff; a comment reaches the agent with file:line; commit and merge land it on main', async ({ page }) => {
  test.setTimeout(120_000);
  const repo = shopRepo();
  const script = ws.writeScript({
    prompts: [
      { match: 'review comment', steps: [{ type: 'text', text: 'Addressed the review.' }] },
      {
        steps: [
          { type: 'spawn_tool', id: 'edit', title: 'Edit app.js', command: 'sh', args: ['-c', EDIT], wait: true },
          { type: 'text', text: 'Replaced total with a reduce-based sum and wrote notes.' },
        ],
      },
    ],
    default: { steps: [{ type: 'text', text: 'ok' }] },
  });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script);
  await startSession(page, 'Simplify the total');
  await expect(page.getByTestId('session-view')).toContainText('Replaced total with a reduce-based sum');

  // The board: the card says what changed, without opening anything.
  await backToBoard(page);
  // app.js: 2 lines in for 4 out (the closing brace stays); NOTES.md: 3 new lines; long.txt: one line changed.
  await expect(card(page).getByTestId('card-stat-counts')).toHaveText('3 files +6 −5');
  await page.screenshot({ path: screenshotPath('review-card-counts'), fullPage: true });

  // Changes: the file tree and the diff.
  await card(page).getByRole('button', { name: 'Simplify the total' }).click();
  // The file at the top opens as its full view in the first render, never as a plain preview first (ADR 0023).
  // (Page-side source as a string: the e2e files compile without the DOM's types.)
  await page.evaluate(`new MutationObserver(() => {
    if (document.querySelector('[data-testid="diff-file"]')?.querySelector('[data-testid="diff-plain"]')) document.body.dataset.topFilePreviewed = 'yes';
  }).observe(document.body, { childList: true, subtree: true })`);
  await page.getByTestId('changes-tab').click();
  const view = page.getByTestId('changes-view');
  await expect(view.getByTestId('review-file-row')).toHaveCount(3);
  await expect(view.getByTestId('changes-summary')).toContainText('3 files +6 −5');
  const appDiff = view.locator('[data-testid="diff-file"][data-path="app.js"]');
  await expect(appDiff).toContainText('reduce((t, i) => t + i.price, 0)');
  await expect(appDiff).toContainText('let t = 0;');
  await expect(appDiff.locator('.diff-line').first()).toBeVisible();
  await expect(page.locator('body')).not.toHaveAttribute('data-top-file-previewed', 'yes');
  await page.screenshot({ path: screenshotPath('review-changes-unified') });
  await view.getByRole('radio', { name: 'Split' }).click();
  await expect(appDiff.locator('table').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('review-changes-split') });
  await view.getByRole('radio', { name: 'Unified' }).click();

  // Unchanged context: git's 3 lines around the change, the rest unfolds once the file is read.
  const longDiff = view.locator('[data-testid="diff-file"][data-path="long.txt"]');
  await view.getByTestId('review-file-row').filter({ hasText: 'long.txt' }).getByRole('button').click();
  await expect(longDiff).toContainText('line twenty');
  await expect(longDiff).not.toContainText('line 10\n');
  await expect(longDiff.getByText('line 10', { exact: true })).toHaveCount(0);
  await longDiff.getByRole('button', { name: 'Expand context' }).click();
  await longDiff.getByTitle('Expand Up').first().click();
  await expect(longDiff.getByText('line 10', { exact: true })).toBeVisible();
  await page.screenshot({ path: screenshotPath('review-context-expanded') });

  // A review comment on line 2 of the new app.js.
  const line = appDiff.locator('tr', { hasText: 'return items.reduce' }).first();
  await line.hover();
  await line.locator('.diff-add-widget').first().dispatchEvent('mousedown');
  await line.locator('.diff-add-widget').first().dispatchEvent('mouseup');
  const box = view.getByRole('textbox', { name: /Comment on app\.js:2/ });
  await box.fill('Keep the name total: other modules import it.');
  await view.getByRole('button', { name: 'Add comment' }).click();
  await expect(view.getByTestId('review-comment')).toContainText('Keep the name total');
  await expect(view.getByTestId('review-tray')).toContainText('1 review comment');
  await page.screenshot({ path: screenshotPath('review-comment') });
  // Kept in main until sent: a reload finds the comment where it was.
  await page.reload();
  await page.getByTestId('changes-tab').click();
  await expect(view.getByTestId('review-tray')).toContainText('1 review comment');
  await expect(view.getByTestId('review-comment')).toContainText('Keep the name total');
  await view.getByRole('button', { name: 'Send to agent' }).click();
  await expect(view.getByTestId('review-tray')).toContainText('Sent to the agent');

  // The transcript shows the prompt the agent got, with file:line and the quoted line.
  await page.getByRole('tab', { name: 'Transcript' }).click();
  const sessionView = page.getByTestId('session-view');
  await expect(sessionView).toContainText('app.js:2');
  await expect(sessionView).toContainText('Keep the name total: other modules import it.');
  await expect(sessionView).toContainText('Addressed the review.');
  await page.screenshot({ path: screenshotPath('review-comment-in-transcript') });

  // Commit (message prefilled from the title and the agent's summary), then merge.
  await page.getByTestId('changes-tab').click();
  await expect(view.getByLabel('Commit message')).toHaveValue(/^Simplify the total\n\nAddressed the review\./);
  await view.getByRole('button', { name: 'Commit all' }).click();
  await expect(view.getByTestId('review-outcome-commit')).toContainText('Committed');
  await view.getByRole('button', { name: 'Merge into base' }).click();
  const merged = view.getByTestId('review-outcome-merge');
  await expect(merged).toContainText('Merged (merge) as');
  await page.screenshot({ path: screenshotPath('review-merged') });

  // The base branch has the commit: app.js as the agent wrote it, reachable from main.
  expect(git(repo, 'show', 'main:app.js')).toContain('items.reduce');
  expect(git(repo, 'log', '--format=%s', 'main')).toContain('Simplify the total');
  const mainHead = git(repo, 'rev-parse', '--short=7', 'main').trim();
  await backToBoard(page);
  await expect(card(page).getByTestId('card-merged')).toHaveText(`Merged ${mainHead}`);
  await page.screenshot({ path: screenshotPath('review-card-merged'), fullPage: true });
});

test('a conflicting merge shows the files and “Ask the agent to resolve” sends the agent the prompt', async ({ page }) => {
  test.setTimeout(120_000);
  const repo = shopRepo();
  const script = ws.writeScript({
    prompts: [
      { match: 'conflicts', steps: [{ type: 'text', text: 'Looking at the conflicts.' }] },
      { steps: [{ type: 'spawn_tool', id: 'edit', title: 'Edit README', command: 'sh', args: ['-c', "printf '# shop by the agent\\n' > README.md"], wait: true }, { type: 'text', text: 'Retitled.' }] },
    ],
    default: { steps: [{ type: 'text', text: 'ok' }] },
  });
  await ws.serve(page);
  await addProjectWithScriptedAgent(page, repo, script);
  await startSession(page, 'Retitle the readme');
  await expect(page.getByTestId('session-view')).toContainText('Retitled.');
  // Meanwhile someone changed the same line on main.
  writeFileSync(join(repo, 'README.md'), '# shop by a person\n');
  git(repo, 'commit', '-qam', 'person retitles');

  // Changes opens from the worktree's row too.
  await page.getByRole('tab', { name: 'Worktrees' }).click();
  await page.getByTestId('worktree-row').getByTestId('open-changes').click();
  const view = page.getByTestId('changes-view');
  await expect(view.getByTestId('review-file-row')).toHaveCount(1);
  await view.getByRole('button', { name: 'Commit all' }).click();
  await expect(view.getByTestId('review-outcome-commit')).toContainText('Committed');
  await view.getByRole('button', { name: 'Merge into base' }).click();
  const outcome = view.getByTestId('review-outcome-merge');
  await expect(outcome).toContainText('conflicts');
  await expect(outcome.getByTestId('review-outcome-files')).toHaveText('README.md');
  expect(git(repo, 'show', 'main:README.md')).toBe('# shop by a person\n');
  await page.screenshot({ path: screenshotPath('review-merge-conflict') });

  await outcome.getByRole('button', { name: 'Ask the agent to resolve' }).click();
  await expect(view.getByTestId('review-outcome-resolve')).toContainText('Asked the agent');
  await page.getByRole('tab', { name: 'Transcript' }).click();
  const sessionView = page.getByTestId('session-view');
  await expect(sessionView).toContainText('conflicts in: README.md');
  await expect(sessionView).toContainText('Looking at the conflicts.');
  await page.screenshot({ path: screenshotPath('review-resolve-asked') });
});
