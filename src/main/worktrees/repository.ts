import type { Db } from '../store/db';

export interface WorktreeErrorFact {
  code: string;
  kind: 'invalid' | 'transient' | 'needs_you';
  message: string;
  gitMessage?: string;
}

export interface WorktreeRecord {
  id: string;
  projectId: string;
  name: string;
  role: 'worker' | 'orchestrator';
  branch: string;
  /** The branch it was made from; null for worktrees made before this was recorded (the project's base then). */
  baseBranch: string | null;
  path: string;
  state: 'active' | 'releasing' | 'released';
  lastError: WorktreeErrorFact | null;
  setupState: 'none' | 'running' | 'ok' | 'failed';
  setupLog: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  project_id: string;
  name: string;
  role: WorktreeRecord['role'];
  branch: string;
  base_branch: string | null;
  path: string;
  state: WorktreeRecord['state'];
  last_error: string | null;
  setup_state: WorktreeRecord['setupState'];
  setup_log: string;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): WorktreeRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  role: r.role,
  branch: r.branch,
  baseBranch: r.base_branch,
  path: r.path,
  state: r.state,
  lastError: r.last_error ? (JSON.parse(r.last_error) as WorktreeErrorFact) : null,
  setupState: r.setup_state,
  setupLog: r.setup_log,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only module that writes the worktrees table. */
export function createWorktreesRepository(db: Db) {
  const now = () => new Date().toISOString();
  // Prepared once: every session summary with a worktree reads one.
  const getStmt = db.prepare<[string], Row>('SELECT * FROM worktrees WHERE id = ?');
  const getManyStmt = db.prepare<[string], Row>('SELECT * FROM worktrees WHERE id IN (SELECT value FROM json_each(?))');
  return {
    get(id: string): WorktreeRecord | null {
      const r = getStmt.get(id);
      return r ? toRecord(r) : null;
    },
    /** The worktrees of the ids given, in one query (a list of summaries names one each), by id. */
    getMany(ids: readonly string[]): Map<string, WorktreeRecord> {
      if (ids.length === 0) return new Map();
      return new Map(getManyStmt.all(JSON.stringify(ids)).map((r) => [r.id, toRecord(r)]));
    },
    listLive(projectId: string): WorktreeRecord[] {
      return db
        .prepare<[string], Row>("SELECT * FROM worktrees WHERE project_id = ? AND state != 'released' ORDER BY created_at, id")
        .all(projectId)
        .map(toRecord);
    },
    hasLive(projectId: string): boolean {
      return !!db.prepare("SELECT 1 FROM worktrees WHERE project_id = ? AND state != 'released'").get(projectId);
    },
    insert(w: Omit<WorktreeRecord, 'createdAt' | 'updatedAt'>): void {
      const t = now();
      db.prepare(
        `INSERT INTO worktrees (id, project_id, name, role, branch, base_branch, path, state, last_error, setup_state, setup_log, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(w.id, w.projectId, w.name, w.role, w.branch, w.baseBranch, w.path, w.state, w.lastError ? JSON.stringify(w.lastError) : null, w.setupState, w.setupLog, t, t);
    },
    setState(id: string, state: WorktreeRecord['state'], lastError: WorktreeErrorFact | null): void {
      db.prepare('UPDATE worktrees SET state = ?, last_error = ?, updated_at = ? WHERE id = ?').run(
        state,
        lastError ? JSON.stringify(lastError) : null,
        now(),
        id,
      );
    },
    setSetup(id: string, setupState: WorktreeRecord['setupState'], setupLog: string): void {
      db.prepare('UPDATE worktrees SET setup_state = ?, setup_log = ?, updated_at = ? WHERE id = ?').run(setupState, setupLog, now(), id);
    },
  };
}

export type WorktreesRepository = ReturnType<typeof createWorktreesRepository>;
