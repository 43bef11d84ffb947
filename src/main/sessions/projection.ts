import { asRpc, idKey, isObject, isRequest, isResponse, type JournalRecord } from '../../shared/journal';
import type { Db } from '../store/db';
import type { EventsRepository } from './events-repository';
import type { SessionsRepository } from './repository';
import type { TurnsRepository } from './turns-repository';

export interface ProjectionResult {
  /** Records applied now, in seq order; the caller broadcasts only these, after the commit. */
  applied: JournalRecord[];
  duplicates: number;
  /** Seqs of the applied responses that ended an open turn: only these can end a session's busy spell. */
  turnEnds: number[];
  /** A hole in the sequence: nothing after it was applied; ask the host again from `expected`. */
  gap: { expected: number; got: number } | null;
}

/** The prompt's turn id rides in `_meta`, so the journal itself ties a request to its checkpointed turn. */
export const TURN_META_KEY = 'batonTurnId';

export function createProjector(deps: { db: Db; sessions: SessionsRepository; events: EventsRepository; turns: TurnsRepository }) {
  const { sessions, events, turns } = deps;

  const apply = deps.db.transaction((sessionId: string, records: readonly JournalRecord[]): ProjectionResult => {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`No session ${sessionId}`);
    let last = session.lastAppliedSeq;
    const applied: JournalRecord[] = [];
    const turnEnds: number[] = [];
    let duplicates = 0;
    let gap: ProjectionResult['gap'] = null;
    for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
      if (r.seq <= last) {
        duplicates++;
        continue;
      }
      if (r.seq !== last + 1) {
        gap = { expected: last + 1, got: r.seq };
        break;
      }
      events.insert(sessionId, r);
      if (applyTurnEffects(sessionId, r)) turnEnds.push(r.seq);
      applied.push(r);
      last = r.seq;
    }
    if (applied.length > 0) sessions.setLastApplied(sessionId, last);
    return { applied, duplicates, turnEnds, gap };
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

  return {
    /**
     * The journal won a disagreement: forget what was applied after `keepThrough`,
     * in one transaction, so the journal's own lines can be applied in its place.
     */
    realign: (sessionId: string, keepThrough: number) => realign(sessionId, keepThrough),
    /** Applies records idempotently in one transaction: duplicates are skipped, a gap stops the batch. */
    apply: (sessionId: string, records: readonly JournalRecord[]) => apply(sessionId, records),
  };
}

export type Projector = ReturnType<typeof createProjector>;
