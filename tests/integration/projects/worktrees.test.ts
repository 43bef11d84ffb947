import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { waitUntil } from '../../support/wait';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.cleanup());

// It returned silently on timeout, so a failure showed up as a confusing assertion later; the shared one throws.
const waitFor = <T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 10_000): Promise<T> => waitUntil(fn, pred, ms, 'the worktree to settle');

describe('worktrees through the contract', () => {
  it('creates a worktree on its own branch, copies and links files, runs setup, and lists it', async () => {
    const repo = makeRepo(h.tempDir(), { 'README.md': 'hi\n', '.gitignore': '.env\nshared.txt\n' });
    writeFileSync(join(repo, '.env'), 'TOKEN=abc\n');
    writeFileSync(join(repo, 'shared.txt'), 'shared\n');
    const { project } = await h.must('projects.add', { path: repo, name: 'Demo' });
    await h.must('projects.setEnv', { id: project.id, key: 'SETUP_GREETING', value: 'hello-from-env' });
    await h.must('projects.update', {
      id: project.id,
      patch: {
        setupCommands: ['echo "setup ran in $(basename "$PWD")"', 'echo "$SETUP_GREETING" > greeting.txt'],
        copyFiles: [
          { path: '.env', mode: 'copy' },
          { path: 'shared.txt', mode: 'symlink' },
        ],
      },
    });
    const wt = await h.must('worktrees.create', { projectId: project.id, name: 'fix login' });
    expect(wt.branch).toBe('baton/demo-fix-login');
    expect(wt.path).toBe(join(h.dataDir, 'worktrees', 'demo', 'fix login'));
    expect(wt.setup.state).toBe('running');

    const panel = await waitFor(() => h.must('worktrees.list', { projectId: project.id }), (p) => p.worktrees[0]?.setup.state !== 'running');
    const listed = panel.worktrees[0]!;
    expect(listed.status).toBe('active');
    expect(listed.setup.state).toBe('ok');
    expect(listed.setup.log).toContain('setup ran in fix login');
    expect(readFileSync(join(wt.path, '.env'), 'utf8')).toBe('TOKEN=abc\n');
    expect(lstatSync(join(wt.path, 'shared.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(wt.path, 'greeting.txt'), 'utf8')).toBe('hello-from-env\n');
    // The secret reached the setup command's environment, but is not echoed into any payload.
    expect(JSON.stringify(h.events)).not.toContain('hello-from-env');
  });

  it('a failing setup command is shown, and the worktree stays usable', async () => {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'p' });
    await h.must('projects.update', { id: project.id, patch: { setupCommands: ['echo before; exit 3', 'echo never'] } });
    const wt = await h.must('worktrees.create', { projectId: project.id, name: 'w' });
    const panel = await waitFor(() => h.must('worktrees.list', { projectId: project.id }), (p) => p.worktrees[0]?.setup.state !== 'running');
    const w = panel.worktrees[0]!;
    expect(w.setup.state).toBe('failed');
    expect(w.setup.log).toContain('before');
    expect(w.setup.log).toContain('exited with 3');
    expect(w.setup.log).not.toContain('never\n');
    expect(w.status).toBe('active');
    expect(existsSync(join(wt.path, 'README.md'))).toBe(true);
  });

  it('release preserves uncommitted work; a failed release is recorded with git’s message and Retry completes it', async () => {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'rel' });
    const wt = await h.must('worktrees.create', { projectId: project.id, name: 'work' });
    writeFileSync(join(wt.path, 'README.md'), 'changed\n');
    writeFileSync(join(wt.path, 'new-file.txt'), 'untracked\n');
    git(repo, 'worktree', 'lock', '--reason', 'testing', wt.path);

    const failed = await h.call('worktrees.release', { worktreeId: wt.id });
    expect(failed.ok).toBe(false);
    let panel = await h.must('worktrees.list', { projectId: project.id });
    const row = panel.worktrees.find((w) => w.id === wt.id)!;
    expect(row.status).toBe('release_failed');
    expect(row.lastError).toMatchObject({ code: 'worktree_locked', kind: 'needs_you' });
    expect(row.lastError?.gitMessage ?? row.lastError?.message).toMatch(/lock/i);
    // Nothing is lost: the work is already preserved and the files are still there.
    expect(readFileSync(join(wt.path, 'new-file.txt'), 'utf8')).toBe('untracked\n');
    expect(panel.preserved.map((p) => p.sessionId)).toContain(wt.id);

    git(repo, 'worktree', 'unlock', wt.path);
    const released = await h.must('worktrees.release', { worktreeId: wt.id });
    expect(released.status).toBe('released');
    expect(existsSync(wt.path)).toBe(false);
    panel = await h.must('worktrees.list', { projectId: project.id });
    expect(panel.worktrees).toHaveLength(0);
    const ref = panel.preserved.find((p) => p.sessionId === wt.id)!;
    expect(git(repo, 'show', `${ref.ref}:new-file.txt`)).toBe('untracked\n');

    // Restore into a fresh worktree brings the work back as uncommitted changes.
    const fresh = await h.must('worktrees.create', { projectId: project.id, name: 'again' });
    const restored = await h.must('worktrees.restore', { worktreeId: fresh.id, ref: ref.ref });
    expect(restored.files.sort()).toEqual(['README.md', 'new-file.txt']);
    expect(readFileSync(join(fresh.path, 'README.md'), 'utf8')).toBe('changed\n');
  });

  it('a project with live worktrees cannot be removed or change its prefix', async () => {
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'busy' });
    await h.must('worktrees.create', { projectId: project.id, name: 'w1' });
    const rm = await h.call('projects.remove', { id: project.id });
    expect(rm.ok ? null : rm.error.code).toBe('project_busy');
    const pre = await h.call('projects.update', { id: project.id, patch: { prefix: 'other' } });
    expect(pre.ok ? null : pre.error.code).toBe('prefix_in_use');
  });
});
