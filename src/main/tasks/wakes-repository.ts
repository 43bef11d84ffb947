import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db';

export type WakeKind = 'enqueued' | 'retried' | 'recovered' | 'lease_expired' | 'worker_ended' | 'worker_started';

export interface WakeReason {
  kind: WakeKind;
  runId?: string;
  sessionId?: string;
  title?: string;
  at: string;
}

export interface WakeRecord {
  id: string;
  projectId: string;
  reasons: WakeReason[];
  createdAt: string;
  deliveredAt: string | null;
}

interface Row {
  id: string;
  project_id: string;
  reasons: string;
  created_at: string;
  delivered_at: string | null;
}

const toRecord = (r: Row): WakeRecord => ({
  id: r.id,
  projectId: r.project_id,
  reasons: JSON.parse(r.reasons) as WakeReason[],
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** The only module that writes `wakes`. At most one pending wake per project: new reasons join it. */
export function createWakesRepository(db: Db) {
  const now = () => new Date().toISOString();
  const pendingStmt = db.prepare<[string], Row>('SELECT * FROM wakes WHERE project_id = ? AND delivered_at IS NULL');

  const add = db.transaction((projectId: string, reason: Omit<WakeReason, 'at'>): WakeRecord => {
    const at = now();
    const existing = pendingStmt.get(projectId);
    if (existing) {
      const reasons = [...(JSON.parse(existing.reasons) as WakeReason[]), { ...reason, at }];
      db.prepare('UPDATE wakes SET reasons = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(reasons), at, existing.id);
    } else {
      db.prepare('INSERT INTO wakes (id, project_id, reasons, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(randomUUID(), projectId, JSON.stringify([{ ...reason, at }]), at, at);
    }
    return toRecord(pendingStmt.get(projectId) as Row);
  });

  const markDelivered = db.transaction((id: string, sessionId: string, via: 'prompt' | 'wait_for_changes', deliveredCount: number): boolean => {
    const row = db.prepare<[string], Row>('SELECT * FROM wakes WHERE id = ? AND delivered_at IS NULL').get(id);
    if (!row) return false;
    const reasons = JSON.parse(row.reasons) as WakeReason[];
    const at = now();
    db.prepare('UPDATE wakes SET delivered_at = ?, delivered_to = ?, delivered_via = ?, reasons = ? WHERE id = ?').run(at, sessionId, via, JSON.stringify(reasons.slice(0, deliveredCount)), id);
    const late = reasons.slice(deliveredCount);
    if (late.length > 0) {
      db.prepare('INSERT INTO wakes (id, project_id, reasons, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(randomUUID(), row.project_id, JSON.stringify(late), at, at);
    }
    return true;
  });

  return {
    add: (projectId: string, reason: Omit<WakeReason, 'at'>) => add(projectId, reason),
    pending(projectId: string): WakeRecord | null {
      const r = pendingStmt.get(projectId);
      return r ? toRecord(r) : null;
    },
    projectsWithPending(): string[] {
      return db.prepare<[], { project_id: string }>('SELECT project_id FROM wakes WHERE delivered_at IS NULL').all().map((r) => r.project_id);
    },
    /**
     * Exactly once: false when the wake was already delivered (by the other
     * path, or before a restart). Reasons that joined after the first
     * `deliveredCount` were not in what the orchestrator was told: they stay
     * pending, as a wake of their own.
     */
    markDelivered: (id: string, sessionId: string, via: 'prompt' | 'wait_for_changes', deliveredCount: number): boolean => markDelivered(id, sessionId, via, deliveredCount),
    lastDeliveredAt(projectId: string): string | null {
      return db.prepare<[string], { at: string | null }>('SELECT MAX(delivered_at) AS at FROM wakes WHERE project_id = ?').get(projectId)?.at ?? null;
    },
  };
}

export type WakesRepository = ReturnType<typeof createWakesRepository>;

/** "3 new runs, 1 worker finished": what a wake is about, for people and for the orchestrator. */
export function describeReasons(reasons: readonly WakeReason[]): string {
  // A worker that ended several turns is still one worker: those reasons count distinct sessions, not turns.
  const seen = new Map<WakeKind, Set<string>>();
  reasons.forEach((r, i) => {
    const one = r.kind === 'worker_ended' && r.sessionId ? r.sessionId : `#${i}`;
    seen.set(r.kind, (seen.get(r.kind) ?? new Set()).add(one));
  });
  const counts = new Map([...seen].map(([k, ids]) => [k, ids.size]));
  const label: Record<WakeKind, [string, string]> = {
    enqueued: ['new run', 'new runs'],
    retried: ['retried run', 'retried runs'],
    recovered: ['recovered run', 'recovered runs'],
    lease_expired: ['run back in the queue (lease expired)', 'runs back in the queue (lease expired)'],
    worker_ended: ['worker finished its turn', 'workers finished their turn'],
    worker_started: ['worker started by a person', 'workers started by a person'],
  };
  return [...counts.entries()].map(([k, n]) => `${n} ${label[k][n === 1 ? 0 : 1]}`).join(', ');
}
