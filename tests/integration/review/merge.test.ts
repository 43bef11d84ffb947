import { existsSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { git, lines, QUIET_SCRIPT, reviewSession, statusOf, teardown, write, type ReviewSetup } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

const MODES = ['merge', 'squash', 'rebase'] as const;
const tip = (repo: string, ref = 'refs/heads/main') => git(repo, 'rev-parse', ref).trim();
const parents = (repo: string, rev: string) => git(repo, 'log', '-1', '--format=%P', rev).trim().split(' ').filter(Boolean);
const gitPath = (dir: string, name: string) => git(dir, 'rev-parse', '--path-format=absolute', '--git-path', name).trim();

/** The session commits a feature file; main also moves on (another file), so every mode has real work to do. */
async function diverged(script: unknown = QUIET_SCRIPT): Promise<ReviewSetup> {
  const s = await reviewSession(h, { script });
  write(s.wt, 'feature.txt', 'feature\n');
  git(s.wt, 'add', '-A');
  git(s.wt, 'commit', '-qm', 'feature');
  write(s.repo, 'main-only.txt', 'main\n');
  git(s.repo, 'add', '-A');
  git(s.repo, 'commit', '-qm', 'main moves on');
  return s;
}

function expectShape(repo: string, mode: (typeof MODES)[number], commit: string, previous: string, branchTip: string): void {
  expect(tip(repo)).toBe(commit);
  if (mode === 'merge') expect(parents(repo, commit)).toEqual([previous, branchTip]);
  if (mode === 'squash') expect(parents(repo, commit)).toEqual([previous]);
  if (mode === 'rebase') expect(git(repo, 'rev-list', '--merges', `${previous}..${commit}`).trim()).toBe('');
  expect(git(repo, 'show', `${commit}:feature.txt`)).toBe('feature\n');
  expect(git(repo, 'show', `${commit}:main-only.txt`)).toBe('main\n');
}

describe('review.merge into the base branch', () => {
  for (const mode of MODES) {
    it(`${mode}: base checked out and clean in the user's worktree: fast-forwarded there, checkout clean`, async () => {
      const s = await diverged();
      const previous = tip(s.repo);
      const branchTip = tip(s.repo, `refs/heads/${s.session.branch}`);
      const r = await h.must('review.merge', { sessionId: s.session.id, mode });
      expect(r).toMatchObject({ status: 'merged', mode, where: 'checkout', checkoutPath: s.repo, previous });
      if (r.status !== 'merged') return;
      expectShape(s.repo, mode, r.commit, previous, branchTip);
      expect(statusOf(s.repo)).toBe('');
      expect(git(s.repo, 'show', 'HEAD:feature.txt')).toBe('feature\n');
      const st = await h.must('review.status', { sessionId: s.session.id });
      expect(st.facts.merged).toMatchObject({ commit: r.commit, mode, base: 'main' });
    });

    it(`${mode}: base not checked out anywhere: the ref moves by compare-and-swap, the user's checkout is untouched`, async () => {
      const s = await diverged();
      git(s.repo, 'checkout', '-q', '-b', 'elsewhere');
      write(s.repo, 'README.md', 'user edit in progress\n');
      const before = statusOf(s.repo);
      const previous = tip(s.repo);
      const branchTip = tip(s.repo, `refs/heads/${s.session.branch}`);
      const r = await h.must('review.merge', { sessionId: s.session.id, mode });
      expect(r).toMatchObject({ status: 'merged', where: 'ref', checkoutPath: null });
      if (r.status !== 'merged') return;
      expectShape(s.repo, mode, r.commit, previous, branchTip);
      expect(statusOf(s.repo)).toBe(before);
      expect(git(s.repo, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('elsewhere');
    });

    it(`${mode}: base checked out and dirty: refused with the files named, nothing changed`, async () => {
      const s = await diverged();
      write(s.repo, 'README.md', 'user edit\n');
      const before = { status: statusOf(s.repo), main: tip(s.repo), branch: tip(s.repo, `refs/heads/${s.session.branch}`) };
      const r = await h.must('review.merge', { sessionId: s.session.id, mode });
      expect(r).toMatchObject({ status: 'refused', reason: 'base_dirty', files: ['README.md'], checkoutPath: s.repo });
      if (r.status === 'refused') expect(r.message).toContain('README.md');
      expect({ status: statusOf(s.repo), main: tip(s.repo), branch: tip(s.repo, `refs/heads/${s.session.branch}`) }).toEqual(before);
    });
  }

  it('refuses while the session has uncommitted work, naming the files', async () => {
    const s = await diverged();
    write(s.wt, 'wip.txt', 'not yet\n');
    const r = await h.must('review.merge', { sessionId: s.session.id, mode: 'merge' });
    expect(r).toMatchObject({ status: 'refused', reason: 'session_dirty', files: ['wip.txt'] });
  });

  for (const mode of MODES) {
    it(`${mode}: a conflict is reported and nothing is half-done`, async () => {
      const s = await reviewSession(h);
      write(s.wt, 'src/a.txt', 'session line 1\n' + lines(2, 40));
      git(s.wt, 'commit', '-qam', 'session edit');
      write(s.repo, 'src/a.txt', 'main line 1\n' + lines(2, 40));
      git(s.repo, 'commit', '-qam', 'main edit');
      const before = { status: statusOf(s.repo), main: tip(s.repo), branch: tip(s.repo, `refs/heads/${s.session.branch}`), wt: statusOf(s.wt) };
      const r = await h.must('review.merge', { sessionId: s.session.id, mode });
      expect(r).toEqual({ status: 'conflict', files: ['src/a.txt'] });
      expect({ status: statusOf(s.repo), main: tip(s.repo), branch: tip(s.repo, `refs/heads/${s.session.branch}`), wt: statusOf(s.wt) }).toEqual(before);
      expect(existsSync(gitPath(s.repo, 'MERGE_HEAD'))).toBe(false);
      expect(existsSync(gitPath(s.wt, 'rebase-merge'))).toBe(false);
    });
  }

  it('a conflict resolved by the agent: rebase left for it, it finishes with rebase --continue, then the merge lands', async () => {
    const resolve = 'printf "resolved line 1\\n" > src/a.txt && git add src/a.txt && GIT_EDITOR=true git rebase --continue';
    const s = await reviewSession(h, {
      script: { prompts: [{ match: 'conflicts', steps: [{ type: 'spawn_tool', id: 'fix', title: 'resolve', command: 'sh', args: ['-c', resolve], wait: true }, { type: 'text', text: 'Resolved.' }] }], default: { steps: [{ type: 'text', text: 'ok' }] } },
    });
    write(s.wt, 'src/a.txt', 'session line 1\n' + lines(2, 40));
    git(s.wt, 'commit', '-qam', 'session edit');
    write(s.repo, 'src/a.txt', 'main line 1\n' + lines(2, 40));
    git(s.repo, 'commit', '-qam', 'main edit');
    expect(await h.must('review.merge', { sessionId: s.session.id, mode: 'merge' })).toMatchObject({ status: 'conflict' });

    const asked = await h.must('review.resolveConflicts', { sessionId: s.session.id });
    expect(asked).toMatchObject({ status: 'asked', files: ['src/a.txt'] });
    // The prompt names the files and how to finish.
    await waitUntil(async () => JSON.stringify((await h.must('sessions.records', { id: s.session.id, afterSeq: 0, limit: 50_000 })).records), (t) => t.includes('git rebase --continue') && t.includes('src/a.txt'), 20_000, 'the prompt in the journal');
    await waitUntil(
      async () => ({ state: (await h.must('sessions.get', { id: s.session.id })).state, rebasing: existsSync(gitPath(s.wt, 'rebase-merge')), turn: asked.turnId }),
      (v) => v.state === 'idle' && !v.rebasing,
      30_000,
      'the agent to finish the rebase',
    );
    await waitUntil(() => git(s.wt, 'log', '-1', '--format=%s').trim(), (subject) => subject === 'session edit', 10_000, 'rebased commit');
    expect(git(s.wt, 'merge-base', '--is-ancestor', 'main', 'HEAD')).toBe('');
    const r = await h.must('review.merge', { sessionId: s.session.id, mode: 'merge' });
    expect(r).toMatchObject({ status: 'merged', where: 'checkout' });
    expect(git(s.repo, 'show', 'HEAD:src/a.txt').split('\n')[0]).toBe('resolved line 1');
    expect(statusOf(s.repo)).toBe('');
  });
});
