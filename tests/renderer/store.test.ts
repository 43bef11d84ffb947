import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../src/renderer/src/api/client';
import { connectStore, createBatonStore, type BatonStore } from '../../src/renderer/src/app/store';
import { selectStoreError } from '../../src/renderer/src/app/status';
import { selectConnectionLabel } from '../../src/renderer/src/app/connection';
import { selectProjects, selectSelectedProject } from '../../src/renderer/src/features/projects/projects';
import { selectWorktreePanel } from '../../src/renderer/src/features/worktrees/worktrees';
import { createHarness, makeRepo, type Harness } from '../support/core-harness';
import { inProcessTransport } from './in-process-transport';
import { until as waitFor } from '../support/wait';

let h: Harness;
let store: BatonStore;
let disconnect: () => void;
let transport: ReturnType<typeof inProcessTransport>;

const until = (pred: () => boolean, ms = 5000): Promise<void> => waitFor(pred, 'condition', ms);

beforeEach(() => {
  h = createHarness();
  transport = inProcessTransport(h.core);
  store = createBatonStore({ api: createApi(transport) });
  disconnect = connectStore(store, transport);
});
afterEach(async () => {
  disconnect();
  await h.cleanup();
});

describe('renderer store against a real core', () => {
  it('loads by query on connect, then follows events', async () => {
    await until(() => store.getState().projectsLoaded && store.getState().status !== null);
    expect(selectConnectionLabel(store.getState())).toBe('connected');
    expect(selectStoreError(store.getState())).toBeNull();
    expect(selectProjects(store.getState())).toEqual([]);

    const repo = makeRepo(h.tempDir());
    const added = await h.must('projects.add', { path: repo, name: 'Followed' });
    await until(() => selectProjects(store.getState()).length === 1);
    expect(selectProjects(store.getState())[0]!.name).toBe('Followed');

    store.getState().selectProject(added.project.id);
    expect(selectSelectedProject(store.getState())?.id).toBe(added.project.id);
    await store.getState().loadWorktrees(added.project.id);
    expect(selectWorktreePanel(added.project.id)(store.getState())?.worktrees).toEqual([]);
    await h.must('worktrees.create', { projectId: added.project.id, name: 'w' });
    await until(() => selectWorktreePanel(added.project.id)(store.getState())?.worktrees.length === 1);
  });

  it('deselects a project removed elsewhere, and resync reloads everything', async () => {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo });
    await until(() => selectProjects(store.getState()).length === 1);
    store.getState().selectProject(project.id);
    await h.must('projects.remove', { id: project.id });
    await until(() => selectProjects(store.getState()).length === 0);
    expect(store.getState().selectedProjectId).toBeNull();

    // Events missed while "disconnected" are recovered by the resync after a reconnect.
    const silent = makeRepo(h.tempDir());
    const stop = h.core.hub.listen(() => {});
    await h.core.router.call('projects.add', { path: silent }, { via: 'test' });
    stop();
    store.setState({ projects: [] });
    transport.resync();
    await until(() => selectProjects(store.getState()).length === 1);
  });
});
