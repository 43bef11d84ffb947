import { z } from 'zod';
import { visibleText } from '../hidden-chars';
import { domain, event, procedure } from '../contract';
import { SESSION_STATES } from '../session-state';

const Id = z.string().min(1).max(100);

export const WorktreeErrorView = z.object({
  code: z.string(),
  kind: z.enum(['invalid', 'transient', 'needs_you']),
  message: z.string(),
  gitMessage: z.string().optional(),
});

export const WorktreeView = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  role: z.enum(['worker', 'orchestrator']),
  branch: z.string(),
  /** The branch it was made from; null when made before Baton recorded it (the project's base). */
  baseBranch: z.string().nullable(),
  path: z.string(),
  status: z.enum(['active', 'missing', 'releasing', 'release_failed', 'released']),
  lastError: WorktreeErrorView.nullable(),
  setup: z.object({ state: z.enum(['none', 'running', 'ok', 'failed']), log: z.string() }),
  /** The session that holds it (see HOLDING_STATES), newest first; Release is refused while there is one. */
  heldBy: z.object({ id: z.string(), title: z.string(), state: z.enum(SESSION_STATES) }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorktreeView = z.infer<typeof WorktreeView>;

export const ReleasedWorktree = WorktreeView.extend({
  /** Where its uncommitted work was kept, named after the session that did it (the worktree's id when no session ever used it). */
  preservedRef: z.string().nullable(),
});
export type ReleasedWorktree = z.infer<typeof ReleasedWorktree>;

export const PreservedView = z.object({
  sessionId: z.string(),
  ref: z.string(),
  commit: z.string(),
  date: z.string(),
  message: z.string(),
});
export type PreservedView = z.infer<typeof PreservedView>;

export const WorktreePanel = z.object({
  worktrees: z.array(WorktreeView),
  preserved: z.array(PreservedView),
  /** Folders under Baton's worktree root that git does not know: left by a crash, safe to inspect. */
  unregistered: z.array(z.string()),
});
export type WorktreePanel = z.infer<typeof WorktreePanel>;

export const worktreesContract = domain({
  procedures: {
    list: procedure(z.object({ projectId: Id }).strict(), WorktreePanel),
    create: procedure(z.object({ projectId: Id, name: visibleText(z.string().trim().min(1).max(100), 'worktree name') }).strict(), WorktreeView),
    /**
     * Preserves uncommitted work, removes the worktree, verifies it is gone. Calling it again retries.
     * Refused (`worktree_in_use`) while a session or a running terminal holds it, unless `stopSession`: then its
     * terminals are killed and that session is stopped first.
     */
    release: procedure(z.object({ worktreeId: Id, stopSession: z.boolean().optional() }).strict(), ReleasedWorktree),
    restore: procedure(
      z.object({ worktreeId: Id, ref: z.string().regex(/^refs\/baton\/preserved\/[^\s]+$/).max(300) }).strict(),
      z.object({ files: z.array(z.string()) }),
    ),
    /**
     * "Restore into a new worktree": a new worktree (and branch) at the commit the preserved work was
     * based on, with the work applied before the project's setup runs there (so setup sees it); files
     * setup then rewrites get the preserved content back. `name` defaults to `restored-<id>`.
     */
    restoreNew: procedure(
      z
        .object({
          projectId: Id,
          ref: z.string().regex(/^refs\/baton\/preserved\/(?!.*\.\.)[A-Za-z0-9._-]+$/).max(300),
          name: visibleText(z.string().trim().min(1).max(100), 'worktree name').optional(),
        })
        .strict(),
      z.object({ worktree: WorktreeView, files: z.array(z.string()) }),
    ),
  },
  events: {
    changed: event(z.object({ projectId: z.string() })),
  },
});
