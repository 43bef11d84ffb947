import type { SessionSummary } from '../../shared/contracts/sessions';
import type { TaskPriority, TaskStatus, TaskView, WakeView } from '../../shared/contracts/tasks';
import { newestActiveOrchestrator } from '../../shared/orchestrator';
import { fail, ok, type Result } from '../../shared/result';
import type { SessionState } from '../../shared/session-state';
import type { ProjectsRepository } from '../projects/repository';
import type { SessionsRepository } from '../sessions/repository';
import type { SessionsService } from '../sessions/service';
import { PERSON_CLAIM, type TasksRepository } from './repository';
import { startWorkerForRun } from './start-worker';
import { wakePrompt } from './wake-prompt';
import { describeReasons, type WakeReason, type WakesRepository } from './wakes-repository';

export interface TasksServiceDeps {
  tasks: TasksRepository;
  wakes: WakesRepository;
  sessions: SessionsRepository;
  sessionsService: SessionsService;
  projects: ProjectsRepository;
  emitChanged: (projectId: string) => void;
  /** An orchestrator start or replacement is under way: its handoff must be the new orchestrator's first prompt. */
  replacementOpen?: (projectId: string) => boolean;
  /** How long a claim lasts without a live worker (the orchestrator may heartbeat it). */
  leaseMs?: number;
  /** How often leases are extended for live workers and expired ones returned to the queue. */
  tickMs?: number;
}

export interface WaitResult {
  changes: WakeReason[];
  summary: string;
}

const FINISHED: readonly SessionState[] = ['failed', 'stopped', 'interrupted', 'retired'];
const WAIT_MAX_MS = 10 * 60_000;

/**
 * The task queue and the orchestrator's wake-ups. A wake is stored first
 * (one pending per project; new reasons join it), then delivered exactly once:
 * to a parked `wait_for_changes` call, or as a prompt when the orchestrator is
 * idle. Busy, waiting on a person, or missing: it stays stored until then.
 */
