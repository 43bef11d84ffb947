// Migration 016: a project's notifications can be muted; landing after 017 on a database that already has it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../../src/main/store/db';
import { LATEST_VERSION, migrations } from '../../../src/main/store/migrations';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-store-016-'));
  dbPath = join(dir, 'baton.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const t0 = '2026-12-07T10:00:00.000Z';
const insertProject = (db: Database.Database, id: string) =>
  db
    .prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES (?, ?, ?, ?, 'main', 'custom', 'custom', ?, ?)")
    .run(id, id, `/r/${id}`, id, t0, t0);

describe('016: project notifications muted', () => {
  for (const [label, before] of [
    ['from 015', migrations.filter((m) => m.version < 16)],
    // 017 was handed out and landed first: a database at 17 without 16 still gets it (before 019, which rebuilds projects with it).
    ['from 017 without 016', migrations.filter((m) => m.version !== 16 && m.version <= 17)],
  ] as const) {
    it(`adds the column ${label}: existing projects are not muted, only 0 or 1 is stored`, () => {
      const old = new Database(dbPath);
      migrate(old, before);
      insertProject(old, 'p');
      old.close();

      const r = openDatabase(dbPath);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const db = r.value;
      expect(schemaVersion(db)).toBe(LATEST_VERSION);
      expect(db.prepare("SELECT notifications_muted FROM projects WHERE id = 'p'").get()).toEqual({ notifications_muted: 0 });
      db.prepare("UPDATE projects SET notifications_muted = 1 WHERE id = 'p'").run();
      expect(db.prepare("SELECT notifications_muted FROM projects WHERE id = 'p'").get()).toEqual({ notifications_muted: 1 });
      expect(() => db.prepare("UPDATE projects SET notifications_muted = 2 WHERE id = 'p'").run()).toThrow(/CHECK/);
      db.close();
    });
  }
});
