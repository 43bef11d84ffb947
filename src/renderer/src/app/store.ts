/** The renderer's one store: its slices built together, and connected to main (load by query, follow by event, resync after a reconnect). */
import { createStore } from 'zustand/vanilla';
import type { JournalRecord } from '../../../shared/journal';
import { createApi, createSubscribe } from '../api/client';
import type { Transport } from '../api/transport';
import { createAgentsSlice } from '../features/settings/agents';
import { createInboxSlice } from '../features/inbox/inbox';
import { createAppSlice } from './status';
import { createConnectionSlice } from './connection';
import { createFollowSlice, followedProjects, isFollowed } from './follow';
import { frameBatch, oneAtATime } from './frame';
import { createOrchestratorSlice } from '../features/orchestrator/orchestrator';
import { createPlaceSlice, keepPlace } from './place';
import { createProjectsSlice } from '../features/projects/projects';
import { createRecoverySlice } from '../features/recovery/recovery';
import { createSessionActionsSlice } from '../features/recovery/session-actions';
import { createSessionsSlice } from '../features/session/sessions';
import { createTasksSlice } from '../features/tasks/tasks';
import { createTerminalsSlice } from '../features/terminals/terminals';
import { createWorktreesSlice } from '../features/worktrees/worktrees';

import type { BatonState, BatonStore, StoreDeps } from './types';

export type { BatonState, BatonStore, StoreDeps };

/** More of a project's sessions changed in one frame than this: one read of its list instead of a read each. */
const MANY_CHANGED = 8;
/** Sessions of more projects than this changed in one frame: one read of the whole list. */
const MANY_PROJECTS = 3;


export function createBatonStore(deps: StoreDeps): BatonStore {
  const store = createStore<BatonState>()((...a) => ({
    ...createConnectionSlice(...a),
    ...createFollowSlice(...a),
    ...createAppSlice(deps)(...a),
    ...createProjectsSlice(deps)(...a),
    ...createWorktreesSlice(deps)(...a),
    ...createRecoverySlice(deps)(...a),
    ...createSessionsSlice(deps)(...a),
    ...createSessionActionsSlice(deps)(...a),
    ...createOrchestratorSlice(deps)(...a),
    ...createTasksSlice(deps)(...a),
    ...createTerminalsSlice(deps)(...a),
    ...createPlaceSlice(deps)(...a),
    ...createAgentsSlice(deps)(...a),
    ...createInboxSlice(deps)(...a),
  }));
  if (deps.places) keepPlace(store, deps.places);
  return store;
}

/**
 * The renderer mirrors main: load by query, follow by event, and reload
 * everything after a reconnect, since events sent meanwhile are gone. A
 * project's own queries are followed once it has been opened in this window
 * (`followed`); others load when opened.
 */
