/** A project's Tasks tab: add a task and follow the queue, filtered by status. */
import { useMemo, useState } from 'react';
import { TASK_PRIORITIES, type TaskPriority } from '../../../../shared/contracts/tasks';
import { useNow } from '../../ui/hooks';
import { useBaton } from '../../app/react';
import { filterTasks, PRIORITY_LABELS, selectTasks, selectTasksLoaded, taskCounts, type TaskFilter } from './tasks';
import { TaskItem } from './TaskItem';
import { LoadError, Spinner } from '../../ui/feedback';

// All first: a task stays in view, under its new heading, as its run completes.
const FILTERS: { id: TaskFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'open', label: 'Open' },
  { id: 'done', label: 'Done' },
  { id: 'canceled', label: 'Canceled' },
];

/** The project's task queue: add a task (which wakes the orchestrator), and follow each one's newest run. */
export function TasksPanel({ projectId }: { projectId: string }) {
  const tasks = useBaton(useMemo(() => selectTasks(projectId), [projectId]));
  const loaded = useBaton(useMemo(() => selectTasksLoaded(projectId), [projectId]));
  const loadError = useBaton((s) => s.tasksErrors[projectId] ?? null);
  const loadTasks = useBaton((s) => s.loadTasks);
  const [filter, setFilter] = useState<TaskFilter>('all');
  // One clock for the list: "added 3 min ago" and expired leases age on screen.
  const now = useNow();
  const counts = useMemo(() => taskCounts(tasks), [tasks]);
  const shown = useMemo(() => filterTasks(tasks, filter), [tasks, filter]);

  return (
    <div className="tasks" data-testid="tasks-panel">
      {/* A new task is open: a filter that would hide it gives way. */}
      <NewTaskForm projectId={projectId} onAdded={() => setFilter((f) => (f === 'open' || f === 'all' ? f : 'all'))} />
      <section className="tasks-list-section" aria-labelledby={`tasks-heading-${projectId}`}>
        <div className="tasks-toolbar">
          <h3 id={`tasks-heading-${projectId}`} className="section-title">
            Tasks
          </h3>
          <div className="segmented" role="group" aria-label="Show tasks">
            {FILTERS.map((f) => (
              <button key={f.id} className="segmented-btn" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
                {f.label} <span className="segmented-count">{counts[f.id]}</span>
              </button>
            ))}
          </div>
        </div>
        {loadError && <LoadError what="this project’s tasks" message={loadError} onRetry={() => void loadTasks(projectId)} />}
        {!loaded && !loadError ? (
          <div className="muted" role="status">
            <Spinner /> Loading tasks…
          </div>
        ) : shown.length === 0 ? (
          <div className="empty-inline" data-testid="tasks-empty">
            {tasks.length === 0
              ? 'No tasks yet. Add one above: the orchestrator wakes, claims it and starts a worker for it.'
              : `No ${filter === 'all' ? '' : `${filter} `}tasks.`}
          </div>
        ) : filter === 'all' ? (
          (['open', 'done', 'canceled'] as const).map((status) => {
            const group = shown.filter((t) => t.status === status);
            if (group.length === 0) return null;
            const label = FILTERS.find((f) => f.id === status)?.label ?? status;
            return (
              <div key={status} className="task-group">
                <h4 className="task-group-title" id={`task-group-${projectId}-${status}`}>
                  {label} <span className="segmented-count">{group.length}</span>
                </h4>
                <ul className="task-list" aria-labelledby={`task-group-${projectId}-${status}`}>
                  {group.map((t) => (
                    <TaskItem key={t.id} task={t} now={now} />
                  ))}
                </ul>
              </div>
            );
          })
        ) : (
          <ul className="task-list" aria-label={`${FILTERS.find((f) => f.id === filter)?.label ?? ''} tasks`}>
            {shown.map((t) => (
              <TaskItem key={t.id} task={t} now={now} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function NewTaskForm({ projectId, onAdded }: { projectId: string; onAdded: () => void }) {
  const addTask = useBaton((s) => s.addTask);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    setBusy(true);
    setError(null);
    const r = await addTask({ projectId, title: title.trim(), body, priority });
    setBusy(false);
    if (!r.ok) {
      setError(`The task was not added: ${r.error.message} What you typed is kept; try again.`);
      return;
    }
    setTitle('');
    setBody('');
    setPriority('normal');
    onAdded();
  }

  return (
    <form
      className="card task-form"
      aria-label="New task"
      onSubmit={(e) => {
        e.preventDefault();
        if (title.trim() && !busy) void submit();
      }}
    >
      <div className="task-form-row">
        <label className="field task-form-title">
          <span className="field-label">Title</span>
          <input className="input" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Fix the login redirect" maxLength={200} />
        </label>
        <label className="field">
          <span className="field-label">Priority</span>
          <select className="input" value={priority} onChange={(e) => setPriority(e.target.value as TaskPriority)}>
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span className="field-label">Details</span>
        <textarea
          className="input"
          rows={3}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          placeholder="What done looks like, where to look, how to check it. The worker gets the title and these details as its first prompt."
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && title.trim() && !busy) void submit();
          }}
        />
      </label>
      <div className="task-form-actions">
        <span className="field-help">Adding a task queues a run and wakes the orchestrator.</span>
        <button className="btn btn-primary" type="submit" disabled={!title.trim() || busy} aria-busy={busy}>
          {busy ? 'Adding…' : 'Add task'}
        </button>
      </div>
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
