/** The composition root's SSH part (ADR 0018): destinations, the routing host port, and git and setup run there. */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, fail, ok, type Result } from '../../shared/result';
import type { ToolRequest } from '../../shared/control';
import { startToolSocket, type ToolSocket } from '../control/tool-socket';
import { MCP_TOOLS_FILE } from '../mcp/tool-list';
import { gitError } from '../git/errors';
import type { ProjectsRepository } from '../projects/repository';
import type { HostPort } from '../sessions/host-port';
import type { RemoteInstall } from '../runtime/ssh/bootstrap';
import type { HelperCall } from '../runtime/ssh/host-port';
import { createSshHosts } from '../runtime/ssh/hosts';
import { assertPrivateDir, shq, type SshLink } from '../runtime/ssh/link';
import { runRemoteSetup } from '../runtime/ssh/remote-setup';
import { remoteReviewGit } from '../runtime/ssh/remote-review';
import { remoteWorktreeManager } from '../runtime/ssh/remote-worktrees';
import type { ReviewGit } from '../git/review-ops';
import { createRoutingHostPort, type HostPlace } from '../runtime/ssh/routing';
import { createRoutingTerminalHostPort } from '../runtime/ssh/terminal-routing';
import type { RemoteBridge } from '../tasks/tools';
import type { TerminalHostPort } from '../terminals/host-port';
import type { RemoteWorktrees } from '../worktrees/service';

/** sun_path (104 on macOS with the NUL), less room for ssh's own suffixes. */
const SOCKET_PATH_MAX = 100;

/** `<dataDir>/ssh/tools.sock`, or a private folder under the temp dir when that would not fit sun_path. */
function toolSocketPath(dataDir: string): string {
  const inDir = join(dataDir, 'ssh', 'tools.sock');
  if (Buffer.byteLength(inDir) <= SOCKET_PATH_MAX) return inDir;
  const short = join(tmpdir(), `baton-tools-${process.getuid?.() ?? 0}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  mkdirSync(short, { recursive: true, mode: 0o700 });
  assertPrivateDir(short);
  return join(short, 'tools.sock');
}

export interface RemoteWiringOptions {
  dataDir: string;
  appVersion: string;
  /** Where local session hosts are launched (tests may pass their own). */
  local: HostPort;
  projects: ProjectsRepository;
  /** The project a session belongs to; null for a session that is not known. */
  projectOfSession: (sessionId: string) => string | null;
  /** Where local terminal hosts are launched (tests may pass their own). */
  localTerminals: TerminalHostPort;
  /** The project a terminal belongs to; null for a terminal that is not known. */
  projectOfTerminal: (terminalId: string) => string | null;
  /** Which projects live on a destination is the list's business: one resync of it. */
  onProjectsChanged: () => void;
  /** A destination's link is connected again: the sessions it could not reach are reconciled. */
  onLinkReturned: (destination: string) => void;
  /** Each remote helper call's figures (tests, benchmarks). */
  onHelperCall?: (call: HelperCall) => void;
  /** An orchestrator's tool call from a destination (late-bound: the tools are made after this wiring). */
  callTool: (req: ToolRequest) => Promise<Result<unknown>>;
}

export function createRemoteWiring(o: RemoteWiringOptions) {
  const placeOfProject = (projectId: string | null): HostPlace => {
    const p = projectId ? o.projects.get(projectId) : null;
    return p?.host.kind === 'ssh' ? { kind: 'ssh', destination: p.host.destination } : { kind: 'local' };
  };
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
    // Every install there gets the tools forward, so an orchestrator running there (started before a restart) keeps its tools.
    onInstalled: (destination, link, install) =>
      void forwardTools(link, install).then((r) => {
        if (!r.ok) console.warn(`[baton] ${destination}: orchestrator tools not forwarded: ${r.error.message}`);
      }),
    placeOf: (sessionId) => placeOfProject(o.projectOfSession(sessionId)),
  });
  // Each terminal's host likewise, on the same install and link as the sessions there.
  const terminalHost = createRoutingTerminalHostPort({ local: o.localTerminals, hosts: host, placeOf: (terminalId) => placeOfProject(o.projectOfTerminal(terminalId)) });
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
  /** The tools-only socket the destinations reach (started at the first install; one for every destination). */
  let tools: Promise<ToolSocket> | null = null;
  const toolSocket = (): Promise<ToolSocket> => (tools ??= startToolSocket({ path: toolSocketPath(o.dataDir), version: o.appVersion, onTool: (req) => o.callTool(req) }));

  /**
   * The tools socket forwarded to `<install root>/ctl/<name>.sock` there, kept on the link (back after every
   * reconnect): a 0700 folder, a 0600 socket. Named for this machine and this data dir, so two Batons using one
   * destination never share one. Set up at each install (so after a restart too, for orchestrators running there).
   */
  async function forwardTools(link: SshLink, install: RemoteInstall): Promise<Result<string>> {
    let local: ToolSocket;
    try {
      local = await toolSocket();
    } catch (e) {
      tools = null;
      return fail('tools_unavailable', `Baton could not open its tools socket for ${link.target.destination}: ${e instanceof Error ? e.message : String(e)}.`);
    }
    const name = createHash('sha256').update(`${hostname()}\0${local.path}`).digest('hex').slice(0, 16);
    const remote = `${install.root}/ctl/${name}.sock`;
    const r = await link.keepReverseForward(remote, local.path);
    return r.ok ? ok(remote) : r;
  }

  /**
   * An orchestrator's tools on a destination (ADR 0018): the bundle's mcp-bridge.js under the remote's node, reaching
   * the tools socket through the reverse forward; the token goes there on the link's stdin into a 0600 file, never
   * on a command line.
   */
  const bridge: RemoteBridge = {
    async prepare(destination, sessionId, token) {
      const at = await installedOn(destination);
      if (!at.ok) return at;
      const { link, install } = at.value;
      const socket = await forwardTools(link, install);
      if (!socket.ok) return socket;
      const dir = `${install.dataDir}/sessions/${sessionId}`;
      const tokenFile = `${dir}/mcp-token`;
      const w = await link.exec(`umask 077 && mkdir -p ${shq(dir)} && cat > ${shq(`${tokenFile}.tmp`)} && mv -f ${shq(`${tokenFile}.tmp`)} ${shq(tokenFile)}`, token, 15_000);
      if (!w.ok) return w;
      if (w.value.code !== 0) return fail('install_failed', `Writing the tool token file ${tokenFile} on ${destination} failed: ${w.value.stderr.trim().split('\n').at(-1) || `exit ${w.value.code}`}. Check free space and permissions there, then retry.`);
      return ok({ node: install.node, script: `${install.bundleDir}/mcp-bridge.js`, socket: socket.value, toolsFile: `${install.bundleDir}/${MCP_TOOLS_FILE}`, tokenFile });
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
    terminalHost,
    worktrees,
    bridge,
    /** The tools socket closes with the brain (the links close with sshHosts). */
    async close(): Promise<void> {
      const t = tools;
      tools = null;
      await (await t?.catch(() => null))?.close();
    },
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