export function connectStore(store: BatonStore, transport: Transport): () => void {
  const s = () => store.getState();
  const subscribe = createSubscribe(transport);
  const api = createApi(transport);
  // Reads of summaries, one at a time per key: 50 streaming sessions change every frame, and a read is answered later.
  const readAll = oneAtATime(() => s().loadSessions());
  const readSession = oneAtATime((id) => s().loadSession(id));
  const readProject = oneAtATime(async (projectId) => {
    const r = await api.sessions.list({ projectId });
    if (!r.ok) return;
    // The project's list is complete for it: the other projects' summaries stay as held.
    const others = Object.values(s().sessions).filter((x) => x.projectId !== projectId);
    s().receiveSummaries([...others, ...r.value], true);
  });
  const reloadAll = (): void => {
    void s().loadStatus();
    void s().loadProjects();
    void s().loadSessions();
    void s().loadInbox();
    for (const id of Object.keys(s().records)) void s().loadRecords(id);
    for (const projectId of followedProjects(s(), 'worktrees')) void s().loadWorktrees(projectId);
    for (const projectId of followedProjects(s(), 'orchestrator')) void s().loadOrchestrator(projectId);
    for (const projectId of followedProjects(s(), 'tasks')) void s().loadTasks(projectId);
    for (const projectId of followedProjects(s(), 'wakes')) void s().loadWake(projectId);
    for (const projectId of followedProjects(s(), 'terminals')) void s().loadTerminals(projectId);
  };
  // Once a frame: a streaming session changes (its last seq) and sends records many times a frame.
  const changed = frameBatch<string>((pending) => {
    const wakes = new Set<string>();
    const byProject = new Map<string, string[]>();
    for (const [sessionId, projectIds] of pending) byProject.set(projectIds[0] as string, [...(byProject.get(projectIds[0] as string) ?? []), sessionId]);
    if (!s().sessionsLoaded || byProject.size > MANY_PROJECTS) readAll('all');
    else {
      for (const [projectId, ids] of byProject) {
        if (ids.length > MANY_CHANGED) readProject(projectId);
        else for (const id of ids) readSession(id);
      }
    }
    for (const [sessionId, projectIds] of pending) {
      // The wake waits on the orchestrator's state (busy, waiting for an answer), which moves without a tasks event.
      // A worker's moves reach it as a tasks event when they matter; a session not held yet may be an orchestrator.
      const worker = s().sessions[sessionId]?.role === 'worker';
      const projectId = projectIds[0] as string;
      if (!worker && isFollowed(s(), 'wakes', projectId)) wakes.add(projectId);
    }
    for (const projectId of wakes) void s().loadWake(projectId);
  });
  // At the next frame: the open transcript's new text is drawn and painted in it.
  const incoming = frameBatch<JournalRecord[]>((pending) => {
    for (const [sessionId, batches] of pending) s().receiveRecords(sessionId, batches.flat());
  }, { atFrame: true });
  const offs = [
    () => changed.cancel(),
    () => incoming.cancel(),
    transport.onState((c) => s().setConnection(c)),
    transport.onResync(() => {
      s().resetStartupNotice();
      reloadAll();
    }),
    subscribe(
      'app.statusChanged',
      (status) => s().receiveStatus(status),
      // The event carries the whole status; a payload this build cannot read is fetched instead.
      () => void s().loadStatus(),
    ),
    subscribe('projects.changed', () => void s().loadProjects()),
    subscribe('terminals.changed', ({ projectId }) => {
      if (isFollowed(s(), 'terminals', projectId)) void s().loadTerminals(projectId);
    }),
    subscribe(
      'inbox.changed',
      (view) => s().receiveInbox(view),
      () => void s().loadInbox(),
    ),
    subscribe('inbox.openRequested', ({ projectId, sessionId }) => s().showSession(projectId, sessionId)),
    subscribe('sessions.changed', ({ sessionId, projectId }) => changed.add(sessionId, projectId)),
    subscribe('orchestrator.changed', ({ projectId }) => {
      if (isFollowed(s(), 'orchestrator', projectId)) void s().loadOrchestrator(projectId);
      if (isFollowed(s(), 'wakes', projectId)) void s().loadWake(projectId);
    }),
    subscribe('tasks.changed', ({ projectId }) => {
      if (isFollowed(s(), 'tasks', projectId)) void s().loadTasks(projectId);
      if (isFollowed(s(), 'wakes', projectId)) void s().loadWake(projectId);
    }),
    subscribe('worktrees.changed', ({ projectId }) => {
      if (isFollowed(s(), 'worktrees', projectId)) void s().loadWorktrees(projectId);
    }),
  ];
  // Journal records of the open session only (its topic): 20 streaming agents send a page that shows one of them
  // two thousand lines a second, each frame parsed and checked here (issue 16). A window held for a session while it
  // was not open missed its lines meanwhile: opened again, it reads on from its end.
  let recordsOff: (() => void) | null = null;
  let followed: string | null = null;
  const followRecords = (): void => {
    const open = s().openSessionId;
    if (open === followed) return;
    recordsOff?.();
    recordsOff = null;
    followed = open;
    if (open === null) return;
    recordsOff = subscribe('sessions.records', ({ sessionId, records }) => incoming.add(sessionId, records), undefined, open);
    if (s().records[open]) void s().loadRecords(open);
  };
  offs.push(store.subscribe(followRecords), () => recordsOff?.());
  followRecords();
  reloadAll();
  return () => offs.forEach((off) => off());
}
