import { z } from 'zod';
import { domain, event, procedure } from '../contract';

const Id = z.string().min(1).max(100);
export const PreservedRef = z.string().regex(/^refs\/baton\/preserved\/(?!.*\.\.)[A-Za-z0-9._-]+$/, 'Name a preserved-work ref: refs/baton/preserved/<id>.').max(300);

/** `all`: the worktree against its merge-base with the base branch; `uncommitted`: against HEAD; `since_turn`: against the snapshot taken when the agent's last turn ended. */
export const DIFF_SCOPES = ['all', 'uncommitted', 'since_turn'] as const;
export type DiffScope = (typeof DIFF_SCOPES)[number];

export const DiffFileView = z.object({
  path: z.string(),
  oldPath: z.string().nullable(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type_changed']),
  binary: z.boolean(),
  additions: z.number().int().nullable(),
  deletions: z.number().int().nullable(),
  patch: z.string().nullable(),
  /** Why the patch is left out though the file is listed. */
  omitted: z.enum(['binary', 'too_large', 'patch_budget', 'stat_only']).nullable(),
});
export type DiffFileView = z.infer<typeof DiffFileView>;

export const DiffView = z.object({
  sessionId: z.string(),
  scope: z.enum(DIFF_SCOPES),
  branch: z.string(),
  base: z.string(),
  from: z.string(),
  head: z.string(),
  files: z.array(DiffFileView),
  additions: z.number().int(),
  deletions: z.number().int(),
  truncated: z.boolean(),
  /** Set when the diff is of preserved work ("Open previous work"): `head` is the preserved commit. */
  preservedRef: z.string().nullable().optional(),
  /** Set when the diff is of a worktree no session holds (review.worktreeDiff); `sessionId` is then this id too. */
  worktreeId: z.string().nullable().optional(),
});
export type DiffView = z.infer<typeof DiffView>;

export const CommitView = z.discriminatedUnion('status', [
  z.object({ status: z.literal('committed'), commit: z.string(), files: z.array(z.string()) }),
  /** The repository's hook refused; nothing was committed. */
  z.object({ status: z.literal('hook_failed'), hooks: z.array(z.string()), output: z.string() }),
  z.object({ status: z.literal('nothing_to_commit') }),
]);
export type CommitView = z.infer<typeof CommitView>;

export const MERGE_MODES = ['merge', 'squash', 'rebase'] as const;

export const MergeView = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('merged'),
    mode: z.enum(MERGE_MODES),
    commit: z.string(),
    previous: z.string(),
    where: z.enum(['checkout', 'ref']),
    checkoutPath: z.string().nullable(),
  }),
  z.object({ status: z.literal('up_to_date'), commit: z.string() }),
  /** Nothing was changed; "Ask the agent to resolve" (review.resolveConflicts) is offered. */
  z.object({ status: z.literal('conflict'), files: z.array(z.string()) }),
  z.object({
    status: z.literal('refused'),
    reason: z.enum(['base_dirty', 'base_busy', 'base_moved', 'session_dirty']),
    message: z.string(),
    files: z.array(z.string()),
    checkoutPath: z.string().nullable(),
  }),
]);
export type MergeView = z.infer<typeof MergeView>;

export const ResolveView = z.object({
  /** `clean`: the branch rebased without conflicts (merge again); `asked`: the agent was prompted with the files. */
  status: z.enum(['clean', 'asked']),
  files: z.array(z.string()),
  turnId: z.string().nullable(),
});

export const PullRequestView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), url: z.string() }),
  z.object({ kind: z.literal('compare'), url: z.string(), why: z.string() }),
  z.object({ kind: z.literal('none'), message: z.string() }),
]);

export const PrView = z.object({
  pushed: z.object({ remote: z.string(), remoteUrl: z.string(), branch: z.string() }),
  pr: PullRequestView,
});
export type PrView = z.infer<typeof PrView>;

/** Facts about a session's landing, stored when they happen. */
export const ReviewFacts = z.object({
  merged: z.object({ commit: z.string(), mode: z.enum(MERGE_MODES), base: z.string(), at: z.string() }).nullable(),
  pushed: z.object({ remote: z.string(), branch: z.string(), at: z.string() }).nullable(),
  pr: z.object({ url: z.string(), kind: z.enum(['created', 'compare']), at: z.string() }).nullable(),
  /** The snapshot taken when the agent's last turn ended (for the `since_turn` diff). */
  lastTurn: z.object({ commit: z.string(), turnId: z.string() }).nullable(),
});
export type ReviewFacts = z.infer<typeof ReviewFacts>;

