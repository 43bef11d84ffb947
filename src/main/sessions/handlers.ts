import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import { ok } from '../../shared/result';
import type { SessionsService } from './service';

export function sessionsHandlers<Ctx>(service: SessionsService): HandlersOf<Contract, Ctx>['sessions'] {
  return {
    list: ({ projectId, archived }) => ok(service.list(projectId, archived)),
    get: ({ id }) => service.get(id),
    create: (input) => service.create(input),
    records: ({ id, afterSeq, limit, beforeSeq }) => service.records(id, afterSeq, limit, beforeSeq),
    prompt: ({ id, text, idempotencyKey }) => service.prompt(id, text, idempotencyKey),
    cancel: ({ id }) => service.cancel(id),
    stop: ({ id }) => service.stop(id),
    pending: ({ id }) => service.pending(id),
    setApprovalPolicy: ({ id, policy }) => service.setApprovalPolicy(id, policy),
    answerPermission: ({ id, requestKey, optionId }) => service.answerPermission(id, requestKey, optionId),
    retry: ({ id }) => service.retry(id),
    restart: ({ id }) => service.restart(id),
    continue: ({ id }) => service.continue(id),
    acknowledgeDivergence: ({ id }) => service.acknowledgeDivergence(id),
    agentLog: ({ id, maxBytes }) => service.agentLog(id, maxBytes),
  };
}
