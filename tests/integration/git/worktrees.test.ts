import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorktreeManager, type WorktreeManager } from '../../../src/main/git/worktrees';
import { cleanupAll, makeRepo, sh, tempDir, tryGit, type Fixture } from './helpers';

afterEach(cleanupAll);

async function setup(files?: Record<string, string>): Promise<Fixture & { manager: WorktreeManager }> {
  const fixture = await makeRepo(files);
  const manager = await createWorktreeManager({ repoPath: fixture.repo, worktreeRoot: fixture.root });
  if (!manager.ok) throw new Error(manager.error.message);
  return { ...fixture, manager: manager.value };
}

const branchOf = async (dir: string): Promise<string> => (await sh(dir, ['symbolic-ref', '--short', 'HEAD'])).trim();

describe('createWorktreeManager', () => {
  it('creates the worktree root and refuses a non-repository', async () => {
    const { root, repo } = await setup();
    expect((await stat(root)).isDirectory()).toBe(true);
    const bad = await createWorktreeManager({ repoPath: path.dirname(repo), worktreeRoot: root });
    expect(bad).toMatchObject({ ok: false, error: { code: 'not_a_repository' } });
  });
});

describe('create', () => {
  it('creates a worker worktree on a new branch from the base branch', async () => {
    const { manager, root, repo } = await setup();
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toEqual({ ok: true, value: { path: path.join(root, 'proj', 'alpha'), branch: 'baton/proj-alpha', reusedBranch: false } });
    const dir = path.join(root, 'proj', 'alpha');
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe('hello\n');
    expect(await branchOf(dir)).toBe('baton/proj-alpha');
    expect((await sh(repo, ['rev-parse', 'baton/proj-alpha'])).trim()).toBe((await sh(repo, ['rev-parse', 'main'])).trim());
  });

  it('does not make a branch created from a remote-tracking base track it', async () => {
    const { manager, repo } = await setup();
    await sh(repo, ['remote', 'add', 'origin', repo]);
    await sh(repo, ['fetch', '-q', 'origin']);
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'origin/main', role: 'worker' });
    expect(r).toMatchObject({ ok: true, value: { reusedBranch: false } });
    // With an upstream of origin/main, a plain `git pull`/`git push` in the worktree would target main.
    const upstream = await tryGit(repo, ['config', '--get', 'branch.baton/proj-alpha.merge']);
    expect(upstream).toMatchObject({ code: 1, stdout: '' });
  });

  it('creates the orchestrator on its canonical branch and path', async () => {
    const { manager, root } = await setup();
    const r = await manager.create({ prefix: 'proj', name: 'ignored', baseBranch: 'main', role: 'orchestrator' });
    expect(r).toEqual({
      ok: true,
      value: { path: path.join(root, 'proj', 'orchestrator'), branch: 'baton/proj-orchestrator', reusedBranch: false },
    });
    expect(await branchOf(path.join(root, 'proj', 'orchestrator'))).toBe('baton/proj-orchestrator');
  });

  it('refuses a worker named like the orchestrator', async () => {
    const { manager } = await setup();
    const r = await manager.create({ prefix: 'proj', name: 'orchestrator', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_name' } });
  });

  it('is idempotent for the same worktree', async () => {
    const { manager, root } = await setup();
    const input = { prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' } as const;
    expect((await manager.create(input)).ok).toBe(true);
    await writeFile(path.join(root, 'proj', 'alpha', 'work.txt'), 'in progress');
    const again = await manager.create(input);
    expect(again).toEqual({ ok: true, value: { path: path.join(root, 'proj', 'alpha'), branch: 'baton/proj-alpha', reusedBranch: true } });
    expect(await readFile(path.join(root, 'proj', 'alpha', 'work.txt'), 'utf8')).toBe('in progress');
  });

  it('serializes concurrent creates of the same worktree', async () => {
    const { manager, root } = await setup();
    const input = { prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' } as const;
    const results = await Promise.all([manager.create(input), manager.create(input), manager.create(input)]);
    expect(results.map((r) => r.ok && r.value.path)).toEqual(Array(3).fill(path.join(root, 'proj', 'alpha')));
    expect(results.map((r) => r.ok && r.value.reusedBranch)).toEqual([false, true, true]);
  });

  it('reuses an existing branch that is not checked out', async () => {
    const { manager, repo, root } = await setup();
    await sh(repo, ['branch', 'baton/proj-alpha', 'main']);
    await sh(repo, ['commit', '-q', '--allow-empty', '-m', 'later on main']);
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: true, value: { reusedBranch: true, branch: 'baton/proj-alpha' } });
    // Reuse keeps the branch where it was instead of resetting it to the base.
    const dir = path.join(root, 'proj', 'alpha');
    expect((await sh(dir, ['rev-parse', 'HEAD'])).trim()).toBe((await sh(repo, ['rev-parse', 'main~1'])).trim());
  });

  it('reports the other worktree when the branch is checked out elsewhere', async () => {
    const { manager, repo, base } = await setup();
    const other = path.join(base, 'elsewhere');
    await sh(repo, ['worktree', 'add', '-q', '-b', 'baton/proj-alpha', other, 'main']);
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'branch_checked_out', kind: 'needs_you' } });
    if (!r.ok) expect(r.error.message).toContain(other);
  });

  it('reports the main working tree when it has the branch checked out', async () => {
    const { manager, repo } = await setup();
    await sh(repo, ['checkout', '-q', '-b', 'baton/proj-orchestrator']);
    const r = await manager.create({ prefix: 'proj', name: '', baseBranch: 'main', role: 'orchestrator' });
    expect(r).toMatchObject({ ok: false, error: { code: 'branch_checked_out' } });
    if (!r.ok) expect(r.error.message).toContain(repo);
  });

  it('recovers a path and branch whose folder was deleted behind its back', async () => {
    const { manager, root } = await setup();
    const input = { prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' } as const;
    expect((await manager.create(input)).ok).toBe(true);
    await rm(path.join(root, 'proj', 'alpha'), { recursive: true });
    expect(await manager.create(input)).toMatchObject({ ok: true, value: { reusedBranch: true } });
    expect(await readFile(path.join(root, 'proj', 'alpha', 'README.md'), 'utf8')).toBe('hello\n');
  });

  it('refuses a path that is already a worktree on another branch', async () => {
    const { manager, repo, root } = await setup();
    const dir = path.join(root, 'proj', 'alpha');
    await sh(repo, ['worktree', 'add', '-q', '--detach', dir, 'main']);
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'path_in_use', kind: 'needs_you' } });
    if (!r.ok) expect(r.error.message).toContain('detached HEAD');
  });

  it('refuses a non-empty folder that is not a worktree', async () => {
    const { manager, root, repo } = await setup();
    await mkdir(path.join(root, 'proj', 'alpha'), { recursive: true });
    await writeFile(path.join(root, 'proj', 'alpha', 'precious.txt'), 'x');
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'path_exists' } });
    // git itself would have created the branch before noticing the folder.
    expect((await sh(repo, ['branch', '--list', 'baton/*'])).trim()).toBe('');
  });

  it('reports a missing base branch without creating anything', async () => {
    const { manager, repo, root } = await setup();
    for (const baseBranch of ['nope', '-x', '']) {
      const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch, role: 'worker' });
      expect(r).toMatchObject({ ok: false, error: { code: 'base_not_found', kind: 'invalid' } });
    }
    expect((await sh(repo, ['branch', '--list', 'baton/*'])).trim()).toBe('');
    await expect(stat(path.join(root, 'proj', 'alpha'))).rejects.toThrow();
  });

  it('handles names with spaces and non-ASCII characters', async () => {
    const { manager, root } = await setup();
    const spaced = await manager.create({ prefix: 'proj', name: 'fix ü  bug', baseBranch: 'main', role: 'worker' });
    expect(spaced).toEqual({
      ok: true,
      value: { path: path.join(root, 'proj', 'fix ü  bug'), branch: 'baton/proj-fix-ü-bug', reusedBranch: false },
    });
    expect(await branchOf(path.join(root, 'proj', 'fix ü  bug'))).toBe('baton/proj-fix-ü-bug');
    const japanese = await manager.create({ prefix: 'proj', name: '日本', baseBranch: 'main', role: 'worker' });
    expect(japanese).toMatchObject({ ok: true, value: { path: path.join(root, 'proj', '日本'), branch: 'baton/proj-日本' } });
    const listed = await manager.list();
    expect(listed.ok && listed.value.map((w) => w.branch)).toEqual(['main', 'baton/proj-fix-ü-bug', 'baton/proj-日本']);
    // Another name with the same whitespace-collapsed branch cannot share it.
    const clash = await manager.create({ prefix: 'proj', name: 'fix ü bug', baseBranch: 'main', role: 'worker' });
    expect(clash).toMatchObject({ ok: false, error: { code: 'branch_checked_out' } });
  });

  it.each([
    ['a..b', 'invalid_name'],
    ['x.lock', 'invalid_name'],
    ['.hidden', 'invalid_name'],
    ['', 'invalid_name'],
    ['a\0b', 'invalid_name'],
    ['with~tilde', 'invalid_name'],
  ])('rejects the worker name %j', async (name, code) => {
    const { manager, repo, root } = await setup();
    const r = await manager.create({ prefix: 'proj', name, baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code } });
    expect((await sh(repo, ['branch', '--list', 'baton/*'])).trim()).toBe('');
    await expect(stat(path.join(root, 'proj'))).rejects.toThrow();
  });

  it('accepts a leading dash in the name since the branch starts with baton/', async () => {
    const { manager } = await setup();
    const r = await manager.create({ prefix: 'proj', name: '-x', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: true, value: { branch: 'baton/proj--x' } });
  });

  it.each([['../x'], ['..'], ['a/b'], ['a\\b']])('rejects traversal in the name %j', async (name) => {
    const { manager, base } = await setup();
    const r = await manager.create({ prefix: 'proj', name, baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'path_escape' } });
    await expect(stat(path.join(base, 'data', 'x'))).rejects.toThrow();
  });

  it('rejects traversal in the prefix', async () => {
    const { manager } = await setup();
    const r = await manager.create({ prefix: '../..', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'path_escape' } });
  });

  it('rejects a prefix folder that is a symlink to somewhere else', async () => {
    const { manager, root } = await setup();
    const elsewhere = await tempDir('baton-elsewhere-');
    await symlink(elsewhere, path.join(root, 'proj'));
    const r = await manager.create({ prefix: 'proj', name: 'alpha', baseBranch: 'main', role: 'worker' });
    expect(r).toMatchObject({ ok: false, error: { code: 'path_escape' } });
    if (!r.ok) expect(r.error.message).toContain(elsewhere);
    await expect(stat(path.join(elsewhere, 'alpha'))).rejects.toThrow();
  });
});

