/** The composition root's review part (issue 13): the service, the cards' change counts, comments and their handlers. */
import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { Db } from '../store/db';
import { createReviewComments } from '../review/comments';
import { createReviewCommentsRepository } from '../review/comments-repository';
import { createReviewFile } from '../review/file';
import { reviewHandlers } from '../review/handlers';
import { createReviewService, type ReviewServiceDeps } from '../review/service';
import { createReviewStats } from '../review/stats';
import type { ReviewStat } from '../../shared/contracts/review';

export interface ReviewWiringOptions extends Omit<ReviewServiceDeps, 'emitChanged'> {
  db: Db;
  /** A session's review facts changed (commit, merge, PR, archive). */
  onReviewChanged(sessionId: string, projectId: string): void;
  onCommentsChanged(sessionId: string, projectId: string): void;
  onStatChanged(projectId: string, stat: ReviewStat): void;
  /** A reconcile is under way (queued comments wait for it). */
  recovering(): boolean;
}

export function createReviewWiring<Ctx>(o: ReviewWiringOptions) {
  const { db, onReviewChanged, onCommentsChanged, onStatChanged, recovering, ...deps } = o;
  const review = createReviewService({
    ...deps,
    emitChanged: (sessionId, projectId) => {
      onReviewChanged(sessionId, projectId);
      // Declared below (the stats read the review service); a review action moves the card's counts.
      stats.onReviewChanged(sessionId);
    },
  });
  const comments = createReviewComments({
    sessions: deps.sessions,
    turns: deps.turns,
    comments: createReviewCommentsRepository(db),
    prompt: deps.prompt,
    emitChanged: onCommentsChanged,
    recovering,
  });
  const stats = createReviewStats({ review, sessions: deps.sessions, turns: deps.turns, emit: onStatChanged });
  const handlers: HandlersOf<Contract, Ctx>['review'] = reviewHandlers(review, stats, createReviewFile({ review, git: deps.git }), comments);
  return {
    review,
    stats,
    comments,
    handlers,
    /** A session moved: its turn-end snapshot, its card's counts, and comments queued while it worked. */
    onSessionChanged(sessionId: string): void {
      review.onSessionChanged(sessionId);
      stats.onSessionChanged(sessionId);
      comments.onSessionChanged(sessionId);
    },
    async idle(): Promise<void> {
      await review.idle();
      await stats.idle();
      await comments.idle();
    },
  };
}
