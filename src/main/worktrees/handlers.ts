import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { WorktreesService } from './service';

export function worktreesHandlers<Ctx>(service: WorktreesService): HandlersOf<Contract, Ctx>['worktrees'] {
  return {
    list: ({ projectId }) => service.list(projectId),
    create: ({ projectId, name }) => service.create(projectId, name),
    release: ({ worktreeId, stopSession }) => service.release(worktreeId, { stopSession: stopSession === true }),
    restore: ({ worktreeId, ref }) => service.restore(worktreeId, ref),
    restoreNew: ({ projectId, ref, name }) => service.restoreNew(projectId, ref, name),
  };
}
