import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { gitError, type GitError } from './errors';
import { directRunner, type ChildRunner } from '../lib/child-runner';

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
  /** How long git may run before it (and every hook it started) is killed; by default set by the command's verb (see timeoutFor). */
  timeoutMs?: number;
}

/** Queries answer in well under a second; a minute means something is stuck (a hook, a lock, a network filesystem). */
export const SHORT_TIMEOUT_MS = 60_000;
/** Work proportional to the size of the tree (checking out, removing, hashing every file) may take minutes on a big repository. */
export const LONG_TIMEOUT_MS = 10 * 60_000;
const LONG_VERBS = new Set(['clone', 'fetch', 'pull', 'push', 'worktree', 'add', 'apply', 'checkout', 'switch', 'merge', 'rebase', 'gc', 'submodule', 'status', 'read-tree']);

/** The command's verb (`worktree add`, `rev-parse`), for timeouts and messages: the first argument that is not a global option. */
export function gitVerb(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '-C') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    const sub = args[i + 1];
    return a === 'worktree' && sub && !sub.startsWith('-') ? `worktree ${sub}` : a;
  }
  return 'git';
}

/**
 * The timeout for one call: the caller's, else long or short by verb.
 * BATON_GIT_TIMEOUT_MS caps every call (fault-injection tests use it to make a hung hook fail fast).
 */
export function timeoutFor(args: readonly string[], explicit?: number): number {
  const verb = gitVerb(args).split(' ')[0] as string;
  const base = explicit ?? (LONG_VERBS.has(verb) ? LONG_TIMEOUT_MS : SHORT_TIMEOUT_MS);
  const cap = Number(process.env.BATON_GIT_TIMEOUT_MS);
  return Number.isFinite(cap) && cap > 0 ? Math.min(base, cap) : base;
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

function gitEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_GIT_VARS) delete env[name];
  // Messages are classified by text, so they must not be translated; git never
  // prompts because there is nobody at a terminal to answer.
  env.LC_ALL = 'C';
  env.LANGUAGE = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...env, ...extra })) if (v !== undefined) out[k] = v;
  return out;
}

let runner: ChildRunner = directRunner;

/** Where git is started from: the spawner process once the app has one (ADR 0030), else this process. */
export function useGitRunner(r: ChildRunner | null): void {
  runner = r ?? directRunner;
}

/**
 * Runs git with an argument array (never a shell). A non-zero exit is data in
 * `code`; a missing git binary, or a call that outlives its timeout, becomes
 * an error. On timeout git's whole process group is killed: a hook it started
 * (and whatever that hook started) must not keep holding the repository's locks.
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<Result<GitRun, GitError>> {
  const timeoutMs = timeoutFor(args, options.timeoutMs);
  // Its own process group (not on Windows), so a timeout can kill git and its hooks together.
  const run = runner.run('git', args, { cwd: options.cwd, env: gitEnv(options.env), group: process.platform !== 'win32', ...(options.input !== undefined ? { input: options.input } : {}) });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Result<GitRun, GitError>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      run.kill();
      // Answered now, not when it ends: a hook that escaped the group could hold git's pipes open indefinitely.
      settle(err(timedOut(args, timeoutMs, options.cwd, run.stderrSoFar())));
    }, timeoutMs);
    void run.done.then((o) => settle(o.ok ? ok({ code: o.code, stdout: o.stdout, stderr: o.stderr }) : err(spawnFailure(o, options.cwd))));
  });
}

function timedOut(args: readonly string[], timeoutMs: number, cwd: string, stderr: string): GitError {
  const verb = gitVerb(args);
  const secs = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  return gitError(
    'git_timeout',
    'transient',
    `\`git ${verb}\` in "${cwd}" did not finish within ${secs} and was stopped, with any hook it ran. ` +
      'A hook may hang or another program may hold the repository; check its hooks (.git/hooks) and running git processes, then retry.',
    stderr,
  );
}

function spawnFailure(e: { code: string; message: string }, cwd: string): GitError {
  if (e.code === 'ESPAWNER') {
    return gitError('git_failed', 'transient', `git in "${cwd}" was cut short: ${e.message}. It may or may not have finished; check the repository and retry.`, e.message);
  }
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
