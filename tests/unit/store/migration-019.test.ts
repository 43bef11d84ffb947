// Migration 019: projects unique by (host, path), the table rebuilt with every row and every reference kept.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../../src/main/store/db';
import { migrations } from '../../../src/main/store/migrations';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-store-019-'));
  dbPath = join(dir, 'baton.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const t0 = '2026-12-07T10:00:00.000Z';
const before019 = migrations.filter((m) => m.version < 19);

/** Every user table's row count: the rebuild must keep each of them. */
const counts = (db: Database.Database) =>
  Object.fromEntries(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_version' ORDER BY name").all() as { name: string }[]).map((t) => [
      t.name,
      (db.prepare(`SELECT COUNT(*) AS n FROM "${t.name}"`).get() as { n: number }).n,
    ]),
  );
const columns = (db: Database.Database) => (db.pragma('table_info(projects)') as { name: string; type: string; notnull: number; dflt_value: unknown }[]).map((c) => [c.name, c.type, c.notnull, c.dflt_value]);

const insertProject = (db: Database.Database, id: string, path: string, destination: string | null, prefix = id) =>
  db
    .prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, host_kind, host_destination, created_at, updated_at) VALUES (?, ?, ?, ?, 'main', 'custom', 'custom', ?, ?, ?, ?)")
    .run(id, id, path, prefix, destination ? 'ssh' : 'local', destination, t0, t0);

/** A version-17 database with a local and a remote project, each referenced from every table that points at projects. */
function oldDatabase(): { counts: Record<string, number>; columns: unknown[] } {
  const db = new Database(dbPath);
  migrate(db, before019);
  insertProject(db, 'local', '/home/x/repo', null);
  insertProject(db, 'remote', '/srv/other', 'devbox');
  for (const p of ['local', 'remote']) {
    db.prepare("INSERT INTO project_env (project_id, key, value, updated_at) VALUES (?, 'TOKEN', 'v', ?)").run(p, t0);
    db.prepare("INSERT INTO worktrees (id, project_id, name, role, branch, path, state, created_at, updated_at) VALUES (?, ?, 'w', 'worker', 'b', ?, 'active', ?, ?)").run(`w-${p}`, p, `/wt/${p}`, t0, t0);
    db.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, worktree_id, cwd, state, created_at, updated_at) VALUES (?, ?, 'worker', 'custom', '{}', 't', ?, '/wt', 'idle', ?, ?)").run(`s-${p}`, p, `w-${p}`, t0, t0);
    db.prepare("INSERT INTO tasks (id, project_id, title, body, priority, status, created_at, updated_at) VALUES (?, ?, 't', 'b', 1, 'open', ?, ?)").run(`t-${p}`, p, t0, t0);
    db.prepare("INSERT INTO task_runs (id, task_id, project_id, status, attempt, created_at, updated_at) VALUES (?, ?, ?, 'queued', 1, ?, ?)").run(`r-${p}`, `t-${p}`, p, t0, t0);
    db.prepare("INSERT INTO wakes (id, project_id, reasons, created_at, updated_at) VALUES (?, ?, '[]', ?, ?)").run(`k-${p}`, p, t0, t0);
    db.prepare("INSERT INTO replacements (id, project_id, phase, status, created_at, updated_at) VALUES (?, ?, 'done', 'done', ?, ?)").run(`x-${p}`, p, t0, t0);
    db.prepare("INSERT INTO terminals (id, project_id, worktree_id, cwd, title, command, state, created_at, updated_at) VALUES (?, ?, ?, '/wt', 't', 'bash', 'exited', ?, ?)").run(`term-${p}`, p, `w-${p}`, t0, t0);
    db.prepare('INSERT INTO terminal_run_commands (project_id, command, updated_at) VALUES (?, ?, ?)').run(p, 'npm run dev', t0);
  }
  const before = { counts: counts(db), columns: columns(db) };
  db.close();
  return before;
}

describe('019: a project is unique by where it lives', () => {
  it('rebuilds projects keeping every row, column and reference, with foreign keys still on and still cascading', () => {
    const before = oldDatabase();
    const r = openDatabase(dbPath);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const db = r.value;
    expect(schemaVersion(db)).toBe(19);
    expect(counts(db)).toEqual(before.counts);
    expect(columns(db)).toEqual(before.columns);
    expect(db.prepare("SELECT id, path, host_kind, host_destination, prefix FROM projects ORDER BY id").all()).toEqual([
      { id: 'local', path: '/home/x/repo', host_kind: 'local', host_destination: null, prefix: 'local' },
      { id: 'remote', path: '/srv/other', host_kind: 'ssh', host_destination: 'devbox', prefix: 'remote' },
    ]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // The references follow the rebuilt table: a session of no project is refused, and removing a project removes its rows.
    expect(() => db.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, created_at, updated_at) VALUES ('s', 'nobody', 'worker', 'custom', '{}', 't', '/', 'idle', ?, ?)").run(t0, t0)).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM review_comments').run();
    db.prepare("DELETE FROM projects WHERE id = 'remote'").run();
    const after = counts(db);
    for (const t of ['project_env', 'worktrees', 'sessions', 'tasks', 'task_runs', 'wakes', 'replacements', 'terminals', 'terminal_run_commands']) expect(after[t], t).toBe(before.counts[t]! - 1);
    db.close();
  });

  it('the same path on this machine and on a destination are two projects; twice in one place is refused; prefixes stay unique', () => {
    oldDatabase();
    const r = openDatabase(dbPath);
    if (!r.ok) throw new Error(r.error.message);
    const db = r.value;
    insertProject(db, 'remote-same-path', '/home/x/repo', 'devbox');
    insertProject(db, 'other-host-same-path', '/home/x/repo', 'me@other');
    expect(() => insertProject(db, 'local-again', '/home/x/repo', null)).toThrow(/UNIQUE/);
    expect(() => insertProject(db, 'devbox-again', '/home/x/repo', 'devbox')).toThrow(/UNIQUE/);
    expect(() => insertProject(db, 'prefix-taken', '/elsewhere', null, 'local')).toThrow(/UNIQUE/);
    expect((db.prepare("SELECT COUNT(*) AS n FROM projects WHERE path = '/home/x/repo'").get() as { n: number }).n).toBe(3);
    db.close();
  });

  it('a rebuild that would leave a dangling reference rolls back whole, and foreign keys are on again', () => {
    const db = new Database(dbPath);
    db.pragma('foreign_keys = ON');
    migrate(db, before019);
    insertProject(db, 'p', '/r', null);
    db.prepare("INSERT INTO project_env (project_id, key, value, updated_at) VALUES ('p', 'K', 'v', ?)").run(t0);
    // With foreign keys off nothing cascades: the check before the commit is what catches a row left behind.
    const dropsRows = { version: 19, name: 'drops_rows', foreignKeysOff: true as const, sql: "DELETE FROM projects WHERE id = 'p';" };
    expect(() => migrate(db, [...before019, dropsRows])).toThrow(/Migration 19 \(drops_rows\) would leave 1 row\(s\) of project_env pointing at no projects/);
    expect(schemaVersion(db)).toBe(17);
    expect(db.prepare("SELECT id FROM projects").all()).toEqual([{ id: 'p' }]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});
