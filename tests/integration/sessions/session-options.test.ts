import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { lostHostScript, methodsSent, recordsOf, waitState, waitTurnsEnded } from './lost-hosts';

/** New session options (title, branch, base branch, agent) and restarting a stopped session, through the real core and git. */
let h: Harness;
beforeAll(() => buildOnce(), 120_000);
afterEach(() => h.cleanup(), 60_000);

async function project(h: Harness): Promise<{ id: string; repo: string; prefix: string }> {
  const repo = makeRepo(h.tempDir());
  // A second branch with a file main does not have: a session based on it sees that file.
  git(repo, 'checkout', '-q', '-b', 'dev');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'dev only');
  git(repo, 'checkout', '-q', 'main');
  const { project } = await h.must('projects.add', { path: repo, name: 'opts' });
  await h.must('projects.update', { id: project.id, patch: { workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), lostHostScript(h.tempDir('agent-store-'))) } });
  return { id: project.id, repo, prefix: project.prefix };
}

describe('new session options', () => {
  it('derives the branch from the title, or takes the branch and base branch given', async () => {
    h = createHarness();
    const p = await project(h);
    const derived = await h.must('sessions.create', { projectId: p.id, prompt: 'hello', title: 'Fix the Login page', harness: 'custom' });
    expect(derived.title).toBe('Fix the Login page');
    expect(derived.branch).toMatch(new RegExp(`^baton/${p.prefix}-fix-the-login-page-[0-9a-f]{6}$`));

    const named = await h.must('sessions.create', { projectId: p.id, prompt: 'hello', title: 'On dev', branch: 'feature/on-dev', baseBranch: 'dev', harness: 'custom' });
    expect(named.branch).toBe('feature/on-dev');
    expect(git(p.repo, 'log', '-1', '--format=%s', 'feature/on-dev').trim()).toBe('dev only');
    expect(existsSync(join(named.worktreePath!, 'README.md'))).toBe(true);
  });

  it('refuses a base branch that does not exist, naming it, and a branch git would not take; nothing is created', async () => {
    h = createHarness();
    const p = await project(h);
    const noBase = await h.call('sessions.create', { projectId: p.id, prompt: 'hello', baseBranch: 'nope', harness: 'custom' });
    expect(noBase.ok).toBe(false);
    if (!noBase.ok) {
      expect(noBase.error.code).toBe('base_not_found');
      expect(noBase.error.message).toContain('"nope"');
    }
    const bad = await h.call('sessions.create', { projectId: p.id, prompt: 'hello', branch: 'two..dots', harness: 'custom' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('"two..dots" cannot be used as a branch name');
    expect(await h.must('sessions.list', { projectId: p.id })).toEqual([]);
    expect(git(p.repo, 'branch', '--list', 'two..dots').trim()).toBe('');
  });
});

describe('restarting a stopped session', () => {
  it('starts its agent again, resumes the conversation, and takes a prompt', async () => {
    h = createHarness();
    const call = callerOf(h.core);
    const p = await project(h);
    const s = await h.must('sessions.create', { projectId: p.id, prompt: 'first', harness: 'custom' });
    await waitTurnsEnded(call, s.id, 1);
    await h.must('sessions.stop', { id: s.id });
    await waitState(call, s.id, (st) => st === 'stopped', 'stopped');
    // Only a stopped session can be restarted: a second restart while it starts is refused.
    const restarted = await h.must('sessions.restart', { id: s.id });
    expect(['starting', 'idle']).toContain(restarted.state);
    await waitState(call, s.id, (st) => st === 'idle', 'idle again');
    await h.must('sessions.prompt', { id: s.id, text: 'after restart', idempotencyKey: 'after-restart-1' });
    await waitTurnsEnded(call, s.id, 2);
    // The same conversation, resumed (the scripted agent offers session/resume), not a new one.
    expect(methodsSent(await recordsOf(call, s.id)).filter((m) => m === 'session/resume')).toHaveLength(1);
    const again = await h.call('sessions.restart', { id: s.id });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.message).toContain('Only a stopped session can be restarted; this one is idle.');
  });
});
