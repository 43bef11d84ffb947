import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TASK_PRIORITIES, type RunStatus, type RunView, type TaskPriority, type TaskStatus, type TaskView } from '../../shared/contracts/tasks';
import { err, fail, ok, type Result } from '../../shared/result';
import { tokensEqual } from '../lib/tokens';
import type { Db } from '../store/db';

interface TaskRow {
  id: string;
  project_id: string;
  title: string;
  body: string;
  priority: number;
  status: TaskStatus;
  created_at: string;
  updated_at: string;
}

interface RunRow {
  id: string;
  task_id: string;
  project_id: string;
  status: RunStatus;
  attempt: number;
  claim_token_hash: string | null;
  claimed_by: string | null;
  lease_expires_at: string | null;
  worker_session_id: string | null;
  summary: string | null;
  created_at: string;
  updated_at: string;
}

const toRun = (r: RunRow, attention: RunView['attention'] = null): RunView => ({
  id: r.id,
  taskId: r.task_id,
  projectId: r.project_id,
  status: r.status,
  attempt: r.attempt,
  workerSessionId: r.worker_session_id,
  summary: r.summary,
  leaseExpiresAt: r.lease_expires_at,
  attention,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Lowercase hex of a fixed length: stored and computed hashes compare as equal-length strings (tokensEqual). */
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Who holds a run a person started a worker for from the task panel, and the
 * token the orchestrator completes or fails it with: it never claimed it, so
 * it has no token of its own (shared/tools.ts says so in complete_run).
 */
export const PERSON_CLAIM = 'person';

/** Statuses in which a run holds a claim (and a lease). */
const HELD: readonly RunStatus[] = ['claimed', 'running'];

/** The only module that writes `tasks`, `task_runs` and `task_run_events`. */
export function createTasksRepository(db: Db) {
  const now = () => new Date().toISOString();
  const attentionStmt = db.prepare<[string], { detail: string | null; at: string }>("SELECT detail, at FROM task_run_events WHERE run_id = ? AND kind = 'needs_attention' ORDER BY id DESC LIMIT 1");
  /** A run that needs attention says why (its newest such event): people and the orchestrator both read it. */
  const full = (r: RunRow): RunView => {
    if (r.status !== 'needs_attention') return toRun(r);
    const a = attentionStmt.get(r.id);
    return toRun(r, a ? { reason: a.detail ?? 'It needs a person to look at it.', at: a.at } : null);
  };
  const taskStmt = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?');
  const runStmt = db.prepare<[string], RunRow>('SELECT * FROM task_runs WHERE id = ?');
  const latestRunStmt = db.prepare<[string], RunRow>('SELECT * FROM task_runs WHERE task_id = ? ORDER BY attempt DESC LIMIT 1');
  const event = (runId: string, kind: string, detail: string | null = null): void => {
    db.prepare('INSERT INTO task_run_events (run_id, kind, detail, at) VALUES (?, ?, ?, ?)').run(runId, kind, detail, now());
  };
  const setRun = (id: string, fields: Partial<Omit<RunRow, 'id' | 'task_id' | 'project_id' | 'created_at'>>): void => {
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    db.prepare(`UPDATE task_runs SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...keys.map((k) => fields[k] ?? null), now(), id);
  };
  const insertRun = (task: TaskRow, attempt: number): RunRow => {
    const id = randomUUID();
    const t = now();
    db.prepare("INSERT INTO task_runs (id, task_id, project_id, status, attempt, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)").run(id, task.id, task.project_id, attempt, t, t);
    event(id, 'queued', attempt > 1 ? `attempt ${attempt}` : null);
    return runStmt.get(id) as RunRow;
  };
  const view = (t: TaskRow): TaskView => {
    const run = latestRunStmt.get(t.id);
    return {
      id: t.id,
      projectId: t.project_id,
      title: t.title,
      body: t.body,
      priority: TASK_PRIORITIES[t.priority] ?? 'normal',
      status: t.status,
      run: run ? full(run) : null,
      createdAt: t.created_at,
      updatedAt: t.updated_at,
    };
  };

  /** A claim is good only with the token it was given and while its lease lasts. */
  function checkClaim(runId: string, token: string, at = Date.now()): Result<RunRow> {
    const run = runStmt.get(runId);
    if (!run) return fail('run_not_found', `There is no run ${runId}.`);
    if (!HELD.includes(run.status) || !run.claim_token_hash) return fail('not_claimed', `Run ${runId} is ${run.status}, not claimed.`);
    const byPerson = run.claimed_by === PERSON_CLAIM && token === PERSON_CLAIM;
    if (!byPerson && !tokensEqual(run.claim_token_hash, hashToken(token))) return fail('bad_claim_token', 'That claim token does not hold this run (it may have been claimed again since).');
    if (!run.lease_expires_at || Date.parse(run.lease_expires_at) <= at) return fail('lease_expired', `The lease on run ${runId} expired; claim it again.`);
    return ok(run);
  }

  const add = db.transaction((t: { projectId: string; title: string; body: string; priority: TaskPriority }): TaskView => {
    const id = randomUUID();
    const at = now();
    db.prepare("INSERT INTO tasks (id, project_id, title, body, priority, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)").run(
      id,
      t.projectId,
      t.title,
      t.body,
      TASK_PRIORITIES.indexOf(t.priority),
      at,
      at,
    );
    const task = taskStmt.get(id) as TaskRow;
    insertRun(task, 1);
    return view(task);
  });

  const claimNext = db.transaction((projectId: string, claimedBy: string, leaseMs: number): { run: RunView; task: TaskView; token: string } | null => {
    const run = db
      .prepare<[string], RunRow>(
        `SELECT r.* FROM task_runs r JOIN tasks t ON t.id = r.task_id
         WHERE r.project_id = ? AND r.status = 'queued' AND t.status = 'open'
         ORDER BY t.priority DESC, r.created_at, r.id LIMIT 1`,
      )
      .get(projectId);
    if (!run) return null;
    const token = randomBytes(24).toString('base64url');
    setRun(run.id, { status: 'claimed', claim_token_hash: hashToken(token), claimed_by: claimedBy, lease_expires_at: new Date(Date.now() + leaseMs).toISOString() });
    event(run.id, 'claimed', claimedBy);
    return { run: full(runStmt.get(run.id) as RunRow), task: view(taskStmt.get(run.task_id) as TaskRow), token };
  });

  /** Claims one queued run by id (a person's "Start a worker"), as claimNext claims the next. */
  const claimRun = db.transaction((runId: string, claimedBy: string, leaseMs: number): Result<{ run: RunView; token: string }> => {
    const run = runStmt.get(runId);
    if (!run) return fail('run_not_found', `There is no run ${runId}.`);
    const task = taskStmt.get(run.task_id) as TaskRow;
    if (task.status !== 'open') return fail('illegal_state', `The task is ${task.status}; only an open task's run can be started.`);
    if (run.status !== 'queued') return fail('illegal_state', `its run is ${run.status.replace('_', ' ')}, not queued: ${run.worker_session_id ? `it has worker ${run.worker_session_id} already` : 'the orchestrator has claimed it'}.`);
    const token = randomBytes(24).toString('base64url');
    setRun(run.id, { status: 'claimed', claim_token_hash: hashToken(token), claimed_by: claimedBy, lease_expires_at: new Date(Date.now() + leaseMs).toISOString() });
    event(run.id, 'claimed', claimedBy);
    return ok({ run: full(runStmt.get(run.id) as RunRow), token });
  });

  const finish = db.transaction((runId: string, token: string, to: 'completed' | 'failed', summary: string): Result<RunView> => {
    const held = checkClaim(runId, token);
    if (!held.ok) return held;
    setRun(runId, { status: to, summary, claim_token_hash: null, lease_expires_at: null });
    event(runId, to, summary);
    if (to === 'completed') db.prepare("UPDATE tasks SET status = 'done', updated_at = ? WHERE id = ?").run(now(), held.value.task_id);
    return ok(full(runStmt.get(runId) as RunRow));
  });

  // The ticker's statements (every few seconds): prepared once.
  const extendLeaseStmt = db.prepare("UPDATE task_runs SET lease_expires_at = ? WHERE id = ? AND status IN ('claimed', 'running')");
  const dueStmt = db.prepare<[string], RunRow>("SELECT * FROM task_runs WHERE status IN ('claimed', 'running') AND lease_expires_at IS NOT NULL AND lease_expires_at <= ?");
  const withWorkersStmt = db.prepare<[], RunRow>("SELECT * FROM task_runs WHERE status = 'running' AND worker_session_id IS NOT NULL");
  const extendLeases = db.transaction((runIds: readonly string[], until: string): void => {
    for (const id of runIds) extendLeaseStmt.run(until, id);
  });

  const expireLeases = db.transaction((at: number): RunView[] => {
    const due = dueStmt.all(new Date(at).toISOString());
    for (const r of due) {
      // Back in the queue for whoever claims it next, with a worker of its own.
      setRun(r.id, { status: 'queued', claim_token_hash: null, claimed_by: null, lease_expires_at: null, worker_session_id: null });
      event(r.id, 'lease_expired', r.claimed_by);
    }
    return due.map((r) => full(runStmt.get(r.id) as RunRow));
  });

  const retry = db.transaction((runId: string): Result<TaskView> => {
    const run = runStmt.get(runId);
    if (!run) return fail('run_not_found', `There is no run ${runId}.`);
    if (run.status !== 'failed') return fail('illegal_state', `Only a failed run can be retried; this one is ${run.status}.`);
    const task = taskStmt.get(run.task_id) as TaskRow;
    if (latestRunStmt.get(task.id)?.id !== run.id) return fail('illegal_state', 'A newer attempt of this task exists already.');
    db.prepare("UPDATE tasks SET status = 'open', updated_at = ? WHERE id = ?").run(now(), task.id);
    insertRun(task, run.attempt + 1);
    return ok(view(taskStmt.get(task.id) as TaskRow));
  });

  const recover = db.transaction((runId: string): Result<TaskView> => {
    const run = runStmt.get(runId);
    if (!run) return fail('run_not_found', `There is no run ${runId}.`);
    const expired = HELD.includes(run.status) && (!run.lease_expires_at || Date.parse(run.lease_expires_at) <= Date.now());
    if (run.status !== 'needs_attention' && !expired) return fail('illegal_state', `Only a run that needs attention or whose lease expired can be recovered; this one is ${run.status}.`);
    setRun(runId, { status: 'queued', claim_token_hash: null, claimed_by: null, lease_expires_at: null, worker_session_id: null });
    event(runId, 'recovered', run.worker_session_id ? `its worker was ${run.worker_session_id}` : null);
    return ok(view(taskStmt.get(run.task_id) as TaskRow));
  });

  const cancel = db.transaction((taskId: string): Result<TaskView> => {
    const task = taskStmt.get(taskId);
    if (!task) return fail('task_not_found', `There is no task ${taskId}.`);
    db.prepare("UPDATE tasks SET status = 'canceled', updated_at = ? WHERE id = ? AND status = 'open'").run(now(), taskId);
    for (const r of db.prepare<[string], RunRow>("SELECT * FROM task_runs WHERE task_id = ? AND status IN ('queued', 'claimed', 'running', 'needs_attention')").all(taskId)) {
      setRun(r.id, { status: 'canceled', claim_token_hash: null, lease_expires_at: null });
      event(r.id, 'canceled');
    }
    return ok(view(taskStmt.get(taskId) as TaskRow));
  });

  return {
    add: (t: { projectId: string; title: string; body: string; priority: TaskPriority }) => add(t),
    list(projectId: string, status?: TaskStatus): TaskView[] {
      const rows = status
        ? db.prepare<[string, string], TaskRow>('SELECT * FROM tasks WHERE project_id = ? AND status = ? ORDER BY priority DESC, created_at, id').all(projectId, status)
        : db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE project_id = ? ORDER BY priority DESC, created_at, id').all(projectId);
      return rows.map(view);
    },
    task(id: string): TaskView | null {
      const t = taskStmt.get(id);
      return t ? view(t) : null;
    },
    run(id: string): RunView | null {
      const r = runStmt.get(id);
      return r ? full(r) : null;
    },
    runForWorker(sessionId: string): RunView | null {
      const r = db.prepare<[string], RunRow>('SELECT * FROM task_runs WHERE worker_session_id = ? ORDER BY created_at DESC LIMIT 1').get(sessionId);
      return r ? full(r) : null;
    },
    events(runId: string): { kind: string; detail: string | null }[] {
      return db.prepare<[string], { kind: string; detail: string | null }>('SELECT kind, detail FROM task_run_events WHERE run_id = ? ORDER BY id').all(runId);
    },
    /** Atomic: the oldest queued run of the highest priority, with a fresh token whose hash alone is stored. */
    claimNext: (projectId: string, claimedBy: string, leaseMs: number) => claimNext(projectId, claimedBy, leaseMs),
    claimRun: (runId: string, claimedBy: string, leaseMs: number) => claimRun(runId, claimedBy, leaseMs),
    /** A claim nothing came of (its worker could not start): the run is queued again, as before the claim. */
    unclaim(runId: string, claimedBy: string): void {
      const run = runStmt.get(runId);
      if (!run || run.status !== 'claimed' || run.claimed_by !== claimedBy || run.worker_session_id) return;
      setRun(runId, { status: 'queued', claim_token_hash: null, claimed_by: null, lease_expires_at: null });
      event(runId, 'unclaimed', claimedBy);
    },
    heartbeat(runId: string, token: string, leaseMs: number): Result<RunView> {
      const held = checkClaim(runId, token);
      if (!held.ok) return held;
      setRun(runId, { lease_expires_at: new Date(Date.now() + leaseMs).toISOString() });
      return ok(full(runStmt.get(runId) as RunRow));
    },
    /** The claimant started a worker for the run: it is running, and the worker's life keeps its lease. */
    attachWorker(runId: string, token: string, sessionId: string): Result<RunView> {
      const held = checkClaim(runId, token);
      if (!held.ok) return held;
      if (held.value.worker_session_id) return err({ code: 'worker_exists', message: `Run ${runId} already has worker ${held.value.worker_session_id}.` });
      setRun(runId, { status: 'running', worker_session_id: sessionId });
      event(runId, 'running', sessionId);
      return ok(full(runStmt.get(runId) as RunRow));
    },
    /** Leases of runs whose worker is still alive are extended by Baton: the worker is the heartbeat. */
    extendLeases(runIds: readonly string[], leaseMs: number): void {
      // Every tick: one transaction for all live workers' runs, none when there are none.
      if (runIds.length > 0) extendLeases(runIds, new Date(Date.now() + leaseMs).toISOString());
    },
    runningWithWorkers(): RunView[] {
      return withWorkersStmt.all().map(full);
    },
    complete: (runId: string, token: string, summary: string) => finish(runId, token, 'completed', summary),
    fail: (runId: string, token: string, summary: string) => finish(runId, token, 'failed', summary),
    needsAttention(runId: string, why: string): void {
      setRun(runId, { status: 'needs_attention', claim_token_hash: null, lease_expires_at: null });
      event(runId, 'needs_attention', why);
    },
    expireLeases: (at: number = Date.now()) => expireLeases(at),
    retry: (runId: string) => retry(runId),
    recover: (runId: string) => recover(runId),
    cancel: (taskId: string) => cancel(taskId),
    openTitles(projectId: string): string[] {
      return db
        .prepare<[string], { title: string; status: string | null }>(
          `SELECT t.title, (SELECT status FROM task_runs r WHERE r.task_id = t.id ORDER BY attempt DESC LIMIT 1) AS status
           FROM tasks t WHERE t.project_id = ? AND t.status = 'open' ORDER BY t.priority DESC, t.created_at`,
        )
        .all(projectId)
        .map((r) => `${r.title} (${r.status ?? 'no run'})`);
    },
  };
}

export type TasksRepository = ReturnType<typeof createTasksRepository>;
