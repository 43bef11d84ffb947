import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorktreeManager, type WorktreeManager } from '../../../src/main/git/worktrees';
import {
  canMakeUndeletable,
  cleanupAll,
  makeDeletable,
  makeRepo,
  makeUndeletable,
  sh,
  writeFiles,
  type Fixture,
} from './helpers';

afterEach(cleanupAll);

const undeletableSupported = await canMakeUndeletable();

async function setup(): Promise<Fixture & { manager: WorktreeManager }> {
  const fixture = await makeRepo({ 'README.md': 'hello\n', 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' });
  const manager = await createWorktreeManager({ repoPath: fixture.repo, worktreeRoot: fixture.root });
  if (!manager.ok) throw new Error(manager.error.message);
  return { ...fixture, manager: manager.value };
}

async function dirtyWorker(manager: WorktreeManager, name: string): Promise<string> {
  const r = await manager.create({ prefix: 'p', name, baseBranch: 'main', role: 'worker' });
  if (!r.ok) throw new Error(r.error.message);
  const dir = r.value.path;
  await writeFile(path.join(dir, 'src', 'a.ts'), 'a changed\n');
  await rm(path.join(dir, 'src', 'b.ts'));
  await writeFiles(dir, { 'notes/todo.md': 'untracked work\n', 'nested/deep/x.txt': 'x\n' });
  return dir;
}

const exists = (p: string): Promise<boolean> => stat(p).then(
  () => true,
  () => false,
);

async function registered(repo: string, dir: string): Promise<boolean> {
  const out = await sh(repo, ['worktree', 'list', '--porcelain', '-z']);
  return out.split('\0').includes(`worktree ${dir}`);
}

/** The preserved commit holds exactly the work made by `dirtyWorker`. */
async function expectPreservedWork(repo: string, sessionId: string): Promise<void> {
  const ref = `refs/baton/preserved/${sessionId}`;
  expect(await sh(repo, ['show', `${ref}:src/a.ts`])).toBe('a changed\n');
  expect(await sh(repo, ['show', `${ref}:notes/todo.md`])).toBe('untracked work\n');
  expect(await sh(repo, ['show', `${ref}:nested/deep/x.txt`])).toBe('x\n');
  const names = (await sh(repo, ['ls-tree', '-r', '--name-only', ref])).split('\n');
  expect(names).not.toContain('src/b.ts');
}

describe('release', () => {
  it('preserves the work, then removes the folder and the registration', async () => {
    const { manager, repo } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    const r = await manager.release(dir, 'sess-1');
    expect(r).toMatchObject({ ok: true, value: { path: dir, alreadyReleased: false } });
    if (!r.ok) return;
    expect([...(r.value.preserved?.files ?? [])].sort()).toEqual(['nested/deep/x.txt', 'notes/todo.md', 'src/a.ts', 'src/b.ts']);
    expect(await exists(dir)).toBe(false);
    expect(await registered(repo, dir)).toBe(false);
    await expectPreservedWork(repo, 'sess-1');
    // The branch is kept: committed work is never deleted by a release.
    expect((await sh(repo, ['branch', '--list', 'baton/p-alpha'])).trim()).toContain('baton/p-alpha');
  });

  it('is idempotent once released', async () => {
    const { manager } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    expect((await manager.release(dir, 's')).ok).toBe(true);
    expect(await manager.release(dir, 's')).toEqual({ ok: true, value: { path: dir, preserved: null, alreadyReleased: true } });
  });

  it('drops the registration of a worktree whose folder is already gone', async () => {
    const { manager, repo } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    await rm(dir, { recursive: true });
    expect(await manager.release(dir, 's')).toMatchObject({ ok: true, value: { preserved: null, alreadyReleased: false } });
    expect(await registered(repo, dir)).toBe(false);
  });

  it('reports a locked worktree whose folder is gone, since git keeps its registration', async () => {
    const { manager, repo } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    await sh(repo, ['worktree', 'lock', dir]);
    await rm(dir, { recursive: true });
    const r = await manager.release(dir, 's');
    expect(r).toMatchObject({ ok: false, error: { code: 'worktree_locked', kind: 'needs_you' } });
    expect(await registered(repo, dir)).toBe(true);
    await sh(repo, ['worktree', 'unlock', dir]);
    expect((await manager.release(dir, 's')).ok).toBe(true);
    expect(await registered(repo, dir)).toBe(false);
  });

  it('finishes a worktree whose .git file is gone once its work was preserved', async () => {
    const { manager, repo } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    expect((await manager.preserve(dir, 's')).ok).toBe(true);
    await rm(path.join(dir, '.git'));
    const listed = await manager.list();
    expect(listed.ok && listed.value.find((w) => w.path === dir)?.prunable).toBe(true);
    expect(await manager.release(dir, 's')).toMatchObject({ ok: true, value: { preserved: null } });
    expect(await exists(dir)).toBe(false);
    expect(await registered(repo, dir)).toBe(false);
    await expectPreservedWork(repo, 's');
  });

  it('handles concurrent releases of the same worktree', async () => {
    const { manager, repo } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    const [a, b] = await Promise.all([manager.release(dir, 's'), manager.release(dir, 's')]);
    expect(a).toMatchObject({ ok: true, value: { alreadyReleased: false } });
    expect(b).toMatchObject({ ok: true, value: { alreadyReleased: true } });
    await expectPreservedWork(repo, 's');
  });

  it('refuses the main working tree', async () => {
    const { manager, repo } = await setup();
    const r = await manager.release(repo, 's');
    expect(r).toMatchObject({ ok: false, error: { code: 'main_worktree' } });
    expect(await exists(path.join(repo, 'README.md'))).toBe(true);
    expect(await sh(repo, ['for-each-ref', 'refs/baton/'])).toBe('');
  });

  it('refuses the main working tree even when opened from a linked worktree', async () => {
    const { repo, root, base } = await setup();
    const linked = path.join(base, 'linked');
    await sh(repo, ['worktree', 'add', '-q', '-b', 'linked', linked]);
    const manager = await createWorktreeManager({ repoPath: path.join(linked, 'src'), worktreeRoot: root });
    if (!manager.ok) throw new Error(manager.error.message);
    expect(manager.value.repoPath).toBe(repo);
    expect(await manager.value.release(repo, 's')).toMatchObject({ ok: false, error: { code: 'main_worktree' } });
    const created = await manager.value.create({ prefix: 'p', name: 'w', baseBranch: 'main', role: 'worker' });
    expect(created.ok).toBe(true);
  });

  it('refuses a worktree outside the worktree root, directly or through a symlink', async () => {
    const { manager, repo, root, base } = await setup();
    const outside = path.join(base, 'outside');
    await sh(repo, ['worktree', 'add', '-q', '-b', 'outside', outside]);
    expect(await manager.release(outside, 's')).toMatchObject({ ok: false, error: { code: 'path_escape' } });
    await mkdir(path.join(root, 'p'), { recursive: true });
    await symlink(outside, path.join(root, 'p', 'link'));
    expect(await manager.release(path.join(root, 'p', 'link'), 's')).toMatchObject({ ok: false, error: { code: 'path_escape' } });
    expect(await manager.release(path.join(root, 'p', '..', '..', 'outside'), 's')).toMatchObject({
      ok: false,
      error: { code: 'path_escape' },
    });
    expect(await exists(path.join(outside, 'README.md'))).toBe(true);
    expect(await registered(repo, outside)).toBe(true);
  });

  it('refuses a relative path and a bad session id before doing anything', async () => {
    const { manager, repo } = await setup();
    const dir = await dirtyWorker(manager, 'alpha');
    expect(await manager.release('p/alpha', 's')).toMatchObject({ ok: false, error: { code: 'invalid_path' } });
    expect(await manager.release(dir, 'a/b')).toMatchObject({ ok: false, error: { code: 'invalid_name' } });
    expect(await registered(repo, dir)).toBe(true);
  });

  describe('when removal fails for real', () => {
    it('reports a worktree locked with `git worktree lock` as needing you, and succeeds once unlocked', async () => {
      const { manager, repo } = await setup();
      const dir = await dirtyWorker(manager, 'alpha');
      await sh(repo, ['worktree', 'lock', '--reason', 'agent busy', dir]);

      const r = await manager.release(dir, 'sess-1');
      expect(r).toMatchObject({ ok: false, error: { code: 'worktree_locked', kind: 'needs_you' } });
      if (!r.ok) {
        expect(r.error.gitMessage).toMatch(/cannot remove a locked working tree, lock reason: agent busy/);
        expect(r.error.message).toContain(`git worktree unlock ${dir}`);
        expect(r.error.message).toContain('refs/baton/preserved/sess-1');
      }
      expect(await readFile(path.join(dir, 'notes', 'todo.md'), 'utf8')).toBe('untracked work\n');
      expect(await registered(repo, dir)).toBe(true);
      await expectPreservedWork(repo, 'sess-1');

      await sh(repo, ['worktree', 'unlock', dir]);
      expect(await manager.release(dir, 'sess-1')).toMatchObject({ ok: true, value: { alreadyReleased: false } });
      expect(await exists(dir)).toBe(false);
      expect(await registered(repo, dir)).toBe(false);
      await expectPreservedWork(repo, 'sess-1');
    });

    it('treats a `locked` file in the worktree\'s admin folder the same way', async () => {
      const { manager, repo } = await setup();
      const dir = await dirtyWorker(manager, 'alpha');
      const admin = (await sh(dir, ['rev-parse', '--absolute-git-dir'])).trim();
      await writeFile(path.join(admin, 'locked'), 'left by a crashed tool\n');

      const r = await manager.release(dir, 'sess-1');
      expect(r).toMatchObject({ ok: false, error: { code: 'worktree_locked', kind: 'needs_you' } });
      if (!r.ok) expect(r.error.gitMessage).toMatch(/locked working tree, lock reason: left by a crashed tool/);
      expect(await exists(path.join(dir, 'src', 'a.ts'))).toBe(true);
      expect(await registered(repo, dir)).toBe(true);
      await expectPreservedWork(repo, 'sess-1');

      await rm(path.join(admin, 'locked'));
      expect((await manager.release(dir, 'sess-1')).ok).toBe(true);
      expect(await exists(dir)).toBe(false);
    });

    it('reports a stale git lock as transient before touching the worktree', async () => {
      const { manager, repo } = await setup();
      const dir = await dirtyWorker(manager, 'alpha');
      const lock = path.join(repo, '.git', 'refs', 'baton', 'preserved', 'sess-1.lock');
      await mkdir(path.dirname(lock), { recursive: true });
      await writeFile(lock, '');

      const r = await manager.release(dir, 'sess-1');
      expect(r).toMatchObject({ ok: false, error: { code: 'git_lock', kind: 'transient' } });
      if (!r.ok) {
        expect(r.error.gitMessage).toMatch(/Unable to create '.*sess-1\.lock': File exists/);
        expect(r.error.message).toContain(lock);
      }
      expect(await registered(repo, dir)).toBe(true);
      expect(await readFile(path.join(dir, 'src', 'a.ts'), 'utf8')).toBe('a changed\n');

      await rm(lock);
      expect((await manager.release(dir, 'sess-1')).ok).toBe(true);
      await expectPreservedWork(repo, 'sess-1');
    });

    if (!undeletableSupported) console.log('[git] skipped the undeletable-folder release test: this machine cannot make a folder undeletable (no chattr +i and running as root).');
    it.runIf(undeletableSupported)(
      'reports an undeletable folder as transient, keeps the work recoverable, and finishes on retry',
      async () => {
        const { manager, repo, root } = await setup();
        const dir = await dirtyWorker(manager, 'alpha');
        const stuck = path.join(dir, 'nested', 'deep');
        expect(await makeUndeletable(stuck)).toBe(true);

        const r = await manager.release(dir, 'sess-1');
        expect(r).toMatchObject({ ok: false, error: { code: 'worktree_busy', kind: 'transient' } });
        if (!r.ok) {
          expect(r.error.gitMessage).toMatch(/failed to delete '.*': (Operation not permitted|Permission denied)/);
          expect(r.error.message).toContain('refs/baton/preserved/sess-1');
        }
        // git drops the registration before it fails on the files, so the folder
        // is now half-deleted and unregistered; the preserved ref holds the work.
        expect(await readFile(path.join(stuck, 'x.txt'), 'utf8')).toBe('x\n');
        await expectPreservedWork(repo, 'sess-1');
        expect(await manager.reconcile([dir])).toEqual({ ok: true, value: { present: [], missing: [dir], unregistered: [dir] } });

        // While the cause remains, a retry fails the same way and loses nothing.
        const again = await manager.release(dir, 'sess-1');
        expect(again).toMatchObject({ ok: false, error: { code: 'worktree_busy', kind: 'transient' } });
        await expectPreservedWork(repo, 'sess-1');

        // Everything can be restored into a fresh worktree on the same branch.
        const fresh = await manager.create({ prefix: 'p', name: 'recovered', baseBranch: 'baton/p-alpha', role: 'worker' });
        if (!fresh.ok) throw new Error(fresh.error.message);
        expect((await manager.restore('refs/baton/preserved/sess-1', fresh.value.path)).ok).toBe(true);
        expect(await readFile(path.join(fresh.value.path, 'notes', 'todo.md'), 'utf8')).toBe('untracked work\n');
        expect(await readFile(path.join(fresh.value.path, 'src', 'a.ts'), 'utf8')).toBe('a changed\n');
        expect(await exists(path.join(fresh.value.path, 'src', 'b.ts'))).toBe(false);

        await makeDeletable(stuck);
        expect(await manager.release(dir, 'sess-1')).toMatchObject({ ok: true, value: { alreadyReleased: false } });
        expect(await exists(dir)).toBe(false);
        expect(await registered(repo, dir)).toBe(false);
        expect(await exists(path.join(root, 'p', 'recovered', 'notes', 'todo.md'))).toBe(true);
      },
    );

    it('will not delete an unregistered folder whose work was never preserved', async () => {
      const { manager, repo } = await setup();
      const dir = await dirtyWorker(manager, 'alpha');
      const admin = (await sh(dir, ['rev-parse', '--absolute-git-dir'])).trim();
      await rm(admin, { recursive: true });
      expect(await registered(repo, dir)).toBe(false);

      const r = await manager.release(dir, 'never-preserved');
      expect(r).toMatchObject({ ok: false, error: { code: 'unregistered_directory', kind: 'needs_you' } });
      expect(await readFile(path.join(dir, 'notes', 'todo.md'), 'utf8')).toBe('untracked work\n');
    });

    it('will not delete a folder holding another repository', async () => {
      const { manager, root } = await setup();
      const other = await makeRepo();
      const dir = path.join(root, 'p', 'foreign');
      await sh(other.repo, ['worktree', 'add', '-q', '-b', 'f', dir]);
      const r = await manager.release(dir, 'sess');
      expect(r).toMatchObject({ ok: false, error: { code: 'unregistered_directory' } });
      expect(await exists(path.join(dir, 'README.md'))).toBe(true);
    });
  });
});
