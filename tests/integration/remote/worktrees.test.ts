import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { remoteWorktreeManager } from '../../../src/main/runtime/ssh/remote-worktrees';
import { makeRepo } from '../../support/git';
import { ensureHostBuilt } from '../host/helpers';
import { until } from '../../support/wait';
import { RemoteWorld } from './helpers';

let rw: RemoteWorld | null = null;
beforeAll(() => ensureHostBuilt(), 180_000);
afterEach(async () => {
  await rw?.cleanup();
  rw = null;
});

const gitOut = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe("worktrees on the remote, by Baton's own git module run there", () => {
  it('creates a worktree, preserves its uncommitted work under refs/baton/preserved, releases it (gone, verified)', async () => {
    rw = await RemoteWorld.start();
    const repoDir = join(rw.sshd.remoteHome, 'repo');
    mkdirSync(repoDir);
    const repo = makeRepo(repoDir, { 'a.txt': 'one\n' });
    const root = join(rw.install.root, 'worktrees');
    const opened = await remoteWorktreeManager(rw.link, rw.install, { repoPath: repo, worktreeRoot: root });
    if (!opened.ok) throw new Error(opened.error.message);
    const m = opened.value;
    expect(m.repoPath).toBe(repo);

    const created = await m.create({ prefix: 'rp', name: 'fix', baseBranch: 'main', role: 'worker' });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.path.startsWith(root)).toBe(true);
    expect(existsSync(join(created.value.path, 'a.txt'))).toBe(true);
    expect(gitOut(created.value.path, 'branch', '--show-current')).toBe(created.value.branch);

    // Uncommitted work in the remote worktree, then release: preserved first, then the worktree removed and verified gone.
    writeFileSync(join(created.value.path, 'a.txt'), 'two\n');
    writeFileSync(join(created.value.path, 'new.txt'), 'new\n');
    const released = await m.release(created.value.path, 'session-1');
    if (!released.ok) throw new Error(released.error.message);
    expect(existsSync(created.value.path)).toBe(false);
    const preserved = await m.listPreserved();
    if (!preserved.ok) throw new Error(preserved.error.message);
    expect(preserved.value.length).toBe(1);
    const ref = preserved.value[0]?.ref ?? '';
    expect(ref.startsWith('refs/baton/preserved/')).toBe(true);
    expect(gitOut(repo, 'show', `${ref}:new.txt`)).toBe('new');
    expect(gitOut(repo, 'show', `${ref}:a.txt`)).toBe('two');

    // A git failure over there comes back as the same typed error as locally.
    const again = await m.create({ prefix: 'rp', name: 'x', baseBranch: 'no-such-branch', role: 'worker' });
    expect(again).toMatchObject({ ok: false, error: { code: 'base_not_found' } });
  });

  it('a path that is not a repository on the remote is a not_a_repository error, and a dropped link a transient one', async () => {
    rw = await RemoteWorld.start();
    const notRepo = join(rw.sshd.remoteHome, 'plain');
    mkdirSync(notRepo);
    expect(await remoteWorktreeManager(rw.link, rw.install, { repoPath: notRepo, worktreeRoot: join(rw.install.root, 'worktrees') })).toMatchObject({ ok: false, error: { code: 'not_a_repository' } });
    await rw.sshd.down();
    await until(() => rw?.link.state.state === 'disconnected', 'the link to show disconnected');
    expect(await remoteWorktreeManager(rw.link, rw.install, { repoPath: notRepo, worktreeRoot: join(rw.install.root, 'worktrees') })).toMatchObject({ ok: false, error: { code: 'git_failed', kind: 'transient' } });
  });
});
