import type { HandlersOf } from '../../shared/contract';
import type { AppStatus } from '../../shared/contracts/app';
import { contract, type Contract } from '../../shared/contracts';
import { ErrorCode } from '../../shared/errors';
import { fail, ok } from '../../shared/result';
import { createEventHub, type EventHub } from '../api/events';
import { createRouter, type Router } from '../api/router';
import { createProjectsRepository } from '../projects/repository';
import { openDatabase, storeStatus, type Db } from '../store/db';
import { databasePath } from './paths';

export interface CallContext {
  via: 'ipc' | 'ws' | 'test';
}

export interface CoreOptions {
  dataDir: string;
  mode: AppStatus['mode'];
  version: string;
}

export interface Core {
  router: Router<CallContext>;
  hub: EventHub;
  status(): AppStatus;
  close(): void;
}

/** The brain without any transport: everything here runs under plain Node. */
export function createCore(opts: CoreOptions): Core {
  const dbPath = databasePath(opts.dataDir);
  const opened = openDatabase(dbPath);
  const db: Db | null = opened.ok ? opened.value : null;
  const status = (): AppStatus => ({
    version: opts.version,
    mode: opts.mode,
    platform: process.platform,
    dataDir: opts.dataDir,
    store: storeStatus(dbPath, opened),
  });
  if (!opened.ok) console.error(`[baton] ${opened.error.message}`);

  const hub = createEventHub(contract);
  const projects = db ? createProjectsRepository(db) : null;
  const storeDown = () =>
    fail(ErrorCode.storeUnavailable, opened.ok ? 'The database is closed.' : opened.error.message);

  const handlers: HandlersOf<Contract, CallContext> = {
    app: {
      status: () => ok(status()),
    },
    projects: {
      list: () => (projects ? ok(projects.listSummaries()) : storeDown()),
    },
  };

  return {
    router: createRouter(contract, handlers),
    hub,
    status,
    close() {
      db?.close();
    },
  };
}