export function createTasksService(deps: TasksServiceDeps) {
  const leaseMs = deps.leaseMs ?? Number(process.env.BATON_LEASE_MS ?? 15 * 60_000);
  const tickMs = deps.tickMs ?? Number(process.env.BATON_TASK_TICK_MS ?? 5000);
  /** Parked `wait_for_changes` calls, by orchestrator session. */
  const waiters = new Map<string, { resolve: (r: WaitResult) => void; timer: ReturnType<typeof setTimeout> }>();
  /** Deliveries run one at a time per project, so a wake can never go out twice. */
  const chains = new Map<string, Promise<void>>();
  const lastState = new Map<string, SessionState>();
  let closed = false;

  for (const s of deps.sessions.list()) lastState.set(s.id, s.state);

  const changed = (projectId: string): void => deps.emitChanged(projectId);

  function notify(projectId: string, reason: Omit<WakeReason, 'at'>): void {
    deps.wakes.add(projectId, reason);
    changed(projectId);
    void deliver(projectId);
  }

  function deliver(projectId: string): Promise<void> {
    const next = (chains.get(projectId) ?? Promise.resolve())
      .then(() => deliverNow(projectId))
      .catch((e: unknown) => console.error(`[baton] wake delivery for ${projectId} failed:`, e));
    chains.set(projectId, next);
    void next.finally(() => {
      if (chains.get(projectId) === next) chains.delete(projectId);
    });
    return next;
  }

  async function deliverNow(projectId: string): Promise<void> {
    if (closed) return;
    const wake = deps.wakes.pending(projectId);
    if (!wake) return;
    // Delivered when the saga ends (orchestrator.changed), after the handoff.
    if (deps.replacementOpen?.(projectId)) return;
    // Chosen over the stored records: only its id and state are needed, not a summary of every session.
    const orch = newestActiveOrchestrator(deps.sessions.list(projectId), projectId);
    if (!orch) return; // The board says the project needs an orchestrator; the wake waits for one.
    const parked = waiters.get(orch.id);
    if (parked) {
      if (deps.wakes.markDelivered(wake.id, orch.id, 'wait_for_changes', wake.reasons.length)) {
        waiters.delete(orch.id);
        clearTimeout(parked.timer);
        parked.resolve({ changes: wake.reasons, summary: describeReasons(wake.reasons) });
      }
      changed(projectId);
      return;
    }
    // Busy: delivered when the turn ends. Waiting on a person: never cancel what they must answer.
    if (orch.state !== 'idle') return;
    // The idempotency key is the wake: a restart between prompt and mark sends nothing twice.
    const r = await deps.sessionsService.prompt(orch.id, wakePrompt(wake.reasons, orch.harness), `wake:${wake.id}`);
    if (r.ok) deps.wakes.markDelivered(wake.id, orch.id, 'prompt', wake.reasons.length);
    else console.warn(`[baton] wake for ${projectId} not delivered yet: ${r.error.message}`);
    changed(projectId);
  }

  function onSessionChanged(sessionId: string): void {
    const s = deps.sessions.get(sessionId);
    if (!s) return;
    const before = lastState.get(sessionId);
    lastState.set(sessionId, s.state);
    if (before === s.state) return;
    if (s.role === 'orchestrator') {
      // It may have become idle, been answered, or just started: a stored wake can go now.
      void deliver(s.projectId);
      return;
    }
    const run = deps.tasks.runForWorker(sessionId);
    const turnEnded = (before === 'busy' || before === 'waiting_input') && s.state === 'idle';
    const ended = before !== undefined && !FINISHED.includes(before) && FINISHED.includes(s.state);
    if (!turnEnded && !ended) return;
    if (ended && run && run.status === 'running' && (s.state === 'failed' || s.state === 'interrupted')) {
      deps.tasks.needsAttention(run.id, `Its worker session ${s.state === 'failed' ? 'failed' : 'was interrupted'}: ${s.stateDetail ?? ''}`.trim());
    }
    notify(s.projectId, { kind: 'worker_ended', sessionId, ...(run ? { runId: run.id } : {}), title: s.title });
  }

  function tick(): void {
    if (closed) return;
    const live = deps.tasks.runningWithWorkers().filter((r) => {
      const w = r.workerSessionId ? deps.sessions.get(r.workerSessionId) : null;
      return !!w && !FINISHED.includes(w.state);
    });
    deps.tasks.extendLeases(
      live.map((r) => r.id),
      leaseMs,
    );
    for (const r of deps.tasks.expireLeases()) notify(r.projectId, { kind: 'lease_expired', runId: r.id });
  }
  // Not unref'd on purpose: close() must clear it, and the shutdown test sees it if it does not.
  const timer = setInterval(tick, tickMs);

  return {
    list(projectId: string, status?: TaskStatus): Result<TaskView[]> {
      if (!deps.projects.get(projectId)) return fail('project_not_found', `There is no project ${projectId}.`);
      return ok(deps.tasks.list(projectId, status));
    },

    add(input: { projectId: string; title: string; body: string; priority: TaskPriority }): Result<TaskView> {
      if (!deps.projects.get(input.projectId)) return fail('project_not_found', `There is no project ${input.projectId}.`);
      const task = deps.tasks.add(input);
      notify(input.projectId, { kind: 'enqueued', ...(task.run ? { runId: task.run.id } : {}), title: task.title });
      return ok(task);
    },

    retry(runId: string): Result<TaskView> {
      const r = deps.tasks.retry(runId);
      if (r.ok) notify(r.value.projectId, { kind: 'retried', ...(r.value.run ? { runId: r.value.run.id } : {}), title: r.value.title });
      return r;
    },

    recover(runId: string): Result<TaskView> {
      const r = deps.tasks.recover(runId);
      if (r.ok) notify(r.value.projectId, { kind: 'recovered', runId, title: r.value.title });
      return r;
    },

    /**
     * A person's "Start a worker for this task": its queued run is claimed in
     * their name and given a worker at once, by the path spawn_worker takes.
     * The orchestrator is told, and completes the run with the claim token "person".
     */
    async startWorker(taskId: string): Promise<Result<{ task: TaskView; worker: SessionSummary }>> {
      const task = deps.tasks.task(taskId);
      if (!task) return fail('task_not_found', `There is no task ${taskId}.`);
      if (!task.run) return fail('illegal_state', 'The task has no run to start; Retry it first.');
      const claimed = deps.tasks.claimRun(task.run.id, PERSON_CLAIM, leaseMs);
      if (!claimed.ok) return fail(claimed.error.code, `Cannot start a worker for "${task.title}": ${claimed.error.message}`);
      const started = await startWorkerForRun({ tasksRepo: deps.tasks, sessionsService: deps.sessionsService, notifyChanged: changed, leaseMs }, task.projectId, task.run.id, claimed.value.token);
      if (!started.ok) {
        // Nothing runs it: back to the queue, so the orchestrator (or another try) can take it.
        deps.tasks.unclaim(task.run.id, PERSON_CLAIM);
        changed(task.projectId);
        return fail(started.error.code, `Cannot start a worker for "${task.title}": ${started.error.message}`);
      }
      notify(task.projectId, { kind: 'worker_started', runId: task.run.id, sessionId: started.value.worker.id, title: task.title });
      const now = deps.tasks.task(taskId);
      return ok({ task: now ?? task, worker: started.value.worker });
    },

    cancel(taskId: string): Result<TaskView> {
      const r = deps.tasks.cancel(taskId);
      if (r.ok) changed(r.value.projectId);
      return r;
    },

    wake(projectId: string): Result<WakeView> {
      if (!deps.projects.get(projectId)) return fail('project_not_found', `There is no project ${projectId}.`);
      const pending = deps.wakes.pending(projectId);
      const orch = newestActiveOrchestrator(deps.sessions.list(projectId), projectId);
      const waitingFor: WakeView['waitingFor'] = !pending ? null : !orch ? 'orchestrator' : orch.state === 'waiting_input' ? 'answer' : 'idle_orchestrator';
      return ok({ pending: !!pending, summary: pending ? describeReasons(pending.reasons) : null, waitingFor, lastDeliveredAt: deps.wakes.lastDeliveredAt(projectId) });
    },

    /**
     * The orchestrator's `wait_for_changes` tool: returns a stored wake at once,
     * else parks until one arrives or the (bounded) timeout passes.
     */
    waitForChanges(orchestratorId: string, timeoutMs: number): Promise<WaitResult> {
      const s = deps.sessions.get(orchestratorId);
      if (!s) return Promise.resolve({ changes: [], summary: 'Unknown session.' });
      const wake = deps.wakes.pending(s.projectId);
      if (wake && deps.wakes.markDelivered(wake.id, s.id, 'wait_for_changes', wake.reasons.length)) {
        changed(s.projectId);
        return Promise.resolve({ changes: wake.reasons, summary: describeReasons(wake.reasons) });
      }
      const ms = Math.max(0, Math.min(timeoutMs, WAIT_MAX_MS));
      waiters.get(s.id)?.resolve({ changes: [], summary: 'Replaced by a newer wait_for_changes call.' });
      return new Promise<WaitResult>((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(s.id);
          resolve({ changes: [], summary: `No changes in ${Math.round(ms / 1000)} s.` });
        }, ms);
        waiters.set(s.id, { resolve, timer });
        changed(s.projectId);
      });
    },

    /** A run moved without a wake (claimed, completed): the task panel follows. */
    notifyChanged: changed,
    /** A session's state was committed: the wake rule's trigger, called by the composition root (not an event listener). */
    onSessionChanged,
    /** Something about the project's orchestrator changed (a saga ended): a stored wake may go now. */
    deliverFor: (projectId: string): void => void deliver(projectId),
    /** After reconcile at startup: wakes stored before a restart go out now (or when their orchestrator is ready). */
    deliverPending(): void {
      for (const projectId of deps.wakes.projectsWithPending()) void deliver(projectId);
    },
    leaseMs,

    /** Stops the ticker, answers parked waits, and waits for deliveries in flight: nothing is left running. */
    async close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      for (const [id, w] of waiters) {
        clearTimeout(w.timer);
        w.resolve({ changes: [], summary: 'Baton is shutting down; call wait_for_changes again.' });
        waiters.delete(id);
      }
      await Promise.allSettled([...chains.values()]);
    },
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
