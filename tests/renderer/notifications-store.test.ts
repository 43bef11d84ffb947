import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../src/renderer/src/api/client';
import { connectStore, createBatonStore, type BatonStore } from '../../src/renderer/src/app/store';
import { mutedProjects } from '../../src/renderer/src/features/inbox/rules';
import { createHarness, makeRepo, type Harness } from '../support/core-harness';
import { until as waitFor } from '../support/wait';
import { inProcessTransport } from './in-process-transport';

/** The page's side of notifications against a real core: it follows the mute and the sound, and a desktop click opens the session. */
let h: Harness;
let store: BatonStore;
let disconnect: () => void;
const until = (pred: () => boolean, what: string): Promise<void> => waitFor(pred, what, 5000);

beforeEach(() => {
  h = createHarness();
  const transport = inProcessTransport(h.core);
  store = createBatonStore({ api: createApi(transport) });
  disconnect = connectStore(store, transport);
});
afterEach(async () => {
  disconnect();
  await h.cleanup();
});

describe('notifications in the renderer store', () => {
  it('follows a project’s mute and the sound setting as they are changed elsewhere (the CLI, another window)', async () => {
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'Followed' });
    await until(() => store.getState().projects.length === 1, 'the project listed');
    expect(mutedProjects(store.getState().projects).has(project.id)).toBe(false);
    await h.must('projects.update', { id: project.id, patch: { notificationsMuted: true } });
    await until(() => mutedProjects(store.getState().projects).has(project.id), 'the mute followed');
    await h.must('projects.update', { id: project.id, patch: { notificationsMuted: false } });
    await until(() => !mutedProjects(store.getState().projects).has(project.id), 'the unmute followed');

    await until(() => store.getState().status !== null, 'the status loaded');
    expect(store.getState().status?.settings.notificationSound).toBeUndefined();
    await h.must('app.updateSettings', { notificationSound: true });
    await until(() => store.getState().status?.settings.notificationSound === true, 'the sound setting followed');
  });

  it('a clicked desktop notification (inbox.openRequested) opens that session on its project’s board', async () => {
    const a = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'A' });
    const b = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'B' });
    await until(() => store.getState().projects.length === 2, 'both projects listed');
    store.getState().selectProject(a.project.id);
    store.getState().setProjectTab('settings');
    h.core.hub.emit('inbox.openRequested', { projectId: b.project.id, sessionId: 'session-in-b' });
    await until(() => store.getState().openSessionId === 'session-in-b', 'the session opened');
    expect(store.getState()).toMatchObject({ selectedProjectId: b.project.id, projectTab: 'board', openSessionId: 'session-in-b' });
  });
});
