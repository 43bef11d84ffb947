import { ReviewFacts } from '../../shared/contracts/review';
import { runGit, stripNewline } from '../git/exec';
import type { StoredFacts } from './repository';

/**
 * The first slice of issue 13 kept a session's facts as a JSON blob under
 * `refs/baton/review/<sessionId>` (ADR 0012, replaced). They are read once,
 * moved into `session_reviews` by the caller, and the ref is then deleted.
 */
export const LEGACY_REVIEW_REF_PREFIX = 'refs/baton/review/';

/** The facts under the session's legacy ref, or null when there is none (or it is not ours to trust). */
export async function readLegacyFacts(repoPath: string, sessionId: string): Promise<{ facts: StoredFacts | null; oid: string } | null> {
  const ref = LEGACY_REVIEW_REF_PREFIX + sessionId;
  const oid = await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd: repoPath });
  if (!oid.ok || oid.value.code !== 0) return null;
  const id = stripNewline(oid.value.stdout.toString('utf8'));
  const blob = await runGit(['cat-file', 'blob', id], { cwd: repoPath });
  if (!blob.ok || blob.value.code !== 0) return { facts: null, oid: id };
  try {
    const parsed = ReviewFacts.pick({ merged: true, pushed: true, pr: true }).partial().safeParse(JSON.parse(blob.value.stdout.toString('utf8')));
    return { facts: parsed.success ? { merged: parsed.data.merged ?? null, pushed: parsed.data.pushed ?? null, pr: parsed.data.pr ?? null } : null, oid: id };
  } catch {
    return { facts: null, oid: id };
  }
}

/** Deletes the legacy ref if it still holds what was read (compare-and-swap). */
export async function dropLegacyFacts(repoPath: string, sessionId: string, oid: string): Promise<void> {
  await runGit(['update-ref', '-d', LEGACY_REVIEW_REF_PREFIX + sessionId, oid], { cwd: repoPath });
}
