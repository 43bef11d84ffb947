import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/app/core';
import { createApi } from '../../src/renderer/src/api/client';
import { connectStore, createBatonStore, type BatonStore } from '../../src/renderer/src/app/store';
import { placeKey, type PlaceStorage } from '../../src/renderer/src/app/place';
import { selectSelectedProject } from '../../src/renderer/src/features/projects/projects';
import { selectOpenSession } from '../../src/renderer/src/features/session/sessions';
import { selectSessionAction } from '../../src/renderer/src/features/recovery/session-actions';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import { createHarness, makeRepo, type Harness } from '../support/core-harness';
import { waitUntil } from '../support/scripted';
import { inProcessTransport } from './in-process-transport';

let h: Harness;
const disconnects: (() => void)[] = [];

/** localStorage's contract, in memory: what a tab keeps across a reload. */
function memoryStorage(): PlaceStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, read: (k) => data.get(k) ?? null, write: (k, v) => void data.set(k, v) };
}

/** A tab: a store connected to a core, opened with whatever the storage kept. */
async function openTab(core: Core, places: PlaceStorage): Promise<BatonStore> {
  const store = createBatonStore({ api: createApi(inProcessTransport(core)), places });
  disconnects.push(connectStore(store, inProcessTransport(core)));
  await waitUntil(() => store.getState(), (s) => s.placeRestored && s.sessionsLoaded, 10_000, 'the place to settle');
  return store;
}

async function addProject(name: string) {
  return (await h.must('projects.add', { path: makeRepo(h.tempDir()), name })).project;
}

beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  for (const off of disconnects.splice(0)) off();
  await h.cleanup();
});

describe('the person keeps their place', () => {
  it('a reload and a restart reopen the same project and view', async () => {
    await addProject('First');
    const second = await addProject('Second');
    const storage = memoryStorage();
    const tab = await openTab(h.core, storage);
    tab.getState().selectProject(second.id);
    tab.getState().setProjectTab('worktrees');
    expect(JSON.parse(storage.data.get(placeKey(h.dataDir))!)).toEqual({ projectId: second.id, tab: 'worktrees', sessionId: null });

    const reloaded = await openTab(h.core, storage);
    expect(selectSelectedProject(reloaded.getState())?.id).toBe(second.id);
    expect(reloaded.getState().projectTab).toBe('worktrees');

    // A restarted main on the same data dir: the same place.
    const restarted = await openTab(h.reopen().core, storage);
    expect(restarted.getState().selectedProjectId).toBe(second.id);
    expect(restarted.getState().projectTab).toBe('worktrees');
  });

  it('an open session is part of the place', async () => {
    const project = await addProject('P');
    const storage = memoryStorage();
    const fakeSession = 'session-1';
    storage.write(placeKey(h.dataDir), JSON.stringify({ projectId: project.id, tab: 'board', sessionId: fakeSession }));
    const tab = await openTab(h.core, storage);
    expect(tab.getState().openSessionId).toBe(fakeSession);
    tab.getState().openSession(null);
    expect(JSON.parse(storage.data.get(placeKey(h.dataDir))!)).toMatchObject({ sessionId: null });
  });

  it('after a restart with projects and nothing stored, the first project’s board shows, not "add your first project"', async () => {
    const first = await addProject('First');
    await addProject('Second');
    const tab = await openTab(h.reopen().core, memoryStorage());
    expect(selectSelectedProject(tab.getState())?.id).toBe(first.id);
    expect(tab.getState().projectTab).toBe('board');
  });

  it('a project that no longer exists falls back to the board of the first project', async () => {
    const first = await addProject('First');
    const gone = await addProject('Gone');
    const storage = memoryStorage();
    storage.write(placeKey(h.dataDir), JSON.stringify({ projectId: gone.id, tab: 'settings', sessionId: null }));
    await h.must('projects.remove', { id: gone.id });
    const tab = await openTab(h.core, storage);
    expect(tab.getState().selectedProjectId).toBe(first.id);
    expect(tab.getState().projectTab).toBe('board');

    // Removed while open: the first remaining project's board.
    const other = await addProject('Other');
    tab.getState().selectProject(other.id);
    await h.must('projects.remove', { id: other.id });
    await waitUntil(() => tab.getState().selectedProjectId, (id) => id === first.id, 10_000, 'the fallback');
  });

  it('a place is kept per Baton (data dir): another one does not open it', async () => {
    const project = await addProject('Mine');
    const storage = memoryStorage();
    storage.write(placeKey('/some/other/baton'), JSON.stringify({ projectId: 'elsewhere', tab: 'tasks', sessionId: null }));
    const tab = await openTab(h.core, storage);
    expect(tab.getState().selectedProjectId).toBe(project.id);
    expect(tab.getState().projectTab).toBe('board');
  });
});

describe('bugs in the place and its notices', () => {
  it('the Board tab shows the board, not the session opened last', async () => {
    const project = await addProject('P');
    const tab = await openTab(h.core, memoryStorage());
    const session = { id: 's1', projectId: project.id, state: 'idle' } as SessionSummary;
    tab.setState((s) => ({ sessions: { ...s.sessions, s1: session } }));
    tab.getState().openSession('s1');
    tab.getState().setProjectTab('tasks');
    tab.getState().showBoard();
    expect(tab.getState().projectTab).toBe('board');
    expect(selectOpenSession(tab.getState())).toBeNull();
  });

  it('"Resumed…" goes once the session is done', async () => {
    const tab = await openTab(h.core, memoryStorage());
    const at = (state: SessionSummary['state']) => ({ s1: { id: 's1', projectId: 'p', state } as SessionSummary });
    tab.setState({ sessionActions: { s1: { kind: 'continue', phase: 'done', message: 'Resumed: …' } }, sessions: at('busy') });
    expect(selectSessionAction('s1')(tab.getState())).toMatchObject({ phase: 'done' });
    tab.setState({ sessions: at('idle') });
    expect(selectSessionAction('s1')(tab.getState())).toMatchObject({ phase: 'done' });
    tab.setState({ sessions: at('stopped') });
    expect(selectSessionAction('s1')(tab.getState())).toBeNull();
  });
});
