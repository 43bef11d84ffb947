/** The composition root: every domain wired to the store, the hosts and the event hub, without any transport. */
import type { HandlersOf } from '../../shared/contract';
import { HIBERNATE_DEFAULTS, type AppSettings, type AppStatus, type ReconcileReport } from '../../shared/contracts/app';
import { contract, type Contract } from '../../shared/contracts';
import { ErrorCode } from '../../shared/errors';
import { fail, ok, type Result } from '../../shared/result';
import { OPEN_STATES } from '../../shared/session-state';
import { createAgentsCatalog } from '../agents/catalog';
import { agentsHandlers } from '../agents/handlers';
import { createEventHub, type EventHub } from '../api/events';
import { inboxHandlers } from '../inbox/handlers';
import { createInbox } from '../inbox/service';
import { createRouter, type Router } from '../api/router';
import { orchestratorHandlers } from '../orchestrator/handlers';
import { createReplacementsRepository } from '../orchestrator/repository';
import { createReviewRepository } from '../review/repository';
import { reviewGitOps } from '../git/review-ops';
import { createOrchestratorService, type OrchestratorService } from '../orchestrator/service';
import { projectsHandlers } from '../projects/handlers';
import { createProjectsRepository } from '../projects/repository';
import { createProjectsService } from '../projects/service';
import { createCatchUp, holdLaunchesDuringCatchUp } from '../recovery/catch-up';
import { createDebugPoints } from '../recovery/debug-points';
import { createDivergencesRepository } from '../sessions/divergences-repository';
import { reconcileSession, reconcileSessions, type ReconcileDeps } from '../recovery/reconcile';
import type { JournalRecord } from '../../shared/journal';
import { createHostPort, createTerminalHostPort } from '../runtime';
import type { TerminalHostPort } from '../terminals/host-port';
import { createTerminalsDomain } from '../terminals/wire';
import { createEventsRepository } from '../sessions/events-repository';
import { sessionsHandlers } from '../sessions/handlers';
import type { HostPort } from '../sessions/host-port';
import { createProjector } from '../sessions/projection';
import { createSessionsRepository } from '../sessions/repository';
import { createSessionsService, type SessionsService } from '../sessions/service';
import { createTurnsRepository } from '../sessions/turns-repository';
import { openDatabase, storeStatus } from '../store/db';
import { tasksHandlers } from '../tasks/handlers';
import { createTasksRepository } from '../tasks/repository';
import { createTasksService, type TasksService } from '../tasks/service';
import { createOrchestratorTools, type OrchestratorTools } from '../tasks/tools';
import { createWakesRepository } from '../tasks/wakes-repository';
import { worktreesHandlers } from '../worktrees/handlers';
import { createWorktreesRepository } from '../worktrees/repository';
import { createWorktreesService, type WorktreesService } from '../worktrees/service';
import { createMetaRepository, DEFAULT_SETTINGS, type LastShutdown } from './meta-repository';
import { databasePath } from './paths';
import { domainRule } from './domain-rule';
import { createRemoteWiring, type RemoteWiringOptions } from './remote';
import { createReviewWiring } from './review';
import { storeDownCore } from './store-down';

export interface CallContext {
  via: 'ipc' | 'ws' | 'test';
}

export interface CoreOptions {
  dataDir: string;
  mode: AppStatus['mode'];
  version: string;
  /** How session hosts are launched and found (tests may pass a host script of their own). */
  host?: HostPort;
  /** How terminal hosts are launched and found (ADR 0017). */
  terminalHost?: TerminalHostPort;
  /** The desktop shell's native folder picker; absent in browser mode. */
  pickFolder?: (title: string) => Promise<string | null>;
  /** Each call of Baton's helper on an SSH destination and what it carried back (tests and benchmarks measure the link with it). */
  onHelperCall?: RemoteWiringOptions['onHelperCall'];
}

export interface Core {
  router: Router<CallContext>;
  hub: EventHub<Contract>;
  status(): AppStatus;
  /** Reattaches or reconciles every session that was not terminal (startup, "Reconcile now"). */
  recover(): Promise<ReconcileReport | null>;
  /** The app's own settings (what quitting does to running agents). */
  settings(): AppSettings;
  /** An orchestrator's MCP tool call, arriving over the control socket from its bridge. */
  callTool(req: { sessionId: string; token: string; name: string; args: unknown }): Promise<Result<unknown>>;
  /** Sessions whose agent is still running or could be resumed; the quit dialog asks only when there are some. */
  openSessionCount(): number;
  /**
   * Waits for background work to settle, lets go of every host (or stops them
   * all with `stopAgents`), writes the clean-shutdown marker, closes the database.
   */
  close(opts?: { stopAgents?: boolean }): Promise<void>;
}

