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
  /** The desktop shell's native folder picker; absent in browser mode. */
  pickFolder?: (title: string) => Promise<string | null>;
}

export interface Core {
  router: Router<CallContext>;
  hub: EventHub;
  status(): AppStatus;
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
      router: createRouter(contract, { app, projects: unavailable('projects'), worktrees: unavailable('worktrees') }),
      hub,
      status,
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

  const handlers: HandlersOf<Contract, CallContext> = {
    app,
    projects: projectsHandlers(projectsRepo, projects),
    worktrees: worktreesHandlers(worktrees),
  };

  return {
    router: createRouter(contract, handlers),
    hub,
    status,
    async close() {
      await worktrees.idle();
      db.close();
    },
  };
}
