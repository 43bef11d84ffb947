import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { git, reviewSession, teardown, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

describe('"Open previous work": review.diff of a preserved ref, after the worktree is gone', () => {
  it('shows what was uncommitted (against the snapshot’s parent) and all the work (against the base), in the same diff shape', { timeout: 120_000 }, async () => {
    const s = await reviewSession(h);
    write(s.wt, 'committed.txt', 'on the branch\n');
    git(s.wt, 'add', '-A');
    git(s.wt, 'commit', '-qm', 'committed work');
    write(s.wt, 'draft.txt', 'one\ntwo\n');
    write(s.wt, 'src/a.txt', 'rewritten\n');
    const a = await h.must('review.archive', { sessionId: s.session.id, deleteBranch: true, force: true });
    const ref = a.preserved!.ref;

    const uncommitted = await h.must('review.diff', { sessionId: s.session.id, preservedRef: ref, scope: 'uncommitted' });
    expect(uncommitted).toMatchObject({ preservedRef: ref, head: a.preserved!.commit, branch: s.session.branch, base: 'main', truncated: false });
    expect(uncommitted.files.map((f) => [f.path, f.status]).sort()).toEqual([['draft.txt', 'added'], ['src/a.txt', 'modified']]);
    expect(uncommitted.files.find((f) => f.path === 'draft.txt')).toMatchObject({ additions: 2, deletions: 0, omitted: null });
    expect(uncommitted.files.find((f) => f.path === 'draft.txt')!.patch).toContain('+two');

    const all = await h.must('review.diff', { sessionId: s.session.id, preservedRef: ref, scope: 'all', stat: true });
    expect(all.files.map((f) => f.path).sort()).toEqual(['committed.txt', 'draft.txt', 'src/a.txt']);
    expect(all.files.every((f) => f.patch === null && f.omitted === 'stat_only')).toBe(true);

    const bad = await h.call('review.diff', { sessionId: s.session.id, preservedRef: 'refs/baton/preserved/../heads/main' });
    expect(bad.ok).toBe(false);
    const missing = await h.call('review.diff', { sessionId: s.session.id, preservedRef: 'refs/baton/preserved/nothing-here' });
    expect(missing.ok ? null : missing.error.code).toBe('preserved_not_found');
  });
});