export const ReviewStatus = z.object({ sessionId: z.string(), branch: z.string(), base: z.string(), facts: ReviewFacts });
export type ReviewStatus = z.infer<typeof ReviewStatus>;

const Path = z.string().min(1).max(4096);

export const ArchiveView = z.object({
  sessionId: z.string(),
  archivedAt: z.string(),
  /** The session's uncommitted work, kept under `refs/baton/preserved/<session>` ("Open previous work"); null when it had no worktree to keep. */
  preserved: z.object({ ref: z.string(), commit: z.string(), files: z.array(z.string()) }).nullable(),
  /** The session's branch: deleted only when asked (`deleteBranch`), with the commit it pointed at. */
  branch: z.object({ name: z.string(), deleted: z.boolean(), head: z.string().nullable() }).nullable(),
});
export type ArchiveView = z.infer<typeof ArchiveView>;

/**
 * What a board card shows about a worker's change (files, +/−, merged, PR),
 * cached in main per session and refreshed only when it can have moved: a
 * turn end, a review action, or an open Changes view asking for it.
 */
export const ReviewStat = z.object({
  sessionId: z.string(),
  files: z.number().int(),
  additions: z.number().int(),
  deletions: z.number().int(),
  merged: z.object({ commit: z.string(), mode: z.enum(MERGE_MODES), base: z.string() }).nullable(),
  pr: z.object({ url: z.string(), kind: z.enum(['created', 'compare']) }).nullable(),
  /** When git last answered (ISO time); '' when it never has. */
  at: z.string(),
  /** Why the counts could not be read (no worktree any more, say); the last counts are kept. */
  error: z.string().nullable(),
});
export type ReviewStat = z.infer<typeof ReviewStat>;

/** Both sides of one file, for expanding the unchanged context around its hunks; null where the side does not exist. */
export const FileContents = z.object({ path: z.string(), old: z.string().nullable(), new: z.string().nullable() });
export type FileContents = z.infer<typeof FileContents>;

/** A review comment not yet sent: a draft, or queued ("Send to agent" pressed while the agent was busy; it goes when the turn ends). */
export const ReviewCommentView = z.object({
  id: z.string(),
  sessionId: z.string(),
  path: z.string(),
  line: z.number().int(),
  endLine: z.number().int().nullable(),
  side: z.enum(['old', 'new']),
  excerpt: z.string(),
  text: z.string(),
  state: z.enum(['draft', 'queued']),
  createdAt: z.string(),
});
export type ReviewCommentView = z.infer<typeof ReviewCommentView>;

export const SendCommentsView = z.discriminatedUnion('status', [
  /** The prompt went to the agent as one turn. */
  z.object({ status: z.literal('sent'), count: z.number().int(), turnId: z.string() }),
  /** The agent is busy: the comments go as one prompt when its turn ends. */
  z.object({ status: z.literal('queued'), count: z.number().int(), reason: z.string() }),
]);
export type SendCommentsView = z.infer<typeof SendCommentsView>;

const Line = z.number().int().min(1).max(10_000_000);

