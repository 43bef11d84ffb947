import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Api } from '../../../shared/contracts';
import { AppStatus } from '../../../shared/contracts/app';
import type { JournalRecord } from '../../../shared/journal';
import type { Transport } from '../api/transport';
import { createAgentsSlice, type AgentsSlice } from './agents';
import { createAppSlice, type AppSlice } from './app';
import { createConnectionSlice, type ConnectionSlice } from './connection';
import { createFollowSlice, followedProjects, isFollowed, type FollowSlice } from './follow';
import { createOrchestratorSlice, type OrchestratorSlice } from './orchestrator';
import { createPlaceSlice, keepPlace, type PlaceSlice, type PlaceStorage } from './place';
import { createProjectsSlice, type ProjectsSlice } from './projects';
import { createRecoverySlice, type RecoverySlice } from './recovery';
import { createSessionActionsSlice, type SessionActionsSlice } from './session-actions';
import { createSessionsSlice, type SessionsSlice } from './sessions';
import { createTasksSlice, type TasksSlice } from './tasks';
import { createWorktreesSlice, type WorktreesSlice } from './worktrees';

export type BatonState = ConnectionSlice &
  FollowSlice &
  AppSlice &
  RecoverySlice &
  ProjectsSlice &
  WorktreesSlice &
  SessionsSlice &
  SessionActionsSlice &
  OrchestratorSlice &
  TasksSlice &
  PlaceSlice &
  AgentsSlice;

export interface StoreDeps {
  api: Api;
  /** Where the person's place (project and view) is kept across reloads; none: not kept. */
  places?: PlaceStorage;
}

export type BatonStore = StoreApi<BatonState>;

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
    ...createPlaceSlice(deps)(...a),
    ...createAgentsSlice(deps)(...a),
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
  const reloadAll = (): void => {
    void s().loadStatus();
    void s().loadProjects();
    void s().loadSessions();
    for (const id of Object.keys(s().records)) void s().loadRecords(id);
    for (const projectId of followedProjects(s(), 'worktrees')) void s().loadWorktrees(projectId);
    for (const projectId of followedProjects(s(), 'orchestrator')) void s().loadOrchestrator(projectId);
    for (const projectId of followedProjects(s(), 'tasks')) void s().loadTasks(projectId);
    for (const projectId of followedProjects(s(), 'wakes')) void s().loadWake(projectId);
  };
  const offs = [
    transport.onState((c) => s().setConnection(c)),
    transport.onResync(() => {
      s().resetStartupNotice();
      reloadAll();
    }),
    transport.subscribe('app.statusChanged', (payload) => {
      // The event carries the whole status; a payload this build cannot read is fetched instead.
      const status = AppStatus.safeParse(payload);
      if (status.success) s().receiveStatus(status.data);
      else void s().loadStatus();
    }),
    transport.subscribe('projects.changed', () => void s().loadProjects()),
    transport.subscribe('sessions.changed', (payload) => {
      const id = (payload as { sessionId?: unknown }).sessionId;
      if (typeof id === 'string') void s().loadSession(id);
      // The wake waits on the orchestrator's state (busy, waiting for an answer), which moves without a tasks event.
      // A worker's moves reach it as a tasks event when they matter; a session not held yet may be an orchestrator.
      const projectId = projectIdOf(payload);
      const worker = typeof id === 'string' && s().sessions[id]?.role === 'worker';
      if (!worker && isFollowed(s(), 'wakes', projectId)) void s().loadWake(projectId);
    }),
    transport.subscribe('sessions.records', (payload) => {
      const p = payload as { sessionId?: unknown; records?: unknown };
      if (typeof p.sessionId === 'string' && Array.isArray(p.records)) s().receiveRecords(p.sessionId, p.records as JournalRecord[]);
    }),
    transport.subscribe('orchestrator.changed', (payload) => {
      const projectId = projectIdOf(payload);
      if (isFollowed(s(), 'orchestrator', projectId)) void s().loadOrchestrator(projectId);
      if (isFollowed(s(), 'wakes', projectId)) void s().loadWake(projectId);
    }),
    transport.subscribe('tasks.changed', (payload) => {
      const projectId = projectIdOf(payload);
      if (isFollowed(s(), 'tasks', projectId)) void s().loadTasks(projectId);
      if (isFollowed(s(), 'wakes', projectId)) void s().loadWake(projectId);
    }),
    transport.subscribe('worktrees.changed', (payload) => {
      const projectId = projectIdOf(payload);
      if (isFollowed(s(), 'worktrees', projectId)) void s().loadWorktrees(projectId);
    }),
  ];
  reloadAll();
  return () => offs.forEach((off) => off());
}

function projectIdOf(payload: unknown): string | null {
  const id = payload && typeof payload === 'object' && 'projectId' in payload ? payload.projectId : null;
  return typeof id === 'string' ? id : null;
}
