import type { StateCreator } from 'zustand';
import type { WorktreePanel } from '../../../shared/contracts/worktrees';
import type { BatonState, StoreDeps } from './index';

export interface WorktreesSlice {
  /** Loaded panels by project id; a panel is loaded when its project is opened. */
  worktreePanels: Record<string, WorktreePanel>;
  worktreeErrors: Record<string, string>;
  loadWorktrees(projectId: string): Promise<void>;
}

export const createWorktreesSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], WorktreesSlice> =>
  (set) => ({
    worktreePanels: {},
    worktreeErrors: {},
    async loadWorktrees(projectId) {
      const r = await deps.api.worktrees.list({ projectId });
      if (r.ok) {
        set((s) => ({
          worktreePanels: { ...s.worktreePanels, [projectId]: r.value },
          worktreeErrors: Object.fromEntries(Object.entries(s.worktreeErrors).filter(([k]) => k !== projectId)),
        }));
      } else {
        set((s) => ({ worktreeErrors: { ...s.worktreeErrors, [projectId]: r.error.message } }));
      }
    },
  });

export const selectWorktreePanel = (projectId: string) => (s: BatonState) => s.worktreePanels[projectId] ?? null;
