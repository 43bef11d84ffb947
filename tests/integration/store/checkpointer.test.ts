import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startCheckpointer, type CheckpointReport } from '../../../src/main/store/checkpointer';
import { openDatabase, type Db } from '../../../src/main/store/db';
import { until } from '../../support/wait';

/**
 * The database's WAL is checkpointed by a worker thread on its own connection (ADR 0029): the brain's
 * connection never checkpoints on its own while the worker runs, and still nothing is lost.
 */
let dir = '';
let db: Db | null = null;
afterEach(() => {
  if (db?.open) db.close();
  db = null;
  rmSync(dir, { recursive: true, force: true });
});

function open(): { db: Db; path: string } {
  dir = mkdtempSync(join(tmpdir(), 'baton-ckpt-'));
  const path = join(dir, 'baton.db');
  const r = openDatabase(path);
  if (!r.ok) throw new Error(r.error.message);
  db = r.value;
  db.exec('CREATE TABLE IF NOT EXISTS blob_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return { db, path };
}

/** Enough commits to cross SQLite's automatic checkpoint (1,000 pages) several times over. */
function writeMany(d: Db, rows: number): void {
  const insert = d.prepare('INSERT INTO blob_rows (body) VALUES (?)');
  const body = 'x'.repeat(3000);
  for (let i = 0; i < rows; i++) insert.run(body);
}

const walBytes = (path: string): number => statSync(`${path}-wal`).size;

describe('checkpointer', () => {
  test('while the worker runs, the brain connection leaves its WAL alone and the worker copies it into the database', async () => {
    const { db: d, path } = open();
    const reports: CheckpointReport[] = [];
    const ck = startCheckpointer(d, path, { everyMs: 50, onReport: (r) => reports.push(r) });
    expect(ck.offThread).toBe(true);
    expect(d.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    writeMany(d, 2000);
    // About 1,500 pages of WAL: the brain's own automatic checkpoint would have restarted the WAL long before.
    expect(walBytes(path)).toBeGreaterThan(1000 * 4096);
    await until(() => reports.some((r) => r.log > 1000 && r.checkpointed === r.log), 'a complete checkpoint by the worker');
    await ck.stop();
    // Stopped: SQLite's automatic checkpoints are back on the brain's connection.
    expect(d.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    d.close();
    // Every row is there for the next reader, through the database file alone (the WAL was checkpointed away at close).
    const ro = new Database(path, { readonly: true });
    try {
      expect(ro.prepare('SELECT COUNT(*) AS n FROM blob_rows').get()).toEqual({ n: 2000 });
    } finally {
      ro.close();
    }
  });

  test('writes go on while the worker checkpoints, and the WAL starts over instead of growing', async () => {
    const { db: d, path } = open();
    const reports: CheckpointReport[] = [];
    const ck = startCheckpointer(d, path, { everyMs: 20, restartAtFrames: 1000, onReport: (r) => reports.push(r) });
    try {
      // As live ingest writes: a transaction a tick, the event loop turning in between, for as long as the WAL
      // would take to pass SQLite's own limit five times over.
      const insert = d.prepare('INSERT INTO blob_rows (body) VALUES (?)');
      const tick = d.transaction(() => {
        for (let i = 0; i < 10; i++) insert.run('y'.repeat(3000));
      });
      for (let t = 0; t < 500; t++) {
        tick();
        await new Promise((r) => setTimeout(r, 2));
      }
      await until(() => reports.some((r) => r.checkpointed === r.log), 'a complete checkpoint');
      // About 17,000 pages went through it; a WAL that starts over (at the latest once it passes 1,000 pages) stays far smaller.
      expect(walBytes(path)).toBeLessThan(4000 * 4096);
      expect(d.prepare('SELECT COUNT(*) AS n FROM blob_rows').get()).toEqual({ n: 5000 });
    } finally {
      await ck.stop();
    }
  });

  test('an in-memory database has no WAL: nothing starts and its checkpoints stay as they were', async () => {
    const d = new Database(':memory:');
    try {
      const ck = startCheckpointer(d, ':memory:');
      expect(ck.offThread).toBe(false);
      await ck.stop();
    } finally {
      d.close();
    }
    dir = mkdtempSync(join(tmpdir(), 'baton-ckpt-'));
  });
});
