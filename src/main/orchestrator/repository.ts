import type { ReplacementView } from '../../shared/contracts/orchestrator';
import type { ReplacementPhase } from '../../shared/orchestrator';
import type { Db } from '../store/db';

export type ReplacementRecord = ReplacementView;

interface Row {
  id: string;
  project_id: string;
  old_session_id: string | null;
  new_session_id: string | null;
  phase: ReplacementPhase;
  status: ReplacementRecord['status'];
  attempts: number;
  last_error: string | null;
  preserved_ref: string | null;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): ReplacementRecord => ({
  id: r.id,
  projectId: r.project_id,
  oldSessionId: r.old_session_id,
  newSessionId: r.new_session_id,
  phase: r.phase,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error ? (JSON.parse(r.last_error) as ReplacementRecord['lastError']) : null,
  preservedRef: r.preserved_ref,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only module that writes `replacements`. */
export function createReplacementsRepository(db: Db) {
  const now = () => new Date().toISOString();
  // Prepared once: status (openFor, newestFor) is read on every orchestrator change, and wakes ask openFor before each delivery.
  const getStmt = db.prepare<[string], Row>('SELECT * FROM replacements WHERE id = ?');
  const openStmt = db.prepare<[string], Row>("SELECT * FROM replacements WHERE project_id = ? AND status != 'done'");
  const newestStmt = db.prepare<[string], Row>('SELECT * FROM replacements WHERE project_id = ? ORDER BY created_at DESC, id DESC LIMIT 1');
  const get = (id: string): ReplacementRecord | null => {
    const r = getStmt.get(id);
    return r ? toRecord(r) : null;
  };
  const openFor = (projectId: string): ReplacementRecord | null => {
    const r = openStmt.get(projectId);
    return r ? toRecord(r) : null;
  };

  /** One unfinished replacement per project (a unique index): the insert and the check are one transaction. */
  const openOrInsert = db.transaction((r: { id: string; projectId: string; oldSessionId: string | null }): { replacement: ReplacementRecord; created: boolean } => {
    const existing = openFor(r.projectId);
    if (existing) return { replacement: existing, created: false };
    const t = now();
    db.prepare("INSERT INTO replacements (id, project_id, old_session_id, phase, status, created_at, updated_at) VALUES (?, ?, ?, 'stop_old', 'running', ?, ?)").run(
      r.id,
      r.projectId,
      r.oldSessionId,
      t,
      t,
    );
    return { replacement: get(r.id) as ReplacementRecord, created: true };
  });

  return {
    get,
    openFor,
    openOrInsert: (r: { id: string; projectId: string; oldSessionId: string | null }) => openOrInsert(r),
    newestFor(projectId: string): ReplacementRecord | null {
      const r = newestStmt.get(projectId);
      return r ? toRecord(r) : null;
    },
    /** Unfinished replacements of every project, for startup. */
    listRunning(): ReplacementRecord[] {
      return db.prepare<[], Row>("SELECT * FROM replacements WHERE status = 'running' ORDER BY created_at").all().map(toRecord);
    },
    /** A phase finished: the next one is recorded before it runs. */
    advance(id: string, phase: ReplacementPhase, facts: { newSessionId?: string; preservedRef?: string | null } = {}): void {
      const sets = ['phase = ?', 'updated_at = ?'];
      const args: (string | null)[] = [phase, now()];
      if (facts.newSessionId !== undefined) {
        sets.push('new_session_id = ?');
        args.push(facts.newSessionId);
      }
      if (facts.preservedRef !== undefined) {
        sets.push('preserved_ref = ?');
        args.push(facts.preservedRef);
      }
      if (phase === 'done') sets.push("status = 'done'", 'last_error = NULL');
      db.prepare(`UPDATE replacements SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    },
    fail(id: string, error: { phase: ReplacementPhase; code: string; message: string }): void {
      db.prepare("UPDATE replacements SET status = 'failed', phase = ?, last_error = ?, updated_at = ? WHERE id = ?").run(error.phase, JSON.stringify(error), now(), id);
    },
    /** Retry: the same phase runs again; the last error stays visible until it succeeds. */
    resume(id: string): void {
      db.prepare("UPDATE replacements SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'failed'").run(now(), id);
    },
  };
}

export type ReplacementsRepository = ReturnType<typeof createReplacementsRepository>;
