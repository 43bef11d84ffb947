import type { SessionState } from './session-state';

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

/**
 * Session states that still own their worktree, so nothing may delete it
 * under them. Live ones (pending … stopping) have, or are about to have, an
 * agent working in it. `interrupted` and `failed` have none running, but
 * Continue and Retry start the agent again in the same folder, so the folder
 * is still theirs. `stopped` was ended by a person and `retired` is history.
 * `retiring` has been stopped already and whoever retires it (the replacement
 * saga, Retire duplicates) releases its worktree next, preserving its work.
 */
export const HOLDING_STATES: readonly SessionState[] = ['pending', 'starting', 'idle', 'busy', 'waiting_input', 'stopping', 'interrupted', 'failed'];

export const holdsWorktree = (state: SessionState): boolean => HOLDING_STATES.includes(state);
