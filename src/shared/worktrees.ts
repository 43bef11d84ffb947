/** Stored facts about a worktree; what people see is derived by `worktreeStatus`. */
export interface WorktreeFacts {
  state: 'active' | 'releasing' | 'released';
  hasError: boolean;
  /** Whether git still lists it (null: not checked). */
  registered: boolean | null;
}

export type WorktreeStatus = 'active' | 'missing' | 'releasing' | 'release_failed' | 'released';

/** Ordered rules; the first that matches wins. */
export function worktreeStatus(f: WorktreeFacts): WorktreeStatus {
  if (f.state === 'released') return 'released';
  if (f.state === 'releasing') return f.hasError ? 'release_failed' : 'releasing';
  if (f.registered === false) return 'missing';
  return 'active';
}

export const WORKTREE_STATUS_LABELS: Record<WorktreeStatus, string> = {
  active: 'Active',
  missing: 'Missing on disk',
  releasing: 'Releasing…',
  release_failed: 'Release failed',
  released: 'Released',
};
