import { describe, expect, it } from 'vitest';
import { SESSION_STATES, type SessionState } from '../../../src/shared/session-state';
import { holdsWorktree, worktreeStatus, type WorktreeFacts, type WorktreeStatus } from '../../../src/shared/worktrees';

describe('worktreeStatus (derived from stored facts)', () => {
  const table: [WorktreeFacts, WorktreeStatus][] = [
    [{ state: 'active', hasError: false, registered: true }, 'active'],
    [{ state: 'active', hasError: false, registered: null }, 'active'],
    [{ state: 'active', hasError: false, registered: false }, 'missing'],
    [{ state: 'active', hasError: true, registered: false }, 'missing'],
    [{ state: 'releasing', hasError: false, registered: true }, 'releasing'],
    [{ state: 'releasing', hasError: true, registered: true }, 'release_failed'],
    [{ state: 'releasing', hasError: true, registered: false }, 'release_failed'],
    [{ state: 'released', hasError: false, registered: false }, 'released'],
    [{ state: 'released', hasError: true, registered: true }, 'released'],
  ];
  it.each(table)('%j → %s', (facts, expected) => {
    expect(worktreeStatus(facts)).toBe(expected);
  });
});

describe('holdsWorktree (the in-use guard’s rule)', () => {
  const table: [SessionState, boolean][] = [
    ['pending', true],
    ['starting', true],
    ['idle', true],
    ['busy', true],
    ['waiting_input', true],
    ['stopping', true],
    // No agent runs, but Continue / Retry start one again in the same folder.
    ['interrupted', true],
    ['failed', true],
    ['stopped', false],
    // Already stopped; whoever retires it releases the worktree next.
    ['retiring', false],
    ['retired', false],
  ];
  it('covers every state', () => {
    expect(table.map(([s]) => s).sort()).toEqual([...SESSION_STATES].sort());
  });
  it.each(table)('%s → %s', (state, held) => {
    expect(holdsWorktree(state)).toBe(held);
  });
});
