import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 180_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  for (const s of await h.must('sessions.list', { archived: 'include' })) {
    if (s.state !== 'stopped' && s.state !== 'failed') await h.call('sessions.stop', { id: s.id });
  }
  await h.cleanup();
});

const SCRIPT = { default: { steps: [{ type: 'text', text: 'ok' }] } };
// What a real project's setup does: installs into an un-ignored folder and writes a config file, the same each time.
const SETUP = 'mkdir -p node_modules && echo dep > node_modules/.x && echo PORT=3000 > .env';

async function project() {
  const repo = makeRepo(h.tempDir(), { 'README.md': '# demo\n', 'app.txt': 'v1\n' });
  const { project: p } = await h.must('projects.add', { path: repo, name: 'restore' });
  await h.must('projects.update', { id: p.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT), setupCommands: [SETUP] } });
  return { ...p, repo };
}

const setupDone = (projectId: string, path: string) =>
  waitUntil(
    async () => (await h.must('worktrees.list', { projectId })).worktrees.find((w) => w.path === path),
    (w) => !!w && w.setup.state !== 'running',
    60_000,
    `setup of ${path} to finish`,
  );

/** A session whose worktree went through setup, did some work (and maybe edited `.env`), archived: its preserved ref. */
async function preservedWork(p: { id: string }, editEnv: boolean): Promise<{ ref: string; commit: string }> {
  const s = await h.must('sessions.create', { projectId: p.id, prompt: 'Work', harness: 'custom' });
  await waitUntil(() => h.must('sessions.get', { id: s.id }), (x) => x.state === 'idle', 30_000, 'idle');
  const wt = s.worktreePath!;
  expect((await setupDone(p.id, wt))!.setup.state).toBe('ok');
  writeFileSync(join(wt, 'feature.txt'), 'feature\n');
  writeFileSync(join(wt, 'app.txt'), 'v2\n');
  if (editEnv) writeFileSync(join(wt, '.env'), 'PORT=4000\n');
  const a = await h.must('review.archive', { sessionId: s.id, deleteBranch: true, force: true });
  expect(a.preserved!.files.sort()).toEqual(['.env', 'app.txt', 'feature.txt', 'node_modules/.x']);
  return { ref: a.preserved!.ref, commit: a.preserved!.commit };
}

describe('restoring preserved work where the project’s setup made files', () => {
  it('files setup made identically do not block a restore into an existing worktree: they are left, the rest applies', { timeout: 180_000 }, async () => {
    const p = await project();
    const { ref } = await preservedWork(p, false);
    const target = await h.must('worktrees.create', { projectId: p.id, name: 'target' });
    await setupDone(p.id, target.path);

    const r = await h.must('worktrees.restore', { worktreeId: target.id, ref });
    expect(r.files.sort()).toEqual(['.env', 'app.txt', 'feature.txt', 'node_modules/.x']);
    expect(readFileSync(join(target.path, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(readFileSync(join(target.path, 'app.txt'), 'utf8')).toBe('v2\n');
    expect(readFileSync(join(target.path, '.env'), 'utf8')).toBe('PORT=3000\n');
  });

  it('a real collision (setup’s .env differs from the preserved one) names the file and what to do, and changes nothing', { timeout: 180_000 }, async () => {
    const p = await project();
    const { ref } = await preservedWork(p, true);
    const target = await h.must('worktrees.create', { projectId: p.id, name: 'target' });
    await setupDone(p.id, target.path);

    const r = await h.call('worktrees.restore', { worktreeId: target.id, ref });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('restore_conflict');
    expect(r.error.message).toContain('.env');
    expect(r.error.message).not.toContain('node_modules/.x');
    expect(r.error.message).toMatch(/Nothing was changed\. Move those files aside .* or restore into a new worktree/);
    expect(existsSync(join(target.path, 'feature.txt'))).toBe(false);
    expect(readFileSync(join(target.path, 'app.txt'), 'utf8')).toBe('v1\n');
  });

  it('restore into a NEW worktree: at the work’s own base, applied before setup, and what setup rewrote is put back', { timeout: 180_000 }, async () => {
    const p = await project();
    const { ref, commit } = await preservedWork(p, true);
    // The session's branch is gone (archived with its branch deleted): the preserved commit alone is enough.
    const r = await h.must('worktrees.restoreNew', { projectId: p.id, ref });
    expect(r.files.sort()).toEqual(['.env', 'app.txt', 'feature.txt', 'node_modules/.x']);
    const id8 = ref.slice(ref.lastIndexOf('/') + 1).slice(0, 8);
    expect(r.worktree).toMatchObject({ name: `restored-${id8}`, branch: `baton/${p.prefix}-restored-${id8}`, status: 'active' });
    expect(git(r.worktree.path, 'rev-parse', 'HEAD').trim()).toBe(git(p.repo, 'rev-parse', `${commit}^`).trim());
    const done = await setupDone(p.id, r.worktree.path);
    expect(done!.setup.state).toBe('ok');
    expect(done!.setup.log).toContain('put back restored files setup had rewritten: .env');
    expect(readFileSync(join(r.worktree.path, '.env'), 'utf8')).toBe('PORT=4000\n');
    expect(readFileSync(join(r.worktree.path, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(readFileSync(join(r.worktree.path, 'app.txt'), 'utf8')).toBe('v2\n');

    // Again: the default name is taken, so the next one is chosen; a name the person gives that is taken is refused.
    const again = await h.must('worktrees.restoreNew', { projectId: p.id, ref });
    expect(again.worktree.name).toBe(`restored-${id8}-2`);
    const taken = await h.call('worktrees.restoreNew', { projectId: p.id, ref, name: `restored-${id8}` });
    expect(taken.ok ? null : taken.error.code).toBe('path_in_use');
    await setupDone(p.id, again.worktree.path);
  });
});
