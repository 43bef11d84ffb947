import type { Migration } from './types';

/**
 * Terminals (ADR 0017): one row per terminal a person opened in a project's
 * main checkout (worktree_id null) or in one of its worktrees. `state` is the
 * fact main last learned: running (a host owns its pty), exited (the shell
 * ended; exit_code when it said one), lost (its host vanished with no exit
 * recorded). The host's identity is kept to find it again after a restart.
 * Output and input are never stored here; the scrollback lives in the
 * terminal's own folder.
 */
export const m012: Migration = {
  version: 12,
  name: 'terminals',
  sql: `
    CREATE TABLE terminals (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      worktree_id TEXT REFERENCES worktrees(id) ON DELETE CASCADE,
      cwd TEXT NOT NULL,
      title TEXT NOT NULL,
      -- What the pty runs: a shell, or the project's run command ('run').
      kind TEXT NOT NULL DEFAULT 'shell' CHECK (kind IN ('shell', 'run')),
      command TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'exited', 'lost')),
      exit_code INTEGER,
      state_detail TEXT,
      cols INTEGER NOT NULL DEFAULT 80,
      rows INTEGER NOT NULL DEFAULT 24,
      host_pid INTEGER,
      host_start_time TEXT,
      host_nonce TEXT,
      host_socket TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK (exit_code IS NULL OR state = 'exited')
    );
    CREATE INDEX terminals_project ON terminals (project_id, created_at);
    CREATE INDEX terminals_worktree ON terminals (worktree_id) WHERE worktree_id IS NOT NULL;
    -- The project's run command (its dev server), started by Run in a terminal of its own; a shell command line.
    CREATE TABLE terminal_run_commands (
      project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
      command TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
