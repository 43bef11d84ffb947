// Migration 014 (review comments, a worktree's own base branch) and migrations landing out of number order.
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
  dir = mkdtempSync(join(tmpdir(), 'baton-store-014-'));
  dbPath = join(dir, 'baton.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const t0 = '2026-12-06T10:00:00.000Z';
const before014 = migrations.filter((m) => m.version < 14);

describe('014: review comments and a worktree base branch', () => {
  it('adds both to a database of the version before, keeping its worktrees (base null: the project base)', () => {
    const old = new Database(dbPath);
    migrate(old, before014);
    old.prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES ('p', 'p', '/r', 'p', 'main', 'custom', 'custom', ?, ?)").run(t0, t0);
    old.prepare("INSERT INTO worktrees (id, project_id, name, role, branch, path, state, created_at, updated_at) VALUES ('w', 'p', 'w', 'worker', 'b', '/r/w', 'active', ?, ?)").run(t0, t0);
    old.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, created_at, updated_at) VALUES ('s', 'p', 'worker', 'custom', '{}', 't', '/r', 'idle', ?, ?)").run(t0, t0);
    old.close();

    const r = openDatabase(dbPath);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const db = r.value;
    expect(db.prepare("SELECT base_branch FROM worktrees WHERE id = 'w'").get()).toEqual({ base_branch: null });
    const insert = db.prepare('INSERT INTO review_comments (id, session_id, path, line, end_line, side, body, state, send_key, turn_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('c1', 's', 'a.ts', 3, null, 'new', 'why?', 'draft', null, null, t0, t0);
    insert.run('c2', 's', 'a.ts', 3, 5, 'old', 'x', 'sent', 'k', 'turn-1', t0, t0);
    // A draft with a send key, a queued comment without one, a sent one without its turn, a range going backwards, no such session.
    expect(() => insert.run('c3', 's', 'a.ts', 1, null, 'new', 'x', 'draft', 'k', null, t0, t0)).toThrow(/CHECK/);
    expect(() => insert.run('c4', 's', 'a.ts', 1, null, 'new', 'x', 'queued', null, null, t0, t0)).toThrow(/CHECK/);
    expect(() => insert.run('c5', 's', 'a.ts', 1, null, 'new', 'x', 'sent', 'k', null, t0, t0)).toThrow(/CHECK/);
    expect(() => insert.run('c6', 's', 'a.ts', 4, 2, 'new', 'x', 'draft', null, null, t0, t0)).toThrow(/CHECK/);
    expect(() => insert.run('c7', 'nobody', 'a.ts', 1, null, 'new', 'x', 'draft', null, null, t0, t0)).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM sessions WHERE id = 's'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM review_comments').get()).toEqual({ n: 0 });
    db.close();
  });

  it('a lower-numbered migration landing after a higher one still runs, and reopening is not taken for a newer Baton', () => {
    const later = { version: 14, name: 'later', sql: 'CREATE TABLE later_t (x)' };
    const lower = { version: 12, name: 'lower', sql: 'CREATE TABLE lower_t (x)' };
    const base = migrations.filter((m) => m.version <= 10);
    const first = openDatabase(dbPath, [...base, later]);
    expect(first.ok).toBe(true);
    if (first.ok) first.value.close();
    // The branch with 012 merges later: the same database gets it, and its version stays the highest.
    const second = openDatabase(dbPath, [...base, lower, later]);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    const names = (second.value.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('later_t', 'lower_t') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(['later_t', 'lower_t']);
    expect(schemaVersion(second.value)).toBe(14);
    second.value.close();
  });
});
