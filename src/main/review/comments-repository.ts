/** The one writer of `review_comments`. */
import { randomUUID } from 'node:crypto';
import type { ReviewCommentView } from '../../shared/contracts/review';
import type { ReviewCommentDraft } from '../../shared/review-comments';
import type { Db } from '../store/db';

/** The only module that writes `review_comments` (review comments kept until their prompt is accepted). */

interface Row {
  id: string;
  session_id: string;
  path: string;
  line: number;
  end_line: number | null;
  side: 'old' | 'new';
  excerpt: string;
  body: string;
  state: 'draft' | 'queued' | 'sent';
  send_key: string | null;
  turn_id: string | null;
  created_at: string;
  updated_at: string;
}

/** One "Send to agent": its comments go as one prompt under one idempotency key. */
export interface QueuedBatch {
  key: string;
  comments: ReviewCommentDraft[];
}

const view = (r: Row): ReviewCommentView => ({
  id: r.id,
  sessionId: r.session_id,
  path: r.path,
  line: r.line,
  endLine: r.end_line,
  side: r.side,
  excerpt: r.excerpt,
  text: r.body,
  // Sent comments are never listed.
  state: r.state === 'queued' ? 'queued' : 'draft',
  createdAt: r.created_at,
});

export function createReviewCommentsRepository(db: Db) {
  const now = () => new Date().toISOString();
  const unsent = db.prepare<[string], Row>("SELECT * FROM review_comments WHERE session_id = ? AND state != 'sent' ORDER BY created_at, rowid");
  const insert = db.prepare(
    "INSERT INTO review_comments (id, session_id, path, line, end_line, side, excerpt, body, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
  );
  const del = db.prepare("DELETE FROM review_comments WHERE session_id = ? AND id = ? AND state = 'draft'");
  const queue = db.prepare("UPDATE review_comments SET state = 'queued', send_key = ?, updated_at = ? WHERE session_id = ? AND state = 'draft'");
  const requeue = db.prepare("UPDATE review_comments SET state = 'queued', send_key = ?, updated_at = ? WHERE session_id = ? AND state IN ('draft', 'queued')");
  const unqueue = db.prepare("UPDATE review_comments SET state = 'draft', send_key = NULL, updated_at = ? WHERE send_key = ? AND state = 'queued'");
  const sent = db.prepare("UPDATE review_comments SET state = 'sent', turn_id = ?, updated_at = ? WHERE send_key = ? AND state = 'queued'");
  const queuedRows = db.prepare<[string], Row>("SELECT * FROM review_comments WHERE session_id = ? AND state = 'queued' ORDER BY created_at, rowid");

  return {
    unsent(sessionId: string): ReviewCommentView[] {
      return unsent.all(sessionId).map(view);
    },

    add(sessionId: string, c: ReviewCommentDraft): ReviewCommentView {
      const id = randomUUID();
      const t = now();
      insert.run(id, sessionId, c.path, c.line, c.endLine, c.side, c.excerpt, c.text, t, t);
      const row = db.prepare<[string], Row>('SELECT * FROM review_comments WHERE id = ?').get(id);
      // Just inserted in this same synchronous call: a missing row is a bug.
      if (!row) throw new Error(`review comment ${id} vanished after its insert`);
      return view(row);
    },

    /** Drops a draft; false when there is none by that id (already queued or sent, or never there). */
    remove(sessionId: string, id: string): boolean {
      return del.run(sessionId, id).changes > 0;
    },

    /**
     * Every draft of the session into one batch under `key`; with `fold`, the
     * batches already queued too (none of their prompts is in flight), so one
     * Send makes one prompt. How many comments the batch holds.
     */
    queue(sessionId: string, key: string, fold: boolean): number {
      return (fold ? requeue : queue).run(key, now(), sessionId).changes;
    },

    /** A batch that could not be sent goes back to drafts (the person sends again). */
    unqueue(key: string): void {
      unqueue.run(now(), key);
    },

    /** The batch's prompt was accepted as `turnId`. */
    markSent(key: string, turnId: string): void {
      sent.run(turnId, now(), key);
    },

    /** The session's queued batches, oldest first. */
    queued(sessionId: string): QueuedBatch[] {
      const batches = new Map<string, ReviewCommentDraft[]>();
      for (const r of queuedRows.all(sessionId)) {
        const key = r.send_key ?? '';
        const list = batches.get(key) ?? [];
        list.push({ path: r.path, line: r.line, endLine: r.end_line, side: r.side, excerpt: r.excerpt, text: r.body });
        batches.set(key, list);
      }
      return [...batches].map(([key, comments]) => ({ key, comments }));
    },

    /** Sessions with a batch waiting (after a restart, each is tried once it is idle). */
    sessionsWithQueued(): string[] {
      return db.prepare<[], { session_id: string }>("SELECT DISTINCT session_id FROM review_comments WHERE state = 'queued'").all().map((r) => r.session_id);
    },
  };
}

export type ReviewCommentsRepository = ReturnType<typeof createReviewCommentsRepository>;
