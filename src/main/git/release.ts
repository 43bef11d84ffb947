import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { classifyGitFailure, gitError, type GitError } from './errors';
import { git } from './exec';
import { findWorktree, pathKind, type RepoContext } from './context';
import { validateRefComponent } from './names';
import { isInside, realpathDeep, resolveUnder, samePath } from './paths';
import { PRESERVED_PREFIX, preserveWorktree, refExists, statusSummary, type Preserved } from './preserve';
import { listWorktrees } from './worktree-list';

export interface Released {
  path: string;
  /** The snapshot taken before removal; null when there was nothing left to preserve. */
  preserved: Preserved | null;
  /** Nothing was left to do: the directory and its registration were already gone. */
  alreadyReleased: boolean;
}

const pruneFailure = (stderr: string): GitError => classifyGitFailure('prune stale worktree registrations', stderr);

/**
 * Preserves a session's uncommitted work, then removes its worktree and checks
 * that both the directory and git's registration are gone. Every step can be
 * repeated: a retry after any failure continues where the last attempt stopped.
 */
export async function releaseWorktree(
  ctx: RepoContext,
  worktreePath: string,
  sessionId: string,
  /** Whose work is preserved on the way out, for the snapshot's message (see preserveWorktree). */
  workOf?: string,
): Promise<Result<Released, GitError>> {
  const id = await validateRefComponent(sessionId, 'session id');
  if (!id.ok) return id;
  const ref = `${PRESERVED_PREFIX}${sessionId}`;
  if (!path.isAbsolute(worktreePath)) {
    return err(gitError('invalid_path', 'invalid', `The path "${worktreePath}" is not absolute; pass a full path.`));
  }

  const mainWorktree = err(
    gitError('main_worktree', 'invalid', `"${worktreePath}" is the repository's main working tree; Baton never removes it.`),
  );
  if (await samePath(ctx.repoPath, worktreePath)) return mainWorktree;
  const target = await resolveUnder(worktreePath, ctx.realRoot);
  if (!target.ok) return target;
  const dir = target.value;
  const kind = await pathKind(dir);
  // The status is read while git lists the worktrees (it is read-only and
  // usually needed); on this path, process start-up is most of the cost.
  const status = kind === 'directory' ? statusSummary(dir) : undefined;
  const listed = await listWorktrees(ctx.repoPath);
  if (!listed.ok) return listed;
  const main = listed.value.find((e) => e.isMain);
  if (main && (await samePath(main.path, dir))) return mainWorktree;
  const entry = await findWorktree(listed.value, dir);

  if (!entry && kind === 'missing') return ok({ path: dir, preserved: null, alreadyReleased: true });

  // A prunable registration has lost its folder or the folder's `.git` file:
  // git can no longer read that worktree, so there is nothing to preserve.
  if (entry && (kind === 'missing' || entry.prunable)) {
    if (entry.locked) return err(lockedError(dir, entry.lockReason));
    const pruned = await git(['worktree', 'prune'], { cwd: ctx.repoPath }, pruneFailure);
    if (!pruned.ok) return pruned;
    if (kind === 'missing') {
      const verified = await verifyGone(ctx, dir, ref);
      return verified.ok ? ok({ path: dir, preserved: null, alreadyReleased: false }) : verified;
    }
  }

  if (!entry || entry.prunable) {
    const leftover = await removeLeftover(ctx, dir, ref);
    return leftover.ok ? ok({ path: dir, preserved: null, alreadyReleased: false }) : leftover;
  }

  // Preserve before touching anything: from here on, a failure can lose files.
  const preserved = await preserveWorktree(ctx.repoPath, dir, sessionId, status, workOf);
  if (!preserved.ok) return entry.locked ? err(lockedError(dir, entry.lockReason)) : preserved;
  const owner = await gitdirOwner(dir);
  // git's registration of a linked worktree is exactly this admin folder.
  const adminDir = owner !== 'none' && owner !== 'repository' && isInside(owner, path.join(ctx.commonDir, 'worktrees')) ? owner : null;

  const removed = await git(['worktree', 'remove', '--force', dir], { cwd: ctx.repoPath }, (stderr) => {
    const e = classifyGitFailure(`remove the worktree "${dir}"`, stderr, dir);
    return { ...e, message: `${e.message} Its uncommitted work is saved under ${ref}.` };
  });
  if (!removed.ok) return removed;
  const verified = await verifyGone(ctx, dir, ref, adminDir);
  if (!verified.ok) return verified;
  const pruned = await git(['worktree', 'prune'], { cwd: ctx.repoPath }, pruneFailure);
  if (!pruned.ok) return pruned;
  return ok({ path: dir, preserved: preserved.value, alreadyReleased: false });
}

