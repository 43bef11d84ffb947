/** The only module that writes the `terminals` and `terminal_run_commands` tables (migration 012). */
import type { Db } from '../store/db';
import type { TerminalHostInfo } from './host-port';

export type TerminalState = 'running' | 'exited' | 'lost';
export type TerminalKind = 'shell' | 'run';

export interface TerminalRecord {
  id: string;
  projectId: string;
  /** Null: the project's main checkout. */
  worktreeId: string | null;
  cwd: string;
  title: string;
  kind: TerminalKind;
  command: { command: string; args: string[] };
  state: TerminalState;
  exitCode: number | null;
  stateDetail: string | null;
  cols: number;
  rows: number;
  host: TerminalHostInfo | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  project_id: string;
  worktree_id: string | null;
  cwd: string;
  title: string;
  kind: TerminalKind;
  command: string;
  state: TerminalState;
  exit_code: number | null;
  state_detail: string | null;
  cols: number;
  rows: number;
  host_pid: number | null;
  host_start_time: string | null;
  host_nonce: string | null;
  host_socket: string | null;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): TerminalRecord => ({
  id: r.id,
  projectId: r.project_id,
  worktreeId: r.worktree_id,
  cwd: r.cwd,
  title: r.title,
  kind: r.kind,
  command: JSON.parse(r.command) as TerminalRecord['command'],
  state: r.state,
  exitCode: r.exit_code,
  stateDetail: r.state_detail,
  cols: r.cols,
  rows: r.rows,
  host: r.host_pid !== null && r.host_nonce && r.host_socket ? { pid: r.host_pid, startTime: r.host_start_time ?? '', nonce: r.host_nonce, socket: r.host_socket } : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createTerminalsRepository(db: Db) {
  const now = () => new Date().toISOString();
  const getStmt = db.prepare<[string], Row>('SELECT * FROM terminals WHERE id = ?');
  return {
    get(id: string): TerminalRecord | null {
      const r = getStmt.get(id);
      return r ? toRecord(r) : null;
    },
    list(filter: { projectId?: string; worktreeId?: string } = {}): TerminalRecord[] {
      if (filter.worktreeId) return db.prepare<[string], Row>('SELECT * FROM terminals WHERE worktree_id = ? ORDER BY created_at, id').all(filter.worktreeId).map(toRecord);
      if (filter.projectId) return db.prepare<[string], Row>('SELECT * FROM terminals WHERE project_id = ? ORDER BY created_at, id').all(filter.projectId).map(toRecord);
      return db.prepare<[], Row>('SELECT * FROM terminals ORDER BY created_at, id').all().map(toRecord);
    },
    listRunning(): TerminalRecord[] {
      return db.prepare<[], Row>("SELECT * FROM terminals WHERE state = 'running' ORDER BY created_at, id").all().map(toRecord);
    },
    /** Recorded before its host is launched: a crash in between leaves a running row with no host, which startup marks lost. */
    insert(t: Pick<TerminalRecord, 'id' | 'projectId' | 'worktreeId' | 'cwd' | 'title' | 'kind' | 'command' | 'cols' | 'rows'>): TerminalRecord {
      const at = now();
      db.prepare(
        `INSERT INTO terminals (id, project_id, worktree_id, cwd, title, kind, command, state, cols, rows, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
      ).run(t.id, t.projectId, t.worktreeId, t.cwd, t.title, t.kind, JSON.stringify(t.command), t.cols, t.rows, at, at);
      const r = getStmt.get(t.id);
      if (!r) throw new Error('insert failed');
      return toRecord(r);
    },
    /** A (re)launched host owns the pty now. */
    setRunning(id: string, host: TerminalHostInfo | null): void {
      db.prepare("UPDATE terminals SET state = 'running', exit_code = NULL, state_detail = NULL, host_pid = ?, host_start_time = ?, host_nonce = ?, host_socket = ?, updated_at = ? WHERE id = ?").run(
        host?.pid ?? null,
        host?.startTime ?? null,
        host?.nonce ?? null,
        host?.socket ?? null,
        now(),
        id,
      );
    },
    /** The shell ended (exited) or its host vanished without saying so (lost); the host identity is cleared. */
    setEnded(id: string, state: 'exited' | 'lost', exitCode: number | null, detail: string | null): void {
      db.prepare('UPDATE terminals SET state = ?, exit_code = ?, state_detail = ?, host_pid = NULL, host_start_time = NULL, host_nonce = NULL, host_socket = NULL, updated_at = ? WHERE id = ?').run(
        state,
        state === 'exited' ? exitCode : null,
        detail,
        now(),
        id,
      );
    },
    setSize(id: string, cols: number, rows: number): void {
      db.prepare('UPDATE terminals SET cols = ?, rows = ?, updated_at = ? WHERE id = ?').run(cols, rows, now(), id);
    },
    delete(id: string): boolean {
      return db.prepare('DELETE FROM terminals WHERE id = ?').run(id).changes > 0;
    },
    runCommand(projectId: string): string | null {
      return db.prepare<[string], { command: string }>('SELECT command FROM terminal_run_commands WHERE project_id = ?').get(projectId)?.command ?? null;
    },
    setRunCommand(projectId: string, command: string | null): void {
      if (command === null) db.prepare('DELETE FROM terminal_run_commands WHERE project_id = ?').run(projectId);
      else
        db.prepare('INSERT INTO terminal_run_commands (project_id, command, updated_at) VALUES (?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET command = excluded.command, updated_at = excluded.updated_at').run(
          projectId,
          command,
          now(),
        );
    },
  };
}

export type TerminalsRepository = ReturnType<typeof createTerminalsRepository>;
