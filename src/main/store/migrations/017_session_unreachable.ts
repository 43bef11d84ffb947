import type { Migration } from './types';

/**
 * A session whose host could not be reached (its SSH link is down, ADR 0018):
 * a fact of its own, beside its state, which stays what it was (the agent runs
 * on over there). Set when a connect answers `unreachable`, cleared on reattach.
 */
export const m017: Migration = {
  version: 17,
  name: 'session_unreachable',
  sql: `
    ALTER TABLE sessions ADD COLUMN unreachable_since TEXT;
    ALTER TABLE sessions ADD COLUMN unreachable_reason TEXT;
  `,
};