/**
 * Checks that the folder and git's registration are both gone. When the admin
 * folder is known, its absence is the registration check (what `git worktree
 * list` reads), which saves starting git.
 */
async function verifyGone(ctx: RepoContext, dir: string, ref: string, adminDir: string | null = null): Promise<Result<void, GitError>> {
  if ((await pathKind(dir)) !== 'missing') {
    return err(
      gitError(
        'worktree_busy',
        'transient',
        `git reported the worktree "${dir}" removed, but its folder is still there. Retry; its uncommitted work is saved under ${ref}.`,
      ),
    );
  }
  if (adminDir !== null && (await pathKind(adminDir)) === 'missing') return ok(undefined);
  const listed = await listWorktrees(ctx.repoPath);
  if (!listed.ok) return listed;
  const still = await findWorktree(listed.value, dir);
  if (still) {
    return err(
      still.locked
        ? lockedError(dir, still.lockReason)
        : gitError('git_failed', 'needs_you', `git still lists the worktree "${dir}" after removing it; run \`git worktree prune\` and retry.`),
    );
  }
  return ok(undefined);
}

function lockedError(dir: string, reason: string | null): GitError {
  return gitError(
    'worktree_locked',
    'needs_you',
    `The worktree "${dir}" is locked${reason ? ` (${reason})` : ''}, so git keeps its registration. ` +
      `Unlock it with \`git worktree unlock ${dir}\` if nothing still needs it, then retry.`,
  );
}

/**
 * A folder git no longer knows: typically an earlier removal deleted the
 * registration and then failed on some file. It is deleted only if it was
 * ours (no foreign `.git`) and the session's work was preserved beforehand.
 */
async function removeLeftover(ctx: RepoContext, dir: string, ref: string): Promise<Result<void, GitError>> {
  const owner = await gitdirOwner(dir);
  if (owner === 'repository' || (owner !== 'none' && !isInside(owner, path.join(ctx.commonDir, 'worktrees')))) {
    return err(
      gitError(
        'unregistered_directory',
        'needs_you',
        `"${dir}" is not a worktree of this repository but holds another git checkout; Baton will not delete it. Move it away, then retry.`,
      ),
    );
  }
  const saved = await refExists(ctx.repoPath, ref);
  if (!saved.ok) return saved;
  if (!saved.value) {
    return err(
      gitError(
        'unregistered_directory',
        'needs_you',
        `"${dir}" is no longer a registered worktree and no preserved work exists under ${ref}, so deleting it could lose files. ` +
          'Copy out anything you need, delete the folder, then retry.',
      ),
    );
  }
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch (e) {
    const reason = (e as Error).message;
    return err(
      gitError(
        'worktree_busy',
        'transient',
        `Could not delete the leftover folder "${dir}" (${reason}). Close whatever uses it (or restore its permissions) and retry; its work is saved under ${ref}.`,
      ),
    );
  }
  return verifyGone(ctx, dir, ref);
}

/** Where the folder's `.git` points: 'none', 'repository' for a full `.git` directory, or the gitdir path. */
async function gitdirOwner(dir: string): Promise<string> {
  const dotGit = path.join(dir, '.git');
  const kind = await pathKind(dotGit);
  if (kind === 'missing') return 'none';
  if (kind !== 'other') return 'repository';
  const match = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''));
  return match?.[1] ? realpathDeep(path.resolve(dir, match[1].trim())) : 'none';
}
