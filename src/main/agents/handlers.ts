import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import { ok } from '../../shared/result';
import type { AgentsCatalog } from './catalog';

/** Needs no store: the list answers even when the database cannot be opened. */
export function agentsHandlers<Ctx>(catalog: AgentsCatalog): HandlersOf<Contract, Ctx>['agents'] {
  return {
    list: async ({ refresh }) => ok(await catalog.list({ refresh: refresh ?? false })),
  };
}
