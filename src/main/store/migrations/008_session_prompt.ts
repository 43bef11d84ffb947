import type { Migration } from './types';

export const m008: Migration = {
  version: 8,
  name: 'session_prompt',
  sql: `
    -- The prompt a session was created with, kept until a turn carries it: a start that fails before
    -- the first prompt goes out still has it for Retry.
    ALTER TABLE sessions ADD COLUMN initial_prompt TEXT;
  `,
};
