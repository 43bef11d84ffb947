/** One task in the queue with its newest run, its worker and the actions it allows. */
import { useMemo, useState } from 'react';
import type { TaskView } from '../../../../shared/contracts/tasks';
import { timeAgo } from '../../ui/format';
import { useBaton } from '../../app/react';
import { attentionNote, leaseExpired, PRIORITY_LABELS, RUN_STATUS_LABELS, selectTaskAction, taskActionsFor, type TaskActionKind } from './tasks';
import { StatusPill } from '../../ui/StatusPill';
import { PRIORITY_TONE, RUN_STATUS_TONE } from '../../ui/tones';
import { BusyButton, OutcomeNotice } from '../../ui/feedback';

const ACTION_LABELS: Record<TaskActionKind, { idle: string; busy: string; title: string }> = {
  retry: { idle: 'Retry', busy: 'Retrying…', title: 'Queue a new attempt of this run; the orchestrator is woken' },
  recover: { idle: 'Recover', busy: 'Recovering…', title: 'Put this run back in the queue; the orchestrator is woken' },
  cancel: { idle: 'Cancel task', busy: 'Canceling…', title: 'Cancel this task: it leaves the queue' },
};

const TASK_STATUS_LABELS: Record<TaskView['status'], string> = { open: 'Open', done: 'Done', canceled: 'Canceled' };

/** One task with its newest run: status, what the orchestrator said, the worker serving it, and what can be done about it. */
export function TaskItem({ task, now }: { task: TaskView; now: number }) {
  const run = task.run;
  const titleId = `task-title-${task.id}`;
  const expired = run ? leaseExpired(run, now) : false;
  const actions = taskActionsFor(task, now);
  return (
    <li className="task" aria-labelledby={titleId} data-testid="task" data-status={task.status} data-run-status={run?.status ?? 'none'}>
      <div className="task-top">
        <span id={titleId} className="task-title">
          {task.title}
        </span>
        {task.priority !== 'normal' && <span className={`pill ${PRIORITY_TONE[task.priority]}`}>{PRIORITY_LABELS[task.priority]}</span>}
        <span className="task-spacer" />
        {run && task.status !== 'canceled' ? (
          <span className={`pill ${RUN_STATUS_TONE[run.status]}`} data-testid="run-status" data-status={run.status}>
            {RUN_STATUS_LABELS[run.status]}
          </span>
        ) : (
          // A canceled task is over whatever its last run did; that run's status goes in the meta line.
          <span className="pill pill-muted">{TASK_STATUS_LABELS[task.status]}</span>
        )}
      </div>
      <div className="task-meta muted small">
        {run && task.status === 'canceled' && <span>Last run: {RUN_STATUS_LABELS[run.status].toLowerCase()}</span>}
        {run && run.attempt > 1 && <span>Attempt {run.attempt}</span>}
        <span title={task.createdAt}>Added {timeAgo(task.createdAt, now)}</span>
        {task.updatedAt !== task.createdAt && <span title={task.updatedAt}>updated {timeAgo(task.updatedAt, now)}</span>}
        {expired && <span className="warn-text">Lease expired: its orchestrator stopped looking after it</span>}
      </div>
      {task.body && (
        <details className="task-body">
          <summary>Details</summary>
          <p>{task.body}</p>
        </details>
      )}
      {run && <AttentionNote run={run} />}
      {run?.summary && (
        <div className={`task-summary ${run.status === 'failed' || run.status === 'needs_attention' ? 'task-summary-bad' : ''}`} data-testid="run-summary">
          <span className="task-summary-label">{run.status === 'completed' ? 'Done:' : run.status === 'failed' ? 'Failed:' : 'Note:'}</span> {run.summary}
        </div>
      )}
      {(run?.workerSessionId || actions.length > 0) && (
        <div className="task-bottom">
          {run?.workerSessionId ? <WorkerLink projectId={task.projectId} sessionId={run.workerSessionId} /> : <span />}
          <TaskActions task={task} actions={actions} />
        </div>
      )}
      <TaskActionError taskId={task.id} />
    </li>
  );
}

function AttentionNote({ run }: { run: NonNullable<TaskView['run']> }) {
  const worker = useBaton((s) => (run.workerSessionId ? (s.sessions[run.workerSessionId] ?? null) : null));
  const note = attentionNote(run, worker);
  if (!note) return null;
  return (
    <div className="task-summary task-summary-warn" data-testid="run-attention">
      <span className="task-summary-label">Needs attention:</span> {note.text}
      <span className="task-summary-hint">{note.hint}</span>
    </div>
  );
}

/** The worker session serving the run: one click opens it on the board. */
function WorkerLink({ projectId, sessionId }: { projectId: string; sessionId: string }) {
  const worker = useBaton((s) => s.sessions[sessionId] ?? null);
  const showSession = useBaton((s) => s.showSession);
  return (
    <div className="task-worker">
      <span className="muted small">Worker</span>
      <button className="link-btn" onClick={() => showSession(projectId, sessionId)} title="Open the worker’s session" data-testid="task-worker">
        {worker?.title ?? `session ${sessionId.slice(0, 8)}`}
      </button>
      {worker && <StatusPill session={worker} />}
    </div>
  );
}

function TaskActions({ task, actions }: { task: TaskView; actions: TaskActionKind[] }) {
  const action = useBaton(useMemo(() => selectTaskAction(task.id), [task.id]));
  const run = useBaton((s) => s.runTaskAction);
  // Canceling cannot be undone: the first click asks, the second does it.
  const [confirmCancel, setConfirmCancel] = useState(false);
  if (actions.length === 0) return null;
  const busy = action?.phase === 'running' ? action.kind : null;
  return (
    <div className="task-actions">
      {actions.map((kind) => {
        const label = ACTION_LABELS[kind];
        if (kind === 'cancel' && confirmCancel && busy !== 'cancel') {
          return (
            <span key={kind} className="task-confirm" role="group" aria-label="Confirm cancel">
              <span className="small">Cancel this task?</span>
              <button
                className="btn btn-sm btn-danger"
                onClick={() => {
                  setConfirmCancel(false);
                  void run(task, 'cancel');
                }}
              >
                Yes, cancel it
              </button>
              <button className="btn btn-sm btn-ghost" onClick={() => setConfirmCancel(false)}>
                Keep it
              </button>
            </span>
          );
        }
        return (
          <BusyButton
            key={kind}
            className={`btn btn-sm ${kind === 'cancel' ? 'btn-ghost' : 'btn-primary'}`}
            busy={busy === kind}
            busyLabel={label.busy}
            disabled={busy !== null}
            title={label.title}
            onClick={() => (kind === 'cancel' ? setConfirmCancel(true) : void run(task, kind))}
          >
            {label.idle}
          </BusyButton>
        );
      })}
    </div>
  );
}

function TaskActionError({ taskId }: { taskId: string }) {
  const action = useBaton(useMemo(() => selectTaskAction(taskId), [taskId]));
  const dismiss = useBaton((s) => s.dismissTaskAction);
  if (action?.phase !== 'error') return null;
  return <OutcomeNotice outcome={action} compact onDismiss={() => dismiss(taskId)} />;
}
