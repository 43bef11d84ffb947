import { spawn } from 'node:child_process';
import type { AppError, Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { gitError } from './errors';
import { runGit, stripNewline } from './exec';

export interface Pushed {
  remote: string;
  /** The remote's fetch URL as configured (what a compare link is built from). */
  remoteUrl: string;
  branch: string;
}

/** The remote to push to: the branch's configured one, else `origin`, else the only remote. */
export async function pickRemote(cwd: string, branch: string): Promise<Result<string, AppError>> {
  const configured = await runGit(['config', '--get', `branch.${branch}.remote`], { cwd });
  if (configured.ok && configured.value.code === 0) return ok(stripNewline(configured.value.stdout.toString('utf8')));
  const remotes = await runGit(['remote'], { cwd });
  if (!remotes.ok) return remotes;
  const names = remotes.value.stdout.toString('utf8').split('\n').filter((n) => n.length > 0);
  if (names.includes('origin')) return ok('origin');
  if (names.length === 1) return ok(names[0]!);
  return err({
    code: 'no_remote',
    message: names.length === 0
      ? 'The repository has no remote to push to; add one (`git remote add origin <url>`), then try again.'
      : `The repository has several remotes (${names.join(', ')}) and none is origin; set one for the branch (\`git branch --set-upstream-to\`) or name one origin.`,
  });
}

/**
 * Pushes the session's branch with the system git, so the user's own
 * credentials, helpers and remotes apply; Baton holds no token.
 */
export async function pushBranch(cwd: string, branch: string): Promise<Result<Pushed, AppError>> {
  const remote = await pickRemote(cwd, branch);
  if (!remote.ok) return remote;
  const url = await runGit(['remote', 'get-url', remote.value], { cwd });
  if (!url.ok) return url;
  const r = await runGit(['push', '--porcelain', '--set-upstream', remote.value, `refs/heads/${branch}:refs/heads/${branch}`], { cwd });
  if (!r.ok) return r;
  if (r.value.code !== 0) {
    const text = `${r.value.stdout.toString('utf8')}${r.value.stderr}`;
    const hint = /rejected|non-fast-forward|fetch first/i.test(text)
      ? `the remote's ${branch} has commits this one lacks; pull or rebase the session's branch, then push again`
      : /Authentication|Permission denied|could not read Username|403/i.test(text)
        ? 'git could not sign in to the remote; check your credentials (ssh key or credential helper) with `git push` in a terminal'
        : 'see git\'s message';
    return err(gitError('git_failed', 'needs_you', `Could not push ${branch} to ${remote.value}: ${hint}.`, text));
  }
  return ok({ remote: remote.value, remoteUrl: stripNewline(url.value.stdout.toString('utf8')), branch });
}

/** `owner/repo` of a GitHub remote (ssh `git@github.com:o/r.git`, `ssh://…`, https with or without `.git`), else null. */
export function githubRepo(remoteUrl: string): string | null {
  const url = remoteUrl.trim();
  const scp = /^[\w.-]+@github\.com:([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url);
  const full = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com(?::\d+)?\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url);
  const m = scp ?? full;
  return m ? `${m[1]}/${m[2]}` : null;
}

export function compareUrl(repo: string, base: string, branch: string): string {
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  return `https://github.com/${repo}/compare/${enc(base)}...${enc(branch)}`;
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (gh) with an argument array and a time limit; null when it is not installed. */
export function runTool(command: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<ToolRun | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: { ...process.env, GH_PROMPT_DISABLED: '1', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let missing = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') missing = true;
      else stderr += e.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (missing) resolve(null);
      else resolve({ code: code ?? (signal ? 124 : 1), stdout, stderr: signal ? `${stderr}\n(stopped after ${Math.round(timeoutMs / 1000)} s)` : stderr });
    });
  });
}

export type PullRequest =
  | { kind: 'created'; url: string }
  /** gh is missing or not logged in: the page where the user opens the PR themselves. */
  | { kind: 'compare'; url: string; why: string }
  /** Not a GitHub remote: the branch is pushed, and that is all Baton can do. */
  | { kind: 'none'; message: string };

/**
 * Opens a pull request with GitHub's `gh` when it is installed and logged in,
 * else hands back the compare URL; for other hosts says what was pushed.
 * `where` names the machine gh runs on when that is not this one (a project on an SSH destination).
 */
export async function openPullRequest(cwd: string, pushed: Pushed, base: string, title: string, body: string, where = ''): Promise<PullRequest> {
  const repo = githubRepo(pushed.remoteUrl);
  if (!repo) {
    return { kind: 'none', message: `${pushed.remoteUrl} is not a GitHub remote, so no pull request could be made; the branch ${pushed.branch} is pushed to ${pushed.remote}.` };
  }
  const compare = compareUrl(repo, base, pushed.branch);
  const auth = await runTool('gh', ['auth', 'status', '--hostname', 'github.com'], cwd);
  if (!auth) return { kind: 'compare', url: compare, why: where ? `gh (GitHub CLI) is not installed on ${where}, where the repository is (install it there to have Baton open pull requests)` : 'gh (GitHub CLI) is not installed' };
  if (auth.code !== 0) return { kind: 'compare', url: compare, why: where ? `gh is not logged in on ${where} (run \`gh auth login\` there)` : 'gh is not logged in (run `gh auth login`)' };
  const created = await runTool('gh', ['pr', 'create', '--repo', repo, '--base', base, '--head', pushed.branch, '--title', title, '--body', body], cwd);
  const text = created ? `${created.stdout}\n${created.stderr}` : '';
  const url = /https:\/\/\S+\/pull\/\d+/.exec(text)?.[0];
  // An existing PR for the branch is reported by gh with its URL: that is the PR.
  if (created && url) return { kind: 'created', url };
  return { kind: 'compare', url: compare, why: `gh could not create the pull request: ${text.trim().split('\n').slice(-3).join(' ') || 'no output'}` };
}
