import { createHash } from 'node:crypto';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorktreeManager, type WorktreeManager } from '../../../src/main/git/worktrees';
import { cleanupAll, makeRepo, sh, tempDir, tryGit, writeFiles, type Fixture } from './helpers';

afterEach(cleanupAll);

const FILES = {
  '.gitignore': '*.log\n',
  'keep.txt': 'keep\n',
  'modified.txt': 'original\n',
  'staged.txt': 'original staged\n',
  'deleted.txt': 'to be deleted\n',
  'removed-staged.txt': 'to be git rm-ed\n',
  'src/app.ts': 'export const a = 1;\n',
};

async function setup(): Promise<Fixture & { manager: WorktreeManager }> {
  const fixture = await makeRepo(FILES);
  const manager = await createWorktreeManager({ repoPath: fixture.repo, worktreeRoot: fixture.root });
  if (!manager.ok) throw new Error(manager.error.message);
  return { ...fixture, manager: manager.value };
}

async function worker(manager: WorktreeManager, name: string): Promise<string> {
  const r = await manager.create({ prefix: 'p', name, baseBranch: 'main', role: 'worker' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.path;
}

const BINARY = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]);

/** Every kind of uncommitted change, plus an ignored file that must not be preserved. */
async function makeDirty(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'modified.txt'), 'changed, not staged\n');
  await writeFile(path.join(dir, 'staged.txt'), 'changed and staged\n');
  await sh(dir, ['add', 'staged.txt']);
  await writeFiles(dir, { 'new-staged.txt': 'new and staged\n' });
  await sh(dir, ['add', 'new-staged.txt']);
  await rm(path.join(dir, 'deleted.txt'));
  await sh(dir, ['rm', '-q', 'removed-staged.txt']);
  await writeFiles(dir, { 'untracked/deep/ü file.txt': 'untracked\n', 'debug.log': 'ignored\n' });
  await writeFile(path.join(dir, 'image.bin'), BINARY);
}

