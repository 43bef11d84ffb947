/** The inbox across all projects: what needs a person, derived from session facts, recomputed once per burst of changes. */
import type { InboxView } from '../../shared/contracts/inbox';
import type { PendingRequest, SessionSummary } from '../../shared/contracts/sessions';
import { inbox, type InboxFacts } from '../../shared/inbox';
import type { ReviewStat } from '../../shared/contracts/review';
import type { ReviewRepository } from '../review/repository';
import type { TurnsRepository } from '../sessions/turns-repository';

/** The inbox's sources, as narrow as it reads them. */
export interface InboxDeps {
  sessions: {
    list(): SessionSummary[];
    pending(id: string): PendingRequest[];
  };
  turns: Pick<TurnsRepository, 'last'>;
  reviews: Pick<ReviewRepository, 'reviewedTurn'>;
  stats: {
    /** The cached stat and the ended turn it was read after; undefined when never read. */
    peek(sessionId: string): { stat: ReviewStat; turnId: string | null } | undefined;
    /** Reads a stat git has never been asked for; the stat's change arrives as `schedule()` later. */
    get(sessionId: string): Promise<unknown>;
  };
  emit(view: InboxView): void;
  /** How long a burst of changes is gathered before the inbox is derived again; 16 ms by default (one frame). */
  coalesceMs?: number;
}

/**
 * Gathers each session's facts, derives the inbox with `inbox()`, and
 * broadcasts it when it moved: every session change schedules one
 * derivation, a burst of them makes one, and an unchanged inbox sends nothing.
 */
export function createInbox(deps: InboxDeps) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = '';
  let closed = false;
  /**
   * The whole inbox as last derived, until the next change: a page's load asks for it while nothing moved since the
   * derivation that was broadcast (500 sessions' facts read again were most of the page's wait). Every fact it
   * reads reports its change through schedule(), which is also what keeps the broadcast view current.
   */
  let cached: InboxView | null = null;

  function facts(s: SessionSummary): InboxFacts {
    const turn = s.role === 'worker' && s.state === 'idle' ? deps.turns.last(s.id) : null;
    const ended = turn && turn.status === 'ended' ? turn.id : null;
    let review: InboxFacts['review'] = null;
    if (ended && !s.archived) {
      const hit = deps.stats.peek(s.id);
      // Never read: ask git once (bounded by the stats' own concurrency); the inbox follows when it answers.
      if (!hit) void deps.stats.get(s.id).catch((e: unknown) => console.warn(`[baton] session ${s.id}: its change counts could not be read:`, e));
      // Counts read before this turn ended are being read again (the stats follow turn ends): unknown until then, as
      // are counts git never gave (a first read that failed).
      else if (hit.turnId === ended && hit.stat.at) review = { turnId: ended, files: hit.stat.files, merged: hit.stat.merged !== null, reviewed: deps.reviews.reviewedTurn(s.id) === ended };
    }
    return {
      sessionId: s.id,
      projectId: s.projectId,
      title: s.title,
      role: s.role,
      state: s.state,
      stateSince: s.updatedAt,
      stateDetail: s.stateDetail,
      divergence: s.divergence ? { detectedAt: s.divergence.detectedAt } : null,
      archived: !!s.archived,
      pending: s.state === 'waiting_input' ? deps.sessions.pending(s.id) : [],
      review,
    };
  }

  function view(): InboxView {
    cached ??= { items: inbox(deps.sessions.list().map(facts)) };
    return cached;
  }

  function flush(): void {
    timer = null;
    if (closed) return;
    const v = view();
    const key = JSON.stringify(v);
    if (key === last) return;
    last = key;
    deps.emit(v);
  }

  return {
    list(projectId?: string): InboxView {
      const v = view();
      return projectId ? { items: v.items.filter((i) => i.projectId === projectId) } : v;
    },

    /** Some session's facts changed: derive the inbox again soon (once for a burst); until then a read derives it. */
    schedule(): void {
      cached = null;
      if (closed || timer) return;
      timer = setTimeout(flush, deps.coalesceMs ?? 16);
    },

    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
