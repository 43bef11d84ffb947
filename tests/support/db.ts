import Database from 'better-sqlite3';
import { databasePath } from '../../src/main/app/paths';

/**
 * A second active orchestrator, as a bug or a peer tool might leave one:
 * written straight into the database (main sends no event for it), a copy of
 * the orchestrator `of` (by default the only one) that is interrupted and was
 * created and last updated `at`.
 */
export function insertDuplicateOrchestrator(dataDir: string, dup: { id: string; title: string; at: string }, of?: string): void {
  const db = new Database(databasePath(dataDir));
  try {
    const row = (of === undefined ? db.prepare("SELECT * FROM sessions WHERE role = 'orchestrator'").get() : db.prepare('SELECT * FROM sessions WHERE id = ?').get(of)) as Record<string, unknown> | undefined;
    if (!row) throw new Error(`no orchestrator ${of ?? ''} to copy`);
    db.prepare('INSERT INTO sessions (id, project_id, role, harness, command, title, worktree_id, cwd, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      dup.id,
      row.project_id,
      'orchestrator',
      row.harness,
      row.command,
      dup.title,
      row.worktree_id,
      row.cwd,
      'interrupted',
      dup.at,
      dup.at,
    );
  } finally {
    db.close();
  }
}
