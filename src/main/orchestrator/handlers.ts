import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { OrchestratorService } from './service';

export function orchestratorHandlers<Ctx>(service: OrchestratorService): HandlersOf<Contract, Ctx>['orchestrator'] {
  return {
    status: ({ projectId }) => service.status(projectId),
    start: ({ projectId }) => service.start(projectId),
    replace: ({ projectId }) => service.replace(projectId),
    retry: ({ replacementId }) => service.retry(replacementId),
    retireDuplicates: ({ projectId }) => service.retireDuplicates(projectId),
  };
}
