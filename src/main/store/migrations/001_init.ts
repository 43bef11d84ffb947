import type { Migration } from './types';

export const m001: Migration = {
  version: 1,
  name: 'init',
  sql: `
    CREATE TABLE app_meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
};
