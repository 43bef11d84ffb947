import type { Migration } from './types';

/**
 * Where a project lives (ADR 0018): this machine, or an SSH destination as the
 * user writes it for ssh (an alias, user@host, ssh://user@host:port). Two
 * facts, checked together; every existing project is local.
 */
export const m013: Migration = {
  version: 13,
  name: 'project_host',
  sql: `
    ALTER TABLE projects ADD COLUMN host_kind TEXT NOT NULL DEFAULT 'local' CHECK (host_kind IN ('local', 'ssh'));
    ALTER TABLE projects ADD COLUMN host_destination TEXT CHECK ((host_kind = 'ssh') = (host_destination IS NOT NULL));
  `,
};
