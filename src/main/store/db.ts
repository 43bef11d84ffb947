import Database from 'better-sqlite3';
import { mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreStatus } from '../../shared/contracts/app';
import { err, ok, type Result } from '../../shared/result';
import { LATEST_VERSION, migrations } from './migrations';
import type { Migration } from './migrations/types';

export type Db = Database.Database;

export interface StoreOpenError {
  code: 'store_unavailable';
  reason: 'corrupt' | 'newer_version' | 'unreadable';
  path: string;
  message: string;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Opens (or creates) Baton's database and brings it to the latest schema.
 * A file we cannot trust is inspected read-only and never written: the caller
 * shows the error screen and the user's data stays exactly as it was.
 */
export function openDatabase(path: string, list: readonly Migration[] = migrations): Result<Db, StoreOpenError> {
  const latest = Math.max(0, ...list.map((m) => m.version));
  const problem = inspectExisting(path, latest);
  if (problem) return err(problem);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, nativeBindingOption());
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, list);
    return ok(db);
  } catch (e) {
    return err(classify(path, e));
  }
}

export function storeStatus(path: string, result: Result<Db, StoreOpenError>): StoreStatus {
  return result.ok
    ? { state: 'ready', path }
    : { state: 'error', path, reason: result.error.reason, message: result.error.message };
}

export function schemaVersion(db: Db): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!exists) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Each migration and its version row commit together, so a crash leaves a
 * whole version. Every migration not yet recorded runs, not only those above
 * the highest: one numbered lower that landed later (parallel branches) runs too.
 */
export function migrate(db: Db, list: readonly Migration[] = migrations): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = new Set((db.prepare('SELECT version FROM schema_version').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of list) {
    if (applied.has(m.version)) continue;
    // The pragma is a no-op inside a transaction: it is switched around it (SQLite's table-rebuild procedure).
    const fkWasOn = m.foreignKeysOff ? db.pragma('foreign_keys', { simple: true }) === 1 : false;
    if (fkWasOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
          if (broken.length > 0) throw new Error(`Migration ${m.version} (${m.name}) would leave ${broken.length} row(s) of ${broken[0]?.table} pointing at no ${broken[0]?.parent}; nothing was changed.`);
        }
        record.run(m.version, m.name, new Date().toISOString());
      })();
    } finally {
      if (fkWasOn) db.pragma('foreign_keys = ON');
    }
  }
}

/** Under Electron, the copy of the addon built for Electron's ABI (scripts/electron-sqlite.mjs). */
function nativeBindingOption(): { nativeBinding?: string } {
  const binding = process.versions.electron ? process.env.BATON_SQLITE_BINDING : undefined;
  return binding ? { nativeBinding: binding } : {};
}

function inspectExisting(path: string, latest: number): StoreOpenError | null {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return unreadable(path, 'it is not a regular file');
    size = st.size;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    return unreadable(path, errnoText(e));
  }
  if (size === 0) return null;
  try {
    const header = Buffer.alloc(16);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    if (header.toString('latin1') !== SQLITE_HEADER) {
      return corrupt(path, 'it is not a SQLite database');
    }
  } catch (e) {
    return unreadable(path, errnoText(e));
  }
  let ro: Db | undefined;
  try {
    ro = new Database(path, { readonly: true, fileMustExist: true, ...nativeBindingOption() });
    ro.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    const version = schemaVersion(ro);
    if (version > latest) {
      return {
        code: 'store_unavailable',
        reason: 'newer_version',
        path,
        message: `The database at ${path} was written by a newer Baton (schema ${version}; this one knows up to ${latest}). Update Baton, or start with another data directory (BATON_HOME). The file was not changed.`,
      };
    }
    return null;
  } catch (e) {
    return classify(path, e);
  } finally {
    ro?.close();
  }
}

function classify(path: string, e: unknown): StoreOpenError {
  const code = e && typeof e === 'object' && 'code' in e ? String(e.code) : '';
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return corrupt(path, errnoText(e));
  return unreadable(path, errnoText(e));
}

function corrupt(path: string, why: string): StoreOpenError {
  return {
    code: 'store_unavailable',
    reason: 'corrupt',
    path,
    message: `The database at ${path} is damaged (${why}). Baton left it untouched: move it aside or restore a backup, then restart Baton.`,
  };
}

function unreadable(path: string, why: string): StoreOpenError {
  return {
    code: 'store_unavailable',
    reason: 'unreadable',
    path,
    message: `Baton cannot read its database at ${path} (${why}). Check the file's permissions and that it is a file, then restart Baton.`,
  };
}

const isErrno = (e: unknown, code: string): boolean =>
  !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === code;

const errnoText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export { LATEST_VERSION };
