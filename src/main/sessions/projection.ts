import { asRpc, idKey, isObject, isRequest, isResponse, type JournalRecord } from '../../shared/journal';
import type { Db } from '../store/db';
import type { EventsRepository } from './events-repository';
import type { SessionsRepository } from './repository';
import type { TurnsRepository } from './turns-repository';

export interface ProjectionResult {
  /** Records applied now, in seq order; the caller broadcasts only these, after the commit. */
  applied: JournalRecord[];
  duplicates: number;
  /** Holes in the sequence (damaged or missing journal lines), skipped: the records after each were applied. */
  holes: Array<{ expected: number; got: number }>;
  /** Seqs of the applied responses that ended an open turn: only these can end a session's busy spell. */
  turnEnds: number[];
}

/** One session's records, for applyMany. */
type Batch = readonly [sessionId: string, records: readonly JournalRecord[]];

/** One session's part of applyMany: applied and committed, or the error that rolled back that session's part alone. */
export type ApplyOutcome = { ok: true; result: ProjectionResult } | { ok: false; error: unknown };

/** Where a skipped hole is recorded for people to see (recovery's divergences), in the projection's transaction. */
export interface HoleRecorder {
  record(d: { sessionId: string; dbSeq: number; journalSeq: number; realignedFrom: number; detail: string }): unknown;
}

function holesDetail(holes: ProjectionResult['holes']): string {
  const lines = holes.map((h) => (h.got - h.expected === 1 ? `${h.expected}` : `${h.expected}–${h.got - 1}`));
  const shown = lines.length > 5 ? [...lines.slice(0, 5), `and ${lines.length - 5} more`] : lines;
  return `Line(s) ${shown.join(', ')} of this session's journal are damaged or missing (it jumps from seq ${(holes[0] as { expected: number }).expected - 1} to ${(holes[0] as { got: number }).got}). They were skipped; every line after them is shown. Nothing needs doing; the journal file itself was not changed.`;
}

/** The prompt's turn id rides in `_meta`, so the journal itself ties a request to its checkpointed turn. */
export const TURN_META_KEY = 'batonTurnId';

export function createProjector(deps: { db: Db; sessions: SessionsRepository; events: EventsRepository; turns: TurnsRepository; holes?: HoleRecorder }) {
  const { sessions, events, turns } = deps;

  const apply = deps.db.transaction((sessionId: string, records: readonly JournalRecord[]): ProjectionResult => {
    const lastApplied = sessions.lastApplied(sessionId);
    if (lastApplied === null) throw new Error(`No session ${sessionId}`);
    let last = lastApplied;
    const applied: JournalRecord[] = [];
    const turnEnds: number[] = [];
    let duplicates = 0;
    const holes: ProjectionResult['holes'] = [];
    // In order already from every caller (one host stream, a forward read of the file); sorted only when not.
    const ordered = records.every((r, i) => i === 0 || (records[i - 1] as JournalRecord).seq <= r.seq) ? records : [...records].sort((a, b) => a.seq - b.seq);
    for (const r of ordered) {
      if (r.seq <= last) {
        duplicates++;
        continue;
      }
      // Every caller feeds records in journal order (one host stream, or a forward read of the file), so a seq
      // missing here is missing from the journal: a damaged or lost line. Stopping would drop all that follows.
      if (r.seq !== last + 1) holes.push({ expected: last + 1, got: r.seq });
      // The turn effects read and write turns only, never events: the rows can go in together after the loop.
      if (applyTurnEffects(sessionId, r)) turnEnds.push(r.seq);
      applied.push(r);
      last = r.seq;
    }
    events.insertAll(sessionId, applied);
    if (applied.length > 0) sessions.setLastApplied(sessionId, last);
    if (holes.length > 0) {
      const first = holes[0] as { expected: number; got: number };
      deps.holes?.record({ sessionId, dbSeq: first.expected - 1, journalSeq: last, realignedFrom: first.got, detail: holesDetail(holes) });
    }
    return { applied, duplicates, holes, turnEnds };
  });

  /** Returns whether the record ended an open turn. */
  function applyTurnEffects(sessionId: string, r: JournalRecord): boolean {
    const m = asRpc(r.msg);
    if (!m) return false;
    if (r.dir === 'out' && isRequest(m) && m.method === 'session/prompt' && isObject(m.params) && isObject(m.params._meta)) {
      const turnId = m.params._meta[TURN_META_KEY];
      if (typeof turnId === 'string') turns.markRunning(sessionId, turnId, idKey(m.id));
    } else if (r.dir === 'in' && isResponse(m)) {
      const turn = turns.openByRequestId(sessionId, idKey(m.id));
      if (!turn) return false;
      if (m.error) turns.finish(turn.id, 'failed', m.error.message);
      else turns.finish(turn.id, 'ended', isObject(m.result) && typeof m.result.stopReason === 'string' ? m.result.stopReason : 'end_turn');
      return true;
    }
    return false;
  }

  const realign = deps.db.transaction((sessionId: string, keepThrough: number): number => {
    const removed = events.removeAfter(sessionId, keepThrough);
    sessions.setLastApplied(sessionId, keepThrough);
    return removed;
  });

  /**
   * Several sessions' records in one transaction (one commit for a whole tick of live traffic), each session in
   * a savepoint of its own: one that fails (its session deleted under it) rolls back alone, the others commit.
   */
  const applyMany = deps.db.transaction((batches: readonly Batch[]): ApplyOutcome[] => batches.map(applyOne));

  /** apply, with its failure as a value (inside applyMany, apply's own transaction is a savepoint). */
  function applyOne([sessionId, records]: Batch): ApplyOutcome {
    try {
      return { ok: true, result: apply(sessionId, records) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  return {
    /**
     * The journal won a disagreement: forget what was applied after `keepThrough`,
     * in one transaction, so the journal's own lines can be applied in its place.
     */
    realign: (sessionId: string, keepThrough: number) => realign(sessionId, keepThrough),
    /** Applies records idempotently in one transaction: duplicates are skipped, holes skipped and recorded. */
    apply: (sessionId: string, records: readonly JournalRecord[]) => apply(sessionId, records),
    /** As apply, for several sessions at once, committed together; one outcome per batch, in order. */
    applyMany: (batches: readonly Batch[]): ApplyOutcome[] => (batches.length === 1 ? batches.map(applyOne) : applyMany(batches)),
  };
}

export type Projector = ReturnType<typeof createProjector>;
