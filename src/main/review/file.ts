/** A file's two sides in a diff (before and after), read from git and the worktree, capped in size, where the worktree is. */
import type { FileContents } from '../../shared/contracts/review';
import type { Result } from '../../shared/result';
import type { ProjectRecord } from '../projects/repository';
import type { ReviewGit } from '../git/review-ops';
import type { ReviewService } from './service';

/**
 * Both sides of one changed file, for "expand the unchanged context" in the
 * Changes view (git/review-ops.ts fileContents), on this machine or the project's
 * SSH destination. Asked per file, on a click: never for the whole list.
 */
export function createReviewFile(deps: { review: Pick<ReviewService, 'target' | 'worktreeTarget'>; git(project: ProjectRecord): Promise<Result<ReviewGit>> }) {
  /** Of a session's worktree (`sessionId`) or of a worktree no session holds (`worktreeId`). */
  return async function fileContents(input: ({ sessionId: string } | { worktreeId: string }) & { from: string; path: string; oldPath: string | null }): Promise<Result<FileContents>> {
    const t = 'sessionId' in input ? deps.review.target(input.sessionId) : deps.review.worktreeTarget(input.worktreeId);
    if (!t.ok) return t;
    const g = await deps.git(t.value.project);
    if (!g.ok) return g;
    return g.value.fileContents({ worktreePath: t.value.worktreePath, from: input.from, path: input.path, oldPath: input.oldPath });
  };
}
