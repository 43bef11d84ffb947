/** The worktrees slice: each project's worktrees and preserved refs, and what a Release came to. */
import type { StateCreator } from 'zustand';
import type { ReleasedWorktree, WorktreePanel, WorktreeView } from '../../../../shared/contracts/worktrees';
import type { Result } from '../../../../shared/result';
import { followedLoad, withEntry, withoutEntry } from '../../app/follow';
import type { BatonState, StoreDeps } from '../../app/types';

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

/** What a Release click came to: done (and where the work went), refused because a session holds the worktree, or failed. */
export type ReleaseOutcome = { kind: 'ok' | 'error'; text: string } | { kind: 'in_use'; worktreeId: string; text: string };

export function releaseOutcome(w: Pick<WorktreeView, 'id' | 'name'>, r: Result<ReleasedWorktree>): ReleaseOutcome {
  const name = w.name;
  if (r.ok) {
    const kept = r.value.preservedRef ? `; its uncommitted work is kept under ${r.value.preservedRef}` : '';
    return { kind: 'ok', text: `Released ${name}${kept}.` };
  }
  if (r.error.code === 'worktree_in_use') return { kind: 'in_use', worktreeId: w.id, text: r.error.message };
  return { kind: 'error', text: `Could not release ${name}: ${r.error.message}` };
}

const HELD_STATE: Partial<Record<NonNullable<WorktreeView['heldBy']>['state'], string>> = {
  interrupted: 'interrupted; Continue resumes it here',
  failed: 'failed; Retry starts it here again',
};

/** "In use by “Fix login” (idle)": shown on the row, so Release's refusal is no surprise. */
export function heldByLabel(h: NonNullable<WorktreeView['heldBy']>): string {
  return `In use by “${h.title}” (${HELD_STATE[h.state] ?? h.state.replace('_', ' ')})`;
}

/** The first line of a preserved snapshot's message without Baton's prefix: whose work it is. */
export function preservedOwner(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/^Baton: /, '');
}
