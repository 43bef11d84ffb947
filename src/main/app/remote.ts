/** The composition root's SSH part (ADR 0018): destinations, the routing host port, and git and setup run there. */
import { err, ok, type Result } from '../../shared/result';
import { gitError } from '../git/errors';
import type { ProjectsRepository } from '../projects/repository';
import type { HostPort } from '../sessions/host-port';
import type { RemoteInstall } from '../runtime/ssh/bootstrap';
import type { HelperCall } from '../runtime/ssh/host-port';
import { createSshHosts } from '../runtime/ssh/hosts';
import type { SshLink } from '../runtime/ssh/link';
import { runRemoteSetup } from '../runtime/ssh/remote-setup';
import { remoteReviewGit } from '../runtime/ssh/remote-review';
import { remoteWorktreeManager } from '../runtime/ssh/remote-worktrees';
import type { ReviewGit } from '../git/review-ops';
import { createRoutingHostPort } from '../runtime/ssh/routing';
import type { RemoteWorktrees } from '../worktrees/service';

export interface RemoteWiringOptions {
  dataDir: string;
  appVersion: string;
  /** Where local session hosts are launched (tests may pass their own). */
  local: HostPort;
  projects: ProjectsRepository;
  /** The project a session belongs to; null for a session that is not known. */
  projectOfSession: (sessionId: string) => string | null;
  /** Which projects live on a destination is the list's business: one resync of it. */
  onProjectsChanged: () => void;
  /** A destination's link is connected again: the sessions it could not reach are reconciled. */
  onLinkReturned: (destination: string) => void;
  /** Each remote helper call's figures (tests, benchmarks). */
  onHelperCall?: (call: HelperCall) => void;
}

export function createRemoteWiring(o: RemoteWiringOptions) {
  // The user's own ssh config, or BATON_SSH_CONFIG's (tests).
  const sshHosts = createSshHosts({
    dataDir: o.dataDir,
    ...(process.env.BATON_SSH_CONFIG ? { configFile: process.env.BATON_SSH_CONFIG } : {}),
    onStateChange: (destination) => {
      o.onProjectsChanged();
      if (sshHosts.view(destination).state === 'connected') o.onLinkReturned(destination);
    },
  });
  // Each session's host runs where its project lives: here, or on an SSH destination, bootstrapped there on first use.
  const host = createRoutingHostPort({
    local: o.local,
    hosts: sshHosts,
    appVersion: o.appVersion,
    ...(o.onHelperCall ? { onHelperCall: o.onHelperCall } : {}),
    placeOf: (sessionId) => {
      const projectId = o.projectOfSession(sessionId);
      const p = projectId ? o.projects.get(projectId) : null;
      return p?.host.kind === 'ssh' ? { kind: 'ssh', destination: p.host.destination } : { kind: 'local' };
    },
  });
  /** Baton installed on a destination (bootstrapped on first use) and its link. */
  const installedOn = async (destination: string): Promise<Result<{ link: SshLink; install: RemoteInstall }>> => {
    const install = await host.installFor(destination);
    if (!install.ok) return install;
    const link = sshHosts.linkFor(destination);
    return link.ok ? ok({ link: link.value, install: install.value }) : link;
  };
  /** Worktrees of projects on an SSH destination: git and setup run there, with Baton installed on first use. */
  const worktrees: RemoteWorktrees = {
    manager: async (destination, repoPath) => {
      const at = await installedOn(destination);
      if (!at.ok) return err(gitError('git_failed', 'transient', at.error.message));
      return remoteWorktreeManager(at.value.link, at.value.install, { repoPath, worktreeRoot: `${at.value.install.root}/worktrees`, onInstallGone: () => host.forgetInstall(destination) });
    },
    setup: async (destination, req) => {
      const at = await installedOn(destination);
      return at.ok ? runRemoteSetup(at.value.link, at.value.install, req) : { ok: false, log: `✗ setup on ${destination} could not run: ${at.error.message}\n` };
    },
  };
  /** Review's git on a destination (diff, commit, merge, pull request, archive): run there by remote.js. */
  const reviewGit = async (destination: string): Promise<Result<ReviewGit>> => {
    const at = await installedOn(destination);
    return at.ok ? ok(remoteReviewGit(at.value.link, at.value.install, { onInstallGone: () => host.forgetInstall(destination), ...(o.onHelperCall ? { onHelperCall: o.onHelperCall } : {}) })) : at;
  };
  return {
    sshHosts,
    host,
    worktrees,
    reviewGit,
    /**
     * Every SSH destination a project lives on, dialled at once in the background: the board shows
     * Connecting, then Connected or Disconnected (host unreachable), and never waits on an unreachable host.
     */
    dialAll(): void {
      for (const d of new Set(o.projects.listSummaries().flatMap((p) => (p.host.kind === 'ssh' ? [p.host.destination] : [])))) void sshHosts.connected(d);
    },
  };
}
