import type { HandlersOf } from '../../shared/contract';
import type { Contract } from '../../shared/contracts';
import type { ReviewService } from './service';
import type { ReviewStats } from './stats';
import type { createReviewFile } from './file';
import type { ReviewComments } from './comments';

export function reviewHandlers<Ctx>(service: ReviewService, stats: Pick<ReviewStats, 'get' | 'observe'>, file: ReturnType<typeof createReviewFile>, comments: ReviewComments): HandlersOf<Contract, Ctx>['review'] {
  return {
    status: ({ sessionId }) => service.status(sessionId),
    diff: async (input) => {
      const r = await service.diff(input);
      // A live worktree's whole change: the card's counts, read once for both.
      if (r.ok && input.scope === 'all' && input.preservedRef === undefined) stats.observe(input.sessionId, { files: r.value.files.length, additions: r.value.additions, deletions: r.value.deletions });
      return r;
    },
    commit: ({ sessionId, message, paths }) => service.commit({ sessionId, message, ...(paths ? { paths } : {}) }),
    merge: ({ sessionId, mode, message }) => service.merge({ sessionId, mode, ...(message !== undefined ? { message } : {}) }),
    resolveConflicts: ({ sessionId }) => service.resolveConflicts(sessionId),
    archive: (input) => service.archive(input),
    unarchive: ({ sessionId }) => service.unarchive(sessionId),
    markReviewed: ({ sessionId }) => service.markReviewed(sessionId),
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
