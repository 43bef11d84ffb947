import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { TasksService } from './service';

export function tasksHandlers<Ctx>(service: TasksService): HandlersOf<Contract, Ctx>['tasks'] {
  return {
    list: ({ projectId, status }) => service.list(projectId, status),
    add: ({ projectId, title, body, priority }) => service.add({ projectId, title, body, priority }),
    retry: ({ runId }) => service.retry(runId),
    recover: ({ runId }) => service.recover(runId),
    cancel: ({ taskId }) => service.cancel(taskId),
    startWorker: ({ taskId }) => service.startWorker(taskId),
    wake: ({ projectId }) => service.wake(projectId),
  };
}
