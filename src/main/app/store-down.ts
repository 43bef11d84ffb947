/** The core when the database cannot be opened: the app still starts, shows the error screen, and every domain call says why. */
import type { HandlersOf } from '../../shared/contract';
import type { AppStatus } from '../../shared/contracts/app';
import { contract, type Contract } from '../../shared/contracts';
import { ErrorCode } from '../../shared/errors';
import { fail } from '../../shared/result';
import type { EventHub } from '../api/events';
import { createRouter } from '../api/router';
import type { CallContext, Core } from './core';

export function storeDownCore(o: {
  reason: string;
  hub: EventHub<Contract>;
  status: () => AppStatus;
  app: HandlersOf<Contract, CallContext>['app'];
  agents: HandlersOf<Contract, CallContext>['agents'];
}): Core {
  const down = () => fail(ErrorCode.storeUnavailable, o.reason);
  const unavailable = <D extends keyof Contract>(d: D) =>
    Object.fromEntries(Object.keys(contract[d].procedures).map((p) => [p, down])) as unknown as HandlersOf<Contract, CallContext>[D];
  return {
    router: createRouter(contract, {
      app: o.app,
      agents: o.agents,
      projects: unavailable('projects'),
      worktrees: unavailable('worktrees'),
      sessions: unavailable('sessions'),
      orchestrator: unavailable('orchestrator'),
      tasks: unavailable('tasks'),
      review: unavailable('review'),
      terminals: unavailable('terminals'),
      inbox: unavailable('inbox'),
    }),
    hub: o.hub,
    status: o.status,
    recover: async () => null,
    settings: () => o.status().settings,
    openSessionCount: () => 0,
    callTool: async () => down(),
    close: async () => {},
  };
}
