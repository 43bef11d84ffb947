import type { Migration } from './types';

/**
 * A person's own acts about attention (issue 14): how much a project's and a
 * session's agents may do without asking, and which finished turn's changes
 * were looked at. The inbox and the approval answers are derived from these.
 */
export const m011: Migration = {
  version: 11,
  name: 'attention',
  sql: `
    -- ask: every permission request waits on a person; edits: file edits (and reads) are approved by Baton;
    -- all: everything the agent offers to allow is approved by Baton.
    ALTER TABLE projects ADD COLUMN approval_policy TEXT NOT NULL DEFAULT 'ask' CHECK (approval_policy IN ('ask', 'edits', 'all'));
    -- NULL: the session follows its project's policy.
    ALTER TABLE sessions ADD COLUMN approval_policy TEXT CHECK (approval_policy IN ('ask', 'edits', 'all'));
    -- The ended turn whose changes a person marked reviewed; a later turn's changes need a look again.
    ALTER TABLE session_reviews ADD COLUMN reviewed_turn_id TEXT;
  `,
};
