import type { Migration } from './types';

/**
 * Review comments written in the Changes view, kept until they reach the
 * agent (a person's draft survives a reload or a restart), and the branch a
 * worktree was made from when it is not the project's base (`baton session
 * new --base`), so its diff and merge compare against that branch.
 */
export const m014: Migration = {
  version: 14,
  name: 'review_comments',
  sql: `
    -- Null: made from the project's base branch (every worktree made before this column).
    ALTER TABLE worktrees ADD COLUMN base_branch TEXT;

    CREATE TABLE review_comments (
      id          TEXT PRIMARY KEY,
      session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      path        TEXT NOT NULL,
      line        INTEGER NOT NULL CHECK (line >= 1),
      end_line    INTEGER CHECK (end_line IS NULL OR end_line >= line),
      side        TEXT NOT NULL CHECK (side IN ('old', 'new')),
      excerpt     TEXT NOT NULL DEFAULT '',
      body        TEXT NOT NULL,
      -- draft: being written; queued: "Send to agent" pressed while the agent was busy; sent: its prompt was accepted.
      state       TEXT NOT NULL CHECK (state IN ('draft', 'queued', 'sent')),
      -- The idempotency key of the one prompt a Send makes of its comments: a retry after a crash is the same turn.
      send_key    TEXT,
      turn_id     TEXT,
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL,
      CHECK ((state = 'draft') = (send_key IS NULL)),
      CHECK ((state = 'sent') = (turn_id IS NOT NULL))
    ) STRICT;
    CREATE INDEX review_comments_session ON review_comments (session_id, state);
  `,
};
