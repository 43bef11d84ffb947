import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { readyForPrompt, scriptedCommand, waitUntil } from '../../support/scripted';

let h: Harness;
beforeAll(() => buildOnce(), 120_000);
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  for (const s of await h.must('sessions.list', {})) {
    if (s.state !== 'stopped' && s.state !== 'failed') await h.call('sessions.stop', { id: s.id });
  }
  await h.cleanup();
});

const SCRIPT = { default: { steps: [{ type: 'text', text: 'Working on it.' }] } };

async function project() {
  const repo = makeRepo(h.tempDir());
  const { project: p } = await h.must('projects.add', { path: repo, name: 'guard' });
  await h.must('projects.update', { id: p.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT) } });
  return { ...p, repo };
}

const state = async (id: string) => (await h.must('sessions.get', { id })).state;

/** A worker session that answered its first prompt and sits idle with its agent running, plus its worktree row. */
async function idleSession(projectId: string) {
  const s = await h.must('sessions.create', { projectId, prompt: 'Fix the login page', harness: 'custom' });
  await waitUntil(() => h.must('sessions.get', { id: s.id }), readyForPrompt, 30_000, 'the session to be idle');
  const panel = await h.must('worktrees.list', { projectId });
  const wt = panel.worktrees.find((w) => w.path === s.worktreePath);
  if (!wt) throw new Error('the session has no worktree row');
  return { session: s, wt };
}

describe('release never destroys live work', () => {
  it('refuses to release the worktree of an idle session, naming it; the agent keeps working there', async () => {
    const p = await project();
    const { session, wt } = await idleSession(p.id);
    writeFileSync(join(wt.path, 'draft.txt'), 'half-written\n');
    expect(wt.heldBy).toEqual({ id: session.id, title: 'Fix the login page', state: 'idle' });

    const refused = await h.call('worktrees.release', { worktreeId: wt.id });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('worktree_in_use');
    expect(refused.error.message).toContain('Fix the login page');
    expect(refused.error.message).toContain(session.id.slice(0, 8));
    expect(refused.error.message).toMatch(/Stop the session/);

    // Nothing was touched: the folder, its files, the row and the running agent.
    expect(existsSync(join(wt.path, 'draft.txt'))).toBe(true);
    const row = (await h.must('worktrees.list', { projectId: p.id })).worktrees.find((w) => w.id === wt.id);
    expect(row).toMatchObject({ status: 'active', lastError: null });
    await h.must('sessions.prompt', { id: session.id, text: 'carry on', idempotencyKey: 'carry-on-0001' });
    await waitUntil(() => h.must('sessions.records', { id: session.id, afterSeq: 0, limit: 10_000 }), (r) => JSON.stringify(r.records).includes('carry on'), 20_000, 'the second prompt journaled');
    await waitUntil(() => state(session.id), (st) => st === 'idle', 20_000, 'the second turn to end');
  });

  it('“Stop the session and release”: stops it, preserves its work under the session’s id (not the worktree’s), releases', async () => {
    const p = await project();
    const { session, wt } = await idleSession(p.id);
    writeFileSync(join(wt.path, 'draft.txt'), 'half-written\n');

    const released = await h.must('worktrees.release', { worktreeId: wt.id, stopSession: true });
    expect(released.status).toBe('released');
    expect(released.preservedRef).toBe(`refs/baton/preserved/${session.id}`);
    expect(await state(session.id)).toBe('stopped');
    expect(existsSync(wt.path)).toBe(false);
    expect(git(p.repo, 'show', `${released.preservedRef}:draft.txt`)).toBe('half-written\n');

    const panel = await h.must('worktrees.list', { projectId: p.id });
    const preserved = panel.preserved.find((x) => x.ref === released.preservedRef);
    expect(preserved?.sessionId).toBe(session.id);
    expect(preserved?.message).toContain(`uncommitted work of session ${session.id}`);
    expect(preserved?.message).toContain('Fix the login page');
    expect(panel.preserved.some((x) => x.sessionId === wt.id)).toBe(false);
  });

  it('a stopped session’s worktree releases at once, labelled with the session; a worktree no session used keeps its own id', async () => {
    const p = await project();
    const { session, wt } = await idleSession(p.id);
    writeFileSync(join(wt.path, 'draft.txt'), 'kept\n');
    await h.must('sessions.stop', { id: session.id });
    await waitUntil(() => state(session.id), (st) => st === 'stopped', 20_000, 'stopped');
    const released = await h.must('worktrees.release', { worktreeId: wt.id });
    expect(released.preservedRef).toBe(`refs/baton/preserved/${session.id}`);
    const msg = git(p.repo, 'log', '-1', '--format=%B', released.preservedRef as string);
    expect(msg).toContain(`uncommitted work of session ${session.id}`);
    expect(msg).not.toContain(wt.id);

    const bare = await h.must('worktrees.create', { projectId: p.id, name: 'scratch' });
    expect(bare.heldBy).toBeNull();
    writeFileSync(join(bare.path, 'x.txt'), 'x\n');
    const freed = await h.must('worktrees.release', { worktreeId: bare.id });
    expect(freed.preservedRef).toBe(`refs/baton/preserved/${bare.id}`);
    expect(git(p.repo, 'log', '-1', '--format=%B', freed.preservedRef as string)).toContain('uncommitted work of worktree scratch (no session)');
  });
});
