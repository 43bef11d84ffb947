import type { HandlersOf } from '../../shared/contract';
import type { AppStatus } from '../../shared/contracts/app';
import { contract, type Contract } from '../../shared/contracts';
import { ErrorCode } from '../../shared/errors';
import { fail, ok } from '../../shared/result';
import { createEventHub, type EventHub } from '../api/events';
import { createRouter, type Router } from '../api/router';
import { projectsHandlers } from '../projects/handlers';
import { createProjectsRepository } from '../projects/repository';
import { createProjectsService } from '../projects/service';
import { createDebugPoints } from '../recovery/debug-points';
import { reconcileSessions } from '../recovery/reconcile';
import type { JournalRecord } from '../../shared/journal';
import { createHostPort } from '../runtime';
import { createEventsRepository } from '../sessions/events-repository';
import { sessionsHandlers } from '../sessions/handlers';
import type { HostPort } from '../sessions/host-port';
import { createProjector } from '../sessions/projection';
import { createSessionsRepository } from '../sessions/repository';
import { createSessionsService, type SessionsService } from '../sessions/service';
import { createTurnsRepository } from '../sessions/turns-repository';
import { openDatabase, storeStatus } from '../store/db';
import { worktreesHandlers } from '../worktrees/handlers';
import { createWorktreesRepository } from '../worktrees/repository';
import { createWorktreesService, type WorktreesService } from '../worktrees/service';
import { databasePath } from './paths';

export interface CallContext {
  via: 'ipc' | 'ws' | 'test';
}

export interface CoreOptions {
  dataDir: string;
  mode: AppStatus['mode'];
  version: string;
  /** How session hosts are launched and found (tests may pass a host script of their own). */
  host?: HostPort;
  /** The desktop shell's native folder picker; absent in browser mode. */
  pickFolder?: (title: string) => Promise<string | null>;
}

export interface Core {
  router: Router<CallContext>;
  hub: EventHub;
  status(): AppStatus;
  /** Reattaches or reconciles every session that was not terminal (startup, "Reconcile now"). */
  recover(): Promise<void>;
  /** Waits for background work (worktree setup) to settle, then closes the database. */
  close(): Promise<void>;
}

/** The brain without any transport: everything here runs under plain Node. */
export function createCore(opts: CoreOptions): Core {
  const dbPath = databasePath(opts.dataDir);
  const opened = openDatabase(dbPath);
  const status = (): AppStatus => ({
    version: opts.version,
    mode: opts.mode,
    platform: process.platform,
    dataDir: opts.dataDir,
    store: storeStatus(dbPath, opened),
    capabilities: { folderPicker: !!opts.pickFolder },
  });
  const hub = createEventHub(contract);
  const app: HandlersOf<Contract, CallContext>['app'] = {
    status: () => ok(status()),
    pickFolder: async ({ title }) =>
      opts.pickFolder
        ? ok({ path: await opts.pickFolder(title ?? 'Choose a git repository') })
        : fail('not_supported', 'There is no folder picker in browser mode; type the folder path instead.'),
  };

  if (!opened.ok) {
    console.error(`[baton] ${opened.error.message}`);
    // The app still starts: it shows the error screen, and every domain call says why it cannot answer.
    const down = () => fail(ErrorCode.storeUnavailable, opened.error.message);
    const unavailable = <D extends keyof Contract>(d: D) =>
      Object.fromEntries(Object.keys(contract[d].procedures).map((p) => [p, down])) as unknown as HandlersOf<Contract, CallContext>[D];
    return {
      router: createRouter(contract, { app, projects: unavailable('projects'), worktrees: unavailable('worktrees'), sessions: unavailable('sessions') }),
      hub,
      status,
      recover: async () => {},
      close: async () => {},
    };
  }

  const db = opened.value;
  const projectsRepo = createProjectsRepository(db);
  const worktreesRepo = createWorktreesRepository(db);
  const projectChanged = (projectId: string) => hub.emit('projects.changed', { projectId });
  const projects = createProjectsService({ repo: projectsRepo, hasLiveWorktrees: (id) => worktreesRepo.hasLive(id), onChanged: projectChanged });
  const worktrees: WorktreesService = createWorktreesService({
    dataDir: opts.dataDir,
    projects: projectsRepo,
    worktrees: worktreesRepo,
    onChanged: (projectId) => {
      hub.emit('worktrees.changed', { projectId });
      projectChanged(projectId);
    },
  });

  const sessionsRepo = createSessionsRepository(db);
  const eventsRepo = createEventsRepository(db);
  const turnsRepo = createTurnsRepository(db);
  const host = opts.host ?? createHostPort();
  const projector = createProjector({ db, sessions: sessionsRepo, events: eventsRepo, turns: turnsRepo });
  const emitRecords = (sessionId: string, records: JournalRecord[]) => hub.emit('sessions.records', { sessionId, records });
  const sessions: SessionsService = createSessionsService({
    dataDir: opts.dataDir,
    host,
    projector,
    sessions: sessionsRepo,
    events: eventsRepo,
    turns: turnsRepo,
    projects: projectsRepo,
    worktrees: worktreesRepo,
    worktreesService: worktrees,
    emitChanged: (sessionId, projectId) => hub.emit('sessions.changed', { sessionId, projectId }),
    emitRecords,
    debugPoint: createDebugPoints(),
  });

  const handlers: HandlersOf<Contract, CallContext> = {
    app,
    projects: projectsHandlers(projectsRepo, projects),
    worktrees: worktreesHandlers(worktrees),
    sessions: sessionsHandlers(sessions),
  };

  return {
    router: createRouter(contract, handlers),
    hub,
    status,
    recover: async () => {
      const report = await reconcileSessions({ dataDir: opts.dataDir, host, projector, sessions: sessionsRepo, service: sessions, emitRecords });
      if (report.reattached || report.moved.length) console.log(`[baton] reconciled: ${report.reattached} reattached, ${report.moved.length} moved`);
    },
    async close() {
      await sessions.shutdown();
      await worktrees.idle();
      db.close();
    },
  };
}
