import { existsSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { git, reviewSession, teardown, write, type ReviewSetup } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

const branchExists = (repo: string, branch: string) => git(repo, 'branch', '--list', branch).trim() !== '';

/** The session commits `n` files on its branch and leaves one file uncommitted. */
async function worked(n = 1): Promise<ReviewSetup> {
  const s = await reviewSession(h);
  for (let i = 1; i <= n; i++) {
    write(s.wt, `feature-${i}.txt`, `feature ${i}\n`);
    git(s.wt, 'add', '-A');
    git(s.wt, 'commit', '-qm', `feature ${i}`);
  }
  write(s.wt, 'notes/draft.txt', 'half-written\n');
  return s;
}

describe('review.archive: stop, preserve, release, and delete the branch only when asked and merged', () => {
  it('a merged session: archived with its uncommitted work kept, worktree released, branch deleted; off the board, shown by the filter', { timeout: 120_000 }, async () => {
    const s = await worked();
    git(s.wt, 'stash', '-u');
    expect((await h.must('review.merge', { sessionId: s.session.id, mode: 'merge' })).status).toBe('merged');
    git(s.wt, 'stash', 'pop');
    const branch = s.session.branch!;

    const seen = h.events.length;
    const a = await h.must('review.archive', { sessionId: s.session.id, deleteBranch: true });
    expect(a.preserved).toMatchObject({ ref: `refs/baton/preserved/${s.session.id}`, files: ['notes/draft.txt'] });
    expect(git(s.repo, 'show', `${a.preserved!.ref}:notes/draft.txt`)).toBe('half-written\n');
    expect(a.branch).toMatchObject({ name: branch, deleted: true });
    expect(branchExists(s.repo, branch)).toBe(false);
    expect(existsSync(s.wt)).toBe(false);
    expect((await h.must('sessions.get', { id: s.session.id })).state).toBe('stopped');

    // Off the board by default; the filter shows it with its preserved work; its facts still answer.
    expect((await h.must('sessions.list', { projectId: s.project.id })).map((x) => x.id)).not.toContain(s.session.id);
    const archived = await h.must('sessions.list', { projectId: s.project.id, archived: 'only' });
    expect(archived).toMatchObject([{ id: s.session.id, archived: { at: a.archivedAt, preservedRef: a.preserved!.ref } }]);
    expect((await h.must('sessions.list', { archived: 'include' })).map((x) => x.id)).toContain(s.session.id);
    expect((await h.must('review.status', { sessionId: s.session.id })).facts.merged).toMatchObject({ mode: 'merge' });
    for (const name of ['sessions.changed', 'review.changed']) {
      expect(h.events.slice(seen).some((e) => e.name === name && (e.payload as { sessionId: string }).sessionId === s.session.id)).toBe(true);
    }

    // Archiving again confirms; unarchive puts it back on the board.
    expect((await h.must('review.archive', { sessionId: s.session.id })).preserved?.ref).toBe(a.preserved!.ref);
    await h.must('review.unarchive', { sessionId: s.session.id });
    expect((await h.must('sessions.list', { projectId: s.project.id })).find((x) => x.id === s.session.id)?.archived).toBeNull();
  });

  it('a squash-merged branch counts as merged (its changes are in the base) and is deleted', { timeout: 120_000 }, async () => {
    const s = await worked(2);
    git(s.wt, 'stash', '-u');
    expect((await h.must('review.merge', { sessionId: s.session.id, mode: 'squash' })).status).toBe('merged');
    const a = await h.must('review.archive', { sessionId: s.session.id, deleteBranch: true });
    expect(a.branch).toMatchObject({ deleted: true });
    expect(branchExists(s.repo, s.session.branch!)).toBe(false);
  });

  it('an unmerged branch is refused without force, naming the commits, and nothing is done; with force it goes and its head is recorded', { timeout: 120_000 }, async () => {
    const s = await worked(2);
    const head = git(s.wt, 'rev-parse', 'HEAD').trim();
    const refused = await h.call('review.archive', { sessionId: s.session.id, deleteBranch: true });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('branch_unmerged');
    expect(refused.error.message).toContain('2 commits not merged into main');
    expect(refused.error.message).toMatch(/nothing was done/);
    expect((await h.must('sessions.get', { id: s.session.id })).state).toBe('idle');
    expect(existsSync(`${s.wt}/notes/draft.txt`)).toBe(true);
    expect((await h.must('sessions.list', { projectId: s.project.id })).map((x) => x.id)).toContain(s.session.id);

    const forced = await h.must('review.archive', { sessionId: s.session.id, deleteBranch: true, force: true });
    expect(forced.branch).toEqual({ name: s.session.branch, deleted: true, head });
    expect(branchExists(s.repo, s.session.branch!)).toBe(false);
    // The commits stay reachable through the preserved snapshot (its parent is the branch's head).
    expect(git(s.repo, 'rev-parse', `${forced.preserved!.ref}^`).trim()).toBe(head);
  });

  it('a branch checked out anywhere else is never deleted: refused before anything is stopped', { timeout: 120_000 }, async () => {
    const s = await worked();
    git(s.wt, 'stash', '-u');
    await h.must('review.merge', { sessionId: s.session.id, mode: 'merge' });
    git(s.wt, 'stash', 'pop');
    // The person's own checkout has the branch too (git allows it with this flag).
    git(s.repo, 'checkout', '-q', '--ignore-other-worktrees', s.session.branch!);
    const refused = await h.call('review.archive', { sessionId: s.session.id, deleteBranch: true, force: true });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('branch_checked_out');
    expect(refused.error.message).toContain(s.repo);
    expect((await h.must('sessions.get', { id: s.session.id })).state).toBe('idle');
    expect(existsSync(s.wt)).toBe(true);

    // Without deleting the branch, archive goes ahead and keeps it.
    const kept = await h.must('review.archive', { sessionId: s.session.id });
    expect(kept.branch).toMatchObject({ name: s.session.branch, deleted: false });
    expect(branchExists(s.repo, s.session.branch!)).toBe(true);
  });

  it('an unknown session is refused as data', { timeout: 60_000 }, async () => {
    const r = await h.call('review.archive', { sessionId: 'no-such-session' });
    expect(r.ok ? null : r.error.code).toBe('session_not_found');
  });
});
