/** The whole store's types, apart from the file that builds it: slices name BatonState without importing the store's index. */
import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../../../shared/contracts';
import type { AgentsSlice } from './agents';
import type { AppSlice } from './app';
import type { ConnectionSlice } from './connection';
import type { FollowSlice } from './follow';
import type { OrchestratorSlice } from './orchestrator';
import type { PlaceSlice, PlaceStorage } from './place';
import type { ProjectsSlice } from './projects';
import type { RecoverySlice } from './recovery';
import type { SessionActionsSlice } from './session-actions';
import type { SessionsSlice } from './sessions';
import type { TasksSlice } from './tasks';
import type { WorktreesSlice } from './worktrees';

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