export const reviewContract = domain({
  procedures: {
    status: procedure(z.object({ sessionId: Id }).strict(), ReviewStatus),
    diff: procedure(
      z
        .object({
          sessionId: Id,
          scope: z.enum(DIFF_SCOPES).default('all'),
          /** File list and counts only. */
          stat: z.boolean().default(false),
          maxPatchBytes: z.number().int().min(0).max(3 * 1024 * 1024).optional(),
          /**
           * Diff preserved work instead of a live worktree ("Open previous work"): `sessionId` is then the id the ref
           * is labelled with (a session's, or a worktree's when no session used it). `uncommitted`: what was
           * uncommitted when it was preserved (against its parent); `all`: against the merge-base with the base.
           */
          preservedRef: PreservedRef.optional(),
        })
        .strict(),
      DiffView,
    ),
    commit: procedure(
      z.object({ sessionId: Id, message: z.string().trim().min(1, 'Write a commit message.').max(100_000), paths: z.array(Path).min(1).max(10_000).optional() }).strict(),
      CommitView,
    ),
    merge: procedure(z.object({ sessionId: Id, mode: z.enum(MERGE_MODES).default('merge'), message: z.string().trim().min(1).max(100_000).optional() }).strict(), MergeView),
    /** Rebases the session's branch onto its base in its worktree and, on conflicts, asks the agent to resolve them. */
    resolveConflicts: procedure(z.object({ sessionId: Id }).strict(), ResolveView),
    /** Pushes the branch, then opens a PR with gh (or hands back the compare URL). */
    pr: procedure(z.object({ sessionId: Id, title: z.string().trim().min(1).max(300).optional(), body: z.string().max(60_000).optional() }).strict(), PrView),
    /**
     * A person's "done with this": stops the session, preserves its uncommitted work, releases its
     * worktree and records it archived (it leaves the board). With `deleteBranch` its branch is
     * deleted too, when merged into the base; an unmerged one is refused (`branch_unmerged`, naming
     * the commits) unless `force`; a branch checked out anywhere is never deleted. Calling it again
     * after a failure continues.
     */
    archive: procedure(z.object({ sessionId: Id, deleteBranch: z.boolean().default(false), force: z.boolean().default(false) }).strict(), ArchiveView),
    /** Back on the board; its preserved work and any deleted branch's head stay recorded. */
    unarchive: procedure(z.object({ sessionId: Id }).strict(), z.object({ sessionId: z.string() })),

    /**
     * A person's "I have looked at this": the changes after the session's last ended turn leave the inbox.
     * The next turn that ends brings them back.
     */
    markReviewed: procedure(z.object({ sessionId: Id }).strict(), z.object({ sessionId: z.string(), turnId: z.string().nullable() })),
    /** The card's counts from main's cache; `refresh` (an open Changes view) asks git again. */
    stat: procedure(z.object({ sessionId: Id, refresh: z.boolean().default(false) }).strict(), ReviewStat),
    /** One changed file's old side (at the diff's `from`) and new side (the worktree), read on a click to expand context. */
    file: procedure(z.object({ sessionId: Id, from: z.string().regex(/^[0-9a-f]{40,64}$/, 'a commit id'), path: Path, oldPath: Path.nullable().default(null) }).strict(), FileContents),

    /** A worktree no session holds (the Worktrees panel): its changes against the branch it was made from, committed and not. */
    worktreeDiff: procedure(
      z
        .object({
          worktreeId: Id,
          scope: z.enum(['all', 'uncommitted']).default('all'),
          stat: z.boolean().default(false),
          maxPatchBytes: z.number().int().min(0).max(3 * 1024 * 1024).optional(),
        })
        .strict(),
      DiffView,
    ),
    /** review.file for a worktree no session holds. */
    worktreeFile: procedure(z.object({ worktreeId: Id, from: z.string().regex(/^[0-9a-f]{40,64}$/, 'a commit id'), path: Path, oldPath: Path.nullable().default(null) }).strict(), FileContents),

    /** The session's review comments not yet sent (drafts and queued), kept in main so they survive a reload or a restart. */
    comments: procedure(z.object({ sessionId: Id }).strict(), z.array(ReviewCommentView)),
    addComment: procedure(
      z
        .object({
          sessionId: Id,
          path: Path,
          line: Line,
          endLine: Line.nullable().default(null),
          side: z.enum(['old', 'new']).default('new'),
          excerpt: z.string().max(20_000).default(''),
          text: z.string().trim().min(1, 'Write the comment.').max(20_000),
        })
        .strict()
        .refine((c) => c.endLine === null || c.endLine >= c.line, { message: "A range's last line comes after its first.", path: ['endLine'] }),
      ReviewCommentView,
    ),
    /** Drops a draft; a queued comment is on its way and stays. */
    removeComment: procedure(z.object({ sessionId: Id, id: Id }).strict(), z.object({ removed: z.boolean() })),
    /** "Send to agent": every draft as one prompt with its file:line, now when the agent is idle, else queued until its turn ends. */
    sendComments: procedure(z.object({ sessionId: Id }).strict(), SendCommentsView),
  },
  events: {
    changed: event(z.object({ sessionId: z.string(), projectId: z.string() })),
    /** A session's cached stat moved; the payload is the whole stat. */
    statChanged: event(z.object({ projectId: z.string(), stat: ReviewStat })),
    /** A session's unsent comments changed (added, removed, queued, sent): read them again with review.comments. */
    commentsChanged: event(z.object({ sessionId: z.string(), projectId: z.string() })),
  },
});
