import type { Result } from '../../shared/result';
import { ok } from '../../shared/result';
import { gitError, type GitError } from './errors';
import { git } from './exec';

/** Local branch names, for the base-branch picker. */
export async function listBranches(repoPath: string): Promise<Result<string[], GitError>> {
  const r = await git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd: repoPath }, (stderr) =>
    gitError('git_failed', 'needs_you', `Could not list the branches of ${repoPath}.`, stderr),
  );
  if (!r.ok) return r;
  return ok(r.value.split('\n').filter((b) => b.length > 0));
}
