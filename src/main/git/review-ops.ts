/**
 * The git work review does, as named operations with JSON arguments and answers: run on this machine for a
 * local project, or on an SSH destination by `remote.js review` (ADR 0018), so both run the same code.
 * Only Node built-ins may be imported from here on (the remote bundle has nothing else); contract types only.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveView, DiffScope, FileContents } from '../../shared/contracts/review';
import type { AppError, Result } from '../../shared/result';
import { err, fail, ok } from '../../shared/result';
import { branchLanding, deleteBranch } from './archive';
import { commitWorktree } from './commit';
import { diffCommits } from './diff-commits';
import { diffWorktree, mergeBase, revParse, snapshotWorktree, type WorktreeDiff } from './diff';
import { runGit, stripNewline } from './exec';
import { abortRebase, mergeIntoBase, rebaseOnto } from './merge';
import { isInside, realpathDeep } from './paths';
import { openPullRequest, pushBranch, type PullRequest, type Pushed } from './push';

/** Past this, a side is not sent: expanding context in a file this big is not what the view is for. */
export const MAX_CONTENT_BYTES = 1024 * 1024;

export const TURN_REF_PREFIX = 'refs/baton/turns/';

/** A plain error: git's own error shapes carry extra fields the contract does not declare. */
const plain = <T>(r: { ok: false; error: AppError }): Result<T> => err({ code: r.error.code, message: r.error.message });

/** What a live worktree's diff compares with: HEAD (`uncommitted`), a turn snapshot ref, or where it left its base. */
export type LiveFrom = { kind: 'head' } | { kind: 'turn'; ref: string | null } | { kind: 'base'; base: string };

export interface LiveDiffRequest {
  worktreePath: string;
  from: LiveFrom;
  statOnly: boolean;
  maxPatchBytes?: number;
}

async function diffLive(req: LiveDiffRequest): Promise<Result<WorktreeDiff>> {
  const { worktreePath, from: f } = req;
  const since = async (ref: string | null): Promise<Result<string, AppError>> => {
    const r = ref ? await revParse(worktreePath, ref) : fail('no_turn_snapshot', 'No agent works in this worktree, so there is no last turn; look at all changes or the uncommitted ones.');
    return r.ok ? r : fail('no_turn_snapshot', r.error.code === 'no_turn_snapshot' ? r.error.message : "The agent has not ended a turn since Baton began recording them, so there is no 'since last turn' yet; look at all changes instead.");
  };
  // Not awaited here: diffWorktree reads it beside its own first gits (one process start less on the open's path).
  const from = f.kind === 'head' ? revParse(worktreePath, 'HEAD') : f.kind === 'turn' ? since(f.ref) : mergeBase(worktreePath, `refs/heads/${f.base}`, 'HEAD');
  const d = await diffWorktree({ worktreePath, from, statOnly: req.statOnly, limits: req.maxPatchBytes !== undefined ? { maxPatchBytes: req.maxPatchBytes } : {} });
  return d.ok ? d : plain(d);
}

export interface PreservedDiffRequest {
  repoPath: string;
  preservedRef: string;
  scope: DiffScope;
  base: string;
  /** The session's turn snapshot ref (`since_turn`). */
  turnRef: string;
  statOnly: boolean;
  maxPatchBytes?: number;
}

/** "Open previous work": a preserved snapshot against its parent (`uncommitted`), the base (`all`) or the last turn snapshot. */
async function diffPreserved(req: PreservedDiffRequest): Promise<Result<WorktreeDiff & { branch: string }>> {
  const repo = req.repoPath;
  const to = await revParse(repo, req.preservedRef);
  if (!to.ok) return fail('preserved_not_found', `No preserved work exists under ${req.preservedRef}; it may have been deleted. See the project's Preserved work list.`);
  // A preserved snapshot names its branch in its message.
  const message = await runGit(['log', '-1', '--format=%B', to.value], { cwd: repo });
  const text = message.ok && message.value.code === 0 ? message.value.stdout.toString('utf8') : '';
  const branch = /^Branch: (.+)$/m.exec(text)?.[1] ?? '';
  let from: Result<string, AppError>;
  if (req.scope === 'uncommitted') from = await revParse(repo, `${to.value}^`);
  else if (req.scope === 'since_turn') {
    from = await revParse(repo, req.turnRef);
    if (!from.ok) return fail('no_turn_snapshot', 'There is no turn snapshot for this work; look at what was uncommitted, or at all of it, instead.');
  } else from = await mergeBase(repo, `refs/heads/${req.base}`, `${to.value}^`);
  if (!from.ok) return plain(from);
  const d = await diffCommits({ repoPath: repo, from: from.value, to: to.value, statOnly: req.statOnly, limits: req.maxPatchBytes !== undefined ? { maxPatchBytes: req.maxPatchBytes } : {} });
  return d.ok ? ok({ ...d.value, branch }) : plain(d);
}

