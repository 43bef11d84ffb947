import { expect, test, type Page } from '@playwright/test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from './support/chromium';
import { screenshotPath } from './support/server';
import { addProjectWithScriptedAgent, startSession } from './support/sessions';
import { useWorkspace } from './support/workspace';

test.skip(!findChromium(), HOW_TO_GET_CHROMIUM);

const ws = useWorkspace('inbox');

/** "Build" waits a moment (time to leave the session for the board), asks to run a command, then runs it: it writes built.txt. */
const SCRIPT = {
  prompts: [
    {
      match: 'Build',
      steps: [
        { type: 'delay', ms: 1500 },
        { type: 'permission', toolCallId: 'make-{turn}', title: 'Run make build', kind: 'execute', options: [
          { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
          { optionId: 'always', name: 'Always allow', kind: 'allow_always' },
          { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
        ] },
        { type: 'spawn_tool', id: 'make-run-{turn}', title: 'make build', command: 'sh', args: ['-c', 'echo built > built.txt'], wait: true },
        { type: 'text', text: 'Built.' },
      ],
    },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

/** The worktrees (under the data dir) where the agent's command wrote built.txt. */
function builtIn(dataDir: string): string[] {
  const root = join(dataDir, 'worktrees');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((p) => readdirSync(join(root, p)).filter((w) => existsSync(join(root, p, w, 'built.txt'))));
}

/**
 * Every Notification the page raises, kept for the test (the permission is granted to the page's origin first),
 * the notifications themselves (to click one), and every tone the page's WebAudio starts (the optional sound).
 */
async function captureNotifications(page: Page): Promise<void> {
  // Page code, as a string: the spec is compiled for Node. Each construction still goes to the browser's own Notification.
  await page.addInitScript({
    content: `
      const Real = window.Notification;
      const seen = [];
      const raised = [];
      Object.defineProperty(window, '__notifications', { value: seen });
      Object.defineProperty(window, '__raised', { value: raised });
      window.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          seen.push({ title, body: (options && options.body) || '' });
          raised.push(this);
        }
      };
      const tones = [];
      Object.defineProperty(window, '__tones', { value: tones });
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args) {
        tones.push(this.frequency.value);
        return start.apply(this, args);
      };`,
  });
}
type Raised = { title: string; body: string };
const notifications = async (page: Page): Promise<Raised[]> => JSON.parse(String(await page.evaluate('JSON.stringify(window.__notifications || [])'))) as Raised[];
const tones = async (page: Page): Promise<number> => Number(await page.evaluate('(window.__tones || []).length'));
/** What a person's click on the newest notification runs: its onclick, as the browser calls it. */
const clickNewestNotification = (page: Page): Promise<unknown> => page.evaluate('window.__raised[window.__raised.length - 1].onclick()');

test('a worker asks: inbox count, title, a notification; answered from its card, the command runs; then auto-approved with no prompt', async ({ page, context }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await captureNotifications(page);
  const server = await ws.serve(page);
  await context.grantPermissions(['notifications'], { origin: new URL(server.url).origin });
  await page.reload();
  await addProjectWithScriptedAgent(page, ws.repo('shop'), ws.writeScript(SCRIPT));

  await startSession(page, 'Build the shop');
  // Back to the board before it asks: a notification is for a session not on screen.
  await page.getByRole('tab', { name: 'Board' }).click();
  await expect(page.getByTestId('sidebar-inbox-count')).toHaveText('1', { timeout: 30_000 });
  await expect(page).toHaveTitle('(1) Baton');
  await expect.poll(() => notifications(page)).toEqual([{ title: 'Build the shop asks for permission', body: 'Run make build' }]);
  const group = (g: string) => page.locator(`[data-testid="board-group"][data-group="${g}"]`);
  await expect(group('needs_you').getByTestId('session-card')).toContainText('Build the shop');

  // The inbox lists it with every option; the screenshot at both sizes.
  await page.getByTestId('sidebar-inbox').click();
  const item = page.getByTestId('inbox-item');
  await expect(item).toHaveAttribute('data-reason', 'permission');
  await expect(item.getByRole('button')).toContainText(['Build the shop', 'Allow', 'Always allow', 'Reject']);
  await page.screenshot({ path: screenshotPath('inbox-1400x900') });
  await page.setViewportSize({ width: 900, height: 700 });
  await page.screenshot({ path: screenshotPath('inbox-900x700') });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByRole('button', { name: 'Close' }).click();

  // Answered from the card: the command runs.
  const card = page.getByTestId('session-card').filter({ hasText: 'Build the shop' });
  await card.getByTestId('permission-answer').getByRole('button', { name: 'Allow', exact: true }).click();
  await expect.poll(() => builtIn(server.dataDir).length, { timeout: 30_000 }).toBe(1);
  await expect(card.getByTestId('permission-answer')).toHaveCount(0);
  // The board regroups as the facts move: ready for review once the turn ends with its change.
  await expect(group('review').getByTestId('session-card')).toContainText('Build the shop', { timeout: 30_000 });
  // The turn ended with a change: the inbox now says it is ready for review.
  await page.getByTestId('sidebar-inbox').click();
  await expect(page.getByTestId('inbox-item')).toHaveAttribute('data-reason', 'review', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Mark reviewed' }).click();
  await expect(page.getByTestId('inbox-empty')).toBeVisible();
  await expect(page).toHaveTitle('Baton');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(group('idle').getByTestId('session-card')).toContainText('Build the shop');
  await page.getByLabel('Filter sessions').fill('nothing like it');
  await expect(page.getByTestId('session-card')).toHaveCount(0);
  await page.getByLabel('Filter sessions').fill('shop');
  await expect(page.getByTestId('session-card')).toHaveCount(1);

  // Auto-approve everything: the next worker is never asked; its transcript says auto-approved.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Approval policy').selectOption('all');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved')).toBeVisible();
  const before = (await notifications(page)).length;
  await page.getByRole('tab', { name: 'Board' }).click();
  await startSession(page, 'Build it again');
  const answered = page.getByTestId('session-view').locator('[data-automatic="policy_all"]');
  await expect(answered).toHaveText('auto-approved (policy: Auto-approve everything)', { timeout: 30_000 });
  await expect.poll(() => builtIn(server.dataDir).length, { timeout: 30_000 }).toBe(2);
  expect((await notifications(page)).slice(before).filter((n) => n.title.includes('asks for permission'))).toEqual([]);
});

test('a muted project raises no notification but still counts; unmuted with the sound on, a notification chimes and its click opens the session', async ({ page, context }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await captureNotifications(page);
  const server = await ws.serve(page);
  await context.grantPermissions(['notifications'], { origin: new URL(server.url).origin });
  await page.reload();
  await addProjectWithScriptedAgent(page, ws.repo('shop'), ws.writeScript(SCRIPT));

  // Muted from the project's Settings tab (saved on change: enabled again once main has it).
  const mute = page.getByTestId('project-notifications').getByRole('checkbox', { name: /Mute this project’s notifications/ });
  // A click, then the stored state: the box is controlled by what main saved, so it flips after the save's round trip.
  await mute.click();
  await expect(mute).toBeEnabled();
  await expect(mute).toBeChecked();
  await page.getByTestId('project-notifications').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('notifications-project-muted-1400x900') });

  await startSession(page, 'Build the shop');
  await page.getByRole('tab', { name: 'Board' }).click();
  // It counts like any other: the sidebar, the title and the inbox say so.
  await expect(page.getByTestId('sidebar-inbox-count')).toHaveText('1', { timeout: 30_000 });
  await expect(page).toHaveTitle('(1) Baton');
  await page.getByTestId('sidebar-inbox').click();
  await expect(page.getByTestId('inbox-item')).toHaveAttribute('data-reason', 'permission');
  // The page's notifier saw this inbox before the panel drew it: had the project not been muted, it would be raised by now.
  expect(await notifications(page)).toEqual([]);
  await page.getByRole('button', { name: 'Close' }).click();

  // Answered; its turn ends with a change to review, still muted: nothing raised for that either.
  const card = page.getByTestId('session-card').filter({ hasText: 'Build the shop' });
  await card.getByTestId('permission-answer').getByRole('button', { name: 'Allow', exact: true }).click();
  await page.getByTestId('sidebar-inbox').click();
  await expect(page.getByTestId('inbox-item')).toHaveAttribute('data-reason', 'review', { timeout: 30_000 });
  expect(await notifications(page)).toEqual([]);
  await page.getByRole('button', { name: 'Close' }).click();

  // Unmuted, and the sound turned on in Baton's settings: turning it on plays the chime once (from the click).
  await page.getByRole('tab', { name: 'Settings' }).click();
  await mute.click();
  await expect(mute).toBeEnabled();
  await expect(mute).not.toBeChecked();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const sound = page.getByTestId('notification-settings').getByRole('checkbox', { name: /Play a sound with notifications/ });
  await expect(sound).not.toBeChecked();
  await sound.click();
  await expect(sound).toBeEnabled();
  await expect(sound).toBeChecked();
  await expect.poll(() => tones(page)).toBeGreaterThan(0);
  await page.screenshot({ path: screenshotPath('notifications-app-settings-1400x900') });
  await page.getByTestId('app-settings-dialog').getByRole('button', { name: 'Done' }).click();
  const chimed = await tones(page);

  // The next request is raised (with the chime) while the person is on another tab.
  await page.getByRole('tab', { name: 'Board' }).click();
  await startSession(page, 'Build it again');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect.poll(() => notifications(page), { timeout: 30_000 }).toEqual([{ title: 'Build it again asks for permission', body: 'Run make build' }]);
  await expect.poll(() => tones(page)).toBeGreaterThan(chimed);
  await expect(page.getByTestId('session-view')).toHaveCount(0);

  // Clicking it opens that session, on its project's board.
  await clickNewestNotification(page);
  await expect(page.getByTestId('session-view').locator('.session-title')).toHaveText('Build it again');
  await expect(page.getByRole('tab', { name: 'Board' })).toHaveAttribute('aria-selected', 'true');
  await page.screenshot({ path: screenshotPath('notifications-clicked-1400x900') });
});
