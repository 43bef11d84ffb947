/**
 * A WorktreeManager for a repository on an SSH destination: each call runs Baton's own git
 * module there (`remote.js worktree`), so create / preserve / release on the remote are the
 * very code that runs locally, not a second copy of it (ADR 0018).
 */
import { err, ok, type Result } from '../../../shared/result';
import { gitError, type GitError } from '../../git/errors';
import type { WorktreeManager } from '../../git/worktrees';
import { AnyResultSchema, checkAnswer, parseAnswer } from './answers';
import type { RemoteInstall } from './bootstrap';
import type { RemoteWorktreeMethod, RemoteWorktreeRequest } from './helper-protocol';
import { installGone } from './host-port';
import { shq, type SshLink } from './link';

/** Opens the manager on the remote (checking the repository there) and returns a local proxy to it. */
export async function remoteWorktreeManager(
  link: SshLink,
  install: RemoteInstall,
  opts: { repoPath: string; worktreeRoot: string; onInstallGone?: () => void },
): Promise<Result<WorktreeManager, GitError>> {
  const dest = link.target.destination;
  const command = [install.node, `${install.bundleDir}/remote.js`, 'worktree'].map(shq).join(' ');

  async function call<T>(method: RemoteWorktreeRequest['method'], repoPath: string, worktreeRoot: string, args: unknown[]): Promise<Result<T, GitError>> {
    const req: RemoteWorktreeRequest = { repoPath, worktreeRoot, method, args };
    // Long enough for a checkout or a removal of a big tree (git's own LONG timeout runs there).
    const r = await link.exec(command, JSON.stringify(req), 11 * 60_000);
    if (!r.ok) return err(gitError('git_failed', 'transient', `git on ${dest} could not be run: ${r.error.message}`));
    const parsed = parseAnswer(r.value.stdout);
    if (r.value.code !== 0 || parsed === null) {
      const said = r.value.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.value.code}`;
      if (installGone(r.value.code, r.value.stderr)) {
        opts.onInstallGone?.();
        return err(gitError('git_failed', 'transient', `Baton's files on ${dest} are gone (worktree ${method}: ${said}); Baton installs them again on the next try.`));
      }
      return err(gitError('git_failed', 'transient', `Baton's helper on ${dest} failed (worktree ${method}): ${said}.`));
    }
    // The envelope is checked (a Result, an error with its code and message); the value is what the very same
    // method answers on this machine, printed by remote-helper.ts.
    const checked = checkAnswer(AnyResultSchema, parsed, { dest, bundleDir: install.bundleDir, what: `worktree ${method}` });
    return checked.ok ? (checked.value as Result<T, GitError>) : err(gitError('git_failed', 'transient', checked.error.message));
  }

  const opened = await call<{ repoPath: string; worktreeRoot: string }>('open', opts.repoPath, opts.worktreeRoot, []);
  if (!opened.ok) return opened;
  const { repoPath, worktreeRoot } = opened.value;
  const m = <T>(method: RemoteWorktreeMethod) => (...args: unknown[]) => call<T>(method, repoPath, worktreeRoot, args);
  return ok({
    repoPath,
    worktreeRoot,
    create: m('create'),
    list: m('list'),
    reconcile: m('reconcile'),
    preserve: m('preserve'),
    listPreserved: m('listPreserved'),
    restore: m('restore'),
    release: m('release'),
    restoreAsNew: m('restoreAsNew'),
    putBack: m('putBack'),
  });
}
