import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { AppError, Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { classifyGitFailure, gitError } from './errors';
import { git, runGit, stripNewline } from './exec';

export type CommitOutcome =
  | { status: 'committed'; commit: string; files: string[] }
  /** A hook of the repository refused the commit; nothing was committed. `output` is what the hook printed. */
  | { status: 'hook_failed'; hooks: string[]; output: string }
  | { status: 'nothing_to_commit' };

export interface CommitRequest {
  worktreePath: string;
  message: string;
  /** Only these paths (relative to the worktree), else everything, untracked files included. */
  paths?: readonly string[];
}

// The hooks that can refuse a commit, in the order git runs them.
const COMMIT_HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg'];

/**
 * Commits in the session's worktree with the user's own git: their identity,
 * signing settings and the repository's hooks. A refused commit is a value
 * with the hook's output, never a throw.
 */
export async function commitWorktree(req: CommitRequest): Promise<Result<CommitOutcome, AppError>> {
  const cwd = req.worktreePath;
  const fail = (stderr: string) => classifyGitFailure(`commit in "${cwd}"`, stderr, cwd);
  if (req.paths?.length === 0) return err(gitError('invalid_name', 'invalid', 'No files were chosen; choose at least one, or commit all.'));
  const pathspec = req.paths ? ['--', ...req.paths.map((p) => `:(top,literal)${p}`)] : ['--', '.'];
  const before = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd });
  if (!before.ok) return before;
  // `git add` refuses a path that is gone from disk and index alike (a deletion already staged); such paths are staged with rm.
  const present = req.paths ? await existing(cwd, req.paths) : null;
  const toAdd = present ? ['--', ...present.map((p) => `:(top,literal)${p}`)] : pathspec;
  if (!present || present.length > 0) {
    const add = await git(['add', '--all', ...toAdd], { cwd }, fail);
    if (!add.ok) return add;
  }
  const gone = req.paths?.filter((p) => !present?.includes(p)) ?? [];
  if (gone.length > 0) {
    const rm = await git(['rm', '--cached', '--ignore-unmatch', '-q', '--', ...gone.map((p) => `:(top,literal)${p}`)], { cwd }, fail);
    if (!rm.ok) return rm;
  }
  // --only with paths commits exactly them, whatever else is staged; -F - keeps the message out of argv.
  const args = ['commit', '--file=-', '--cleanup=strip', ...(req.paths ? ['--only', ...pathspec] : [])];
  const run = await runGit(args, { cwd, input: req.message });
  if (!run.ok) return run;
  const output = `${run.value.stdout.toString('utf8')}${run.value.stderr}`.trim();
  if (run.value.code !== 0) {
    if (/nothing to commit|no changes added to commit|nothing added to commit/i.test(output)) return ok({ status: 'nothing_to_commit' });
    if (/Aborting commit due to empty commit message/i.test(output)) {
      return err(gitError('invalid_name', 'invalid', 'The commit message is empty; write one.', output));
    }
    if (/Author identity unknown|Please tell me who you are/i.test(output)) {
      return err(gitError('git_failed', 'needs_you', 'git does not know who you are; set `git config --global user.name` and `user.email`, then commit again.', output));
    }
    const hooks = await commitHooks(cwd);
    if (hooks.length > 0) return ok({ status: 'hook_failed', hooks, output });
    return err(fail(output));
  }
  const after = await git(['rev-parse', 'HEAD'], { cwd }, fail);
  if (!after.ok) return after;
  const range = before.value.code === 0 ? [stripNewline(before.value.stdout.toString('utf8')), 'HEAD'] : ['--root', 'HEAD'];
  const names = await git(['diff-tree', '-r', '--name-only', '-z', '--no-commit-id', ...range], { cwd }, fail);
  if (!names.ok) return names;
  return ok({ status: 'committed', commit: stripNewline(after.value), files: names.value.split('\0').filter((n) => n.length > 0) });
}

async function existing(cwd: string, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) if (await access(path.join(cwd, p)).then(() => true, () => false)) found.push(p);
  return found;
}

/** The commit hooks the repository has (core.hooksPath respected): a refusal git does not explain came from one of them. */
async function commitHooks(cwd: string): Promise<string[]> {
  const dir = await runGit(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd });
  if (!dir.ok || dir.value.code !== 0) return [];
  const hooks = stripNewline(dir.value.stdout.toString('utf8'));
  const found: string[] = [];
  for (const name of COMMIT_HOOKS) {
    if (await access(path.join(hooks, name), constants.X_OK).then(() => true, () => false)) found.push(name);
  }
  return found;
}
