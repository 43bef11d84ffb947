/** The divergences table's one writer: sessions whose database and journal disagreed when recovery compared them. */
import type { Db } from '../store/db';

export interface Divergence {
  id: number;
  sessionId: string;
  detectedAt: string;
  dbSeq: number;
  journalSeq: number;
  realignedFrom: number;
  detail: string;
}

interface Row {
  id: number;
  session_id: string;
  detected_at: string;
  db_seq: number;
  journal_seq: number;
  realigned_from: number;
  detail: string;
}

const toDivergence = (r: Row): Divergence => ({
  id: r.id,
  sessionId: r.session_id,
  detectedAt: r.detected_at,
  dbSeq: r.db_seq,
  journalSeq: r.journal_seq,
  realignedFrom: r.realigned_from,
  detail: r.detail,
});

/** The only module that writes `session_divergences`. */
export function createDivergencesRepository(db: Db) {
  const openStmt = db.prepare<[string], Row>('SELECT * FROM session_divergences WHERE session_id = ? AND acknowledged_at IS NULL ORDER BY id DESC LIMIT 1');
  const openAllStmt = db.prepare<[], Row>('SELECT * FROM session_divergences WHERE acknowledged_at IS NULL ORDER BY id');
  return {
    record(d: Omit<Divergence, 'id' | 'detectedAt'>): Divergence {
      const at = new Date().toISOString();
      const r = db
        .prepare('INSERT INTO session_divergences (session_id, detected_at, db_seq, journal_seq, realigned_from, detail) VALUES (?, ?, ?, ?, ?, ?)')
        .run(d.sessionId, at, d.dbSeq, d.journalSeq, d.realignedFrom, d.detail);
      return { ...d, id: Number(r.lastInsertRowid), detectedAt: at };
    },
    /** Every session's newest unacknowledged divergence, in one query (a list of 500 summaries asked one each). */
    openAll(): Map<string, Divergence> {
      const out = new Map<string, Divergence>();
      // Ascending ids: a session's newer divergence replaces its older one.
      for (const r of openAllStmt.all()) out.set(r.session_id, toDivergence(r));
      return out;
    },
    /** The newest divergence nobody has acknowledged yet; the card shows it. */
    open(sessionId: string): Divergence | null {
      const r = openStmt.get(sessionId);
      return r ? toDivergence(r) : null;
    },
    /** Acknowledges every open divergence of the session; returns how many. */
    acknowledge(sessionId: string): number {
      return db.prepare('UPDATE session_divergences SET acknowledged_at = ? WHERE session_id = ? AND acknowledged_at IS NULL').run(new Date().toISOString(), sessionId).changes;
    },
  };
}

export type DivergencesRepository = ReturnType<typeof createDivergencesRepository>;
