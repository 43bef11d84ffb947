import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { desktopNotifications, mutedProjectsVia } from '../../../src/main/electron/notify-decide';
import type { AppStatus } from '../../../src/shared/contracts/app';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import { newItems, mutedProjects } from '../../../src/shared/inbox';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { reviewSession, teardown } from '../review/helpers';

/** Notifications' settings over a real core: a project's mute and the sound, stored, validated and followed; the mute rule on a real inbox. */
let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

const ASKS = {
  prompts: [
    {
      match: 'ask',
      steps: [
        { type: 'permission', toolCallId: 'run-{turn}', title: 'Run make', kind: 'execute', options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }] },
        { type: 'text', text: 'done' },
      ],
    },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

describe('a project’s mute', () => {
  it('is off for a new project, saved alone by a patch, listed, announced and kept across a restart', async () => {
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'Quiet' });
    expect(project.notificationsMuted).toBe(false);
    expect((await h.must('projects.get', { id: project.id })).notificationsMuted).toBe(false);

    const changedBefore = h.events.filter((e) => e.name === 'projects.changed').length;
    const muted = await h.must('projects.update', { id: project.id, patch: { notificationsMuted: true } });
    expect(muted).toMatchObject({ notificationsMuted: true, name: 'Quiet', approvalPolicy: 'ask' });
    expect(h.events.filter((e) => e.name === 'projects.changed').length).toBe(changedBefore + 1);
    expect((await h.must('projects.list', {})).map((p) => [p.name, p.notificationsMuted])).toEqual([['Quiet', true]]);
    // The settings form saves its own fields without this one: the mute stays.
    await h.must('projects.update', { id: project.id, patch: { name: 'Still quiet', approvalPolicy: 'edits' } });
    expect((await h.must('projects.get', { id: project.id })).notificationsMuted).toBe(true);

    const again = h.reopen();
    expect((await again.call<ProjectSummary[]>('projects.list', {}))[0]?.notificationsMuted).toBe(true);
    await again.core.close();

    expect((await h.must('projects.update', { id: project.id, patch: { notificationsMuted: false } })).notificationsMuted).toBe(false);
  });

  it('is validated at the contract: only true or false, the field named in words', async () => {
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()) });
    const r = await h.core.router.call('projects.update', { id: project.id, patch: { notificationsMuted: 'yes' } }, { via: 'test' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.message).toContain('notifications muted');
    expect(r.error.message).not.toMatch(/input\.|patch\./);
    const unknown = await h.core.router.call('projects.update', { id: 'no-such-project', patch: { notificationsMuted: true } }, { via: 'test' });
    expect(!unknown.ok && unknown.error.code).toBe('project_not_found');
  });

  it('leaves a muted project’s waiting session in the inbox, and out of the notifications (desktop and page rules)', { timeout: 120_000 }, async () => {
    const loud = await reviewSession(h, { script: ASKS, title: 'Loud worker' });
    const quiet = await reviewSession(h, { script: ASKS, title: 'Quiet worker' });
    await h.must('projects.update', { id: quiet.project.id, patch: { notificationsMuted: true } });
    // Idle may be seen before the first prompt's turn has begun: the prompt is sent again (same key) until the agent takes it.
    for (const { session } of [loud, quiet]) {
      const sent = await waitUntil(
        () => h.call('sessions.prompt', { id: session.id, text: 'ask first', idempotencyKey: `notify-${session.id}` }),
        (r) => r.ok || r.error.code !== 'session_not_ready',
        30_000,
        'the agent to take the prompt',
      );
      expect(sent.ok).toBe(true);
    }
    const inbox = await waitUntil(() => h.must('inbox.list', {}), (v) => v.items.filter((i) => i.reason === 'permission').length === 2, 60_000, 'both requests in the inbox');
    // Both count: the inbox (its count, the title, the badge) is the same muted or not.
    expect(inbox.items.map((i) => i.title).sort()).toEqual(['Loud worker', 'Quiet worker']);

    // The desktop shell reads the mute through the router, as it does in the app.
    const muted = await mutedProjectsVia(h.core.router, { via: 'test' });
    expect([...muted]).toEqual([quiet.project.id]);
    const desktop = desktopNotifications({ before: [], after: inbox.items, supported: true, windowFocused: false, mutedProjectIds: muted });
    expect(desktop.map((i) => i.title)).toEqual(['Loud worker']);
    // The page reads it from the project list it holds.
    const page = newItems([], inbox.items, null, mutedProjects(await h.must('projects.list', {})));
    expect(page.map((i) => i.title)).toEqual(['Loud worker']);
  });
});

describe('the notification sound setting', () => {
  it('is off until chosen, saved, announced, kept across a restart, and only a boolean is taken', async () => {
    const status = await h.must('app.status', {});
    expect(status.settings.notificationSound).toBeUndefined();
    expect(await h.must('app.updateSettings', { notificationSound: true })).toMatchObject({ notificationSound: true, quitBehavior: 'ask' });
    const announced = h.events.filter((e) => e.name === 'app.statusChanged').at(-1)?.payload as AppStatus | undefined;
    expect(announced?.settings.notificationSound).toBe(true);

    const bad = await h.core.router.call('app.updateSettings', { notificationSound: 'loud' }, { via: 'test' });
    expect(!bad.ok && bad.error.code).toBe('invalid_input');
    expect((await h.must('app.status', {})).settings.notificationSound).toBe(true);

    const again = h.reopen();
    expect((await again.call<AppStatus>('app.status', {})).settings.notificationSound).toBe(true);
    await again.core.close();
  });

  it('a stored value this build cannot read is dropped alone: the other settings stay', async () => {
    await h.must('app.updateSettings', { quitBehavior: 'stop_all', hibernateAfterSeconds: 60 });
    // As an older or newer build might have left it.
    const db = new Database(join(h.dataDir, 'baton.db'));
    db.prepare("UPDATE app_meta SET value = ? WHERE key = 'settings'").run(JSON.stringify({ quitBehavior: 'stop_all', hibernateAfterSeconds: 60, notificationSound: 'loud' }));
    db.close();
    const settings = (await callerOf(h.core)<AppStatus>('app.status', {})).settings;
    expect(settings).toEqual({ quitBehavior: 'stop_all', hibernateAfterSeconds: 60 });
  });
});
