/** The board's +/− per worker: git read once per turn end or review action, cached, never on a timer. */
import { createLimiter } from '../lib/limiter';
import type { ReviewStat } from '../../shared/contracts/review';
import type { Result } from '../../shared/result';
import { fail, ok } from '../../shared/result';
import type { SessionsRepository } from '../sessions/repository';
import type { TurnsRepository } from '../sessions/turns-repository';
import type { ReviewService } from './service';

export interface ReviewStatsDeps {
  review: Pick<ReviewService, 'diff' | 'status'>;
  sessions: Pick<SessionsRepository, 'get'>;
  turns: Pick<TurnsRepository, 'last'>;
  emit(projectId: string, stat: ReviewStat): void;
  /** Stats computed at once at most (a board of twenty cards opening cold must not start a hundred gits). */
  concurrency?: number;
}

interface Entry {
  stat: ReviewStat;
  /** The last ended turn this stat was read after: the same turn end seen again reads nothing. */
  turnId: string | null;
}

/**
 * The board's +/− per worker, cached here so a card costs no git process:
 * git is asked once when a card first needs it, once per turn end, after a
 * review action (commit, merge, PR), and when an open Changes view asks —
 * never on a timer, so idle sessions cost nothing.
 */
export function createReviewStats(deps: ReviewStatsDeps) {
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Result<ReviewStat>>>();
  /** The ended turn each read in flight was started after. */
  const inflightTurn = new Map<string, string | null>();
  /** Reads queued behind one in flight (above); idle() waits for them too. */
  const chained = new Set<Promise<Result<ReviewStat>>>();
  // Landing-fact reads started by observe(), waited for by idle().
  const landing = new Set<Promise<unknown>>();
  const limit = Math.max(1, deps.concurrency ?? 2);
  const slot = createLimiter(limit);

  const endedTurn = (sessionId: string): string | null => {
    const t = deps.turns.last(sessionId);
    return t && t.status === 'ended' ? t.id : null;
  };

  async function compute(sessionId: string): Promise<Result<ReviewStat>> {
    const previous = cache.get(sessionId)?.stat;
    const at = new Date().toISOString();
    // Side by side: on an SSH project each is a round trip to the destination (ADR 0018).
    const [d, s] = await Promise.all([deps.review.diff({ sessionId, scope: 'all', stat: true }), deps.review.status(sessionId)]);
    if (!d.ok) {
      // Keep what was last seen: a card must not drop to zero because one read failed.
      return ok({ ...(previous ?? empty(sessionId)), at: previous?.at ?? '', error: d.error.message });
    }
    const facts = s.ok ? s.value.facts : null;
    return ok({
      sessionId,
      files: d.value.files.length,
      additions: d.value.additions,
      deletions: d.value.deletions,
      merged: facts?.merged ? { commit: facts.merged.commit, mode: facts.merged.mode, base: facts.merged.base } : (previous?.merged ?? null),
      pr: facts?.pr ? { url: facts.pr.url, kind: facts.pr.kind } : (previous?.pr ?? null),
      at,
      error: null,
    });
  }

  /** `fresh`: someone knows the worktree moved after any read now in flight began (an open view asking): read after it. */
  function refresh(sessionId: string, fresh = false): Promise<Result<ReviewStat>> {
    const turnId = endedTurn(sessionId);
    const running = inflight.get(sessionId);
    if (running) {
      if (!fresh && inflightTurn.get(sessionId) === turnId) return running;
      // A turn ended while git was being asked (or a fresh read was asked for): that read may predate the changes.
      const again = running.then(() => refresh(sessionId)).finally(() => chained.delete(again));
      chained.add(again);
      return again;
    }
    inflightTurn.set(sessionId, turnId);
    const p = slot(() => compute(sessionId))
      .then((r) => {
        if (!r.ok) return r;
        const before = cache.get(sessionId);
        cache.set(sessionId, { stat: r.value, turnId });
        const session = deps.sessions.get(sessionId);
        // Same counts read after a newer turn still tell: what is ready for review follows the turn they were read after.
        if (session && (!before || !sameCounts(before.stat, r.value) || before.turnId !== turnId)) deps.emit(session.projectId, r.value);
        return r;
      })
      .finally(() => {
        inflight.delete(sessionId);
        inflightTurn.delete(sessionId);
      });
    inflight.set(sessionId, p);
    return p;
  }

  return {
    /** The cached stat, read from git only the first time (or when asked to refresh). */
    get(sessionId: string, opts: { refresh?: boolean } = {}): Promise<Result<ReviewStat>> {
      if (!deps.sessions.get(sessionId)) return Promise.resolve(fail('session_not_found', `There is no session ${sessionId}.`));
      const hit = cache.get(sessionId);
      if (hit && !opts.refresh) return Promise.resolve(ok(hit.stat));
      return refresh(sessionId, opts.refresh === true);
    },

    /**
     * What the cache knows now, without asking git: the stat and the ended turn it was read after.
     * Undefined when never read (`get` reads it).
     */
    peek(sessionId: string): { stat: ReviewStat; turnId: string | null } | undefined {
      const hit = cache.get(sessionId);
      return hit ? { stat: hit.stat, turnId: hit.turnId } : undefined;
    },

    /** A session moved: a worker whose turn just ended (a turn not yet counted) is read once. */
    onSessionChanged(sessionId: string): void {
      const s = deps.sessions.get(sessionId);
      if (!s || s.role !== 'worker' || s.state !== 'idle' || !s.worktreeId) return;
      const turnId = endedTurn(sessionId);
      if (turnId === null) return;
      // A first read under way, started before this turn ended: it is read again after it (refresh chains).
      if (inflight.has(sessionId)) {
        if (inflightTurn.get(sessionId) !== turnId) void refresh(sessionId);
        return;
      }
      const hit = cache.get(sessionId);
      // Never read yet: the first card to show it asks. Same turn as last read: nothing can have moved.
      if (!hit || hit.turnId === turnId) return;
      void refresh(sessionId);
    },

    /**
     * An open Changes view just read the whole diff (scope `all`): its counts
     * are the card's, so the card follows without asking git a second time.
     */
    observe(sessionId: string, counts: { files: number; additions: number; deletions: number }): void {
      const session = deps.sessions.get(sessionId);
      if (!session) return;
      const before = cache.get(sessionId);
      const stat: ReviewStat = { ...(before?.stat ?? empty(sessionId)), ...counts, at: new Date().toISOString(), error: null };
      cache.set(sessionId, { stat, turnId: endedTurn(sessionId) });
      if (!before || !sameCounts(before.stat, stat)) deps.emit(session.projectId, stat);
      // First sight of it: its landing facts (merged, PR) come from the store, not from git's counts.
      if (!before) {
        // Awaited by idle(), so a close (the CLI's, after one call) never lets it reach a closed store.
        const facts: Promise<unknown> = deps.review
          .status(sessionId)
          .then((s) => {
            const now = cache.get(sessionId);
            if (!s.ok || !now) return;
            const f = s.value.facts;
            const withFacts: ReviewStat = { ...now.stat, merged: f.merged ? { commit: f.merged.commit, mode: f.merged.mode, base: f.merged.base } : null, pr: f.pr ? { url: f.pr.url, kind: f.pr.kind } : null };
            cache.set(sessionId, { ...now, stat: withFacts });
            if (!sameCounts(now.stat, withFacts)) deps.emit(session.projectId, withFacts);
          })
          .catch((e: unknown) => console.warn(`[baton] session ${sessionId}: no landing facts for its card: ${e instanceof Error ? e.message : String(e)}`))
          .finally(() => landing.delete(facts));
        landing.add(facts);
      }
    },

    /**
     * A review action (commit, merge, PR) moved the facts or the counts: read after any read in flight, which
     * began before it (a commit's read still under way when the merge lands would otherwise be the merge's).
     */
    onReviewChanged(sessionId: string): void {
      if (cache.has(sessionId)) void refresh(sessionId, true);
    },

    async idle(): Promise<void> {
      while (inflight.size > 0 || chained.size > 0 || landing.size > 0) await Promise.allSettled([...inflight.values(), ...chained, ...landing]);
    },
  };
}

export type ReviewStats = ReturnType<typeof createReviewStats>;

const empty = (sessionId: string): ReviewStat => ({ sessionId, files: 0, additions: 0, deletions: 0, merged: null, pr: null, at: '', error: null });

function sameCounts(a: ReviewStat, b: ReviewStat): boolean {
  return (
    a.files === b.files &&
    a.additions === b.additions &&
    a.deletions === b.deletions &&
    a.error === b.error &&
    a.merged?.commit === b.merged?.commit &&
    a.pr?.url === b.pr?.url
  );
}
