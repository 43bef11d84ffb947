import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewStat } from '../../../src/shared/contracts/review';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { git, reviewSession, teardown, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

/** Each turn writes one more file into the worktree, as an agent would, through a real child process. */
const EDITING_SCRIPT = {
  default: {
    steps: [
      { type: 'spawn_tool', id: 'write-{turn}', title: 'write a file', command: 'sh', args: ['-c', 'printf "one\\ntwo\\n" > turn-{turn}.txt'], wait: true },
      { type: 'text', text: 'wrote turn-{turn}.txt' },
    ],
  },
};

const statEvents = (sessionId: string) =>
  h.events.filter((e) => e.name === 'review.statChanged' && (e.payload as { stat: ReviewStat }).stat.sessionId === sessionId).map((e) => (e.payload as { stat: ReviewStat }).stat);

describe('review.stat: the card counts, cached per worktree', () => {
  it('reads git once, then again only after a turn end or a review action, and says merged afterwards', { timeout: 120_000 }, async () => {
    const { session, wt } = await reviewSession(h, { script: EDITING_SCRIPT });
    // The first turn (the session's own prompt) wrote turn-0.txt.
    const first = await h.must('review.stat', { sessionId: session.id });
    expect(first).toMatchObject({ files: 1, additions: 2, deletions: 0, merged: null, error: null });

    // A change made behind Baton's back is not seen until something says it may have moved: the cache holds.
    write(wt, 'behind.txt', 'x\n');
    const cached = await h.must('review.stat', { sessionId: session.id });
    expect(cached.at).toBe(first.at);
    expect(cached.files).toBe(1);

    // A turn end reads it again (once) and tells the board.
    await h.must('sessions.prompt', { id: session.id, text: 'more', idempotencyKey: 'stat-turn-1' });
    const moved = await waitUntil(() => statEvents(session.id), (evs) => evs.some((s) => s.files === 3), 30_000, 'a statChanged after the turn end');
    expect(moved.at(-1)).toMatchObject({ files: 3, additions: 5 });
    expect((await h.must('review.stat', { sessionId: session.id })).files).toBe(3);

    // An open view asks for a fresh read.
    write(wt, 'view.txt', 'y\n');
    expect((await h.must('review.stat', { sessionId: session.id, refresh: true })).files).toBe(4);

    // Commit and merge: the card learns the merge commit through the review.changed it follows.
    await h.must('review.commit', { sessionId: session.id, message: 'Agent work' });
    const merged = await h.must('review.merge', { sessionId: session.id, mode: 'merge' });
    expect(merged.status).toBe('merged');
    const after = await waitUntil(() => statEvents(session.id), (evs) => evs.some((s) => s.merged !== null), 30_000, 'a statChanged with the merge');
    const commit = merged.status === 'merged' ? merged.commit : '';
    expect(after.at(-1)!.merged).toMatchObject({ commit, mode: 'merge', base: 'main' });
    expect(git(wt, 'rev-parse', 'main').trim()).toBe(commit);
  });

  it('an unknown session is an error as data', { timeout: 30_000 }, async () => {
    const r = await h.call('review.stat', { sessionId: 'nope' });
    expect(r).toMatchObject({ ok: false, error: { code: 'session_not_found' } });
  });
});
