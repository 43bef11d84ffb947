import type { JournalRecord } from '../../shared/journal';
import type { Db } from '../store/db';

interface Row {
  seq: number;
  ts: number;
  dir: JournalRecord['dir'];
  msg: string;
}

/**
 * A record on its way into the table. `msgJson`: its message's JSON text as the host streamed it (set by the
 * host connection when the frame has the host's own shape), stored as is instead of serializing `msg` again.
 */
export type ProjectedRecord = JournalRecord & { readonly msgJson?: string };

/** Rows a multi-row insert carries (5 parameters each, far below SQLite's limit). */
const MANY = 32;

/** The only module that writes `events`: a projection of each journal, keyed by (session, seq). */
export function createEventsRepository(db: Db) {
  const insert = db.prepare('INSERT OR IGNORE INTO events (session_id, seq, ts, dir, msg) VALUES (?, ?, ?, ?, ?)');
  // A live tick's records go in by MANY rows a statement: a quarter less time per row than one statement each.
  const insertMany = db.prepare(`INSERT OR IGNORE INTO events (session_id, seq, ts, dir, msg) VALUES ${Array(MANY).fill('(?, ?, ?, ?, ?)').join(', ')}`);
  const range = db.prepare<[string, number, number], Row>('SELECT seq, ts, dir, msg FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  const rangeBefore = db.prepare<[string, number, number, number], Row>('SELECT seq, ts, dir, msg FROM events WHERE session_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?');
  // Walked back from the newest line, so it stops at the latest start; GLOB is case-sensitive, as the key is.
  const lastStarted = db.prepare<[string], { seq: number }>(`SELECT seq FROM events WHERE session_id = ? AND dir = 'host' AND msg GLOB '{"started":*' ORDER BY seq DESC LIMIT 1`);
  // The host's exit record for a stop Baton asked for: `{"exit":…,"cause":"stopped",…}`.
  const newest = db.prepare<[string], { stopped: number | null }>(
    `SELECT dir = 'host' AND json_type(msg, '$.exit') = 'object' AND json_extract(msg, '$.cause') = 'stopped' AS stopped FROM events WHERE session_id = ? ORDER BY seq DESC LIMIT 1`,
  );
  // endedByStop for many sessions in one statement: the same newest-line read, per id of the JSON array given.
  const newestMany = db.prepare<[string], { id: string; stopped: number | null }>(
    `SELECT j.value AS id, (SELECT dir = 'host' AND json_type(msg, '$.exit') = 'object' AND json_extract(msg, '$.cause') = 'stopped' FROM events WHERE session_id = j.value ORDER BY seq DESC LIMIT 1) AS stopped FROM json_each(?) AS j`,
  );
  return {
    /** endedByStop of each session given, in one query: the ids whose newest line is such an exit. */
    endedByStopOf(sessionIds: readonly string[]): Set<string> {
      if (sessionIds.length === 0) return new Set();
      return new Set(newestMany.all(JSON.stringify(sessionIds)).filter((r) => r.stopped === 1).map((r) => r.id));
    },
    /**
     * The newest projected line is the exit of an agent Baton stopped. For an
     * idle session that is a hibernation: every other stop moves the session
     * to stopping, failed or interrupted first.
     */
    endedByStop(sessionId: string): boolean {
      return newest.get(sessionId)?.stopped === 1;
    },
    /** Inserts records in order, MANY rows a statement; a line applied twice is a no-op. Returns how many rows were new. */
    insertAll(sessionId: string, records: readonly ProjectedRecord[]): number {
      let changes = 0;
      let i = 0;
      for (; i + MANY <= records.length; i += MANY) {
        const args: Array<string | number> = [];
        for (let k = i; k < i + MANY; k++) {
          const r = records[k] as ProjectedRecord;
          args.push(sessionId, r.seq, r.ts, r.dir, r.msgJson ?? JSON.stringify(r.msg));
        }
        changes += insertMany.run(args).changes;
      }
      for (; i < records.length; i++) {
        const r = records[i] as ProjectedRecord;
        changes += insert.run(sessionId, r.seq, r.ts, r.dir, r.msgJson ?? JSON.stringify(r.msg)).changes;
      }
      return changes;
    },
    list(sessionId: string, afterSeq = 0, limit = 1_000_000): JournalRecord[] {
      return range.all(sessionId, afterSeq, limit).map((r) => ({ v: 1, seq: r.seq, ts: r.ts, dir: r.dir, msg: JSON.parse(r.msg) as unknown }));
    },
    /** The newest `limit` lines between the two seqs (both excluded), in seq order: a window read back from its end. */
    listBefore(sessionId: string, afterSeq: number, beforeSeq: number, limit: number): JournalRecord[] {
      return rangeBefore
        .all(sessionId, afterSeq, beforeSeq, limit)
        .reverse()
        .map((r) => ({ v: 1, seq: r.seq, ts: r.ts, dir: r.dir, msg: JSON.parse(r.msg) as unknown }));
    },
    /** The seq of the newest host `started` record (where the current agent process's lines begin); null if none. */
    lastStartedSeq(sessionId: string): number | null {
      return lastStarted.get(sessionId)?.seq ?? null;
    },
    /** Drops the lines after `seq`: only for a database found ahead of, or contradicting, its journal (which wins). */
    removeAfter(sessionId: string, seq: number): number {
      return db.prepare('DELETE FROM events WHERE session_id = ? AND seq > ?').run(sessionId, seq).changes;
    },
    count(sessionId: string): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM events WHERE session_id = ?').get(sessionId) as { n: number }).n;
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
