import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { git, lines, reviewSession, teardown, write } from './helpers';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(() => teardown(h));

describe('review.file: both sides of one file, to expand the context', () => {
  it('old side from the diff’s from commit, new side from the worktree; added files have no old side; nothing outside the worktree', { timeout: 60_000 }, async () => {
    const { session, wt } = await reviewSession(h);
    write(wt, 'src/a.txt', lines(1, 40).replace('line 20\n', 'line twenty\n'));
    git(wt, 'mv', 'README.md', 'READ.md');
    write(wt, 'new.txt', 'fresh\n');
    const d = await h.must('review.diff', { sessionId: session.id });

    const a = await h.must('review.file', { sessionId: session.id, from: d.from, path: 'src/a.txt' });
    expect(a.old).toBe(lines(1, 40));
    expect(a.new).toContain('line twenty\n');
    const renamed = d.files.find((f) => f.path === 'READ.md')!;
    expect(await h.must('review.file', { sessionId: session.id, from: d.from, path: renamed.path, oldPath: renamed.oldPath })).toMatchObject({ old: '# demo\n', new: '# demo\n' });
    expect(await h.must('review.file', { sessionId: session.id, from: d.from, path: 'new.txt' })).toMatchObject({ old: null, new: 'fresh\n' });

    expect(await h.call('review.file', { sessionId: session.id, from: d.from, path: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'path_escape' } });
    symlinkSync('/etc', join(wt, 'out'));
    expect(await h.call('review.file', { sessionId: session.id, from: d.from, path: 'out/hostname' })).toMatchObject({ ok: false, error: { code: 'path_escape' } });
  });
});
