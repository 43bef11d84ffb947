import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { ReviewService } from './service';
import type { ReviewStats } from './stats';
import type { createReviewFile } from './file';
import type { ReviewComments } from './comments';

export function reviewHandlers<Ctx>(service: ReviewService, stats: Pick<ReviewStats, 'get'>, file: ReturnType<typeof createReviewFile>, comments: ReviewComments): HandlersOf<Contract, Ctx>['review'] {
  return {
    status: ({ sessionId }) => service.status(sessionId),
    diff: (input) => service.diff(input),
    commit: ({ sessionId, message, paths }) => service.commit({ sessionId, message, ...(paths ? { paths } : {}) }),
    merge: ({ sessionId, mode, message }) => service.merge({ sessionId, mode, ...(message !== undefined ? { message } : {}) }),
    resolveConflicts: ({ sessionId }) => service.resolveConflicts(sessionId),
    archive: (input) => service.archive(input),
    unarchive: ({ sessionId }) => service.unarchive(sessionId),
    pr: ({ sessionId, title, body }) => service.pr({ sessionId, ...(title !== undefined ? { title } : {}), ...(body !== undefined ? { body } : {}) }),
    stat: ({ sessionId, refresh }) => stats.get(sessionId, { refresh }),
    file: (input) => file(input),
    worktreeDiff: (input) => service.worktreeDiff(input),
    worktreeFile: (input) => file(input),
    comments: ({ sessionId }) => comments.list(sessionId),
    addComment: ({ sessionId, ...c }) => comments.add(sessionId, c),
    removeComment: ({ sessionId, id }) => comments.remove(sessionId, id),
    sendComments: ({ sessionId }) => comments.send(sessionId),
  };
}
