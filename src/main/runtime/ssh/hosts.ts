/** Baton's SSH destinations: one SshLink per destination, connected on first use, and git run there (ADR 0018). */
import { join } from 'node:path';
import { fail, ok, type Result } from '../../../shared/result';
import { shq, SshLink, validDestination, type LinkState } from './link';

export interface SshHostsOptions {
  dataDir: string;
  /** A destination's link changed state (connected, disconnected…): the board follows it. */
  onStateChange?: (destination: string) => void;
  /** An ssh_config used instead of the user's (`-F`): tests only, from BATON_SSH_CONFIG. */
  configFile?: string;
}

export interface RemoteRepository {
  topLevel: string;
  currentBranch: string | null;
  branches: string[];
}

export function createSshHosts(o: SshHostsOptions) {
  const links = new Map<string, SshLink>();
  const controlDir = join(o.dataDir, 'ssh');

  function linkFor(destination: string): Result<SshLink> {
    if (!validDestination(destination)) return fail('invalid_destination', `"${destination}" is not a destination ssh accepts (an alias, user@host, or ssh://user@host:port).`);
    let l = links.get(destination);
    if (!l) {
      try {
        l = new SshLink({ destination, controlDir, ...(o.configFile ? { configFile: o.configFile } : {}) });
      } catch (e) {
        // Its control socket has no private place (see controlPathFor): said, not thrown at the caller.
        return fail('unreachable', `Cannot connect to ${destination}: ${e instanceof Error ? e.message : String(e)}`);
      }
      links.set(destination, l);
      l.onState(() => o.onStateChange?.(destination));
    }
    return ok(l);
  }

  /** The destination's link, connected (the first use starts it; later ones reuse it, reconnecting if it dropped). */
  async function connected(destination: string): Promise<Result<SshLink>> {
    const l = linkFor(destination);
    if (!l.ok) return l;
    const c = await l.value.connect();
    return c.ok ? l : c;
  }

  /** git on the destination, argv quoted for its shell; a failure names git's own words and the host. */
  async function git(destination: string, cwd: string, args: string[], timeoutMs = 30_000): Promise<Result<string>> {
    const l = await connected(destination);
    if (!l.ok) return l;
    const r = await l.value.exec(['git', '-C', cwd, ...args].map(shq).join(' '), null, timeoutMs);
    if (!r.ok) return r;
    if (r.value.code !== 0) return fail('git_failed', `git ${args[0] ?? ''} in ${cwd} on ${destination} failed: ${r.value.stderr.trim().split('\n').at(-1) ?? `exit ${r.value.code}`}`);
    return ok(r.value.stdout.toString('utf8'));
  }

  return {
    linkFor,
    connected,
    git,

    /** What adding a project needs: the repository's top level, its current branch, its local branches. */
    async inspectRepository(destination: string, path: string): Promise<Result<RemoteRepository>> {
      const top = await git(destination, path, ['rev-parse', '--show-toplevel']);
      if (!top.ok) return top.error.code === 'git_failed' ? fail('not_a_repository', `${path} on ${destination} is not a git repository (or does not exist): ${top.error.message}`) : top;
      const topLevel = top.value.trim();
      const head = await git(destination, topLevel, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
      const branches = await git(destination, topLevel, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']);
      if (!branches.ok) return branches;
      return ok({ topLevel, currentBranch: head.ok ? head.value.trim() || null : null, branches: branches.value.split('\n').filter(Boolean) });
    },

    /** A destination's link as the board shows it: idle until first used. */
    view(destination: string): { state: 'idle' | LinkState['state']; reason: string | null } {
      const s = links.get(destination)?.state;
      if (!s) return { state: 'idle', reason: null };
      return { state: s.state, reason: s.state === 'disconnected' ? s.reason : null };
    },

    /** Each destination's connection state, for the board and `baton project list`. */
    states(): Array<{ destination: string; state: LinkState }> {
      return [...links].map(([destination, l]) => ({ destination, state: l.state }));
    },

    async close(): Promise<void> {
      await Promise.all([...links.values()].map((l) => l.close()));
      links.clear();
    },
  };
}

export type SshHosts = ReturnType<typeof createSshHosts>;
