import type { Migration } from './types';

export const m006: Migration = {
  version: 6,
  name: 'orchestrator',
  sql: `
    -- The orchestrator replacement saga: one row per replacement, its phase committed before the next runs.
    CREATE TABLE replacements (
      id             TEXT PRIMARY KEY,
      project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      old_session_id TEXT REFERENCES sessions(id),
      -- Chosen before the session row exists (no foreign key): a crash in between re-creates it under the same id.
      new_session_id TEXT,
      phase          TEXT NOT NULL CHECK (phase IN ('stop_old', 'preserve', 'release', 'retire', 'spawn', 'verify', 'done')),
      status         TEXT NOT NULL CHECK (status IN ('running', 'failed', 'done')),
      attempts       INTEGER NOT NULL DEFAULT 1,
      last_error     TEXT,
      preserved_ref  TEXT,
      created_at     TEXT NOT NULL,
      updated_at     TEXT NOT NULL
    ) STRICT;
    -- At most one unfinished replacement per project: a second request finds the first.
    CREATE UNIQUE INDEX replacements_one_open ON replacements (project_id) WHERE status != 'done';
  `,
};
