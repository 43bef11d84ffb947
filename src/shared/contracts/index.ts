import type { ClientOf, EventName, PayloadOf, ProcedureName } from '../contract';
import { agentsContract } from './agents';
import { appContract } from './app';
import { inboxContract } from './inbox';
import { orchestratorContract } from './orchestrator';
import { projectsContract } from './projects';
import { reviewContract } from './review';
import { sessionsContract } from './sessions';
import { tasksContract } from './tasks';
import { terminalsContract } from './terminals';
import { worktreesContract } from './worktrees';

/** Every procedure and event Baton has, by domain. */
export const contract = {
  app: appContract,
  agents: agentsContract,
  projects: projectsContract,
  worktrees: worktreesContract,
  sessions: sessionsContract,
  orchestrator: orchestratorContract,
  tasks: tasksContract,
  review: reviewContract,
  terminals: terminalsContract,
  inbox: inboxContract,
} as const;

export type Contract = typeof contract;
export type Api = ClientOf<Contract>;
export type BatonProcedure = ProcedureName<Contract>;
export type BatonEvent = EventName<Contract>;
/** An event's payload as a subscriber receives it, parsed by the schema its domain declares. */
export type BatonPayload<N extends BatonEvent> = PayloadOf<Contract, N>;