/** The brain without any transport: everything here runs under plain Node. */
export function createCore(opts: CoreOptions): Core {
  const dbPath = databasePath(opts.dataDir);
  const opened = openDatabase(dbPath);
  // The open store with its meta repository, so that one check narrows both.
  const store = opened.ok ? { ...opened, meta: createMetaRepository(opened.value) } : opened;
  const meta = store.ok ? store.meta : null;
  const lastShutdown: LastShutdown = meta ? meta.beginRun() : 'first_run';
  let lastReconcile: ReconcileReport | null = null;
  let reconciling: Promise<ReconcileReport> | null = null;
  const status = (): AppStatus => ({
    version: opts.version,
    mode: opts.mode,
    platform: process.platform,
    dataDir: opts.dataDir,
    store: storeStatus(dbPath, opened),
    capabilities: { folderPicker: !!opts.pickFolder },
    recovery: { lastShutdown, lastReconcile, reconciling: reconciling !== null },
    settings: meta ? meta.settings() : DEFAULT_SETTINGS,
  });
  const hub = createEventHub(contract);
  const agents = agentsHandlers<CallContext>(createAgentsCatalog());
  const app: HandlersOf<Contract, CallContext>['app'] = {
    status: () => ok(status()),
    pickFolder: async ({ title }) =>
      opts.pickFolder
        ? ok({ path: await opts.pickFolder(title ?? 'Choose a git repository') })
        : fail('not_supported', 'There is no folder picker in browser mode; type the folder path instead.'),
    updateSettings: (patch) => {
      if (!meta) return fail(ErrorCode.storeUnavailable, opened.ok ? '' : opened.error.message);
      const next = meta.saveSettings(patch);
      settingsChanged();
      hub.emit('app.statusChanged', status());
      return ok(next);
    },
    reconcile: async () => (opened.ok ? ok(await recover()) : fail(ErrorCode.storeUnavailable, opened.error.message)),
  };
  // Set once the store is open; the app procedures above are declared first so both branches share them.
  let settingsChanged = (): void => {};
  let recover: () => Promise<ReconcileReport> = () => Promise.reject(new Error('The store is not open.'));

  if (!store.ok) {
    console.error(`[baton] ${store.error.message}`);
    return storeDownCore({ reason: store.error.message, hub, status, app, agents });
  }

  const db = store.value;
  const projectsRepo = createProjectsRepository(db);
  const worktreesRepo = createWorktreesRepository(db);
  const sessionsRepo = createSessionsRepository(db);
  const reviewsRepo = createReviewRepository(db);
  const projectChanged = (projectId: string) => {
    // Its approval policy may have changed: requests waiting in its sessions are looked at again (a domain rule, first).
    domainRule('a project change', () => sessions.projectPolicyChanged(projectId));
    hub.emit('projects.changed', { projectId });
  };
  // Set once the sessions service and reconcile exist (below); a link's state changes before that are nothing to act on.
  let linkReturned = (_destination: string): void => {};
  const remote = createRemoteWiring({
    dataDir: opts.dataDir,
    appVersion: opts.version,
    local: opts.host ?? createHostPort(),
    projects: projectsRepo,
    projectOfSession: (id) => sessionsRepo.get(id)?.projectId ?? null,
    localTerminals: opts.terminalHost ?? createTerminalHostPort(),
    // Late-bound: the terminals domain is made below, with this port.
    projectOfTerminal: (id) => terminals.projectOf(id),
    onProjectsChanged: () => hub.emit('projects.changed', {}),
    onLinkReturned: (destination) => linkReturned(destination),
    // Late-bound: the tools need the sessions service, which needs this wiring's host port.
    callTool: (req) => tools.call(req),
    ...(opts.onHelperCall ? { onHelperCall: opts.onHelperCall } : {}),
  });
  const { sshHosts, host } = remote;
  const projects = createProjectsService({
    repo: projectsRepo,
    hasLiveWorktrees: (id) => worktreesRepo.hasLive(id),
    onChanged: projectChanged,
    inspectRemote: (destination, path) => sshHosts.inspectRepository(destination, path),
    hostLinkState: (destination) => sshHosts.view(destination),
  });
  const worktrees: WorktreesService = createWorktreesService({
    dataDir: opts.dataDir,
    projects: projectsRepo,
    worktrees: worktreesRepo,
    onChanged: (projectId) => {
      hub.emit('worktrees.changed', { projectId });
      projectChanged(projectId);
    },
    sessionsOf: (projectId) => sessionsRepo.list(projectId),
    // Late-bound: the sessions service needs this one, and Release with stopSession needs it.
    stopSession: (id) => sessions.stop(id),
    // Late-bound too: running terminals hold their worktree, and a confirmed release kills them first.
    terminalsIn: (worktreeId) => terminals.runningIn(worktreeId),
    stopTerminals: (worktreeId) => terminals.stopIn(worktreeId),
    // Projects on an SSH destination: git and setup run there, with Baton installed on first use.
    remote: remote.worktrees,
  });
  const { service: terminals, handlers: terminalHandlers } = createTerminalsDomain<CallContext>({
    db,
    dataDir: opts.dataDir,
    port: remote.terminalHost,
    project: (id) => projectsRepo.get(id),
    worktree: (id) => worktreesRepo.get(id),
    session: (id) => sessionsRepo.get(id),
    projectEnv: (id) => projectsRepo.envForAgent(id),
    emitChanged: (t) => hub.emit('terminals.changed', t),
    emitOutput: (o) => hub.emit('terminals.output', o),
    editorSetting: () => meta?.settings().editor ?? null,
  });

  const eventsRepo = createEventsRepository(db);
  const turnsRepo = createTurnsRepository(db);
  const divergencesRepo = createDivergencesRepository(db);
  const projector = createProjector({ db, sessions: sessionsRepo, events: eventsRepo, turns: turnsRepo, holes: divergencesRepo });
  const debugPoint = createDebugPoints();
  const emitRecords = (sessionId: string, records: JournalRecord[]) => hub.emit('sessions.records', { sessionId, records });
  // The domain's callback for a session's move, set once the tasks service exists (wakes follow session facts).
  let onSessionChanged: (sessionId: string) => void = () => {};
  const emitChanged = (sessionId: string, projectId: string): void => {
    // The domain first, then the UIs, as when wakes listened on the hub ahead of every adapter.
    domainRule('a session change', () => onSessionChanged(sessionId));
    hub.emit('sessions.changed', { sessionId, projectId });
    inboxFollows();
  };
  // Late-bound: the inbox reads the sessions service, which reports every change here.
  let inboxFollows = (): void => {};
  const catchUp = createCatchUp({ dataDir: opts.dataDir, host, sessions: sessionsRepo, projector, emitRecords, emitChanged });
  const sessions: SessionsService = createSessionsService({
    dataDir: opts.dataDir,
    host: holdLaunchesDuringCatchUp(host, catchUp),
    projector,
    sessions: sessionsRepo,
    events: eventsRepo,
    turns: turnsRepo,
    divergences: divergencesRepo,
    projects: projectsRepo,
    worktrees: worktreesRepo,
    worktreesService: worktrees,
    emitChanged,
    emitRecords,
    emitAgentLog: (sessionId, lines) => hub.emit('sessions.agentLog', { sessionId, lines }),
    debugPoint,
    // Late-bound: the tools need the sessions service, and sessions need the tools' MCP entry.
    mcpServersFor: (s) => tools.mcpServersFor(s),
    mcpServerNamesFor: (s) => tools.mcpServerNamesFor(s),
    onHostLost: (id) => reconcileLostHost(id),
    hibernation: () => {
      const s = meta?.settings() ?? DEFAULT_SETTINGS;
      const after = s.hibernateAfterSeconds ?? HIBERNATE_DEFAULTS.hibernateAfterSeconds;
      return { afterMs: after > 0 ? after * 1000 : null, orchestrators: s.hibernateOrchestrators ?? HIBERNATE_DEFAULTS.hibernateOrchestrators };
    },
    archivedOf: (id) => {
      const a = reviewsRepo.archived(id);
      return a ? { at: a.at, preservedRef: a.preservedRef } : null;
    },
    archivedAll: () => new Map([...reviewsRepo.archivedAll()].map(([id, a]) => [id, { at: a.at, preservedRef: a.preservedRef }])),
    onPendingChanged: () => inboxFollows(),
  });
  settingsChanged = () => sessions.hibernationSettingsChanged();
  const tasksRepo = createTasksRepository(db);
  const replacementsRepo = createReplacementsRepository(db);
  const tasks: TasksService = createTasksService({
    tasks: tasksRepo,
    wakes: createWakesRepository(db),
    sessions: sessionsRepo,
    sessionsService: sessions,
    projects: projectsRepo,
    emitChanged: (projectId) => hub.emit('tasks.changed', { projectId }),
    replacementOpen: (projectId) => replacementsRepo.openFor(projectId) !== null,
  });
  const { review, stats: reviewStats, comments: reviewComments, ...reviewWiring } = createReviewWiring<CallContext>({
    db,
    sessions: sessionsRepo,
    turns: turnsRepo,
    worktrees: worktreesRepo,
    projects: projectsRepo,
    reviews: reviewsRepo,
    // Review's git runs where the repository is: here, or on the project's SSH destination (ADR 0018).
    git: (project) => (project.host.kind === 'ssh' ? remote.reviewGit(project.host.destination) : Promise.resolve(ok(reviewGitOps))),
    prompt: (id, text, key) => sessions.prompt(id, text, key),
    promptSent: (id) => sessions.promptSent(id),
    archive: {
      release: (worktreeId, o) => worktrees.release(worktreeId, o),
      stopSession: (id) => sessions.stop(id),
      branchFree: (projectId, branch) => worktrees.guard.branch(projectId, branch),
      sessionChanged: emitChanged,
    },
    onReviewChanged: (sessionId, projectId) => {
      hub.emit('review.changed', { sessionId, projectId });
      inboxFollows();
    },
    onCommentsChanged: (sessionId, projectId) => hub.emit('review.commentsChanged', { sessionId, projectId }),
    onStatChanged: (projectId, stat) => {
      hub.emit('review.statChanged', { projectId, stat });
      inboxFollows();
    },
    recovering: () => reconciling !== null,
  });
  const inboxView = createInbox({
    sessions: { list: () => sessions.list(undefined, 'hide'), pending: (id) => sessions.pendingRequests(id) },
    turns: turnsRepo,
    reviews: reviewsRepo,
    stats: reviewStats,
    emit: (view) => hub.emit('inbox.changed', view),
  });
  inboxFollows = () => inboxView.schedule();
  const tools: OrchestratorTools = createOrchestratorTools({
    dataDir: opts.dataDir,
    secret: store.meta.secret('mcp'),
    tasks,
    tasksRepo,
    sessions: sessionsRepo,
    sessionsService: sessions,
    review,
    // An orchestrator of a project on an SSH destination gets the bridge installed there (ADR 0018).
    destinationOf: (s) => {
      const p = projectsRepo.get(s.projectId);
      return p?.host.kind === 'ssh' ? p.host.destination : null;
    },
    remoteBridge: remote.bridge,
  });
  // Wakes follow session facts: an orchestrator turning idle takes a stored wake, a worker ending its turn makes one.
  // A domain callback, not a hub listener: the rule holds whether or not any UI is connected.
  onSessionChanged = (sessionId) => {
    tasks.onSessionChanged(sessionId);
    // The turn-end snapshot, the card's counts, and review comments queued while the agent worked.
    reviewWiring.onSessionChanged(sessionId);
  };
  const orchestrator: OrchestratorService = createOrchestratorService({
    replacements: replacementsRepo,
    sessions: sessionsRepo,
    events: eventsRepo,
    sessionsService: sessions,
    projects: projectsRepo,
    worktrees: worktreesRepo,
    worktreesService: worktrees,
    debugPoint,
    openTasks: (projectId) => tasksRepo.openTitles(projectId),
    emitChanged: (projectId) => {
      // A saga ended or moved: a stored wake may go now.
      domainRule('an orchestrator change', () => tasks.deliverFor(projectId));
      hub.emit('orchestrator.changed', { projectId });
    },
    ...(process.env.BATON_VERIFY_TIMEOUT_MS ? { verifyTimeoutMs: Number(process.env.BATON_VERIFY_TIMEOUT_MS) } : {}),
  });

  const handlers: HandlersOf<Contract, CallContext> = {
    app,
    agents,
    projects: projectsHandlers(projectsRepo, projects),
    worktrees: worktreesHandlers(worktrees),
    sessions: sessionsHandlers(sessions),
    orchestrator: orchestratorHandlers(orchestrator),
    tasks: tasksHandlers(tasks),
    review: reviewWiring.handlers,
    terminals: terminalHandlers,
    inbox: inboxHandlers(inboxView),
  };

  const reconcileDeps: ReconcileDeps = { dataDir: opts.dataDir, host, projector, sessions: sessionsRepo, events: eventsRepo, divergences: divergencesRepo, service: sessions, catchUp };

  /** Every session on that destination left Disconnected: reconciled again (reattached and caught up, or decided as gone). */
  linkReturned = (destination: string): void => {
    if (closed) return;
    // Terminals left Disconnected are followed again (those on other destinations still down stay so).
    void terminals.reattachAll();
    for (const s of sessions.unreachable()) {
      const p = projectsRepo.get(s.projectId);
      if (p?.host.kind === 'ssh' && p.host.destination === destination && !sessions.isLive(s.id)) reconcileLostHost(s.id);
    }
  };

  /** Sessions whose host was lost while the app runs, being reconciled one each; a whole reconcile waits for them. */
  const lostHosts = new Set<Promise<void>>();
  function reconcileLostHost(sessionId: string): void {
    // After any reconcile in flight now (which may have looked at the session while its host was still there).
    const before = reconciling;
    const p: Promise<void> = (async () => {
      await before?.catch(() => undefined);
      if (closed) return;
      const run = await reconcileSession(reconcileDeps, sessionId);
      if (run.report.moved.length) console.log(`[baton] session ${sessionId}: its host was lost; reconciled to ${run.report.moved[0]?.to}`);
      await run.caughtUp;
      // As after a whole reconcile: a prompt checkpointed but never journaled goes out now. Not once close() has begun.
      if (!closed) void sessions.resendCheckpointed(sessionId);
    })()
      .catch((e: unknown) => console.error(`[baton] session ${sessionId}: reconciling after its host was lost failed:`, e))
      .finally(() => lostHosts.delete(p));
    lostHosts.add(p);
  }

  // One reconcile at a time: "Reconcile now" during the startup one joins it rather than racing it.
  // lastReconcile is published as soon as every state is decided (the board is accurate); `reconciling`
  // stays true, and the promise pending, until every journal the database was behind on is projected.
  recover = () => {
    // Every SSH destination a project lives on is dialled at once, in the background (never waited on).
    remote.dialAll();
    reconciling ??= (async () => {
      // Never beside a lost host's own reconcile, which would decide (and mark) that session a second time.
      const lost = [...lostHosts];
      try {
        hub.emit('app.statusChanged', status());
        await Promise.all(lost);
        // Terminals are independent of sessions: each host is found again or its row settles as exited or lost.
        const terms = await terminals.reattachAll();
        if (terms.reattached || terms.ended || terms.disconnected) console.log(`[baton] terminals: ${terms.reattached} reattached, ${terms.ended} ended while Baton was away, ${terms.disconnected} on hosts not reachable now`);
        const run = await reconcileSessions(reconcileDeps);
        const report = run.report;
        lastReconcile = report;
        if (report.reattached || report.moved.length || report.divergences) {
          console.log(`[baton] reconciled: ${report.reattached} reattached, ${report.moved.length} moved, ${report.divergences} divergence(s)`);
        }
        hub.emit('app.statusChanged', status());
        await run.caughtUp;
        // After reconcile and catch-up, so a saga sees every session's true state and whole transcript (a handoff
        // reads it); a no-op on later reconciles. Not once close() has stopped the catch-up.
        if (!closed) {
          for (const idle of sessionsRepo.listInStates(['idle'])) void sessions.resendCheckpointed(idle.id);
          orchestrator.resumeInterrupted();
          tasks.deliverPending();
          reviewComments.deliverPending();
        }
        return report;
      } finally {
        reconciling = null;
        hub.emit('app.statusChanged', status());
      }
    })();
    return reconciling;
  };

  let closed = false;
  return {
    router: createRouter(contract, handlers, { refusal: () => (closed ? 'Baton is shutting down; try again once it has started again.' : null) }),
    hub,
    status,
    recover: () => recover(),
    settings: () => meta?.settings() ?? DEFAULT_SETTINGS,
    callTool: (req) => tools.call(req),
    openSessionCount: () => sessionsRepo.listInStates(OPEN_STATES).length,
    async close(closeOpts) {
      if (closed) return;
      closed = true;
      inboxView.close();
      // Catch-up stops between two batches; the next start picks it up where it stopped.
      await catchUp.stop();
      await reconciling?.catch(() => undefined);
      await Promise.all([...lostHosts]);
      await orchestrator.halt();
      await tasks.close();
      if (closeOpts?.stopAgents) await sessions.stopAll();
      await sessions.shutdown();
      // Terminal hosts keep running (that is their point); the next start reattaches them.
      await terminals.shutdown();
      await worktrees.idle();
      await reviewWiring.idle();
      // The master connections are ours (not daemonised): they end with the brain; remote hosts keep running.
      await sshHosts.close();
      await remote.close();
      meta?.endRun(closeOpts?.stopAgents === true);
      db.close();
    },
  };
}
