import type { AppError, Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { samePath } from './paths';
import { classifyGitFailure, gitError } from './errors';
import { git, runGit, stripNewline } from './exec';
import { listWorktrees } from './worktree-list';

export interface BranchLanding {
  /** The branch's tip now, or null when the branch does not exist (any more). */
  head: string | null;
  /** Nothing of the branch is missing from the base: every commit is reachable, or merging would change nothing (a squash or rebase merge). */
  merged: boolean;
  /** Commits on the branch not reachable from the base (0 when merged by reachability). */
  unmergedCommits: number;
  /** Worktrees where the branch is checked out, other than the one the caller is about to release. */
  checkedOutAt: string[];
}

/** Whether `branch` has landed on `base`, and where it is checked out (besides `except`). */
export async function branchLanding(repoPath: string, branch: string, base: string, except: string | null): Promise<Result<BranchLanding, AppError>> {
  const tip = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repoPath });
  if (!tip.ok) return tip;
  if (tip.value.code !== 0) return ok({ head: null, merged: true, unmergedCommits: 0, checkedOutAt: [] });
  const head = stripNewline(tip.value.stdout.toString('utf8'));
  const fail = (what: string) => (stderr: string) => classifyGitFailure(what, stderr);
  const count = await git(['rev-list', '--count', `refs/heads/${base}..${head}`], { cwd: repoPath }, fail(`count the commits of ${branch} not in ${base}`));
  if (!count.ok) return count;
  const unmergedCommits = Number(stripNewline(count.value));
  let merged = unmergedCommits === 0;
  if (!merged) {
    // A squash (or a rebase elsewhere) leaves the branch's commits unreachable though their changes are in: merging again would change nothing.
    const [tree, baseTree] = await Promise.all([
      runGit(['merge-tree', '--write-tree', '--no-messages', `refs/heads/${base}`, head], { cwd: repoPath }),
      runGit(['rev-parse', `refs/heads/${base}^{tree}`], { cwd: repoPath }),
    ]);
    if (tree.ok && baseTree.ok && tree.value.code === 0 && baseTree.value.code === 0) {
      merged = tree.value.stdout.toString('utf8').split('\n')[0] === stripNewline(baseTree.value.stdout.toString('utf8'));
    }
  }
  const listed = await listWorktrees(repoPath);
  if (!listed.ok) return listed;
  const checkedOutAt: string[] = [];
  for (const w of listed.value) {
    if (w.branch !== branch || w.bare) continue;
    if (except !== null && (await samePath(w.path, except))) continue;
    checkedOutAt.push(w.path);
  }
  return ok({ head, merged, unmergedCommits, checkedOutAt });
}

/**
 * Deletes the branch if it still points at `head` (a compare-and-swap: a
 * commit made since it was checked is never lost) and no worktree has it
 * checked out.
 */
export async function deleteBranch(repoPath: string, branch: string, head: string): Promise<Result<void, AppError>> {
  const listed = await listWorktrees(repoPath);
  if (!listed.ok) return listed;
  const at = listed.value.find((w) => w.branch === branch && !w.bare);
  if (at) return err(gitError('branch_checked_out', 'needs_you', `Branch ${branch} is checked out in "${at.path}"; it was not deleted. Switch that checkout to another branch (or release it), then archive again.`));
  const r = await runGit(['update-ref', '-m', 'baton: archive', '-d', `refs/heads/${branch}`, head], { cwd: repoPath });
  if (!r.ok) return r;
  if (r.value.code !== 0) {
    return err(gitError('git_lock', 'transient', `Branch ${branch} moved while it was being deleted (someone committed to it); it was kept. Look at its new commits, then archive again.`, r.value.stderr));
  }
  return ok(undefined);
}
