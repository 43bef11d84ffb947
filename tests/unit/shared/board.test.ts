import { describe, expect, it } from 'vitest';
import { boardGroupOf, matchesFilter, type BoardGroup } from '../../../src/shared/board';
import { INBOX_REASONS } from '../../../src/shared/inbox';
import { SESSION_STATES, type SessionState } from '../../../src/shared/session-state';

// Every state with no inbox item: the group its card sits in.
const BY_STATE: Record<SessionState, BoardGroup> = {
  pending: 'working',
  starting: 'working',
  idle: 'idle',
  busy: 'working',
  waiting_input: 'needs_you',
  stopping: 'working',
  stopped: 'done',
  failed: 'needs_you',
  interrupted: 'needs_you',
  retiring: 'working',
  retired: 'done',
};

describe('boardGroupOf', () => {
  for (const state of SESSION_STATES) {
    it(`${state}: by itself, and with each inbox reason`, () => {
      expect(boardGroupOf({ state }, null)).toBe(BY_STATE[state]);
      // The inbox's reason wins: review is its own group, every other reason needs the person.
      for (const reason of INBOX_REASONS) expect(boardGroupOf({ state }, reason)).toBe(reason === 'review' ? 'review' : 'needs_you');
    });
  }
});

describe('matchesFilter', () => {
  const s = { id: '3f2a9c00-1111', title: 'Fix the login test', branch: 'baton/shop-fix-login', harness: 'codex' };
  it('every word, anywhere in title, branch, id or agent, case aside', () => {
    expect(matchesFilter(s, '')).toBe(true);
    expect(matchesFilter(s, '  ')).toBe(true);
    expect(matchesFilter(s, 'LOGIN fix')).toBe(true);
    expect(matchesFilter(s, '3f2a')).toBe(true);
    expect(matchesFilter(s, 'codex shop')).toBe(true);
    expect(matchesFilter(s, 'login signup')).toBe(false);
  });
});
