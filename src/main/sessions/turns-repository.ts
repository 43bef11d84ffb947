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
  return {
    byKey(idempotencyKey: string): TurnRecord | null {
      const r = db.prepare<[string], Row>('SELECT * FROM turns WHERE idempotency_key = ?').get(idempotencyKey);
      return r ? toRecord(r) : null;
    },
    get(id: string): TurnRecord | null {
      const r = db.prepare<[string], Row>('SELECT * FROM turns WHERE id = ?').get(id);
      return r ? toRecord(r) : null;
    },
    byRequestId(sessionId: string, requestId: string): TurnRecord | null {
      const r = db.prepare<[string, string], Row>('SELECT * FROM turns WHERE session_id = ? AND request_id = ?').get(sessionId, requestId);
      return r ? toRecord(r) : null;
    },
    open(sessionId: string): TurnRecord[] {
      return db
        .prepare<[string], Row>("SELECT * FROM turns WHERE session_id = ? AND status IN ('dispatching', 'running') ORDER BY created_at, id")
        .all(sessionId)
        .map(toRecord);
    },
    last(sessionId: string): TurnRecord | null {
      const r = db.prepare<[string], Row>('SELECT * FROM turns WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(sessionId);
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
    markRunning(id: string, requestId: string): void {
      db.prepare("UPDATE turns SET status = 'running', request_id = ?, updated_at = ? WHERE id = ? AND status = 'dispatching'").run(requestId, now(), id);
    },
    finish(id: string, status: 'ended' | 'failed' | 'interrupted', stopReason: string | null): void {
      db.prepare("UPDATE turns SET status = ?, stop_reason = ?, updated_at = ? WHERE id = ? AND status IN ('dispatching', 'running')").run(status, stopReason, now(), id);
    },
  };
}

export type TurnsRepository = ReturnType<typeof createTurnsRepository>;