const EXPECTED_FILES = [
  'deleted.txt',
  'image.bin',
  'modified.txt',
  'new-staged.txt',
  'removed-staged.txt',
  'staged.txt',
  'untracked/deep/ü file.txt',
];

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** What a person sees of the worktree, read without letting git refresh the index. */
async function snapshot(dir: string): Promise<string> {
  const status = await sh(dir, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const staged = await sh(dir, ['diff', '--cached', '--name-status', '-z']);
  const head = await sh(dir, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD']);
  return `${status}|${staged}|${head}`;
}

describe('preserve', () => {
  it('saves tracked, staged, deleted and untracked changes but not ignored files, without touching the worktree', async () => {
    const { manager, repo } = await setup();
    const dir = await worker(manager, 'alpha');
    await makeDirty(dir);
    // A stat-only change makes the index stale: a plain `git status` would now rewrite it.
    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(dir, 'keep.txt'), later, later);
    const gitDir = (await sh(dir, ['rev-parse', '--absolute-git-dir'])).trim();
    const indexBefore = sha(await readFile(path.join(gitDir, 'index')));
    const indexMtime = (await stat(path.join(gitDir, 'index'))).mtimeMs;
    const before = await snapshot(dir);
    const head = (await sh(dir, ['rev-parse', 'HEAD'])).trim();

    const r = await manager.preserve(dir, 'session-1');
    expect(sha(await readFile(path.join(gitDir, 'index')))).toBe(indexBefore);
    expect((await stat(path.join(gitDir, 'index'))).mtimeMs).toBe(indexMtime);
    expect(await snapshot(dir)).toBe(before);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ref).toBe('refs/baton/preserved/session-1');
    expect(r.value.empty).toBe(false);
    expect([...r.value.files].sort()).toEqual(EXPECTED_FILES);

    const commit = r.value.commit;
    expect((await sh(repo, ['rev-parse', 'refs/baton/preserved/session-1'])).trim()).toBe(commit);
    expect((await sh(repo, ['rev-parse', `${commit}^`])).trim()).toBe(head);
    expect((await sh(repo, ['rev-parse', 'baton/p-alpha'])).trim()).toBe(head);
    const show = (p: string): Promise<string> => sh(repo, ['show', `${commit}:${p}`]);
    expect(await show('modified.txt')).toBe('changed, not staged\n');
    expect(await show('staged.txt')).toBe('changed and staged\n');
    expect(await show('new-staged.txt')).toBe('new and staged\n');
    expect(await show('untracked/deep/ü file.txt')).toBe('untracked\n');
    expect(await show('keep.txt')).toBe('keep\n');
    const tree = await sh(repo, ['ls-tree', '-r', '--name-only', '-z', commit]);
    const names = tree.split('\0');
    expect(names).not.toContain('deleted.txt');
    expect(names).not.toContain('removed-staged.txt');
    expect(names).not.toContain('debug.log');
  });

  it('records a ref with HEAD\'s tree when nothing is uncommitted', async () => {
    const { manager, repo } = await setup();
    const dir = await worker(manager, 'clean');
    await writeFile(path.join(dir, 'ignored.log'), 'ignored only');
    const r = await manager.preserve(dir, 'clean-1');
    expect(r).toMatchObject({ ok: true, value: { empty: true, files: [] } });
    if (!r.ok) return;
    expect((await sh(repo, ['rev-parse', `${r.value.commit}^{tree}`])).trim()).toBe(
      (await sh(repo, ['rev-parse', 'main^{tree}'])).trim(),
    );
    expect((await sh(repo, ['rev-parse', `${r.value.commit}^`])).trim()).toBe((await sh(repo, ['rev-parse', 'main'])).trim());
    expect(r.value.commit).not.toBe((await sh(repo, ['rev-parse', 'main'])).trim());
  });

  it('overwrites the ref with the current state when preserving again', async () => {
    const { manager, repo } = await setup();
    const dir = await worker(manager, 'alpha');
    await writeFile(path.join(dir, 'first.txt'), 'first');
    const first = await manager.preserve(dir, 's1');
    await rm(path.join(dir, 'first.txt'));
    await writeFile(path.join(dir, 'second.txt'), 'second');
    const second = await manager.preserve(dir, 's1');
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value.files).toEqual(['second.txt']);
    const listed = await manager.listPreserved();
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    expect(listed.value).toHaveLength(1);
    const [entry] = listed.value;
    expect(entry).toMatchObject({ sessionId: 's1', ref: 'refs/baton/preserved/s1', commit: second.value.commit });
    expect(entry?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(entry?.date ?? '') - Date.now())).toBeLessThan(60_000);
    expect(entry?.message).toBe('Baton: uncommitted work of session s1');
    // The overwritten snapshot stays reachable through the ref's reflog.
    const reflog = await sh(repo, ['reflog', 'show', '--format=%H', 'refs/baton/preserved/s1']);
    expect(reflog.trim().split('\n')).toEqual([second.value.commit, first.value.commit]);
  });

  it('rejects session ids that cannot be a ref component', async () => {
    const { manager, repo } = await setup();
    const dir = await worker(manager, 'alpha');
    for (const id of ['a/b', 'x.lock', '..', '', 'has space', '.dot']) {
      expect(await manager.preserve(dir, id)).toMatchObject({ ok: false, error: { code: 'invalid_name' } });
    }
    expect((await manager.preserve(dir, 'ok.with-dots_1')).ok).toBe(true);
    expect((await sh(repo, ['for-each-ref', '--format=%(refname)', 'refs/baton/'])).trim()).toBe('refs/baton/preserved/ok.with-dots_1');
  });

  it('refuses a path that is not a worktree of the repository', async () => {
    const { manager } = await setup();
    const stranger = await tempDir();
    expect(await manager.preserve(stranger, 's')).toMatchObject({ ok: false, error: { code: 'not_a_worktree' } });
  });

  it('works when no git identity is configured anywhere', async () => {
    const { manager, repo } = await setup();
    const dir = await worker(manager, 'alpha');
    await writeFile(path.join(dir, 'x.txt'), 'x');
    const emptyConfig = path.join(await tempDir(), 'gitconfig');
    await writeFile(emptyConfig, '');
    await sh(repo, ['config', '--unset', 'user.name']);
    await sh(repo, ['config', '--unset', 'user.email']);
    // Without this git would invent an identity from the user and host names.
    await sh(repo, ['config', 'user.useConfigOnly', 'true']);
    const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
    process.env.GIT_CONFIG_GLOBAL = emptyConfig;
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      // Proves the setup: a plain commit-tree fails here.
      const plain = await tryGit(repo, ['commit-tree', 'HEAD^{tree}', '-m', 'x']);
      expect(plain.code).not.toBe(0);
      expect(plain.stderr).toMatch(/Please tell me who you are|no name was given|empty ident/i);
      const r = await manager.preserve(dir, 'anon');
      expect(r).toMatchObject({ ok: true, value: { files: ['x.txt'] } });
    } finally {
      if (saved.global === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved.global;
      if (saved.nosystem === undefined) delete process.env.GIT_CONFIG_NOSYSTEM;
      else process.env.GIT_CONFIG_NOSYSTEM = saved.nosystem;
    }
  });
});

