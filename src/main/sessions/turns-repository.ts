import type { Db } from '../store/db';

export type TurnStatus = 'dispatching' | 'running' | 'ended' | 'failed' | 'interrupted';

export interface TurnRecord {
  id: string;
  sessionId: string;
  idempotencyKey: string;
  requestId: string | null;
  prompt: string;
  status: TurnStatus;
  stopReason: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  session_id: string;
  idempotency_key: string;
  request_id: string | null;
  prompt: string;
  status: TurnStatus;
  stop_reason: string | null;
  created_at: string;
}

const toRecord = (r: Row): TurnRecord => ({
  id: r.id,
  sessionId: r.session_id,
  idempotencyKey: r.idempotency_key,
  requestId: r.request_id,
  prompt: r.prompt,
  status: r.status,
  stopReason: r.stop_reason,
  createdAt: r.created_at,
});

/** The only module that writes `turns`. */
export function createTurnsRepository(db: Db) {
  const now = () => new Date().toISOString();
  // Prepared once: the inbox reads every idle worker's last turn each time it is derived.
  const lastStmt = db.prepare<[string], Row>('SELECT * FROM turns WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1');
  return {
    byKey(idempotencyKey: string): TurnRecord | null {
      const r = db.prepare<[string], Row>('SELECT * FROM turns WHERE idempotency_key = ?').get(idempotencyKey);
      return r ? toRecord(r) : null;
    },
    get(id: string): TurnRecord | null {
      const r = db.prepare<[string], Row>('SELECT * FROM turns WHERE id = ?').get(id);
      return r ? toRecord(r) : null;
    },
    /**
     * The open turn a response answers. A response never ends a turn that is
     * already over: an id met again (a journal from before per-link request
     * ids) must not finish, or hide, the turn that is really waiting.
     */
    openByRequestId(sessionId: string, requestId: string): TurnRecord | null {
      const r = db
        .prepare<[string, string], Row>("SELECT * FROM turns WHERE session_id = ? AND request_id = ? AND status IN ('dispatching', 'running')")
        .get(sessionId, requestId);
      return r ? toRecord(r) : null;
    },
    open(sessionId: string): TurnRecord[] {
      return db
        .prepare<[string], Row>("SELECT * FROM turns WHERE session_id = ? AND status IN ('dispatching', 'running') ORDER BY created_at, id")
        .all(sessionId)
        .map(toRecord);
    },
    last(sessionId: string): TurnRecord | null {
      const r = lastStmt.get(sessionId);
      return r ? toRecord(r) : null;
    },
    /** The checkpoint: committed before the prompt leaves main. */
    insertDispatching(t: { id: string; sessionId: string; idempotencyKey: string; prompt: string }): TurnRecord {
      const at = now();
      db.prepare(
        "INSERT INTO turns (id, session_id, idempotency_key, request_id, prompt, status, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, 'dispatching', ?, ?)",
      ).run(t.id, t.sessionId, t.idempotencyKey, t.prompt, at, at);
      const r = this.get(t.id);
      if (!r) throw new Error('turn insert failed');
      return r;
    },
    /**
     * The prompt is in the journal under `requestId`. (session_id, request_id)
     * is unique, and in JSON-RPC a later request with an id takes it over, so
     * an older turn holding the same id (only journals written before per-link
     * ids have any) lets go of it first, and is finished if it was still open.
     */
    markRunning(sessionId: string, id: string, requestId: string): void {
      const at = now();
      const stale = db.prepare<[string, string, string], Row>('SELECT * FROM turns WHERE session_id = ? AND request_id = ? AND id != ?').all(sessionId, requestId, id);
      for (const t of stale) {
        db.prepare("UPDATE turns SET status = 'interrupted', stop_reason = ?, updated_at = ? WHERE id = ? AND status IN ('dispatching', 'running')").run(
          'A later prompt went out under the same request id.',
          at,
          t.id,
        );
        db.prepare('UPDATE turns SET request_id = NULL, updated_at = ? WHERE id = ?').run(at, t.id);
      }
      db.prepare("UPDATE turns SET status = 'running', request_id = ?, updated_at = ? WHERE id = ? AND status = 'dispatching'").run(requestId, at, id);
    },
    finish(id: string, status: 'ended' | 'failed' | 'interrupted', stopReason: string | null): void {
      db.prepare("UPDATE turns SET status = ?, stop_reason = ?, updated_at = ? WHERE id = ? AND status IN ('dispatching', 'running')").run(status, stopReason, now(), id);
    },
  };
}

export type TurnsRepository = ReturnType<typeof createTurnsRepository>;
