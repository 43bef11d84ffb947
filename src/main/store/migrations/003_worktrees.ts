import type { Migration } from './types';

export const m003: Migration = {
  version: 3,
  name: 'worktrees',
  sql: `
    CREATE TABLE worktrees (
      id           TEXT PRIMARY KEY,
      project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      name         TEXT NOT NULL,
      role         TEXT NOT NULL CHECK (role IN ('worker', 'orchestrator')),
      branch       TEXT NOT NULL,
      path         TEXT NOT NULL,
      -- Facts only: what the user asked for and what the last attempt did. Display state is derived.
      state        TEXT NOT NULL CHECK (state IN ('active', 'releasing', 'released')),
      last_error   TEXT,
      setup_state  TEXT NOT NULL DEFAULT 'none' CHECK (setup_state IN ('none', 'running', 'ok', 'failed')),
      setup_log    TEXT NOT NULL DEFAULT '',
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX worktrees_live_path ON worktrees (path) WHERE state != 'released';
    CREATE INDEX worktrees_project ON worktrees (project_id, state);
  `,
};
