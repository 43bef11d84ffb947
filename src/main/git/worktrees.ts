import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { findWorktree, type RepoContext } from './context';
import { createWorktree, type CreatedWorktree, type CreateWorktreeInput } from './create';
import { gitError, type GitError } from './errors';
import { listPreservedRefs, preserveWorktree, type Preserved, type PreservedEntry } from './preserve';
import { putBackPreserved, restoreAsNewWorktree, restorePreserved } from './restore';
import { reconcileWorktrees, type Reconciliation } from './reconcile';
import { releaseWorktree, type Released } from './release';
import { commonGitDir, inspectRepository } from './repo';
import { listWorktrees, type WorktreeInfo } from './worktree-list';

export interface WorktreeManagerOptions {
  /** Any folder inside the project's repository. */
  repoPath: string;
  /** `<dataDir>/worktrees`, shared by all projects; created when missing. */
  worktreeRoot: string;
}

export interface WorktreeManager {
  /** The repository's main working tree (or the given checkout if the main one is bare), realpath'd. */
  readonly repoPath: string;
  /** Worktree root, realpath'd. */
  readonly worktreeRoot: string;
  create(input: CreateWorktreeInput): Promise<Result<CreatedWorktree, GitError>>;
  list(): Promise<Result<WorktreeInfo[], GitError>>;
  reconcile(known: readonly string[]): Promise<Result<Reconciliation, GitError>>;
  /** `owner` says whose work it is in the snapshot's message; `session <sessionId>` by default. */
  preserve(worktreePath: string, sessionId: string, owner?: string): Promise<Result<Preserved, GitError>>;
  listPreserved(): Promise<Result<PreservedEntry[], GitError>>;
  restore(ref: string, targetWorktreePath: string): Promise<Result<{ files: string[] }, GitError>>;
  release(worktreePath: string, sessionId: string, owner?: string): Promise<Result<Released, GitError>>;
  /** A new worktree at the snapshot's parent with the preserved work applied (before any setup). */
  restoreAsNew(input: { prefix: string; name: string; ref: string }): Promise<Result<CreatedWorktree & { files: string[] }, GitError>>;
  /** After setup in a worktree restored as new: puts back preserved files setup rewrote; returns their paths. */
  putBack(ref: string, targetWorktreePath: string): Promise<Result<string[], GitError>>;
}

export async function createWorktreeManager(options: WorktreeManagerOptions): Promise<Result<WorktreeManager, GitError>> {
  const repo = await inspectRepository(options.repoPath);
  if (!repo.ok) return repo;
  if (!path.isAbsolute(options.worktreeRoot)) {
    return err(gitError('invalid_path', 'invalid', `The worktree folder "${options.worktreeRoot}" is not an absolute path.`));
  }
  try {
    await mkdir(options.worktreeRoot, { recursive: true });
  } catch (e) {
    return err(
      gitError(
        'permission_denied',
        'needs_you',
        `Could not create the worktree folder "${options.worktreeRoot}" (${(e as Error).message}); check that Baton's data folder is writable.`,
      ),
    );
  }
  const commonDir = await commonGitDir(repo.value.topLevel);
  if (!commonDir.ok) return commonDir;
  // Opened from a linked worktree, the manager still works from the main one,
  // so "the main working tree" means the same thing for every project.
  const listed = await listWorktrees(repo.value.topLevel);
  if (!listed.ok) return listed;
  const main = listed.value.find((e) => e.isMain && !e.bare && !e.prunable);
  const ctx: RepoContext = {
    repoPath: main ? await realpath(main.path) : repo.value.topLevel,
    commonDir: commonDir.value,
    realRoot: await realpath(options.worktreeRoot),
  };
  return ok(managerFor(ctx));
}

function managerFor(ctx: RepoContext): WorktreeManager {
  // git's own checks (is this branch checked out? is this path taken?) are not
  // atomic across processes, so this manager's mutations run one at a time.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };

  const registeredWorktree = async (p: string): Promise<Result<string, GitError>> => {
    if (!path.isAbsolute(p)) return err(gitError('invalid_path', 'invalid', `The path "${p}" is not absolute; pass a full path.`));
    const listed = await listWorktrees(ctx.repoPath);
    if (!listed.ok) return listed;
    const entry = await findWorktree(listed.value, p);
    if (!entry || entry.prunable || entry.bare) {
      return err(gitError('not_a_worktree', 'invalid', `"${p}" is not a worktree of the repository "${ctx.repoPath}".`));
    }
    return ok(entry.path);
  };

  return {
    repoPath: ctx.repoPath,
    worktreeRoot: ctx.realRoot,
    create: (input) => serial(() => createWorktree(ctx, input)),
    list: () => listWorktrees(ctx.repoPath),
    reconcile: (known) => reconcileWorktrees(ctx, known),
    preserve: (worktreePath, sessionId, owner) =>
      serial(async () => {
        const wt = await registeredWorktree(worktreePath);
        return wt.ok ? preserveWorktree(ctx.repoPath, wt.value, sessionId, undefined, owner) : wt;
      }),
    listPreserved: () => listPreservedRefs(ctx.repoPath),
    restore: (ref, targetWorktreePath) =>
      serial(async () => {
        const wt = await registeredWorktree(targetWorktreePath);
        return wt.ok ? restorePreserved(ctx.repoPath, ref, wt.value) : wt;
      }),
    release: (worktreePath, sessionId, owner) => serial(() => releaseWorktree(ctx, worktreePath, sessionId, owner)),
    restoreAsNew: (input) => serial(() => restoreAsNewWorktree(ctx, input)),
    putBack: (ref, targetWorktreePath) => putBackPreserved(ctx.repoPath, ref, targetWorktreePath),
  };
}
