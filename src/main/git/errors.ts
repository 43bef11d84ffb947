import type { AppError } from '../../shared/result';

/**
 * How the caller should react: `invalid` means the request itself is wrong and
 * retrying cannot help; `transient` means the same call may succeed later
 * without anyone doing anything; `needs_you` means a person has to act first.
 */
export type GitErrorKind = 'invalid' | 'transient' | 'needs_you';

export type GitErrorCode =
  | 'invalid_path'
  | 'not_found'
  | 'not_a_directory'
  | 'permission_denied'
  | 'not_a_repository'
  | 'unsafe_repository'
  | 'no_commits'
  | 'invalid_name'
  | 'base_not_found'
  | 'path_escape'
  | 'path_exists'
  | 'path_in_use'
  | 'branch_checked_out'
  | 'not_a_worktree'
  | 'main_worktree'
  | 'worktree_locked'
  | 'worktree_busy'
  | 'worktree_has_submodules'
  | 'unregistered_directory'
  | 'git_lock'
  | 'preserved_not_found'
  | 'restore_conflict'
  | 'git_missing'
  | 'git_timeout'
  | 'git_failed';

export interface GitError extends AppError {
  code: GitErrorCode;
  kind: GitErrorKind;
  /** Human sentence: what failed and what to do about it. */
  message: string;
  /** git's own stderr, verbatim, so nothing is lost in translation. */
  gitMessage?: string;
}

export function gitError(code: GitErrorCode, kind: GitErrorKind, message: string, gitMessage?: string): GitError {
  const trimmed = gitMessage?.trim();
  return trimmed ? { code, kind, message, gitMessage: trimmed } : { code, kind, message };
}

// Git prints these when another process holds (or a crashed one left behind)
// one of its lock files; the operation succeeds once the lock is released.
const LOCK_PATTERNS = [/Unable to create '([^']+\.lock)': File exists/i, /cannot lock ref/i, /could not lock/i];

// What the OS says when a directory cannot be deleted right now: a process has a
// file open (Windows), a mount point, or permissions/attributes set by someone.
const BUSY_PATTERNS = [
  /failed to delete/i,
  /Device or resource busy/i,
  /Resource busy/i,
  /Operation not permitted/i,
  /Permission denied/i,
  /Directory not empty/i,
];

/**
 * Turns a failed git invocation into a GitError a person can act on.
 * `action` completes the sentence "Could not ...".
 */
export function classifyGitFailure(action: string, stderr: string, worktreePath?: string): GitError {
  const where = worktreePath ? ` "${worktreePath}"` : '';
  const lock = LOCK_PATTERNS.map((p) => p.exec(stderr)).find((m) => m !== null);
  if (lock) {
    const file = lock[1] ? ` (${lock[1]})` : '';
    return gitError(
      'git_lock',
      'transient',
      `Could not ${action}: another git process is using the repository${file}. ` +
        'Try again in a moment; if it keeps failing and no git command is running, delete the stale .lock file.',
      stderr,
    );
  }
  if (/cannot (remove|move) a locked working tree/i.test(stderr)) {
    return gitError(
      'worktree_locked',
      'needs_you',
      `Could not ${action}: the worktree${where} is locked. ` +
        `Unlock it with \`git worktree unlock ${worktreePath ?? '<path>'}\` if nothing still needs it, then retry.`,
      stderr,
    );
  }
  if (/containing submodules cannot be/i.test(stderr)) {
    return gitError(
      'worktree_has_submodules',
      'needs_you',
      `Could not ${action}: the worktree${where} contains submodules, which git will not remove. ` +
        'Deinitialize them (`git submodule deinit --all`) in that worktree, then retry.',
      stderr,
    );
  }
  if (BUSY_PATTERNS.some((p) => p.test(stderr))) {
    return gitError(
      'worktree_busy',
      'transient',
      `Could not ${action}: part of the directory${where} cannot be deleted right now ` +
        '(a program may have a file open, or permissions/attributes forbid it). ' +
        'Close whatever uses it (or restore its permissions) and retry.',
      stderr,
    );
  }
  return gitError('git_failed', 'needs_you', `Could not ${action}: git reported an error (see details).`, stderr);
}
