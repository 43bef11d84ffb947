/** The tasks slice: the queue, its runs and the orchestrator's wake, with the rules that say what a person may do with each. */
import type { StateCreator } from 'zustand';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import type { RunStatus, RunView, TaskPriority, TaskView, WakeView } from '../../../../shared/contracts/tasks';
import type { AppError, Result } from '../../../../shared/result';
import { followedLoad, withEntry, withoutEntry } from '../../app/follow';
import type { BatonState, StoreDeps } from '../../app/types';

export type TaskActionKind = 'retry' | 'recover' | 'cancel';

export type TaskAction = { kind: TaskActionKind; phase: 'running' } | { kind: TaskActionKind; phase: 'error'; message: string; hint: string };

export interface NewTask {
  projectId: string;
  title: string;
  body: string;
  priority: TaskPriority;
}

export interface TasksSlice {
  /** Every task of each project read so far, as `tasks.list` returns them; `followed.tasks` says which are followed. */
  tasks: Record<string, TaskView[]>;
  tasksErrors: Record<string, string>;
  wakes: Record<string, WakeView>;
  /** Retry, recover or cancel in flight or failed, by task id. */
  taskActions: Record<string, TaskAction>;
  loadTasks(projectId: string): Promise<void>;
  loadWake(projectId: string): Promise<void>;
  addTask(input: NewTask): Promise<Result<TaskView>>;
  runTaskAction(task: TaskView, kind: TaskActionKind): Promise<void>;
  dismissTaskAction(taskId: string): void;
}

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  claimed: 'Claimed',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  needs_attention: 'Needs attention',
};

export const PRIORITY_LABELS: Record<TaskPriority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };


export const PRIORITY_ORDER: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** A claimed or running run whose lease ran out: its orchestrator stopped looking after it, so people may put it back in the queue. */
export function leaseExpired(run: Pick<RunView, 'status' | 'leaseExpiresAt'>, nowMs: number): boolean {
  if (run.status !== 'claimed' && run.status !== 'running') return false;
  return run.leaseExpiresAt !== null && Date.parse(run.leaseExpiresAt) <= nowMs;
}

/** What a person can do about a task now, in the order the buttons show. */
export function taskActionsFor(task: Pick<TaskView, 'status' | 'run'>, nowMs: number): TaskActionKind[] {
  const actions: TaskActionKind[] = [];
  const run = task.run;
  if (task.status === 'open' && run) {
    if (run.status === 'failed') actions.push('retry');
    if (run.status === 'needs_attention' || leaseExpired(run, nowMs)) actions.push('recover');
  }
  if (task.status === 'open') actions.push('cancel');
  return actions;
}

/**
 * Why a run needs attention, for its row. Main keeps the reason as a run event
 * that RunView does not carry, so it is told from the worker's own state.
 */
export function attentionNote(run: Pick<RunView, 'status' | 'summary' | 'attention'>, worker: Pick<SessionSummary, 'state' | 'stateDetail'> | null): { text: string; hint: string } | null {
  if (run.status !== 'needs_attention' || run.summary) return null;
  const what = worker?.state === 'failed' ? 'Its worker failed' : worker?.state === 'interrupted' ? 'Its worker was interrupted' : 'Its worker stopped';
  // Main's own record of why comes first; the worker's state is the fallback. The agent's reason spans lines
  // ("exited with code 1. Last output:" then its stderr): one line, kept short.
  const detail = (run.attention?.reason ?? worker?.stateDetail ?? '').replace(/\s+/g, ' ').trim();
  const short = detail.length > 240 ? `${detail.slice(0, 239)}…` : detail;
  return {
    text: `${what}${short ? `: ${short}` : '.'}`,
    hint: 'Recover puts the run back in the queue and wakes the orchestrator to pick it up again.',
  };
}

export type TaskFilter = 'open' | 'done' | 'canceled' | 'all';

const STATUS_ORDER: Record<TaskView['status'], number> = { open: 0, done: 1, canceled: 2 };

/**
 * The tasks a filter shows, in the order people read them: open ones in queue
 * order (priority, then oldest first, as claim_next_run takes them), finished
 * ones newest first.
 */
export function filterTasks(tasks: readonly TaskView[], filter: TaskFilter): TaskView[] {
  return tasks
    .filter((t) => filter === 'all' || t.status === filter)
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        (a.status === 'open'
          ? PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.createdAt.localeCompare(b.createdAt)
          : b.updatedAt.localeCompare(a.updatedAt)) ||
        a.id.localeCompare(b.id),
    );
}

export function taskCounts(tasks: readonly TaskView[]): Record<TaskFilter, number> {
  const counts = { open: 0, done: 0, canceled: 0, all: tasks.length };
  for (const t of tasks) counts[t.status] += 1;
  return counts;
}

export interface WakeLine {
  /** pending: it will go by itself; blocked: it needs a person; woke: delivered; idle: nothing yet. */
  tone: 'pending' | 'blocked' | 'woke' | 'idle';
  text: string;
}

/**
 * The orchestrator card's wake line, from `tasks.wake`. `starting` says the
 * orchestrator is being started or replaced, when a wake waits for that rather
 * than for a turn to end.
 */