describe('list', () => {
  it('parses every attribute of git worktree list', async () => {
    const { manager, repo, root } = await setup();
    await manager.create({ prefix: 'p', name: 'locked one', baseBranch: 'main', role: 'worker' });
    await manager.create({ prefix: 'p', name: 'gone', baseBranch: 'main', role: 'worker' });
    const detached = path.join(root, 'p', 'detached');
    await sh(repo, ['worktree', 'add', '-q', '--detach', detached, 'main']);
    await sh(repo, ['worktree', 'lock', '--reason', 'agent running\nsecond line', path.join(root, 'p', 'locked one')]);
    await rm(path.join(root, 'p', 'gone'), { recursive: true });
    const head = (await sh(repo, ['rev-parse', 'HEAD'])).trim();

    const r = await manager.list();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const byPath = new Map(r.value.map((w) => [w.path, w]));
    expect(r.value).toHaveLength(4);
    expect(byPath.get(repo)).toMatchObject({ isMain: true, branch: 'main', head, detached: false, locked: false });
    expect(byPath.get(path.join(root, 'p', 'locked one'))).toMatchObject({
      isMain: false,
      branch: 'baton/p-locked-one',
      locked: true,
      lockReason: 'agent running\nsecond line',
    });
    expect(byPath.get(path.join(root, 'p', 'gone'))).toMatchObject({ prunable: true, branch: 'baton/p-gone' });
    expect(byPath.get(detached)).toMatchObject({ detached: true, branch: null, head });
  });
});

