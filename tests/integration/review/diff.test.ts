import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/scripted';
import { git, lines, reviewSession, statusOf, teardown, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

const indexDigest = (wt: string) => createHash('sha256').update(readFileSync(git(wt, 'rev-parse', '--path-format=absolute', '--git-path', 'index').trim())).digest('hex');

describe('review.diff on a real worktree', () => {
  it('lists committed, staged, unstaged, untracked, binary, renamed and deleted files from git, with patches, without touching the index', async () => {
    const { session, wt } = await reviewSession(h, { files: { 'README.md': '# demo\n', 'src/a.txt': lines(1, 40), 'old-name.txt': lines(1, 30), 'gone.txt': 'bye\n' } });
    // Committed on the branch.
    write(wt, 'src/a.txt', lines(1, 40) + 'line 41\n');
    git(wt, 'commit', '-qam', 'agent: extend a');
    // Staged rename with an edit, staged deletion, unstaged edit, untracked text and binary files.
    git(wt, 'mv', 'old-name.txt', 'new-name.txt');
    write(wt, 'new-name.txt', lines(1, 30) + 'line 31\n');
    git(wt, 'add', 'new-name.txt');
    git(wt, 'rm', '-q', 'gone.txt');
    write(wt, 'README.md', '# demo\n\nMore.\n');
    write(wt, 'notes/new.txt', 'fresh\nfile\n');
    write(wt, 'img.bin', Buffer.from([0, 1, 2, 3, 0, 255, 0]));
    const statusBefore = statusOf(wt);
    const indexBefore = indexDigest(wt);

    const d = await h.must('review.diff', { sessionId: session.id });
    const by = Object.fromEntries(d.files.map((f) => [f.path, f]));
    expect(d.base).toBe('main');
    expect(by['src/a.txt']).toMatchObject({ status: 'modified', additions: 1, deletions: 0, omitted: null });
    expect(by['new-name.txt']).toMatchObject({ status: 'renamed', oldPath: 'old-name.txt', additions: 1, deletions: 0 });
    expect(by['new-name.txt']!.patch).toContain('rename from old-name.txt');
    expect(by['gone.txt']).toMatchObject({ status: 'deleted', deletions: 1 });
    expect(by['README.md']).toMatchObject({ status: 'modified', additions: 2 });
    expect(by['notes/new.txt']).toMatchObject({ status: 'added', additions: 2, deletions: 0 });
    expect(by['notes/new.txt']!.patch).toContain('+fresh');
    expect(by['img.bin']).toMatchObject({ status: 'added', binary: true, additions: null, patch: null, omitted: 'binary' });
    expect(d.files).toHaveLength(6);
    expect(d.additions).toBe(1 + 1 + 2 + 2);

    // The user's (here: the agent's) index and status are exactly as they were.
    expect(statusOf(wt)).toBe(statusBefore);
    expect(indexDigest(wt)).toBe(indexBefore);

    const unc = await h.must('review.diff', { sessionId: session.id, scope: 'uncommitted' });
    expect(unc.files.map((f) => f.path).sort()).toEqual(['README.md', 'gone.txt', 'img.bin', 'new-name.txt', 'notes/new.txt']);

    const stat = await h.must('review.diff', { sessionId: session.id, stat: true });
    expect(stat.files.every((f) => f.patch === null && f.omitted === 'stat_only')).toBe(true);
    expect(stat.files).toHaveLength(6);
  });

  it('lists a file over the size limit without its patch, and caps the patch budget', async () => {
    const { session, wt } = await reviewSession(h);
    write(wt, 'big.txt', 'x'.repeat(80) + '\n'.repeat(1) + 'y'.repeat(2 * 1024 * 1024));
    write(wt, 'small1.txt', lines(1, 200));
    write(wt, 'small2.txt', lines(1, 200));
    const d = await h.must('review.diff', { sessionId: session.id, maxPatchBytes: 3000 });
    const by = Object.fromEntries(d.files.map((f) => [f.path, f]));
    expect(by['big.txt']).toMatchObject({ status: 'added', patch: null, omitted: 'too_large' });
    const small = [by['small1.txt']!, by['small2.txt']!];
    expect(small.filter((f) => f.omitted === 'patch_budget')).toHaveLength(1);
    expect(small.filter((f) => f.patch !== null)).toHaveLength(1);
    expect(d.truncated).toBe(true);
  });

  it('gives each file its own patch when files left out (binary, too many lines, too many bytes) sit between them', async () => {
    const { session, wt } = await reviewSession(h);
    write(wt, 'a.txt', 'alpha\n');
    write(wt, 'b-bin.dat', Buffer.from([0, 1, 2, 3, 0, 9]));
    write(wt, 'c.txt', 'charlie\n');
    write(wt, 'd-lines.txt', lines(1, 20_001));
    write(wt, 'e.txt', 'echo\n');
    write(wt, 'f-bytes.txt', `${'z'.repeat(1_100_000)}\n`);
    write(wt, 'g.txt', 'golf\n');
    const d = await h.must('review.diff', { sessionId: session.id });
    const by = Object.fromEntries(d.files.map((f) => [f.path, f]));
    expect(by['b-bin.dat']).toMatchObject({ binary: true, patch: null, omitted: 'binary' });
    expect(by['d-lines.txt']).toMatchObject({ patch: null, omitted: 'too_large', additions: 20_001 });
    expect(by['f-bytes.txt']).toMatchObject({ patch: null, omitted: 'too_large' });
    for (const [name, word] of [['a.txt', 'alpha'], ['c.txt', 'charlie'], ['e.txt', 'echo'], ['g.txt', 'golf']]) {
      expect(by[name!]?.patch).toContain(`+++ b/${name}`);
      expect(by[name!]?.patch).toContain(`+${word}`);
    }
    expect(d.truncated).toBe(false);
  });

  it('counts each file as git --numstat does, from its one patch run: hunk lines that read like headers, renames, binaries, large files on either side', async () => {
    const big = `${'q'.repeat(1_100_000)}\n`;
    const { session, wt } = await reviewSession(h, { files: { 'dashes.txt': '-- a comment\nkeep\n++ plus\n', 'moved.txt': lines(1, 30), 'big-gone.txt': big, 'big-shrunk.txt': big } });
    // A removed "-- a comment" is "--- a comment" in the patch, an added "++ more" is "+++ more": lines, not headers.
    write(wt, 'dashes.txt', 'keep\n++ plus\n++ more\n');
    git(wt, 'mv', 'moved.txt', 'moved-to.txt');
    write(wt, 'moved-to.txt', `${lines(1, 29)}changed\n`);
    write(wt, 'pic.bin', Buffer.from([0, 1, 2, 3, 0, 9]));
    git(wt, 'rm', '-q', 'big-gone.txt');
    // Under the size limit now, over it before: git's patch run calls it binary; it is a large text file.
    write(wt, 'big-shrunk.txt', 'small\n');
    const d = await h.must('review.diff', { sessionId: session.id });
    const by = Object.fromEntries(d.files.map((f) => [f.path, f]));
    // What git itself counts, file by file.
    const numstat = git(wt, 'diff', '--numstat', '-M', d.from).trim();
    expect(by['dashes.txt']).toMatchObject({ additions: 1, deletions: 1, omitted: null });
    expect(by['moved-to.txt']).toMatchObject({ status: 'renamed', oldPath: 'moved.txt', additions: 1, deletions: 1, omitted: null });
    expect(by['pic.bin']).toMatchObject({ binary: true, additions: null, deletions: null, omitted: 'binary', patch: null });
    // A deleted or shrunk file over the limit on its old side: listed as too large with git's counts, never a "Binary files differ" patch.
    expect(by['big-gone.txt']).toMatchObject({ status: 'deleted', binary: false, additions: 0, deletions: 1, omitted: 'too_large', patch: null });
    expect(by['big-shrunk.txt']).toMatchObject({ binary: false, additions: 1, deletions: 1, omitted: 'too_large', patch: null });
    const counted = Object.fromEntries(numstat.split('\n').map((l) => l.split('\t')).map(([a, del, p]) => [p, [Number(a), Number(del)]]));
    for (const p of ['dashes.txt', 'big-gone.txt', 'big-shrunk.txt']) expect([by[p]?.additions, by[p]?.deletions]).toEqual(counted[p]);
    expect(d.additions).toBe(d.files.reduce((n, f) => n + (f.additions ?? 0), 0));
  });

  it('diffs since the end of the last turn from a snapshot taken when the turn ended', { timeout: 150_000 }, async () => {
    const { session, wt } = await reviewSession(h);
    // The first turn's snapshot holds whatever was there when it ended (here: nothing new).
    await waitUntil(() => h.must('review.status', { sessionId: session.id }), (s) => s.facts.lastTurn !== null, 60_000, 'first turn snapshot');
    write(wt, 'during-turn-2.txt', 'a\n');
    const first = (await h.must('review.status', { sessionId: session.id })).facts.lastTurn!.commit;
    await h.must('sessions.prompt', { id: session.id, text: 'again', idempotencyKey: 'again-1234' });
    await waitUntil(() => h.must('review.status', { sessionId: session.id }), (s) => s.facts.lastTurn !== null && s.facts.lastTurn.commit !== first, 60_000, 'second snapshot');
    write(wt, 'after-turn-2.txt', 'b\n');
    const d = await h.must('review.diff', { sessionId: session.id, scope: 'since_turn' });
    expect(d.files.map((f) => f.path)).toEqual(['after-turn-2.txt']);
    const all = await h.must('review.diff', { sessionId: session.id });
    expect(all.files.map((f) => f.path).sort()).toEqual(['after-turn-2.txt', 'during-turn-2.txt']);
    expect(git(wt, 'status', '--porcelain')).toContain('?? during-turn-2.txt');
  });
});