describe('restore', () => {
  it('applies preserved work to another worktree as uncommitted changes', async () => {
    const { manager } = await setup();
    const source = await worker(manager, 'source');
    await makeDirty(source);
    const preserved = await manager.preserve(source, 'session-1');
    if (!preserved.ok) throw new Error(preserved.error.message);
    const target = await worker(manager, 'target');

    const r = await manager.restore(preserved.value.ref, target);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.value.files].sort()).toEqual(EXPECTED_FILES);
    const read = (p: string): Promise<string> => readFile(path.join(target, p), 'utf8');
    expect(await read('modified.txt')).toBe('changed, not staged\n');
    expect(await read('staged.txt')).toBe('changed and staged\n');
    expect(await read('new-staged.txt')).toBe('new and staged\n');
    expect(await read('untracked/deep/ü file.txt')).toBe('untracked\n');
    expect(await readFile(path.join(target, 'image.bin'))).toEqual(BINARY);
    await expect(stat(path.join(target, 'deleted.txt'))).rejects.toThrow();
    await expect(stat(path.join(target, 'removed-staged.txt'))).rejects.toThrow();
    await expect(stat(path.join(target, 'debug.log'))).rejects.toThrow();
    // Uncommitted: the branch did not move and git reports every path as changed.
    expect((await sh(target, ['rev-parse', 'HEAD'])).trim()).toBe((await sh(target, ['rev-parse', 'main'])).trim());
    const status = (await sh(target, ['status', '--porcelain', '-z', '--untracked-files=all'])).split('\0').filter(Boolean);
    expect(status.map((s) => s.slice(3)).sort()).toEqual(EXPECTED_FILES);
  });

  it('restores nothing, successfully, from an empty snapshot', async () => {
    const { manager } = await setup();
    const dir = await worker(manager, 'a');
    const p = await manager.preserve(dir, 'e');
    if (!p.ok) throw new Error(p.error.message);
    expect(await manager.restore(p.value.ref, dir)).toEqual({ ok: true, value: { files: [] } });
  });

  it('reports a conflict and changes nothing in the target', async () => {
    const { manager } = await setup();
    const source = await worker(manager, 'source');
    await makeDirty(source);
    const preserved = await manager.preserve(source, 'session-1');
    if (!preserved.ok) throw new Error(preserved.error.message);
    const target = await worker(manager, 'target');
    await writeFile(path.join(target, 'modified.txt'), 'someone else changed this\n');
    const before = await snapshot(target);

    const r = await manager.restore(preserved.value.ref, target);
    expect(r).toMatchObject({ ok: false, error: { code: 'restore_conflict', kind: 'needs_you' } });
    if (!r.ok) expect(r.error.gitMessage).toMatch(/modified\.txt/);
    expect(await snapshot(target)).toBe(before);
    // Files that would have applied cleanly were not written either.
    await expect(stat(path.join(target, 'new-staged.txt'))).rejects.toThrow();
    expect(await readFile(path.join(target, 'deleted.txt'), 'utf8')).toBe('to be deleted\n');
  });

  it('reports an unknown or malformed ref', async () => {
    const { manager } = await setup();
    const dir = await worker(manager, 'a');
    expect(await manager.restore('refs/baton/preserved/nope', dir)).toMatchObject({
      ok: false,
      error: { code: 'preserved_not_found' },
    });
    expect(await manager.restore('main', dir)).toMatchObject({ ok: false, error: { code: 'invalid_name' } });
  });
});
