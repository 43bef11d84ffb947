import { z } from 'zod';
import { visibleText } from '../hidden-chars';
import { domain, event, procedure } from '../contract';
import { SessionSummary } from './sessions';

const Id = z.string().min(1).max(100);

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TaskPriority = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof TaskPriority>;

/** A task is open until a run of it completes, or until it is canceled. */
export const TASK_STATUSES = ['open', 'done', 'canceled'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const RUN_STATUSES = ['queued', 'claimed', 'running', 'completed', 'failed', 'canceled', 'needs_attention'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunView = z.object({
  id: z.string(),
  taskId: z.string(),
  projectId: z.string(),
  status: RunStatus,
  attempt: z.number().int(),
  /** The worker session serving this run, once the orchestrator started one. */
  workerSessionId: z.string().nullable(),
  /** What the orchestrator said when it completed or failed the run. */
  summary: z.string().nullable(),
  leaseExpiresAt: z.string().nullable(),
  /** Why a run needs attention (its worker failed, say), while it does. */
  attention: z.object({ reason: z.string(), at: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RunView = z.infer<typeof RunView>;

export const TaskView = z.object({
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  body: z.string(),
  priority: TaskPriority,
  status: TaskStatus,
  /** The newest run: what the task panel shows. */
  run: RunView.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TaskView = z.infer<typeof TaskView>;

export const WakeView = z.object({
  /** A wake is stored and not yet delivered to the orchestrator. */
  pending: z.boolean(),
  /** Why, for people: "3 new runs, 1 worker finished". */
  summary: z.string().nullable(),
  /** Why it waits: the orchestrator is busy, waiting on you, or missing. */
  waitingFor: z.enum(['idle_orchestrator', 'answer', 'orchestrator']).nullable(),
  lastDeliveredAt: z.string().nullable(),
});
export type WakeView = z.infer<typeof WakeView>;

export const tasksContract = domain({
  procedures: {
    list: procedure(z.object({ projectId: Id, status: TaskStatus.optional() }).strict(), z.array(TaskView)),
    /** Adds a task with a queued run, and wakes the orchestrator. */
    add: procedure(
      z
        .object({
          projectId: Id,
          // A task's title becomes its worker session's title.
          title: visibleText(z.string().trim().min(1, 'Give the task a title.').max(200), 'task title'),
          body: z.string().max(100_000).default(''),
          priority: TaskPriority.default('normal'),
        })
        .strict(),
      TaskView,
    ),
    /** A failed run gets a new attempt, queued; the orchestrator is woken. */
    retry: procedure(z.object({ runId: Id }).strict(), TaskView),
    /** A run that needs attention (or whose lease expired) goes back to the queue; the orchestrator is woken. */
    recover: procedure(z.object({ runId: Id }).strict(), TaskView),
    cancel: procedure(z.object({ taskId: Id }).strict(), TaskView),
    /**
     * Starts a worker for the task's queued run now, without waiting for the
     * orchestrator: the run is claimed in a person's name and bound to the new
     * worker, as the orchestrator's spawn_worker does; the orchestrator is told.
     */
    startWorker: procedure(z.object({ taskId: Id }).strict(), z.object({ task: TaskView, worker: SessionSummary })),
    wake: procedure(z.object({ projectId: Id }).strict(), WakeView),
  },
  events: {
    changed: event(z.object({ projectId: z.string() })),
  },
});
