/** Coalesces the UI broadcasts of a live session's committed records: one `sessions.records` per session per frame. */
import type { JournalRecord } from '../../shared/journal';

/** About one display frame: a renderer cannot show updates faster, and a live agent's lines arrive far more often. */
export const BROADCAST_FRAME_MS = 16;

export interface BroadcastCoalescer {
  /** Records committed for a session: broadcast within a frame, together with whatever else it committed meanwhile. */
  add(sessionId: string, records: readonly JournalRecord[]): void;
  /** Broadcasts the session's pending records now: called before any other broadcast about it, so records never trail a later change. */
  flush(sessionId: string): void;
  /** Drops what is pending (shutdown: the records are committed, and a renderer reads them again after it reconnects). */
  close(): void;
}

/**
 * `emit` gets each session's records in seq order, in one call per frame.
 * Persist, then broadcast still holds: only committed records are added.
 */
export function createBroadcastCoalescer(emit: (sessionId: string, records: JournalRecord[]) => void, frameMs = BROADCAST_FRAME_MS): BroadcastCoalescer {
  const pending = new Map<string, JournalRecord[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const flushAll = (): void => {
    timer = null;
    for (const id of [...pending.keys()]) flush(id);
  };

  function flush(sessionId: string): void {
    const records = pending.get(sessionId);
    if (!records) return;
    pending.delete(sessionId);
    emit(sessionId, records);
  }

  return {
    add(sessionId, records) {
      if (closed || records.length === 0) return;
      const held = pending.get(sessionId);
      if (held) held.push(...records);
      else pending.set(sessionId, [...records]);
      timer ??= setTimeout(flushAll, frameMs);
    },
    flush,
    close() {
      closed = true;
      pending.clear();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