/**
 * Both sides of one changed file, for "expand the unchanged context": the old side is the blob at the diff's
 * `from` commit, the new side the file in the worktree, which is what the diff compared.
 */
async function fileContents(req: { worktreePath: string; from: string; path: string; oldPath: string | null }): Promise<Result<FileContents>> {
  const root = await realpathDeep(req.worktreePath);
  const full = await realpathDeep(path.join(root, req.path));
  if (!isInside(full, root)) return fail('path_escape', `"${req.path}" is not inside the session's worktree.`);
  let newText: string | null = null;
  const size = await stat(full).then((s) => (s.isFile() ? s.size : -1), () => -1);
  if (size > MAX_CONTENT_BYTES) return fail('too_large', `"${req.path}" is over 1 MB; its context is not expanded here. Open it from the worktree.`);
  if (size >= 0) newText = await readFile(full, 'utf8');
  // `from:path` names the blob exactly as the diff saw it; a missing blob is an added file.
  const old = await runGit(['cat-file', '-p', `${req.from}:${req.oldPath ?? req.path}`], { cwd: req.worktreePath });
  if (!old.ok) return plain(old);
  let oldText: string | null = null;
  if (old.value.code === 0) {
    if (old.value.stdout.length > MAX_CONTENT_BYTES) return fail('too_large', `The old "${req.path}" is over 1 MB; its context is not expanded here.`);
    oldText = old.value.stdout.toString('utf8');
  }
  return ok({ path: req.path, old: oldText, new: newText });
}

/** The files a preserved snapshot holds (its difference to its parent), or null when the ref is not there. */
async function preservedOf(repoPath: string, ref: string): Promise<Result<ArchiveView['preserved']>> {
  const tip = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoPath });
  if (!tip.ok || tip.value.code !== 0) return ok(null);
  const commit = stripNewline(tip.value.stdout.toString('utf8'));
  const names = await runGit(['diff-tree', '-r', '--name-only', '-z', '--no-renames', `${commit}^`, commit], { cwd: repoPath });
  const files = names.ok && names.value.code === 0 ? names.value.stdout.toString('utf8').split('\0').filter((n) => n.length > 0) : [];
  return ok({ ref, commit, files });
}

/** Every operation answers a Result, so a remote one that could not be run answers the same shape. */
export const reviewGitOps = {
  diffLive,
  diffPreserved,
  fileContents,
  revParse: (cwd: string, rev: string) => revParse(cwd, rev),
  snapshot: (worktreePath: string, ref: string, message: string) => snapshotWorktree(worktreePath, ref, message),
  commit: commitWorktree,
  merge: mergeIntoBase,
  rebaseOnto: (worktree: string, onto: string, abortOnConflict: boolean) => rebaseOnto(worktree, onto, abortOnConflict),
  abortRebase: (worktree: string) => abortRebase(worktree),
  push: (cwd: string, branch: string) => pushBranch(cwd, branch),
  /** `where`: the machine gh runs on, named when it is missing or logged out there ('' on this one). */
  openPullRequest: async (cwd: string, pushed: Pushed, base: string, title: string, body: string, where: string): Promise<Result<PullRequest>> => ok(await openPullRequest(cwd, pushed, base, title, body, where)),
  branchLanding: (repoPath: string, branch: string, base: string, except: string | null) => branchLanding(repoPath, branch, base, except),
  deleteBranch: (repoPath: string, branch: string, head: string) => deleteBranch(repoPath, branch, head),
  preservedOf,
};

/** Review's git: this machine's (reviewGitOps itself) or a destination's (runtime/ssh/remote-review.ts). */
export type ReviewGit = typeof reviewGitOps;
export type ReviewGitOp = keyof ReviewGit;
export const REVIEW_GIT_OPS = Object.keys(reviewGitOps) as ReviewGitOp[];
