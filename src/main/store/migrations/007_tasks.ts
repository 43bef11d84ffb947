import type { Migration } from './types';

export const m007: Migration = {
  version: 7,
  name: 'tasks',
  sql: `
    CREATE TABLE tasks (
      id          TEXT PRIMARY KEY,
      project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      title       TEXT NOT NULL,
      body        TEXT NOT NULL,
      priority    INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
      status      TEXT NOT NULL CHECK (status IN ('open', 'done', 'canceled')),
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX tasks_project ON tasks (project_id, status);

    -- One row per attempt. Only a hash of the claim token is kept: the database alone cannot act as the claimant.
    CREATE TABLE task_runs (
      id                TEXT PRIMARY KEY,
      task_id           TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      project_id        TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      status            TEXT NOT NULL CHECK (status IN ('queued', 'claimed', 'running', 'completed', 'failed', 'canceled', 'needs_attention')),
      attempt           INTEGER NOT NULL,
      claim_token_hash  TEXT,
      claimed_by        TEXT,
      lease_expires_at  TEXT,
      worker_session_id TEXT,
      summary           TEXT,
      created_at        TEXT NOT NULL,
      updated_at        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX task_runs_queue ON task_runs (project_id, status, created_at);
    CREATE INDEX task_runs_task ON task_runs (task_id, attempt);
    CREATE INDEX task_runs_worker ON task_runs (worker_session_id);

    CREATE TABLE task_run_events (
      id      INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id  TEXT NOT NULL REFERENCES task_runs(id) ON DELETE CASCADE,
      kind    TEXT NOT NULL,
      detail  TEXT,
      at      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX task_run_events_run ON task_run_events (run_id, id);

    -- A stored wake: at most one pending per project (several coalesce into it), delivered once.
    CREATE TABLE wakes (
      id           TEXT PRIMARY KEY,
      project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      reasons      TEXT NOT NULL,
      created_at   TEXT NOT NULL,
      updated_at   TEXT NOT NULL,
      delivered_at TEXT,
      delivered_to TEXT,
      delivered_via TEXT CHECK (delivered_via IN ('prompt', 'wait_for_changes'))
    ) STRICT;
    CREATE UNIQUE INDEX wakes_one_pending ON wakes (project_id) WHERE delivered_at IS NULL;
  `,
};
