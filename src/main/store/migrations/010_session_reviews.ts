import type { Migration } from './types';

/**
 * A session's review facts — merged, pushed, its pull request — and the
 * person's own act of archiving it. They were a JSON blob under
 * refs/baton/review/<session> (ADR 0012) while migrations were blocked; they
 * are the orchestrator's own state, so they live here. Columns, not a blob, so
 * the board can ask "merged?" or "archived?" with one query.
 */
export const m010: Migration = {
  version: 10,
  name: 'session_reviews',
  sql: `
    CREATE TABLE session_reviews (
      session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
      merged_commit TEXT,
      merged_mode TEXT CHECK (merged_mode IN ('merge', 'squash', 'rebase')),
      merged_base TEXT,
      merged_at TEXT,
      pushed_remote TEXT,
      pushed_branch TEXT,
      pushed_at TEXT,
      pr_url TEXT,
      pr_kind TEXT CHECK (pr_kind IN ('created', 'compare')),
      pr_at TEXT,
      -- Archived by a person: the session leaves the board; its uncommitted work was kept under preserved_ref.
      archived_at TEXT,
      preserved_ref TEXT,
      -- The branch deleted on archive (asked for), and the commit it pointed at, so it can be recreated.
      deleted_branch TEXT,
      deleted_branch_head TEXT,
      updated_at TEXT NOT NULL,
      CHECK ((merged_commit IS NULL) = (merged_at IS NULL)),
      CHECK ((pr_url IS NULL) = (pr_at IS NULL))
    );
    CREATE INDEX session_reviews_archived ON session_reviews (archived_at) WHERE archived_at IS NOT NULL;
  `,
};
