import { spawn } from 'node:child_process';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { gitError, type GitError } from './errors';
import { withUserUmask } from '../lib/umask';

export interface GitRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitOptions {
  cwd: string;
  /** Extra environment, layered over the sanitized parent environment. */
  env?: Record<string, string>;
  input?: Buffer | string;
}

// Variables that would silently redirect git to another repository or index.
// They are set when Baton itself runs inside a git hook (it edits its own repo).
const INHERITED_GIT_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
];

function gitEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_GIT_VARS) delete env[name];
  // Messages are classified by text, so they must not be translated; git never
  // prompts because there is nobody at a terminal to answer.
  env.LC_ALL = 'C';
  env.LANGUAGE = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  return { ...env, ...extra };
}

/**
 * Runs git with an argument array (never a shell). A non-zero exit is data in
 * `code`; only a missing git binary becomes an error.
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<Result<GitRun, GitError>> {
  return new Promise((resolve) => {
    // The user's repository: git writes objects and checkouts under the user's umask, not Baton's private one.
    const child = withUserUmask(() => spawn('git', args, {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    }));
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let spawnError: NodeJS.ErrnoException | null = null;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errOut.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    // git may exit before reading all of stdin (e.g. on a usage error); the
    // resulting EPIPE is reported through the exit code, not as a crash.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => {
      if (spawnError) {
        resolve(err(spawnFailure(spawnError, options.cwd)));
        return;
      }
      resolve(ok({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(errOut).toString('utf8') }));
    });
  });
}

function spawnFailure(e: NodeJS.ErrnoException, cwd: string): GitError {
  if (e.code === 'ENOENT') {
    // spawn reports a missing cwd as ENOENT too; tell the two apart.
    return gitError(
      'git_missing',
      'needs_you',
      `Could not run git in "${cwd}": either git is not installed (install it and make sure it is on PATH) or the directory does not exist.`,
      e.message,
    );
  }
  return gitError('git_failed', 'needs_you', `Could not start git in "${cwd}": ${e.message}.`, e.message);
}

/** Runs git and treats a non-zero exit as a failure classified by `onFailure`. */
export async function git(
  args: readonly string[],
  options: GitOptions,
  onFailure: (stderr: string) => GitError,
): Promise<Result<string, GitError>> {
  const run = await runGit(args, options);
  if (!run.ok) return run;
  if (run.value.code !== 0) return err(onFailure(run.value.stderr));
  return ok(run.value.stdout.toString('utf8'));
}

export const stripNewline = (s: string): string => s.replace(/\r?\n$/, '');
