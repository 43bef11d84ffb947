import { lstat } from 'node:fs/promises';
import type { WorktreeInfo } from './worktree-list';
import { samePath } from './paths';

/** What every manager operation needs to know about its repository, resolved once. */
export interface RepoContext {
  /** The repository's main working tree, realpath'd (see createWorktreeManager). */
  repoPath: string;
  /** The shared `.git` directory, realpath'd; linked worktrees are registered under `<commonDir>/worktrees`. */
  commonDir: string;
  /** `worktreeRoot`, realpath'd; every managed worktree must stay under it. */
  realRoot: string;
}

export async function findWorktree(entries: readonly WorktreeInfo[], target: string): Promise<WorktreeInfo | undefined> {
  const exact = entries.find((e) => e.path === target);
  if (exact) return exact;
  for (const entry of entries) {
    if (await samePath(entry.path, target)) return entry;
  }
  return undefined;
}

export type PathKind = 'missing' | 'directory' | 'symlink' | 'other';

export async function pathKind(p: string): Promise<PathKind> {
  try {
    const info = await lstat(p);
    if (info.isSymbolicLink()) return 'symlink';
    return info.isDirectory() ? 'directory' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw e;
  }
}
