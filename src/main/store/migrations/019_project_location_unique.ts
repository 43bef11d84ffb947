import type { Migration } from './types';

/**
 * A project is unique by where it lives, not by its path alone (ADR 0018): a
 * local /home/x/repo and devbox:/home/x/repo are two repositories. SQLite
 * cannot drop a column's UNIQUE, so the table is rebuilt (create, copy every
 * row by name, drop, rename) with foreign keys off, or the drop would cascade
 * into every project's sessions; the runner checks every foreign key before
 * it commits. Columns are listed, not `SELECT *`: a column this list lacks
 * fails the copy loudly instead of shifting values into the wrong column.
 */
export const m019: Migration = {
  version: 19,
  name: 'project_location_unique',
  foreignKeysOff: true,
  sql: `
    CREATE TABLE projects_019 (
      id                          TEXT PRIMARY KEY,
      name                        TEXT NOT NULL,
      path                        TEXT NOT NULL,
      prefix                      TEXT NOT NULL UNIQUE,
      base_branch                 TEXT NOT NULL,
      orchestrator_agent          TEXT NOT NULL,
      worker_agent                TEXT NOT NULL,
      custom_command              TEXT NOT NULL DEFAULT '',
      setup_commands              TEXT NOT NULL DEFAULT '[]',
      copy_files                  TEXT NOT NULL DEFAULT '[]',
      created_at                  TEXT NOT NULL,
      updated_at                  TEXT NOT NULL,
      approval_policy             TEXT NOT NULL DEFAULT 'ask' CHECK (approval_policy IN ('ask', 'edits', 'all')),
      host_kind                   TEXT NOT NULL DEFAULT 'local' CHECK (host_kind IN ('local', 'ssh')),
      host_destination            TEXT CHECK ((host_kind = 'ssh') = (host_destination IS NOT NULL)),
      orchestrator_custom_command TEXT NOT NULL DEFAULT '',
      notifications_muted         INTEGER NOT NULL DEFAULT 0 CHECK (notifications_muted IN (0, 1))
    ) STRICT;

    INSERT INTO projects_019 (id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, custom_command, setup_commands,
        copy_files, created_at, updated_at, approval_policy, host_kind, host_destination, orchestrator_custom_command, notifications_muted)
      SELECT id, name, path, prefix, base_branch, orchestrator_agent, worker_agent, custom_command, setup_commands,
        copy_files, created_at, updated_at, approval_policy, host_kind, host_destination, orchestrator_custom_command, notifications_muted
      FROM projects;

    DROP TABLE projects;
    ALTER TABLE projects_019 RENAME TO projects;

    -- A local project has no destination (NULL, which UNIQUE would count as distinct each time): '' stands for this machine.
    CREATE UNIQUE INDEX projects_location ON projects (ifnull(host_destination, ''), path);
  `,
};
