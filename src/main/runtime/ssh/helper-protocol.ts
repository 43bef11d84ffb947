/**
 * The remote helper's (remote.js) requests and the answer shapes that carry a version, shared by main and the helper
 * so the two cannot drift apart. Nothing here may import a package: remote.js runs where only Node is (bundle.ts).
 */
import type { ReviewGitOp } from '../../git/review-ops';
import type { JournalTailRead } from '../../sessions/host-port';

/**
 * Bumped when a helper verb's answer changes shape or a verb is added that main relies on. 2: `tail` (a journal's
 * tail facts and a range of its lines) and `journal` with an upper bound. 3: `terminal` (launch, exit, scrollback,
 * alive, remove: terminals on the destination, ADR 0017's amendment). 4: `review` (review's git run there). The bundle's folder is named by its
 * hash, so main normally runs the helper it shipped; the number catches a helper from another build all the same,
 * as the host's hello does for the socket protocol.
 */
export const REMOTE_HELPER_PROTOCOL = 4;

/** `remote.js tail <dataDir> <session> <afterSeq> <throughSeq>`. */
export interface TailAnswer extends JournalTailRead {
  v: number;
  /** Bytes of the journal file there: what a whole read would have carried, for the figures. */
  journalBytes: number;
}

/** The manager's methods a remote call may name; the helper refuses any other. */
export const REMOTE_WORKTREE_METHODS = ['create', 'list', 'reconcile', 'preserve', 'listPreserved', 'restore', 'release', 'restoreAsNew', 'putBack'] as const;
export type RemoteWorktreeMethod = (typeof REMOTE_WORKTREE_METHODS)[number];

export interface RemoteWorktreeRequest {
  repoPath: string;
  worktreeRoot: string;
  /** `open` only resolves the manager (its realpath'd repoPath and worktreeRoot). */
  method: RemoteWorktreeMethod | 'open';
  args: unknown[];
}

/** `remote.js review`: one review git operation, run there with the arguments it has here. */
export interface RemoteReviewRequest {
  op: ReviewGitOp;
  args: unknown[];
}
