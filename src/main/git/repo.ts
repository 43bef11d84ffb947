import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { gitError, type GitError } from './errors';
import { git, runGit, stripNewline } from './exec';

export interface RepositoryInfo {
  /** Top level of the work tree containing the path, symlinks resolved. */
  topLevel: string;
  /** Short branch name, or null when HEAD is detached. */
  currentBranch: string | null;
  headCommit: string;
}

/** Checks that `inputPath` is usable as a project: an existing directory inside a git work tree with at least one commit. */
export async function inspectRepository(inputPath: string): Promise<Result<RepositoryInfo, GitError>> {
  if (inputPath.trim().length === 0) {
    return err(gitError('invalid_path', 'invalid', 'No folder was given; choose the folder of a git repository.'));
  }
  // A relative path would depend on wherever the main process happened to start.
  if (!path.isAbsolute(inputPath)) {
    return err(
      gitError('invalid_path', 'invalid', `"${inputPath}" is not an absolute path; choose the folder with its full path.`),
    );
  }
  try {
    const info = await stat(inputPath);
    if (!info.isDirectory()) {
      return err(
        gitError('not_a_directory', 'invalid', `"${inputPath}" is a file, not a folder; choose the repository's folder.`),
      );
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return err(
        gitError('permission_denied', 'needs_you', `"${inputPath}" cannot be read (permission denied); fix its permissions.`),
      );
    }
    return err(gitError('not_found', 'invalid', `"${inputPath}" does not exist; check the path or choose another folder.`));
  }

  const top = await runGit(['rev-parse', '--show-toplevel'], { cwd: inputPath });
  if (!top.ok) return top;
  if (top.value.code !== 0) return err(notARepository(inputPath, top.value.stderr));
  const topLevelRaw = stripNewline(top.value.stdout.toString('utf8'));
  if (topLevelRaw.length === 0) return err(notARepository(inputPath, top.value.stderr));
  const topLevel = await realpath(topLevelRaw);

  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: topLevel });
  if (!head.ok) return head;
  if (head.value.code !== 0) {
    return err(
      gitError(
        'no_commits',
        'needs_you',
        `The repository at "${topLevel}" has no commits yet; make a first commit (for example \`git commit --allow-empty -m init\`), then add it again.`,
      ),
    );
  }
  const headCommit = stripNewline(head.value.stdout.toString('utf8'));

  const branch = await currentBranch(topLevel);
  if (!branch.ok) return branch;
  return ok({ topLevel, currentBranch: branch.value, headCommit });
}

/** The short name of the branch checked out at `cwd`, or null when HEAD is detached (or `cwd` is no work tree). */
export async function currentBranch(cwd: string): Promise<Result<string | null, GitError>> {
  // Exit code 1 from symbolic-ref means a detached HEAD, which is a valid state.
  const branch = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd });
  if (!branch.ok) return branch;
  return ok(branch.value.code === 0 ? stripNewline(branch.value.stdout.toString('utf8')) : null);
}

function notARepository(inputPath: string, stderr: string): GitError {
  if (/dubious ownership/i.test(stderr)) {
    return gitError(
      'unsafe_repository',
      'needs_you',
      `git refuses to work in "${inputPath}" because it is owned by another user. ` +
        `If you trust it, run \`git config --global --add safe.directory ${inputPath}\`, then add it again.`,
      stderr,
    );
  }
  if (/must be run in a work tree/i.test(stderr)) {
    return gitError(
      'not_a_repository',
      'invalid',
      `"${inputPath}" is inside a git directory or a bare repository, not a working tree; choose the folder where the files are checked out.`,
      stderr,
    );
  }
  return gitError(
    'not_a_repository',
    'invalid',
    `"${inputPath}" is not inside a git repository; choose a repository's folder or run \`git init\` there first.`,
    stderr,
  );
}

/** The repository's shared `.git` directory (for a linked worktree, the main one's), realpath'd. */
export async function commonGitDir(topLevel: string): Promise<Result<string, GitError>> {
  const out = await git(['rev-parse', '--git-common-dir'], { cwd: topLevel }, (stderr) =>
    notARepository(topLevel, stderr),
  );
  if (!out.ok) return out;
  return ok(await realpath(path.resolve(topLevel, stripNewline(out.value))));
}
