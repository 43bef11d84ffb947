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
      created_at         TEXT NOT NULL,
      updated_at         TEXT NOT NULL
    ) STRICT;
  `,
};
