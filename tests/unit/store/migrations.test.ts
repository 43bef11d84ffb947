import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../../src/main/store/db';
import { LATEST_VERSION, migrations } from '../../../src/main/store/migrations';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-store-'));
  dbPath = join(dir, 'baton.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('are numbered increasingly from 1, one file each, named after their version', () => {
    // Numbers are handed to parallel branches: a gap is one still on its way, never a reuse or a step back.
    expect(migrations[0]?.version).toBe(1);
    for (let i = 1; i < migrations.length; i++) expect(migrations[i]!.version).toBeGreaterThan(migrations[i - 1]!.version);
    const files = readdirSync(join(__dirname, '../../../src/main/store/migrations')).filter((f) => /^\d{3}_/.test(f)).sort();
    expect(files.map((f) => Number(f.slice(0, 3)))).toEqual(migrations.map((m) => m.version));
    expect(files.map((f) => f.replace(/^\d{3}_|\.ts$/g, ''))).toEqual(migrations.map((m) => m.name));
  });

  it('bring an empty database to the latest version with WAL, foreign keys and a busy timeout', () => {
    const r = openDatabase(dbPath);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const db = r.value;
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(tables(db)).toEqual(expect.arrayContaining(['schema_version', 'app_meta', 'projects']));
    db.close();
  });

  for (let from = 0; from < migrations.length; from++) {
    it(`bring a database at version ${from} to the latest, keeping its data`, () => {
      const old = new Database(dbPath);
      migrate(old, migrations.slice(0, from));
      expect(schemaVersion(old)).toBe(migrations[from - 1]?.version ?? 0);
      if (from >= 1) old.prepare("INSERT INTO app_meta (key, value) VALUES ('marker', 'kept')").run();
      old.close();

      const r = openDatabase(dbPath);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(schemaVersion(r.value)).toBe(LATEST_VERSION);
      const versions = (r.value.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[]).map((x) => x.version);
      expect(versions).toEqual(migrations.map((m) => m.version));
      if (from >= 1) expect(r.value.prepare("SELECT value FROM app_meta WHERE key='marker'").get()).toEqual({ value: 'kept' });
      r.value.close();
    });
  }

  it('reopening a current database applies nothing', () => {
    const a = openDatabase(dbPath);
    if (a.ok) a.value.close();
    const b = openDatabase(dbPath);
    expect(b.ok).toBe(true);
    if (b.ok) {
      expect((b.value.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(migrations.length);
      b.value.close();
    }
  });

  it('a failing migration rolls back whole: the version it failed at is not recorded', () => {
    const broken = [...migrations, { version: LATEST_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM no_such_table;' }];
    const r = openDatabase(dbPath, broken);
    expect(r.ok).toBe(false);
    const db = new Database(dbPath);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(tables(db)).not.toContain('half');
    db.close();
  });
});

describe('a database Baton cannot trust is reported and left byte-for-byte untouched', () => {
  it('a file that is not SQLite at all', () => {
    writeFileSync(dbPath, 'not a database\n'.repeat(100));
    const before = digest(dbPath);
    const r = openDatabase(dbPath);
    expect(r.ok ? null : r.error.reason).toBe('corrupt');
    if (!r.ok) expect(r.error.message).toContain(dbPath);
    expect(digest(dbPath)).toBe(before);
  });

  it('a SQLite header over damaged pages', () => {
    const r0 = openDatabase(dbPath);
    if (r0.ok) {
      r0.value.pragma('wal_checkpoint(TRUNCATE)');
      r0.value.pragma('journal_mode = DELETE');
      r0.value.close();
    }
    const bytes = readFileSync(dbPath);
    for (let i = 100; i < bytes.length; i++) bytes[i] = (i * 131) & 0xff;
    writeFileSync(dbPath, bytes);
    const before = digest(dbPath);
    const r = openDatabase(dbPath);
    expect(r.ok ? null : r.error.reason).toBe('corrupt');
    expect(digest(dbPath)).toBe(before);
  });

  it('a database from a newer Baton', () => {
    const db = new Database(dbPath);
    migrate(db);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 'x')").run(LATEST_VERSION + 5);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = digest(dbPath);
    const mtime = statSync(dbPath).mtimeMs;
    const r = openDatabase(dbPath);
    expect(r.ok ? null : r.error.reason).toBe('newer_version');
    if (!r.ok) expect(r.error.message).toMatch(/newer Baton/);
    expect(digest(dbPath)).toBe(before);
    expect(statSync(dbPath).mtimeMs).toBe(mtime);
  });

  it('a path that is not a file', () => {
    mkdirSync(dbPath);
    const r = openDatabase(dbPath);
    expect(r.ok ? null : r.error.reason).toBe('unreadable');
    expect(statSync(dbPath).isDirectory()).toBe(true);
  });
});

describe('009: request ids unique per session, repaired in databases written before per-link ids', () => {
  const t0 = '2026-12-01T10:00:00.000Z';
  const at = (s: number) => `2026-12-01T10:00:${String(s).padStart(2, '0')}.000Z`;

  /** A version-8 database as issue 11 left it: two agent runs under one main process reused `string:e:n2`. */
  function oldDatabase(): void {
    const db = new Database(dbPath);
    migrate(db, migrations.slice(0, 8));
    db.prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES ('p', 'p', '/r', 'p', 'main', 'custom', 'custom', ?, ?)").run(t0, t0);
    db.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, last_applied_seq, created_at, updated_at) VALUES ('s', 'p', 'worker', 'custom', '{}', 't', '/r', 'busy', 6, ?, ?)").run(t0, t0);
    const turn = db.prepare('INSERT INTO turns (id, session_id, idempotency_key, request_id, prompt, status, stop_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    turn.run('old', 's', 'k-old', 'string:e:n2', 'first', 'ended', 'end_turn', at(1), at(1));
    turn.run('new', 's', 'k-new', 'string:e:n2', 'second', 'running', null, at(5), at(5));
    // Another session: an older turn still open under an id a newer turn took over, and a third turn with no twin.
    db.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, created_at, updated_at) VALUES ('s2', 'p', 'worker', 'custom', '{}', 't', '/r', 'idle', ?, ?)").run(t0, t0);
    turn.run('open-old', 's2', 'k2-old', 'string:e:n2', 'a', 'running', null, at(1), at(1));
    turn.run('open-new', 's2', 'k2-new', 'string:e:n2', 'b', 'ended', 'end_turn', at(3), at(3));
    turn.run('single', 's2', 'k2-single', 'string:e:n3', 'c', 'ended', 'cancelled', at(4), at(4));
    const ev = db.prepare("INSERT INTO events (session_id, seq, ts, dir, msg) VALUES ('s', ?, 0, ?, ?)");
    const prompt = (turnId: string) => JSON.stringify({ jsonrpc: '2.0', id: 'e:n2', method: 'session/prompt', params: { sessionId: 'a', prompt: [], _meta: { batonTurnId: turnId } } });
    ev.run(1, 'out', prompt('old'));
    ev.run(2, 'in', JSON.stringify({ jsonrpc: '2.0', id: 'e:n2', result: { stopReason: 'end_turn' } }));
    ev.run(3, 'host', JSON.stringify({ started: { pid: 2 } }));
    ev.run(4, 'in', JSON.stringify({ jsonrpc: '2.0', id: 'e:n1', result: {} }));
    ev.run(5, 'out', prompt('new'));
    ev.run(6, 'in', JSON.stringify({ jsonrpc: '2.0', id: 'e:n2', result: { stopReason: 'max_tokens' } }));
    db.close();
  }

  const turns = (db: Database.Database) =>
    Object.fromEntries((db.prepare('SELECT id, request_id, status, stop_reason FROM turns ORDER BY id').all() as { id: string; request_id: string | null; status: string; stop_reason: string | null }[]).map((t) => [t.id, t]));

  it('ends the turn whose own response was matched to the older one, keeps the id on the newest turn only, and makes it unique', () => {
    oldDatabase();
    const r = openDatabase(dbPath);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = turns(r.value);
    expect(t.new).toMatchObject({ request_id: 'string:e:n2', status: 'ended', stop_reason: 'max_tokens' });
    expect(t.old).toMatchObject({ request_id: null, status: 'ended', stop_reason: 'end_turn' });
    expect(t['open-new']).toMatchObject({ request_id: 'string:e:n2', status: 'ended' });
    expect(t['open-old']).toMatchObject({ request_id: null, status: 'interrupted' });
    expect(t.single).toMatchObject({ request_id: 'string:e:n3', status: 'ended', stop_reason: 'cancelled' });
    expect(() =>
      r.value
        .prepare("INSERT INTO turns (id, session_id, idempotency_key, request_id, prompt, status, created_at, updated_at) VALUES ('dup', 's', 'k-dup', 'string:e:n2', 'x', 'running', ?, ?)")
        .run(t0, t0),
    ).toThrow(/UNIQUE/);
    // Turns not yet sent (no request id) are many per session.
    const pending = r.value.prepare("INSERT INTO turns (id, session_id, idempotency_key, request_id, prompt, status, created_at, updated_at) VALUES (?, 's', ?, NULL, 'x', 'dispatching', ?, ?)");
    pending.run('d1', 'k-d1', t0, t0);
    pending.run('d2', 'k-d2', t0, t0);
    r.value.close();
  });
});

