import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { classifyGitFailure, gitError, type GitError } from './errors';
import { git, runGit } from './exec';
import { findWorktree, pathKind, type RepoContext } from './context';
import { branchNameFor, validateBranchName } from './names';
import { realpathDeep, validatePathSegment } from './paths';
import { listWorktrees, type WorktreeInfo } from './worktree-list';

export type WorktreeRole = 'worker' | 'orchestrator';

export interface CreateWorktreeInput {
  /** Session prefix (see `slugify`), one directory under the worktree root. */
  prefix: string;
  /** Worker name; ignored for the orchestrator, whose name is fixed. */
  name: string;
  baseBranch: string;
  role: WorktreeRole;
  /** A worker's branch as a person named it; by default `baton/<prefix>-<name>`. */
  branch?: string;
}

export interface CreatedWorktree {
  path: string;
  branch: string;
  /** The branch existed before (left by an earlier session), so it was checked out rather than created. */
  reusedBranch: boolean;
}

const ORCHESTRATOR = 'orchestrator';

interface Plan {
  dir: string;
  branch: string;
}

async function plan(ctx: RepoContext, input: CreateWorktreeInput): Promise<Result<Plan, GitError>> {
  const prefix = validatePathSegment(input.prefix, 'session prefix');
  if (!prefix.ok) return prefix;
  let dirName = ORCHESTRATOR;
  let branch = `baton/${input.prefix}-${ORCHESTRATOR}`;
  if (input.role === 'worker') {
    const name = validatePathSegment(input.name, 'worktree name');
    if (!name.ok) return name;
    // A worker with this name would take the orchestrator's directory and branch.
    if (input.name.replace(/\s+/g, '-') === ORCHESTRATOR) {
      return err(gitError('invalid_name', 'invalid', `"${input.name}" is reserved for the orchestrator; choose another worker name.`));
    }
    dirName = input.name;
    branch = input.branch ?? branchNameFor(input.prefix, input.name);
  }
  const valid = await validateBranchName(branch);
  if (!valid.ok) return valid;

  const expected = path.join(ctx.realRoot, input.prefix, dirName);
  // Any symlink on the way (even one pointing inside the root) is refused, so a
  // worktree's path is always exactly <root>/<prefix>/<name>.
  const real = await realpathDeep(expected);
  if (real !== expected) {
    return err(
      gitError(
        'path_escape',
        'invalid',
        `The worktree folder "${expected}" resolves to "${real}" through a symlink; Baton only creates worktrees directly under "${ctx.realRoot}". Remove the symlink.`,
      ),
    );
  }
  return ok({ dir: expected, branch });
}

async function prune(ctx: RepoContext): Promise<Result<WorktreeInfo[], GitError>> {
  const pruned = await git(['worktree', 'prune'], { cwd: ctx.repoPath }, (stderr) =>
    classifyGitFailure('prune stale worktree registrations', stderr),
  );
  if (!pruned.ok) return pruned;
  return listWorktrees(ctx.repoPath);
}

/** Creates (or returns the existing) worktree for a session. */
export async function createWorktree(ctx: RepoContext, input: CreateWorktreeInput): Promise<Result<CreatedWorktree, GitError>> {
  const planned = await plan(ctx, input);
  if (!planned.ok) return planned;
  const { dir, branch } = planned.value;

  // Independent reads run side by side: starting git dominates their cost.
  const [firstList, branchCheck] = await Promise.all([
    listWorktrees(ctx.repoPath),
    runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: ctx.repoPath }),
  ]);
  let listed = firstList;
  if (!listed.ok) return listed;
  // A registration whose directory was deleted blocks both its path and its
  // branch; dropping it is safe because there are no files left to lose.
  const stale = listed.value.some((e) => e.prunable && !e.locked && (e.branch === branch || e.path === dir));
  if (stale) {
    listed = await prune(ctx);
    if (!listed.ok) return listed;
  }

  const atTarget = await findWorktree(listed.value, dir);
  if (atTarget) {
    if (atTarget.branch === branch && !atTarget.prunable) return ok({ path: dir, branch, reusedBranch: true });
    const current = atTarget.branch ? `branch ${atTarget.branch}` : 'a detached HEAD';
    const missing = atTarget.prunable ? ' (its folder is missing and it is locked)' : '';
    return err(
      gitError(
        'path_in_use',
        'needs_you',
        `"${dir}" is already a worktree on ${current}${missing}, not on ${branch}. ` +
          'Release that session first or choose another name.',
      ),
    );
  }
  const elsewhere = listed.value.find((e) => e.branch === branch);
  if (elsewhere) return err(checkedOutElsewhere(branch, elsewhere.path));

  const kind = await pathKind(dir);
  if (kind !== 'missing' && !(kind === 'directory' && (await readdir(dir)).length === 0)) {
    return err(
      gitError(
        'path_exists',
        'needs_you',
        `"${dir}" already exists but is not a worktree of this repository (perhaps left over from an interrupted release). Move or delete it, then retry.`,
      ),
    );
  }

  if (!branchCheck.ok) return branchCheck;
  const reusedBranch = branchCheck.value.code === 0;
  // A leading "-" would be read by `git worktree add` as an option. Whether the
  // base exists is left to `git worktree add`, which fails before creating anything.
  if (!reusedBranch && (input.baseBranch.length === 0 || input.baseBranch.startsWith('-'))) {
    return err(baseNotFound(input.baseBranch));
  }
  // Checked before `worktree add`, whose own message for a missing base ("invalid reference") names neither side.
  if (!reusedBranch) {
    const base = await runGit(['rev-parse', '--verify', '--quiet', `${input.baseBranch}^{commit}`], { cwd: ctx.repoPath });
    if (base.ok && base.value.code !== 0) return err(baseNotFound(input.baseBranch));
  }

  // --no-track: a worker branched from origin/main must not get origin/main as
  // its upstream, or a plain `git pull`/`push` in it would target main.
  const args = reusedBranch
    ? ['worktree', 'add', dir, branch]
    : ['worktree', 'add', '--no-track', '-b', branch, dir, input.baseBranch];
  const added = await git(args, { cwd: ctx.repoPath }, (stderr) => {
    const other = /already checked out at '([^']+)'/.exec(stderr);
    if (other?.[1]) return checkedOutElsewhere(branch, other[1], stderr);
    if (/not a valid object name|invalid reference/i.test(stderr)) return baseNotFound(input.baseBranch, stderr);
    return classifyGitFailure(`create the worktree "${dir}"`, stderr, dir);
  });
  if (!added.ok) return added;
  return ok({ path: dir, branch, reusedBranch });
}

function checkedOutElsewhere(branch: string, otherPath: string, gitMessage?: string): GitError {
  return gitError(
    'branch_checked_out',
    'needs_you',
    `Branch ${branch} is already checked out in the worktree "${otherPath}"; a branch can be checked out in only one worktree. ` +
      'Release that session (or switch that worktree to another branch), then retry.',
    gitMessage,
  );
}

function baseNotFound(base: string, gitMessage?: string): GitError {
  return gitError(
    'base_not_found',
    'invalid',
    `The base branch "${base}" does not exist in this repository; choose an existing branch.`,
    gitMessage,
  );
}
