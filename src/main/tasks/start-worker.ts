/** Starting a worker for a claimed run: the one path spawn_worker and a person's "Start a worker" share. */
import type { SessionSummary } from '../../shared/contracts/sessions';
import type { RunView } from '../../shared/contracts/tasks';
import { fail, ok, type Result } from '../../shared/result';
import type { SessionsService } from '../sessions/service';
import type { TasksRepository } from './repository';

/** What starting a worker for a claimed run needs: the queue, the sessions, and who to tell. */
export interface StartWorkerDeps {
  tasksRepo: TasksRepository;
  sessionsService: Pick<SessionsService, 'create' | 'stop'>;
  notifyChanged: (projectId: string) => void;
  leaseMs: number;
}

/**
 * A worker session for a claimed run, bound to it: the one path behind the
 * orchestrator's spawn_worker tool and a person's "Start a worker for this
 * task". The claim is checked (and its lease extended) before a worker
 * exists, so a refusal never leaves a stray worker behind.
 */
export async function startWorkerForRun(
  deps: StartWorkerDeps,
  projectId: string,
  runId: string,
  claimToken: string,
  opts: { prompt?: string; title?: string } = {},
): Promise<Result<{ worker: SessionSummary; run: RunView }>> {
  const run = deps.tasksRepo.run(runId);
  if (!run || run.projectId !== projectId) return fail('run_not_found', `This project has no run ${runId}.`);
  const held = deps.tasksRepo.heartbeat(runId, claimToken, deps.leaseMs);
  if (!held.ok) return held;
  if (held.value.workerSessionId) return fail('worker_exists', `Run ${runId} already has worker ${held.value.workerSessionId}; use send_to_worker.`);
  const task = deps.tasksRepo.task(run.taskId);
  const prompt = opts.prompt ?? [task?.title, task?.body].filter(Boolean).join('\n\n');
  const created = await deps.sessionsService.create({ projectId, prompt, title: opts.title ?? task?.title ?? 'Worker' });
  if (!created.ok) return created;
  const attached = deps.tasksRepo.attachWorker(runId, claimToken, created.value.id);
  if (!attached.ok) {
    // The claim was lost meanwhile: a worker nobody's run owns must not keep going.
    await deps.sessionsService.stop(created.value.id);
    return attached;
  }
  deps.notifyChanged(projectId);
  return ok({ worker: created.value, run: attached.value });
}
