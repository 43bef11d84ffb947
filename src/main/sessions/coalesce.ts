/** Coalesces the UI broadcasts of a live session's committed records: at most one `sessions.records` per session per frame. */
import type { JournalRecord } from '../../shared/journal';

/** About one display frame: a renderer cannot show updates faster, and a live agent's lines arrive far more often. */
export const BROADCAST_FRAME_MS = 16;

export interface BroadcastCoalescer {
  /**
   * Records committed for a session: broadcast at once if the session sent none in the last frame, else within
   * the frame, together with whatever else it committed meanwhile.
   */
  add(sessionId: string, records: readonly JournalRecord[]): void;
  /** Broadcasts the session's pending records now: called before any other broadcast about it, so records never trail a later change. */
  flush(sessionId: string): void;
  /** Drops what is pending (shutdown: the records are committed, and a renderer reads them again after it reconnects). */
  close(): void;
}

/**
 * `emit` gets each session's records in seq order, at most once a frame per session. The first records after a
 * quiet frame leave in the commit's own turn of the event loop: held for a timer, they waited a frame and then
 * for the loop to come round to timers, which on a loaded machine was as long again as the wait before the
 * commit (ADR 0029). Persist, then broadcast still holds: only committed records are added.
 */
export function createBroadcastCoalescer(emit: (sessionId: string, records: JournalRecord[]) => void, frameMs = BROADCAST_FRAME_MS): BroadcastCoalescer {
  const pending = new Map<string, JournalRecord[]>();
  /** When each session last emitted (only sessions that emitted in the last frame matter; older entries are dropped at each frame). */
  const lastEmit = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const flushAll = (): void => {
    timer = null;
    for (const id of [...pending.keys()]) flush(id);
    const quietBefore = Date.now() - frameMs;
    for (const [id, at] of lastEmit) if (at <= quietBefore) lastEmit.delete(id);
  };

  function flush(sessionId: string): void {
    const records = pending.get(sessionId);
    if (!records) return;
    pending.delete(sessionId);
    lastEmit.set(sessionId, Date.now());
    emit(sessionId, records);
  }

  return {
    add(sessionId, records) {
      if (closed || records.length === 0) return;
      const held = pending.get(sessionId);
      if (held) {
        held.push(...records);
        return;
      }
      const last = lastEmit.get(sessionId);
      if (last === undefined || Date.now() - last >= frameMs) {
        lastEmit.set(sessionId, Date.now());
        emit(sessionId, [...records]);
      } else {
        pending.set(sessionId, [...records]);
      }
      // Also after an emit at once: the frame's timer forgets sessions that went quiet.
      timer ??= setTimeout(flushAll, frameMs);
    },
    flush,
    close() {
      closed = true;
      pending.clear();
      lastEmit.clear();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
