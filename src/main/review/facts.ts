import { ReviewFacts } from '../../shared/contracts/review';
import type { AppError, Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { classifyGitFailure } from '../git/errors';
import { git, runGit, stripNewline } from '../git/exec';

/**
 * A session's landing facts (merged, pushed, PR, last-turn snapshot) live in
 * the repository they are about, as a JSON blob under
 * `refs/baton/review/<sessionId>`: the merge commit they name is there too,
 * they are written with a compare-and-swap on the ref, and they need no
 * schema change (see docs/adr/0012-review-facts-in-git.md). This module is their
 * only writer.
 */
export const REVIEW_REF_PREFIX = 'refs/baton/review/';

const EMPTY: ReviewFacts = { merged: null, pushed: null, pr: null, lastTurn: null };

async function read(repoPath: string, sessionId: string): Promise<Result<{ facts: ReviewFacts; oid: string | null }, AppError>> {
  const ref = REVIEW_REF_PREFIX + sessionId;
  const oid = await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd: repoPath });
  if (!oid.ok) return oid;
  if (oid.value.code !== 0) return ok({ facts: EMPTY, oid: null });
  const id = stripNewline(oid.value.stdout.toString('utf8'));
  const blob = await git(['cat-file', 'blob', id], { cwd: repoPath }, (stderr) => classifyGitFailure(`read ${ref}`, stderr));
  if (!blob.ok) return blob;
  try {
    const parsed = ReviewFacts.safeParse({ ...EMPTY, ...(JSON.parse(blob.value) as object) });
    // A blob someone else wrote there is not ours to trust; start afresh rather than fail every review.
    return ok({ facts: parsed.success ? parsed.data : EMPTY, oid: id });
  } catch {
    return ok({ facts: EMPTY, oid: id });
  }
}

export function createReviewFacts() {
  return {
    async get(repoPath: string, sessionId: string): Promise<Result<ReviewFacts, AppError>> {
      const r = await read(repoPath, sessionId);
      return r.ok ? ok(r.value.facts) : r;
    },

    /** Merges `patch` into the stored facts; retried when another writer moved the ref in between. */
    async record(repoPath: string, sessionId: string, patch: Partial<ReviewFacts>): Promise<Result<ReviewFacts, AppError>> {
      const ref = REVIEW_REF_PREFIX + sessionId;
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await read(repoPath, sessionId);
        if (!current.ok) return current;
        const next: ReviewFacts = { ...current.value.facts, ...patch };
        const fail = (stderr: string) => classifyGitFailure(`record the review facts under ${ref}`, stderr);
        const blob = await git(['hash-object', '-w', '--stdin'], { cwd: repoPath, input: JSON.stringify(next) }, fail);
        if (!blob.ok) return blob;
        const old = current.value.oid ?? '0'.repeat(40);
        const moved = await runGit(['update-ref', '-m', 'baton: review facts', ref, stripNewline(blob.value), old], { cwd: repoPath });
        if (!moved.ok) return moved;
        if (moved.value.code === 0) return ok(next);
      }
      return err({ code: 'git_lock', message: `Could not record the review facts under ${ref}: another writer kept changing them. Try again.` });
    },
  };
}

export type ReviewFactsStore = ReturnType<typeof createReviewFacts>;
