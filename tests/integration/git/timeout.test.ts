import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../../src/main/host/proc';
import { runGit, timeoutFor, LONG_TIMEOUT_MS, SHORT_TIMEOUT_MS } from '../../../src/main/git/exec';
import { createWorktreeManager } from '../../../src/main/git/worktrees';
import { waitUntil } from '../../support/scripted';
import { cleanupAll, hangingHook, makeRepo, sh } from './helpers';

const savedCap = process.env.BATON_GIT_TIMEOUT_MS;
afterEach(async () => {
  if (savedCap === undefined) delete process.env.BATON_GIT_TIMEOUT_MS;
  else process.env.BATON_GIT_TIMEOUT_MS = savedCap;
  await cleanupAll();
});

describe('every git call has a timeout', () => {
  it('picks long timeouts for tree-sized work and short ones for queries', () => {
    delete process.env.BATON_GIT_TIMEOUT_MS;
    expect(timeoutFor(['worktree', 'add', '/x', 'b'])).toBe(LONG_TIMEOUT_MS);
    expect(timeoutFor(['-c', 'user.name=x', 'add', '--all'])).toBe(LONG_TIMEOUT_MS);
    expect(timeoutFor(['rev-parse', 'HEAD'])).toBe(SHORT_TIMEOUT_MS);
    expect(timeoutFor(['rev-parse', 'HEAD'], 5)).toBe(5);
    process.env.BATON_GIT_TIMEOUT_MS = '1000';
    expect(timeoutFor(['worktree', 'add'])).toBe(1000);
  });

  it('a hook that hangs: `worktree add` returns git_timeout promptly and the hook process is killed', async () => {
    const { repo, root } = await makeRepo();
    const pidFile = await hangingHook(repo);
    const manager = await createWorktreeManager({ repoPath: repo, worktreeRoot: root });
    if (!manager.ok) throw new Error(manager.error.message);

    process.env.BATON_GIT_TIMEOUT_MS = '2000';
    const started = Date.now();
    const r = await manager.value.create({ prefix: 'proj', name: 'hung', baseBranch: 'main', role: 'worker' });
    const took = Date.now() - started;

    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'git_timeout', kind: 'transient' });
    expect(r.error.message).toContain('git worktree add');
    expect(r.error.message).toContain('2 s');
    expect(r.error.message).toMatch(/hooks/);
    // Well before the hook's 60 s; generous for a loaded machine.
    expect(took).toBeLessThan(20_000);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    await waitUntil(() => isPidAlive(pid), (a) => !a, 10_000, 'the hook process to be killed');
  }, 60_000);

  it('an explicit timeout on one call, through runGit', async () => {
    const { repo } = await makeRepo();
    const pidFile = await hangingHook(repo);
    await sh(repo, ['branch', 'other']);
    const r = await runGit(['checkout', '-q', 'other'], { cwd: repo, timeoutMs: 1500 });
    expect(r).toMatchObject({ ok: false, error: { code: 'git_timeout' } });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    await waitUntil(() => isPidAlive(pid), (a) => !a, 10_000, 'the hook process to be killed');
  }, 60_000);

  it('a call that finishes in time is unaffected', async () => {
    const { repo } = await makeRepo();
    const r = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repo, timeoutMs: 30_000 });
    expect(r).toMatchObject({ ok: true, value: { code: 0 } });
    if (r.ok) expect(r.value.stdout.toString().trim()).toBe('main');
  });
});
