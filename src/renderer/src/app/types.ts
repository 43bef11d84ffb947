/** The whole store's types, apart from the file that builds it: slices name BatonState without importing the store's index. */
import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../../../shared/contracts';
import type { AgentsSlice } from '../features/settings/agents';
import type { InboxSlice } from '../features/inbox/inbox';
import type { AppSlice } from './status';
import type { ConnectionSlice } from './connection';
import type { FollowSlice } from './follow';
import type { OrchestratorSlice } from '../features/orchestrator/orchestrator';
import type { PlaceSlice, PlaceStorage } from './place';
import type { ProjectsSlice } from '../features/projects/projects';
import type { RecoverySlice } from '../features/recovery/recovery';
import type { SessionActionsSlice } from '../features/recovery/session-actions';
import type { SessionsSlice } from '../features/session/sessions';
import type { TasksSlice } from '../features/tasks/tasks';
import type { TerminalsSlice } from '../features/terminals/terminals';
import type { WorktreesSlice } from '../features/worktrees/worktrees';

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
  TerminalsSlice &
  PlaceSlice &
  AgentsSlice &
  InboxSlice;

export interface StoreDeps {
  api: Api;
  /** Where the person's place (project and view) is kept across reloads; none: not kept. */
  places?: PlaceStorage;
}

export type BatonStore = StoreApi<BatonState>;
