import { access } from 'node:fs/promises';
import type { AppError, Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { classifyGitFailure, gitError } from './errors';
import { git, runGit, stripNewline } from './exec';
import { revParse } from './diff';
import { listWorktrees } from './worktree-list';

export type MergeMode = 'merge' | 'squash' | 'rebase';

export type RefusalReason = 'base_dirty' | 'base_busy' | 'base_moved' | 'session_dirty';

export type MergeOutcome =
  | {
      status: 'merged';
      mode: MergeMode;
      /** The base branch's new tip. */
      commit: string;
      previous: string;
      /** `checkout`: the base is checked out (clean) and was fast-forwarded there; `ref`: only the branch ref moved. */
      where: 'checkout' | 'ref';
      checkoutPath: string | null;
    }
  | { status: 'up_to_date'; commit: string }
  /** Nothing changed anywhere: the files that conflict. */
  | { status: 'conflict'; files: string[] }
  | { status: 'refused'; reason: RefusalReason; message: string; files: string[]; checkoutPath: string | null };

export interface MergeRequest {
  /** Any worktree of the repository. */
  repoPath: string;
  branch: string;
  base: string;
  mode: MergeMode;
  /** The merge or squash commit's message. */
  message: string;
  /** The session's worktree: checked for uncommitted work, and where a rebase runs. */
  sessionWorktree: string;
}

const failWith = (action: string) => (stderr: string) => classifyGitFailure(action, stderr);

/** Paths with staged or unstaged changes to tracked files (untracked files are not the checkout's dirt). */
export async function dirtyFiles(cwd: string, untracked = false): Promise<Result<string[], AppError>> {
  const out = await git(['--no-optional-locks', 'status', '--porcelain=v1', '-z', `--untracked-files=${untracked ? 'all' : 'no'}`], { cwd }, failWith(`read the status of "${cwd}"`));
  if (!out.ok) return out;
  const files: string[] = [];
  const f = out.value.split('\0');
  for (let i = 0; i < f.length; i++) {
    const entry = f[i]!;
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    // A rename's record is followed by its original path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return ok(files);
}

/** A merge, rebase, cherry-pick or revert stopped half-way in this checkout, or null. */
export async function operationInProgress(cwd: string): Promise<string | null> {
  const marks: [string, string][] = [
    ['MERGE_HEAD', 'a merge'],
    ['rebase-merge', 'a rebase'],
    ['rebase-apply', 'a rebase'],
    ['CHERRY_PICK_HEAD', 'a cherry-pick'],
    ['REVERT_HEAD', 'a revert'],
  ];
  for (const [name, what] of marks) {
    const p = await runGit(['rev-parse', '--path-format=absolute', '--git-path', name], { cwd });
    if (!p.ok || p.value.code !== 0) continue;
    if (await access(stripNewline(p.value.stdout.toString('utf8'))).then(() => true, () => false)) return what;
  }
  return null;
}

/** Files git left unmerged in a stopped rebase or merge. */
export async function unmergedFiles(cwd: string): Promise<string[]> {
  const r = await runGit(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd });
  if (!r.ok || r.value.code !== 0) return [];
  return [...new Set(r.value.stdout.toString('utf8').split('\0').filter((n) => n.length > 0))];
}

const refused = (reason: RefusalReason, message: string, files: string[] = [], checkoutPath: string | null = null): Result<MergeOutcome, AppError> =>
  ok({ status: 'refused', reason, message, files, checkoutPath });

/**
 * Lands the session's branch on its base. The result commit is computed in
 * the object database (merge-tree + commit-tree), never in a checkout, so a
 * conflict changes nothing; it is then either fast-forwarded into the base's
 * clean checkout or, when no worktree has the base checked out, written with
 * a compare-and-swap on the ref. A rebase runs in the session's own worktree
 * and is aborted on conflict.
 */
export async function mergeIntoBase(req: MergeRequest): Promise<Result<MergeOutcome, AppError>> {
  const { repoPath, branch, base, mode } = req;
  const worktrees = await listWorktrees(repoPath);
  if (!worktrees.ok) return worktrees;
  const checkout = worktrees.value.find((w) => w.branch === base && !w.bare && !w.prunable) ?? null;
  const checkoutPath = checkout?.path ?? null;
  if (checkout) {
    const busy = await operationInProgress(checkout.path);
    if (busy) return refused('base_busy', `${cap(busy)} is in progress in "${checkout.path}", where ${base} is checked out; finish or abort it there, then merge again.`, [], checkoutPath);
    const dirty = await dirtyFiles(checkout.path);
    if (!dirty.ok) return dirty;
    if (dirty.value.length > 0) {
      return refused('base_dirty', `${base} is checked out in "${checkout.path}" with uncommitted changes (${list(dirty.value)}); commit or stash them there, then merge again. Nothing was changed.`, dirty.value, checkoutPath);
    }
  }
  const own = await dirtyFiles(req.sessionWorktree, true);
  if (!own.ok) return own;
  if (own.value.length > 0) {
    return refused('session_dirty', `The session has uncommitted changes (${list(own.value)}) that a merge would leave out; commit them (or discard them), then merge again.`, own.value);
  }
  const baseTip = await revParse(repoPath, `refs/heads/${base}`);
  if (!baseTip.ok) return err(gitError('base_not_found', 'needs_you', `The base branch ${base} does not exist; check the project's base branch.`));
  const branchTip = await revParse(repoPath, `refs/heads/${branch}`);
  if (!branchTip.ok) return err(gitError('not_found', 'needs_you', `The session's branch ${branch} does not exist any more.`));
  if (await isAncestor(repoPath, branchTip.value, baseTip.value)) return ok({ status: 'up_to_date', commit: baseTip.value });

  let result: string;
  if (mode === 'rebase') {
    const rebased = await rebaseOnto(req.sessionWorktree, baseTip.value, true);
    if (!rebased.ok) return rebased;
    if (rebased.value.status === 'stopped') return ok({ status: 'conflict', files: rebased.value.files });
    result = rebased.value.head;
  } else {
    const tree = await mergeTree(repoPath, baseTip.value, branchTip.value);
    if (!tree.ok) return tree;
    if (tree.value.conflicts.length > 0) return ok({ status: 'conflict', files: tree.value.conflicts });
    const parents = mode === 'merge' ? ['-p', baseTip.value, '-p', branchTip.value] : ['-p', baseTip.value];
    const made = await git(['commit-tree', tree.value.tree, ...parents, '-F', '-'], { cwd: repoPath, input: req.message }, failWith(`write the ${mode} commit`));
    if (!made.ok) return made;
    result = stripNewline(made.value);
  }

  if (checkout) {
    // The checkout must still be where we looked; else someone committed meanwhile and the merge is redone on top.
    const head = await revParse(checkout.path, 'HEAD');
    if (!head.ok || head.value !== baseTip.value) return refused('base_moved', `${base} moved while merging; merge again.`, [], checkoutPath);
    // A fast-forward of a clean checkout: git either moves index, files and ref together or refuses without a change.
    const ff = await runGit(['merge', '--ff-only', '--no-edit', '--quiet', result], { cwd: checkout.path });
    if (!ff.ok) return ff;
    if (ff.value.code !== 0) {
      const blocking = blockingFiles(ff.value.stderr);
      return refused('base_dirty', `git would not update the checkout of ${base} in "${checkout.path}"${blocking.length ? ` (untracked files in the way: ${list(blocking)})` : ''}; move them aside, then merge again. ${base} was not changed.`, blocking, checkoutPath);
    }
    return ok({ status: 'merged', mode, commit: result, previous: baseTip.value, where: 'checkout', checkoutPath });
  }
  const moved = await runGit(['update-ref', '-m', `baton: ${mode} ${branch}`, `refs/heads/${base}`, result, baseTip.value], { cwd: repoPath });
  if (!moved.ok) return moved;
  if (moved.value.code !== 0) return refused('base_moved', `${base} moved while merging; merge again.`);
  return ok({ status: 'merged', mode, commit: result, previous: baseTip.value, where: 'ref', checkoutPath: null });
}

async function isAncestor(cwd: string, a: string, b: string): Promise<boolean> {
  const r = await runGit(['merge-base', '--is-ancestor', a, b], { cwd });
  return r.ok && r.value.code === 0;
}

/** A three-way merge of two commits into a tree, without any index or checkout. */
async function mergeTree(cwd: string, ours: string, theirs: string): Promise<Result<{ tree: string; conflicts: string[] }, AppError>> {
  const r = await runGit(['merge-tree', '--write-tree', '--name-only', '-z', '--no-messages', ours, theirs], { cwd });
  if (!r.ok) return r;
  if (r.value.code !== 0 && r.value.code !== 1) return err(classifyGitFailure('merge the branches', r.value.stderr));
  const [tree, ...rest] = r.value.stdout.toString('utf8').split('\0');
  const end = rest.indexOf('');
  const conflicts = r.value.code === 1 ? [...new Set(rest.slice(0, end === -1 ? rest.length : end))] : [];
  return ok({ tree: tree ?? '', conflicts });
}

export type RebaseOutcome = { status: 'rebased'; head: string } | { status: 'stopped'; files: string[] };

/**
 * Rebases the worktree's branch onto `onto`. On a conflict the rebase is
 * aborted when `abortOnConflict` (nothing changed), else left stopped for
 * whoever resolves it (an agent), who finishes with `git rebase --continue`.
 */
export async function rebaseOnto(worktree: string, onto: string, abortOnConflict: boolean): Promise<Result<RebaseOutcome, AppError>> {
  const busy = await operationInProgress(worktree);
  if (busy) return err(gitError('worktree_busy', 'needs_you', `${cap(busy)} is already in progress in "${worktree}"; finish it (or \`git rebase --abort\`) first.`));
  // No editor, no autostash: a rebase that needs a person stops instead of waiting for one.
  const env = { GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true' };
  const r = await runGit(['-c', 'rebase.autoStash=false', 'rebase', onto], { cwd: worktree, env });
  if (!r.ok) return r;
  if (r.value.code === 0) {
    const head = await revParse(worktree, 'HEAD');
    return head.ok ? ok({ status: 'rebased', head: head.value }) : head;
  }
  const files = await unmergedFiles(worktree);
  if ((await operationInProgress(worktree)) === null) {
    // It refused to start (a hook, a dirty tree): nothing to abort.
    return err(classifyGitFailure(`rebase "${worktree}" onto ${onto.slice(0, 12)}`, `${r.value.stdout.toString('utf8')}${r.value.stderr}`, worktree));
  }
  if (abortOnConflict) {
    const abort = await abortRebase(worktree);
    if (!abort.ok) return abort;
  }
  return ok({ status: 'stopped', files });
}

/** Undoes a stopped rebase, putting the branch and worktree back as they were. */
export async function abortRebase(worktree: string): Promise<Result<void, AppError>> {
  const r = await git(['rebase', '--abort'], { cwd: worktree }, failWith(`abort the rebase in "${worktree}"`));
  return r.ok ? ok(undefined) : r;
}

function blockingFiles(stderr: string): string[] {
  const m = /would be (?:overwritten|removed) by merge:\n((?:\t.+\n?)+)/.exec(stderr);
  return m?.[1] ? m[1].split('\n').map((l) => l.trim()).filter((l) => l.length > 0) : [];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Names up to five files, then how many more. */
export function list(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(', ');
  return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
}
