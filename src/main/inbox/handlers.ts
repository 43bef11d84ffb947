/** The inbox's procedures over the contract. */
import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import { ok } from '../../shared/result';
import type { Inbox } from './service';

/** The inbox domain's procedures: one query, the derived view. */
export function inboxHandlers<Ctx>(inbox: Pick<Inbox, 'list'>): HandlersOf<Contract, Ctx>['inbox'] {
  return {
    list: ({ projectId }) => ok(inbox.list(projectId)),
  };
}
