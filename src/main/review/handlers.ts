import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { ReviewService } from './service';
import type { ReviewStats } from './stats';
import type { createReviewFile } from './file';

export function reviewHandlers<Ctx>(service: ReviewService, stats: Pick<ReviewStats, 'get'>, file: ReturnType<typeof createReviewFile>): HandlersOf<Contract, Ctx>['review'] {
  return {
    status: ({ sessionId }) => service.status(sessionId),
    diff: (input) => service.diff(input),
    commit: ({ sessionId, message, paths }) => service.commit({ sessionId, message, ...(paths ? { paths } : {}) }),
    merge: ({ sessionId, mode, message }) => service.merge({ sessionId, mode, ...(message !== undefined ? { message } : {}) }),
    resolveConflicts: ({ sessionId }) => service.resolveConflicts(sessionId),
    archive: (input) => service.archive(input),
    unarchive: ({ sessionId }) => service.unarchive(sessionId),
    markReviewed: ({ sessionId }) => service.markReviewed(sessionId),
    pr: ({ sessionId, title, body }) => service.pr({ sessionId, ...(title !== undefined ? { title } : {}), ...(body !== undefined ? { body } : {}) }),
    stat: ({ sessionId, refresh }) => stats.get(sessionId, { refresh }),
    file: (input) => file(input),
  };
}
