import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../src/main/app/paths';
import { openDatabase, type Db } from '../../src/main/store/db';

/** A fresh, migrated database in its own temp dir, holding one project `p` for sessions to belong to; `remove` closes and deletes it. */
export function freshDbWithProject(label: string): { db: Db; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), label));
  const r = openDatabase(join(dir, 'baton.db'));
  if (!r.ok) throw new Error(r.error.message);
  const db = r.value;
  db.prepare(
    "INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES ('p', 'p', '/p', 'p', 'main', 'custom', 'custom', 'x', 'x')",
  ).run();
  return {
    db,
    remove() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