describe('010: review facts and the archive fact in session_reviews', () => {
  const t0 = '2026-12-06T10:00:00.000Z';

  it('adds the table to a version-9 database with its sessions, one row per session, removed with its session', () => {
    const old = new Database(dbPath);
    migrate(old, migrations.slice(0, 9));
    old.prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES ('p', 'p', '/r', 'p', 'main', 'custom', 'custom', ?, ?)").run(t0, t0);
    old.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, created_at, updated_at) VALUES ('s', 'p', 'worker', 'custom', '{}', 't', '/r', 'stopped', ?, ?)").run(t0, t0);
    old.close();

    const r = openDatabase(dbPath);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const db = r.value;
    expect(tables(db)).toContain('session_reviews');
    db.prepare("INSERT INTO session_reviews (session_id, merged_commit, merged_mode, merged_base, merged_at, archived_at, updated_at) VALUES ('s', 'abc', 'squash', 'main', ?, ?, ?)").run(t0, t0, t0);
    expect(() => db.prepare("INSERT INTO session_reviews (session_id, updated_at) VALUES ('s', ?)").run(t0)).toThrow(/UNIQUE|PRIMARY/);
    // A fact about no session, a mode that is not one, and half a merge fact are refused.
    expect(() => db.prepare("INSERT INTO session_reviews (session_id, updated_at) VALUES ('nobody', ?)").run(t0)).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, created_at, updated_at) VALUES ('s2', 'p', 'worker', 'custom', '{}', 't', '/r', 'stopped', ?, ?)").run(t0, t0);
    expect(() => db.prepare("INSERT INTO session_reviews (session_id, merged_commit, merged_mode, merged_at, updated_at) VALUES ('s2', 'x', 'octopus', ?, ?)").run(t0, t0)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO session_reviews (session_id, merged_commit, updated_at) VALUES ('s2', 'x', ?)").run(t0)).toThrow(/CHECK/);
    db.prepare("DELETE FROM sessions WHERE id = 's'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM session_reviews').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('011: approval policies and the reviewed turn', () => {
  const t0 = '2026-12-06T10:00:00.000Z';

  it('gives a version-10 database its columns: projects ask, sessions inherit, nothing reviewed; a policy that is not one is refused', () => {
    const old = new Database(dbPath);
    migrate(old, migrations.slice(0, 10));
    old.prepare("INSERT INTO projects (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, created_at, updated_at) VALUES ('p', 'p', '/r', 'p', 'main', 'custom', 'custom', ?, ?)").run(t0, t0);
    old.prepare("INSERT INTO sessions (id, project_id, role, harness, command, title, cwd, state, created_at, updated_at) VALUES ('s', 'p', 'worker', 'custom', '{}', 't', '/r', 'idle', ?, ?)").run(t0, t0);
    old.prepare("INSERT INTO session_reviews (session_id, updated_at) VALUES ('s', ?)").run(t0);
    old.close();

    const r = openDatabase(dbPath);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const db = r.value;
    expect(db.prepare("SELECT approval_policy FROM projects WHERE id = 'p'").get()).toEqual({ approval_policy: 'ask' });
    expect(db.prepare("SELECT approval_policy FROM sessions WHERE id = 's'").get()).toEqual({ approval_policy: null });
    expect(db.prepare("SELECT reviewed_turn_id FROM session_reviews WHERE session_id = 's'").get()).toEqual({ reviewed_turn_id: null });
    db.prepare("UPDATE sessions SET approval_policy = 'edits' WHERE id = 's'").run();
    db.prepare("UPDATE projects SET approval_policy = 'all' WHERE id = 'p'").run();
    expect(() => db.prepare("UPDATE sessions SET approval_policy = 'yolo' WHERE id = 's'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE projects SET approval_policy = NULL WHERE id = 'p'").run()).toThrow(/NOT NULL/);
    db.close();
  });
});
