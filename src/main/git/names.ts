import { tmpdir } from 'node:os';
import { hiddenCharProblem } from '../../shared/hidden-chars';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { gitError, type GitError } from './errors';
import { runGit, stripNewline } from './exec';
import { slugify } from '../../shared/slug';

export { slugify };

// Characters that are always valid in a single ref component, whatever git's
// other rules (no dots, so no `..`, `.lock` or leading dot).
const SAFE_COMPONENT = /^[A-Za-z0-9_-]+$/;

/**
 * Branch for a worker or orchestrator worktree. The directory keeps the name
 * exactly as given (spaces and all, so people recognise it), but a ref cannot
 * hold whitespace, so each whitespace run becomes one `-` in the branch. Two
 * names differing only in whitespace therefore share a branch; `create`
 * reports that as `branch_checked_out` rather than silently sharing it.
 */
export function branchNameFor(prefix: string, name: string): string {
  return `baton/${prefix}-${name.replace(/\s+/g, '-')}`;
}

/** Why git would reject a name, in words; git itself only says "not valid". */
function refProblem(name: string): string {
  if (/\s/.test(name)) return 'it contains whitespace';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name.includes('..')) return 'it contains ".."';
  if (/\.lock(\/|$)/.test(name)) return 'a part of it ends with ".lock"';
  if (name.includes('@{')) return 'it contains "@{"';
  if (/[~^:?*[\\]/.test(name)) return 'it contains one of ~ ^ : ? * [ \\';
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'it contains a control character';
  if (/(^|\/)\./.test(name)) return 'a part of it starts with "."';
  if (/\/\/|^\/|\/$|\.$/.test(name)) return 'it has an empty part or ends with "/" or "."';
  return 'git does not accept it as a branch name';
}

/** Returns the name unchanged when git accepts it as a branch name. */
export async function validateBranchName(name: string): Promise<Result<string, GitError>> {
  const invalid = (gitMessage?: string): Result<string, GitError> =>
    err(
      gitError(
        'invalid_name',
        'invalid',
        `"${name}" cannot be used as a branch name: ${refProblem(name)}. Choose another name.`,
        gitMessage,
      ),
    );
  if (name.length === 0) return invalid();
  if (isPlainBranchName(name)) return ok(name);
  // git accepts bidi overrides and zero-width characters in a ref; a branch that reads as another must not exist.
  const hidden = hiddenCharProblem(name, 'branch name'); // not quoted: the name itself would mislead
  if (hidden) return err(gitError('invalid_name', 'invalid', hidden));
  // Run outside any repository: inside one, `--branch @{-1}` is expanded to the
  // previously checked-out branch and "succeeds".
  const run = await runGit(['check-ref-format', '--branch', name], { cwd: tmpdir() });
  if (!run.ok) return run;
  if (run.value.code !== 0) return invalid(run.value.stderr);
  if (stripNewline(run.value.stdout.toString('utf8')) !== name) return invalid();
  return ok(name);
}

/**
 * Names git always accepts (every part made of safe characters, not starting
 * with "-"), checked without starting a process: validation runs on every
 * create, and most Baton branch names look like this.
 */
function isPlainBranchName(name: string): boolean {
  return !name.startsWith('-') && name.split('/').every((part) => SAFE_COMPONENT.test(part));
}

/** Checks that `id` can be one component of a ref such as `refs/baton/preserved/<id>`. */
export async function validateRefComponent(id: string, what: string): Promise<Result<string, GitError>> {
  if (SAFE_COMPONENT.test(id)) return ok(id);
  const invalid = (gitMessage?: string): Result<string, GitError> =>
    err(
      gitError(
        'invalid_name',
        'invalid',
        `The ${what} "${id}" cannot be used in a git ref name: ${id.includes('/') ? 'it contains "/"' : refProblem(id)}.`,
        gitMessage,
      ),
    );
  if (id.length === 0 || id.includes('/')) return invalid();
  const run = await runGit(['check-ref-format', `refs/baton/preserved/${id}`], { cwd: tmpdir() });
  if (!run.ok) return run;
  return run.value.code === 0 ? ok(id) : invalid(run.value.stderr);
}
