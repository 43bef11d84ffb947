import type { Migration } from './types';

export const m002: Migration = {
  version: 2,
  name: 'projects',
  sql: `
    CREATE TABLE projects (
      id                 TEXT PRIMARY KEY,
      name               TEXT NOT NULL,
      path               TEXT NOT NULL UNIQUE,
      prefix             TEXT NOT NULL UNIQUE,
      base_branch        TEXT NOT NULL,
      orchestrator_agent TEXT NOT NULL,
      worker_agent       TEXT NOT NULL,
      custom_command     TEXT NOT NULL DEFAULT '',
      setup_commands     TEXT NOT NULL DEFAULT '[]',
      copy_files         TEXT NOT NULL DEFAULT '[]',
      created_at         TEXT NOT NULL,
      updated_at         TEXT NOT NULL
    ) STRICT;

    -- Values are secrets: only the projects repository reads them, and only to build an agent's environment.
    CREATE TABLE project_env (
      project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      key        TEXT NOT NULL,
      value      TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (project_id, key)
    ) STRICT;
  `,
};
