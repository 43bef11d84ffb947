/** A file's two sides in a diff (before and after), read from git and the worktree, capped in size. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileContents } from '../../shared/contracts/review';
import type { Result } from '../../shared/result';
import { fail, ok } from '../../shared/result';
import { runGit } from '../git/exec';
import { isInside, realpathDeep } from '../git/paths';
import type { ReviewService } from './service';

/** Past this, a side is not sent: expanding context in a file this big is not what the view is for. */
export const MAX_CONTENT_BYTES = 1024 * 1024;

/**
 * Both sides of one changed file, for "expand the unchanged context" in the
 * Changes view: the old side is the blob at the diff's `from` commit (git),
 * the new side the file in the worktree, which is what the diff compared.
 * Asked per file, on a click: never for the whole list.
 */
export function createReviewFile(deps: { review: Pick<ReviewService, 'target' | 'worktreeTarget'> }) {
  /** Of a session's worktree (`sessionId`) or of a worktree no session holds (`worktreeId`). */
  return async function fileContents(input: ({ sessionId: string } | { worktreeId: string }) & { from: string; path: string; oldPath: string | null }): Promise<Result<FileContents>> {
    const t = 'sessionId' in input ? deps.review.target(input.sessionId) : deps.review.worktreeTarget(input.worktreeId);
    if (!t.ok) return t;
    const root = await realpathDeep(t.value.worktreePath);
    const full = await realpathDeep(path.join(root, input.path));
    if (!isInside(full, root)) return fail('path_escape', `"${input.path}" is not inside the session's worktree.`);

    let newText: string | null = null;
    const size = await stat(full).then((s) => (s.isFile() ? s.size : -1), () => -1);
    if (size > MAX_CONTENT_BYTES) return fail('too_large', `"${input.path}" is over 1 MB; its context is not expanded here. Open it from the worktree.`);
    if (size >= 0) newText = await readFile(full, 'utf8');

    // `from:path` names the blob exactly as the diff saw it; a missing blob is an added file.
    const old = await runGit(['cat-file', '-p', `${input.from}:${input.oldPath ?? input.path}`], { cwd: t.value.worktreePath });
    if (!old.ok) return fail(old.error.code, old.error.message);
    let oldText: string | null = null;
    if (old.value.code === 0) {
      if (old.value.stdout.length > MAX_CONTENT_BYTES) return fail('too_large', `The old "${input.path}" is over 1 MB; its context is not expanded here.`);
      oldText = old.value.stdout.toString('utf8');
    }
    return ok({ path: input.path, old: oldText, new: newText });
  };
}
