/** Review comments to the agent: kept until sent, sent as one prompt with file:line context, queued while it works. */
import { randomUUID } from 'node:crypto';
import type { ReviewCommentView, SendCommentsView } from '../../shared/contracts/review';
import { err, fail, ok, type Result } from '../../shared/result';
import { commentDelivery, commentsPrompt, type ReviewCommentDraft } from '../../shared/review-comments';
import type { SessionsRepository } from '../sessions/repository';
import type { TurnsRepository } from '../sessions/turns-repository';
import type { ReviewCommentsRepository } from './comments-repository';

/**
 * Review comments to the agent, kept in SQLite until their prompt is accepted:
 * "Send to agent" makes one prompt of a session's drafts (file:line and the
 * quoted lines), now when the agent is idle, else queued and delivered when its
 * turn ends. A batch's prompt carries one idempotency key, so a retry after a
 * crash between "prompt accepted" and "marked sent" is the same turn.
 */
export interface ReviewCommentsDeps {
  sessions: Pick<SessionsRepository, 'get'>;
  turns: Pick<TurnsRepository, 'byKey'>;
  comments: ReviewCommentsRepository;
  /** The sessions service's prompt path (an idle agent not running is resumed first). */
  prompt(sessionId: string, text: string, idempotencyKey: string): Promise<Result<{ turnId: string; duplicate: boolean }>>;
  emitChanged(sessionId: string, projectId: string): void;
  /**
   * A reconcile is under way: it resends prompts checkpointed but not yet
   * journaled, so a batch sent now could go twice; deliverPending runs after it.
   */
  recovering?(): boolean;
}

export function createReviewComments(deps: ReviewCommentsDeps) {
  // A batch under way per session: one prompt at a time, and no folding into a batch whose prompt is in flight.
  const delivering = new Map<string, Promise<Result<{ turnId: string; count: number } | null>>>();

  const changed = (sessionId: string) => {
    const s = deps.sessions.get(sessionId);
    if (s) deps.emitChanged(sessionId, s.projectId);
  };

  /** Batches whose prompt was accepted before a crash (its turn exists under the key) are marked sent. */
  function settle(sessionId: string): void {
    for (const b of deps.comments.queued(sessionId)) {
      const turn = deps.turns.byKey(b.key);
      if (turn) deps.comments.markSent(b.key, turn.id);
    }
  }

  /** Sends the oldest queued batch when the agent is idle; null when there is nothing to send or it is not idle. */
  function deliver(sessionId: string): Promise<Result<{ turnId: string; count: number } | null>> {
    const running = delivering.get(sessionId);
    if (running) return running;
    const p = (async (): Promise<Result<{ turnId: string; count: number } | null>> => {
      const s = deps.sessions.get(sessionId);
      if (!s || commentDelivery(s.state).how !== 'now') return ok(null);
      settle(sessionId);
      const batch = deps.comments.queued(sessionId)[0];
      if (!batch) return ok(null);
      const r = await deps.prompt(sessionId, commentsPrompt(batch.comments), batch.key);
      if (!r.ok) return err({ code: r.error.code, message: r.error.message });
      deps.comments.markSent(batch.key, r.value.turnId);
      changed(sessionId);
      return ok({ turnId: r.value.turnId, count: batch.comments.length });
    })().finally(() => delivering.delete(sessionId));
    delivering.set(sessionId, p);
    return p;
  }

  function deliverIdle(sessionId: string): void {
    if (deps.sessions.get(sessionId)?.state !== 'idle') return;
    if (deps.comments.queued(sessionId).length === 0) return;
    void deliver(sessionId)
      .then((r) => {
        if (!r.ok) console.warn(`[baton] session ${sessionId}: queued review comments not delivered yet: ${r.error.message}`);
      })
      // A store error inside must not become an unhandled rejection in main; the next idle tries again.
      .catch((e: unknown) => console.warn(`[baton] session ${sessionId}: delivering queued review comments failed:`, e));
  }

  function session(sessionId: string) {
    const s = deps.sessions.get(sessionId);
    return s ? ok(s) : fail('session_not_found', `There is no session ${sessionId}.`);
  }

  return {
    list(sessionId: string): Result<ReviewCommentView[]> {
      const s = session(sessionId);
      return s.ok ? ok(deps.comments.unsent(sessionId)) : s;
    },

    add(sessionId: string, c: ReviewCommentDraft): Result<ReviewCommentView> {
      const s = session(sessionId);
      if (!s.ok) return s;
      const v = deps.comments.add(sessionId, c);
      changed(sessionId);
      return ok(v);
    },

    remove(sessionId: string, id: string): Result<{ removed: boolean }> {
      const s = session(sessionId);
      if (!s.ok) return s;
      const removed = deps.comments.remove(sessionId, id);
      if (removed) changed(sessionId);
      return ok({ removed });
    },

    async send(sessionId: string): Promise<Result<SendCommentsView>> {
      const s = session(sessionId);
      if (!s.ok) return s;
      const how = commentDelivery(s.value.state);
      if (how.how === 'refuse') return fail('session_not_ready', `Not sent: ${how.reason}`);
      if (!delivering.has(sessionId)) settle(sessionId);
      const key = `review:${randomUUID()}`;
      const count = deps.comments.queue(sessionId, key, !delivering.has(sessionId));
      if (count === 0) {
        if (deps.comments.queued(sessionId).length > 0) return ok({ status: 'queued', count: 0, reason: 'Your comments are already queued; they go to the agent when its turn ends.' });
        return fail('no_comments', 'There is no review comment to send; select lines in the diff and write one first.');
      }
      changed(sessionId);
      if (how.how === 'queue') return ok({ status: 'queued', count, reason: how.reason });
      // Another batch's prompt is on its way: this one follows when that turn ends.
      if (delivering.has(sessionId)) return ok({ status: 'queued', count, reason: 'Review comments sent just before are on their way; these go when that turn ends.' });
      const r = await deliver(sessionId);
      if (r.ok && r.value) return ok({ status: 'sent', count: r.value.count, turnId: r.value.turnId });
      // The agent turned busy in between: the batch waits for the turn's end like any queued one.
      const later = commentDelivery(deps.sessions.get(sessionId)?.state ?? 'stopped');
      if (later.how === 'queue') return ok({ status: 'queued', count, reason: later.reason });
      deps.comments.unqueue(key);
      changed(sessionId);
      const why = r.ok ? (later.how === 'refuse' ? later.reason : 'the agent did not take the prompt.') : r.error.message;
      return fail(r.ok ? 'not_sent' : r.error.code, `Not sent: ${why} Your comments are kept as drafts; send them again.`);
    },

    /** A session's facts moved: when it is idle, its queued comments go now (after any reconcile under way). */
    onSessionChanged(sessionId: string): void {
      if (!deps.recovering?.()) deliverIdle(sessionId);
    },

    /** After a reconcile (a restart): every idle session with comments waiting gets them. */
    deliverPending(): void {
      for (const id of deps.comments.sessionsWithQueued()) deliverIdle(id);
    },

    async idle(): Promise<void> {
      await Promise.allSettled([...delivering.values()]);
    },
  };
}

export type ReviewComments = ReturnType<typeof createReviewComments>;
