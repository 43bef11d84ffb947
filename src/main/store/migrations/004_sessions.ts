import type { Migration } from './types';

export const m004: Migration = {
  version: 4,
  name: 'sessions',
  sql: `
    CREATE TABLE sessions (
      id               TEXT PRIMARY KEY,
      project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      role             TEXT NOT NULL CHECK (role IN ('worker', 'orchestrator')),
      harness          TEXT NOT NULL,
      -- The resolved command line, JSON {command, args}; env values are never stored here.
      command          TEXT NOT NULL,
      title            TEXT NOT NULL,
      worktree_id      TEXT REFERENCES worktrees(id),
      cwd              TEXT NOT NULL,
      -- Written only by transition().
      state            TEXT NOT NULL,
      state_detail     TEXT,
      agent_session_id TEXT,
      agent_info       TEXT,
      host_pid         INTEGER,
      host_start_time  TEXT,
      host_nonce       TEXT,
      host_socket      TEXT,
      last_applied_seq INTEGER NOT NULL DEFAULT 0,
      created_at       TEXT NOT NULL,
      updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX sessions_project ON sessions (project_id, state);

    CREATE TABLE session_transitions (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      from_state  TEXT NOT NULL,
      to_state    TEXT NOT NULL,
      trigger     TEXT NOT NULL,
      detail      TEXT,
      at          TEXT NOT NULL
    ) STRICT;
    CREATE INDEX session_transitions_session ON session_transitions (session_id, id);

    CREATE TABLE turns (
      id              TEXT PRIMARY KEY,
      session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      idempotency_key TEXT NOT NULL UNIQUE,
      -- The JSON-RPC id the prompt went out with; known once the host has journaled it.
      request_id      TEXT,
      prompt          TEXT NOT NULL,
      status          TEXT NOT NULL CHECK (status IN ('dispatching', 'running', 'ended', 'failed', 'interrupted')),
      stop_reason     TEXT,
      created_at      TEXT NOT NULL,
      updated_at      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX turns_session ON turns (session_id, created_at);

    -- A projection of each session's journal: applying a line twice is a no-op.
    CREATE TABLE events (
      session_id TEXT NOT NULL,
      seq        INTEGER NOT NULL,
      ts         INTEGER NOT NULL,
      dir        TEXT NOT NULL CHECK (dir IN ('in', 'out', 'host')),
      msg        TEXT NOT NULL,
      PRIMARY KEY (session_id, seq)
    ) STRICT, WITHOUT ROWID;
  `,
};
