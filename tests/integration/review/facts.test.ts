import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewStatus } from '../../../src/shared/contracts/review';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { git, reviewSession, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
// Cleanup stops the sessions through the reopened core (the first one is closed by the tests).
afterEach(() => h.cleanup());

describe('review facts live in SQLite (session_reviews), not in the repository', () => {
  it('merged, pushed and the PR survive a restart of the core; no refs/baton/review ref is written', { timeout: 120_000 }, async () => {
    const s = await reviewSession(h);
    write(s.wt, 'feature.txt', 'feature\n');
    git(s.wt, 'add', '-A');
    git(s.wt, 'commit', '-qm', 'feature');
    const merged = await h.must('review.merge', { sessionId: s.session.id, mode: 'squash' });
    expect(merged.status).toBe('merged');
    const bare = h.tempDir('baton-facts-bare-');
    git(bare, 'init', '-q', '--bare');
    git(s.repo, 'remote', 'add', 'origin', bare);
    await h.must('review.pr', { sessionId: s.session.id });
    const before = await h.must('review.status', { sessionId: s.session.id });
    expect(before.facts).toMatchObject({ merged: { mode: 'squash', base: 'main' }, pushed: { remote: 'origin', branch: s.session.branch } });
    expect(git(s.repo, 'for-each-ref', 'refs/baton/review/')).toBe('');

    await h.core.close();
    const again = h.reopen();
    const after = await again.call<ReviewStatus>('review.status', { sessionId: s.session.id });
    expect(after.facts.merged).toEqual(before.facts.merged);
    expect(after.facts.pushed).toEqual(before.facts.pushed);
    expect(after.facts.pr).toEqual(before.facts.pr);
  });

  it('facts an earlier Baton kept under refs/baton/review/<session> move into the table once, and the ref is dropped', { timeout: 120_000 }, async () => {
    const s = await reviewSession(h);
    // The ref is written while no Baton runs, as an earlier Baton left it: the running
    // core may already have looked for it (board stats read facts at every turn end).
    await h.core.close();
    const legacy = { merged: { commit: 'c0ffee', mode: 'merge', base: 'main', at: '2026-12-01T00:00:00.000Z' }, pushed: null, pr: { url: 'https://example.com/pr/1', kind: 'created', at: '2026-12-01T00:00:01.000Z' } };
    write(s.repo, '.git/legacy.json', JSON.stringify(legacy));
    const blob = git(s.repo, 'hash-object', '-w', '.git/legacy.json').trim();
    git(s.repo, 'update-ref', `refs/baton/review/${s.session.id}`, blob);

    const first = h.reopen();
    const st = await first.call<ReviewStatus>('review.status', { sessionId: s.session.id });
    expect(st.facts).toMatchObject({ merged: legacy.merged, pushed: null, pr: legacy.pr });
    expect(git(s.repo, 'for-each-ref', 'refs/baton/review/')).toBe('');

    await first.core.close();
    const again = h.reopen();
    expect((await again.call<ReviewStatus>('review.status', { sessionId: s.session.id })).facts).toMatchObject({ merged: legacy.merged, pr: legacy.pr });
  });
});
