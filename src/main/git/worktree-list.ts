import type { Result } from '../../shared/result';
import { ok } from '../../shared/result';
import { classifyGitFailure, type GitError } from './errors';
import { git } from './exec';

export interface WorktreeInfo {
  path: string;
  /** Commit checked out, null for a bare repository entry. */
  head: string | null;
  /** Short branch name (`baton/p-x`), null when detached or bare. */
  branch: string | null;
  detached: boolean;
  bare: boolean;
  locked: boolean;
  lockReason: string | null;
  /** Git would prune it: its directory is gone (or its gitdir file is broken). */
  prunable: boolean;
  prunableReason: string | null;
  /** The repository's main working tree, which is never removed. */
  isMain: boolean;
}

/**
 * Parses `git worktree list --porcelain -z`: attributes are NUL-terminated and
 * an empty attribute ends a record, so paths with newlines survive.
 */
export function parseWorktreeList(output: string): WorktreeInfo[] {
  const result: WorktreeInfo[] = [];
  let current: WorktreeInfo | null = null;
  for (const field of output.split('\0')) {
    if (field === '') {
      if (current) result.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? null : field.slice(space + 1);
    if (key === 'worktree') {
      if (current) result.push(current);
      current = {
        path: value ?? '',
        head: null,
        branch: null,
        detached: false,
        bare: false,
        locked: false,
        lockReason: null,
        prunable: false,
        prunableReason: null,
        isMain: result.length === 0,
      };
      continue;
    }
    if (!current) continue;
    switch (key) {
      case 'HEAD':
        current.head = value;
        break;
      case 'branch':
        current.branch = value?.replace(/^refs\/heads\//, '') ?? null;
        break;
      case 'detached':
        current.detached = true;
        break;
      case 'bare':
        current.bare = true;
        break;
      case 'locked':
        current.locked = true;
        current.lockReason = value;
        break;
      case 'prunable':
        current.prunable = true;
        current.prunableReason = value;
        break;
      default:
        // Newer git versions may add attributes; ignoring them keeps us working.
        break;
    }
  }
  if (current) result.push(current);
  return result;
}

export async function listWorktrees(repoPath: string): Promise<Result<WorktreeInfo[], GitError>> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repoPath }, (stderr) =>
    classifyGitFailure('list the worktrees', stderr),
  );
  if (!out.ok) return out;
  return ok(parseWorktreeList(out.value));
}