describe('reconcile', () => {
  it('sorts known paths into present and missing and finds folders git forgot', async () => {
    const { manager, root, base } = await setup();
    const a = path.join(root, 'p', 'a');
    const b = path.join(root, 'p', 'b');
    await manager.create({ prefix: 'p', name: 'a', baseBranch: 'main', role: 'worker' });
    await manager.create({ prefix: 'p', name: 'b', baseBranch: 'main', role: 'worker' });
    await manager.create({ prefix: 'q', name: 'orphan', baseBranch: 'main', role: 'worker' });
    // b's folder vanishes; orphan's registration vanishes but its folder stays.
    await rm(b, { recursive: true });
    const orphanAdmin = (await readFile(path.join(root, 'q', 'orphan', '.git'), 'utf8')).replace('gitdir: ', '').trim();
    await rm(orphanAdmin, { recursive: true });
    // A folder the database knows but git never had, and folders from elsewhere.
    const knownOnly = path.join(root, 'p', 'known-only');
    await mkdir(knownOnly, { recursive: true });
    await mkdir(path.join(root, 'other-project', 'stranger'), { recursive: true });
    const otherRepo = await makeRepo();
    await sh(otherRepo.repo, ['worktree', 'add', '-q', '-b', 'x', path.join(root, 'other-project', 'theirs')]);

    const r = await manager.reconcile([a, b, knownOnly, path.join(base, 'never-existed')]);
    expect(r).toEqual({
      ok: true,
      value: {
        present: [a],
        missing: [b, knownOnly, path.join(base, 'never-existed')],
        unregistered: [knownOnly, path.join(root, 'q', 'orphan')],
      },
    });
  });
});
