import type { Migration } from './types';

export const m005: Migration = {
  version: 5,
  name: 'recovery',
  sql: `
    -- The database and a journal disagreed at reconcile: the journal won, and people are told until they acknowledge.
    CREATE TABLE session_divergences (
      id              INTEGER PRIMARY KEY AUTOINCREMENT,
      session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
      detected_at     TEXT NOT NULL,
      -- The last line the database had applied, and the journal's last valid line, when it was found.
      db_seq          INTEGER NOT NULL,
      journal_seq     INTEGER NOT NULL,
      -- The first line from which the database's copy was replaced by the journal's.
      realigned_from  INTEGER NOT NULL,
      detail          TEXT NOT NULL,
      acknowledged_at TEXT
    ) STRICT;
    CREATE INDEX session_divergences_open ON session_divergences (session_id, acknowledged_at);
  `,
};
