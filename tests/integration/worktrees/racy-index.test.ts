import { mkdtempSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorktreeManager } from '../../../src/main/git';
import { diffWorktree } from '../../../src/main/git/diff';
import { git, makeRepo } from '../../support/git';
import { waitUntil } from '../../support/scripted';

const dirs: string[] = [];
const temp = () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'baton-racy-')));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A tracked file rewritten with the same size in the same second its index
 * entry was written looks clean by its stat; git catches it only because the
 * index file is as new as the entry ("racily clean"). A scratch copy of the
 * index must keep that, or the change is silently left out.
 */
async function racyChange(wt: string, file: string): Promise<void> {
  for (;;) {
    writeFileSync(join(wt, file), 'v1\n');
    git(wt, 'update-index', '--refresh');
    const recorded = statSync(join(wt, file));
    writeFileSync(join(wt, file), 'v2\n');
    utimesSync(join(wt, file), recorded.atime, recorded.mtime);
    const now = statSync(join(wt, file));
    if (Math.floor(now.ctimeMs / 1000) === Math.floor(recorded.ctimeMs / 1000)) {
      // Past that second, a fresh copy of the index is newer than the entry: only git's racy check would look.
      await waitUntil(() => Date.now(), (t) => Math.floor(t / 1000) > Math.floor(now.ctimeMs / 1000), 5_000, 'the next second');
      return;
    }
  }
}

describe('scratch copies of a worktree index keep git’s racy-clean check', () => {
  it('preserve keeps a same-size change made in the second the index was written', { timeout: 60_000 }, async () => {
    const repo = makeRepo(temp(), { 'README.md': '# r\n', 'app.txt': 'v1\n' });
    const m = await createWorktreeManager({ repoPath: repo, worktreeRoot: temp() });
    if (!m.ok) throw new Error(m.error.message);
    const created = await m.value.create({ prefix: 'p', name: 'w', baseBranch: 'main', role: 'worker' });
    if (!created.ok) throw new Error(created.error.message);
    await racyChange(created.value.path, 'app.txt');
    const p = await m.value.preserve(created.value.path, 'racy');
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.files).toEqual(['app.txt']);
    expect(git(repo, 'show', `${p.value.ref}:app.txt`)).toBe('v2\n');
  });

  it('the review diff shows it too', { timeout: 60_000 }, async () => {
    const repo = makeRepo(temp(), { 'README.md': '# r\n', 'app.txt': 'v1\n' });
    await racyChange(repo, 'app.txt');
    const d = await diffWorktree({ worktreePath: repo, from: git(repo, 'rev-parse', 'HEAD').trim() });
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.files.map((f) => f.path)).toEqual(['app.txt']);
  });
});
