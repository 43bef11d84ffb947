import type { StateCreator } from 'zustand';
import type { WorktreePanel } from '../../../shared/contracts/worktrees';
import { followedLoad, withEntry, withoutEntry } from './follow';
import type { BatonState, StoreDeps } from './index';

export interface WorktreesSlice {
  /** Panels read so far, by project id; a panel is read when its project's Worktrees tab opens, and followed from then on. */
  worktreePanels: Record<string, WorktreePanel>;
  worktreeErrors: Record<string, string>;
  loadWorktrees(projectId: string): Promise<void>;
}

export const createWorktreesSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], WorktreesSlice> =>
  (set, get) => ({
    worktreePanels: {},
    worktreeErrors: {},
    loadWorktrees: followedLoad(set, get, {
      query: 'worktrees',
      fetch: (projectId) => deps.api.worktrees.list({ projectId }),
      receive: (projectId, panel) => set((s) => ({ worktreePanels: withEntry(s.worktreePanels, projectId, panel), worktreeErrors: withoutEntry(s.worktreeErrors, projectId) })),
      fail: (projectId, message) => set((s) => ({ worktreeErrors: withEntry(s.worktreeErrors, projectId, message) })),
    }),
  });

export const selectWorktreePanel = (projectId: string) => (s: BatonState) => s.worktreePanels[projectId] ?? null;
