import { describe, expect, it } from 'vitest';
import { worktreeStatus, type WorktreeFacts, type WorktreeStatus } from '../../../src/shared/worktrees';

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
