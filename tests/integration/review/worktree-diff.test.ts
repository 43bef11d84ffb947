// Review of a worktree no session holds: review.worktreeDiff / worktreeFile and `baton diff --worktree`, on a real repository.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/index';
import type { DiffView } from '../../../src/shared/contracts/review';
import { buildOnce } from '../../support/build';
import { createHarness, makeRepo, type Harness } from '../../support/core-harness';
import { git, lines, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
afterEach(() => h.cleanup());

async function baton(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--data-dir', dataDir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('a worktree with no session', () => {
  it('shows its committed and uncommitted changes against its base, expands a file, and is reviewable from the CLI', { timeout: 120_000 }, async () => {
    h = createHarness();
    const repo = makeRepo(h.tempDir('baton-wt-review-'), { 'README.md': '# demo\n', 'src/a.txt': lines(1, 30) });
    git(repo, 'config', 'user.name', 'Tester');
    git(repo, 'config', 'user.email', 'tester@example.com');
    const { project } = await h.must('projects.add', { path: repo, name: 'wtrev' });
    const w = await h.must('worktrees.create', { projectId: project.id, name: 'spike' });
    expect(w.heldBy).toBeNull();
    write(w.path, 'committed.txt', 'one\n');
    git(w.path, 'add', 'committed.txt');
    git(w.path, 'commit', '-qm', 'spike work');
    write(w.path, 'src/a.txt', lines(1, 30).replace('line 12\n', 'line twelve\n'));
    write(w.path, 'untracked.txt', 'new\n');

    const all = await h.must('review.worktreeDiff', { worktreeId: w.id });
    expect(all).toMatchObject({ sessionId: w.id, worktreeId: w.id, scope: 'all', branch: w.branch, base: 'main', from: git(repo, 'rev-parse', 'main').trim() });
    expect(all.files.map((f) => [f.path, f.status]).sort()).toEqual([['committed.txt', 'added'], ['src/a.txt', 'modified'], ['untracked.txt', 'added']]);
    expect(all.files.find((f) => f.path === 'src/a.txt')?.patch).toContain('+line twelve');
    const unc = await h.must('review.worktreeDiff', { worktreeId: w.id, scope: 'uncommitted' });
    expect(unc.files.map((f) => f.path).sort()).toEqual(['src/a.txt', 'untracked.txt']);

    const file = await h.must('review.worktreeFile', { worktreeId: w.id, from: all.from, path: 'src/a.txt' });
    expect(file.old).toContain('line 12\n');
    expect(file.new).toContain('line twelve\n');
    const escape = await h.call('review.worktreeFile', { worktreeId: w.id, from: all.from, path: '../../etc/passwd' });
    expect(escape.ok ? null : escape.error.code).toBe('path_escape');
    // A session-only scope is refused at the contract.
    expect((await h.core.router.call('review.worktreeDiff', { worktreeId: w.id, scope: 'since_turn' }, { via: 'test' })).ok).toBe(false);
    const missing = await h.call('review.worktreeDiff', { worktreeId: 'no-such-worktree' });
    expect(missing.ok ? null : missing.error.message).toMatch(/no worktree no-such-worktree.*Worktrees list/);

    await h.core.close();
    const stat = await baton(h.dataDir, 'diff', '--worktree', 'spike', '--stat');
    expect(stat.code).toBe(0);
    expect(stat.stdout).toMatch(/added\s+\+1\s+-0\s+committed\.txt/);
    expect(stat.stdout).toContain(`3 file(s), +3 -1 on ${w.branch} against main`);
    const json = await baton(h.dataDir, 'diff', '--worktree', w.id.slice(0, 8), '--uncommitted', '--json');
    expect((JSON.parse(json.stdout) as DiffView).files.map((f) => f.path).sort()).toEqual(['src/a.txt', 'untracked.txt']);
    expect((await baton(h.dataDir, 'diff', '--worktree', 'nope')).stderr).toContain('No worktree matches "nope"');
    expect((await baton(h.dataDir, 'diff', 'some-session', '--worktree', 'spike')).code).toBe(2);
    expect((await baton(h.dataDir, 'diff', '--worktree', 'spike', '--since-turn')).code).toBe(2);
    expect((await baton(h.dataDir, 'diff')).code).toBe(2);

    // Released, it has nothing live to review; its work is preserved.
    const again = h.reopen();
    await again.call('worktrees.release', { worktreeId: w.id });
    const gone = await again.core.router.call('review.worktreeDiff', { worktreeId: w.id }, { via: 'test' });
    expect(gone.ok ? null : gone.error.message).toMatch(/was released.*Preserved work/);
  });
});