export function describeWake(wake: WakeView | null, ctx: { starting: boolean; timeAgo: (iso: string) => string }): WakeLine | null {
  if (!wake) return null;
  if (wake.pending) {
    const what = `Wake pending${wake.summary ? `: ${wake.summary}` : ''}`;
    if (wake.waitingFor === 'orchestrator') {
      return ctx.starting
        ? { tone: 'pending', text: `${what} — waiting for the orchestrator to start` }
        : { tone: 'blocked', text: `${what} — No orchestrator: start one to work on the queue` };
    }
    if (wake.waitingFor === 'answer') return { tone: 'blocked', text: `${what} — waiting for your answer` };
    return { tone: 'pending', text: `${what} — ${ctx.starting ? 'waiting for the orchestrator to start' : 'waiting for the current turn'}` };
  }
  if (wake.lastDeliveredAt) return { tone: 'woke', text: `Woke ${ctx.timeAgo(wake.lastDeliveredAt)}` };
  return { tone: 'idle', text: 'Not woken yet: adding a task wakes it' };
}

/** When a task or its newest run last moved. */
const changedAt = (t: TaskView): string => (t.run && t.run.updatedAt > t.updatedAt ? t.run.updatedAt : t.updatedAt);

/**
 * The list with one task put in: replaced where it is, or added. An answer can
 * land after a newer list was read (the event's), so a newer copy stays.
 */
export function mergeTask(tasks: TaskView[], task: TaskView): TaskView[] {
  const i = tasks.findIndex((t) => t.id === task.id);
  if (i < 0) return [...tasks, task];
  if (changedAt(tasks[i]!) > changedAt(task)) return tasks;
  return tasks.map((t, j) => (j === i ? task : t));
}

function taskFailure(kind: TaskActionKind, error: AppError): { message: string; hint: string } {
  const what = { retry: 'retry the run', recover: 'put the run back in the queue', cancel: 'cancel the task' }[kind];
  const message = `Could not ${what}: ${error.message}`;
  if (error.code === 'disconnected' || error.code === 'timeout') return { message, hint: 'Check that Baton is running (status bar), then try again.' };
  return { message, hint: 'The task may have moved on meanwhile: its status shows where it is now.' };
}

export const createTasksSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], TasksSlice> =>
  (set, get) => {
    const put = (taskId: string, action: TaskAction | null) =>
      set((s) => {
        const next = { ...s.taskActions };
        if (action) next[taskId] = action;
        else delete next[taskId];
        return { taskActions: next };
      });
    /** One task as an action answered it, put in the held list; a list never read (its first load failed) is read whole. */
    const receiveTask = async (task: TaskView) => {
      const held = get().tasks[task.projectId];
      if (!held) return get().loadTasks(task.projectId);
      set((s) => ({ tasks: { ...s.tasks, [task.projectId]: mergeTask(s.tasks[task.projectId] ?? held, task) } }));
    };

    return {
      tasks: {},
      tasksErrors: {},
      wakes: {},
      taskActions: {},
      loadTasks: followedLoad(set, get, {
        query: 'tasks',
        fetch: (projectId) => deps.api.tasks.list({ projectId }),
        receive: (projectId, tasks) => set((s) => ({ tasks: withEntry(s.tasks, projectId, tasks), tasksErrors: withoutEntry(s.tasksErrors, projectId) })),
        fail: (projectId, message) => set((s) => ({ tasksErrors: withEntry(s.tasksErrors, projectId, message) })),
      }),
      // A wake that cannot be read leaves the line as it was: the next tasks event or resync reads it again.
      loadWake: followedLoad(set, get, {
        query: 'wakes',
        fetch: (projectId) => deps.api.tasks.wake({ projectId }),
        receive: (projectId, wake) => set((s) => ({ wakes: withEntry(s.wakes, projectId, wake) })),
      }),
      async addTask(input) {
        const r = await deps.api.tasks.add(input);
        // The list and the wake follow by `tasks.changed`; taking the answer now shows the task without waiting for it.
        if (r.ok) await receiveTask(r.value);
        return r;
      },
      async runTaskAction(task, kind) {
        if (get().taskActions[task.id]?.phase === 'running') return;
        const runId = task.run?.id;
        if (kind !== 'cancel' && !runId) return;
        put(task.id, { kind, phase: 'running' });
        const r =
          kind === 'cancel'
            ? await deps.api.tasks.cancel({ taskId: task.id })
            : kind === 'retry'
              ? await deps.api.tasks.retry({ runId: runId as string })
              : await deps.api.tasks.recover({ runId: runId as string });
        put(task.id, r.ok ? null : { kind, phase: 'error', ...taskFailure(kind, r.error) });
        // A refusal comes with no task and no event, and its hint says the row shows where the task is now: read it.
        await (r.ok ? receiveTask(r.value) : get().loadTasks(task.projectId));
      },
      dismissTaskAction: (taskId) => put(taskId, null),
    };
  };

const NO_TASKS: TaskView[] = [];

export const selectTasks =
  (projectId: string) =>
  (s: BatonState): TaskView[] =>
    s.tasks[projectId] ?? NO_TASKS;

export const selectTasksLoaded =
  (projectId: string) =>
  (s: BatonState): boolean =>
    projectId in s.tasks;

export const selectOpenTaskCount =
  (projectId: string) =>
  (s: BatonState): number =>
    (s.tasks[projectId] ?? NO_TASKS).filter((t) => t.status === 'open').length;

export const selectWake =
  (projectId: string) =>
  (s: BatonState): WakeView | null =>
    s.wakes[projectId] ?? null;

export const selectTaskAction =
  (taskId: string) =>
  (s: BatonState): TaskAction | null =>
    s.taskActions[taskId] ?? null;
