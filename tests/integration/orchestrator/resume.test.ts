import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrchestratorStatus, ReplacementView } from '../../../src/shared/contracts/orchestrator';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, stopAllSessions, type Caller, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { dirty, ORCHESTRATOR_SCRIPT, preservedFiles, waitReplacement } from './helpers';

let h: Harness;
let call: Caller;
const savedInit = process.env.BATON_INIT_TIMEOUT_MS;
const savedGitCap = process.env.BATON_GIT_TIMEOUT_MS;
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  if (savedInit === undefined) delete process.env.BATON_INIT_TIMEOUT_MS;
  else process.env.BATON_INIT_TIMEOUT_MS = savedInit;
  if (savedGitCap === undefined) delete process.env.BATON_GIT_TIMEOUT_MS;
  else process.env.BATON_GIT_TIMEOUT_MS = savedGitCap;
  await h.cleanup();
});

describe('a replacement cut short by shutdown', () => {
  it('quitting while the new agent is still starting leaves the saga running; the next start finishes it with no Retry', async () => {
    h = createHarness();
    call = callerOf(h.core);
    const repo = makeRepo(h.tempDir());
    const dir = h.tempDir();
    const { project } = await h.must('projects.add', { path: repo, name: 'Quitter' });
    await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(dir, ORCHESTRATOR_SCRIPT) } });
    const old = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
    dirty(old.worktreePath as string);

    // The new agent hangs in initialize: the saga sits in spawn when the app quits. Its initialize is
    // given up on quickly, while the app is closing (read at each start: the working agents keep the default).
    await call('projects.update', { id: project.id, patch: { customCommand: scriptedCommand(dir, { initialize: { never: true } }, 'stuck.json') } });
    process.env.BATON_INIT_TIMEOUT_MS = '2500';
    const started = await call<ReplacementView>('orchestrator.replace', { projectId: project.id });
    const stuck = await waitReplacement(call, project.id, (r) => r.id === started.id && r.phase === 'spawn' && r.newSessionId !== null, 'the saga to be spawning');
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: stuck.newSessionId as string }), (s) => s.state === 'starting', 15_000, 'the new agent starting');
    // Meanwhile the agent is fixed; what was launched already is not.
    await call('projects.update', { id: project.id, patch: { customCommand: scriptedCommand(dir, ORCHESTRATOR_SCRIPT, 'good.json') } });
    await h.core.close();
    delete process.env.BATON_INIT_TIMEOUT_MS;

    const again = h.reopen();
    await again.core.recover();
    const done = await waitReplacement(again.call, project.id, (r) => r.id === started.id && r.status !== 'running', 'the replacement to end after the restart', 60_000);
    expect(done).toMatchObject({ status: 'done', attempts: 1, lastError: null });
    const st = await again.call<OrchestratorStatus>('orchestrator.status', { projectId: project.id });
    expect(st.current?.id).toBe(done.newSessionId);
    expect((await again.call<SessionSummary>('sessions.get', { id: old.id })).state).toBe('retired');
    expect(preservedFiles(repo, `refs/baton/preserved/${old.id}`).notes).toBe('plans that were never committed\n');
    await stopAllSessions(again.call);
  }, 120_000);

  it('a git call that hangs once (a hook) times out and the phase is tried again by itself: no failure, no Retry', async () => {
    process.env.BATON_GIT_TIMEOUT_MS = '4000';
    h = createHarness();
    call = callerOf(h.core);
    const repo = makeRepo(h.tempDir());
    const dir = h.tempDir();
    // The first checkout's hook hangs (as a stuck hook or a held lock would); later ones pass.
    const marker = join(dir, 'hook-ran-once');
    writeFileSync(join(repo, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\nif [ -e "${marker}" ]; then exit 0; fi\necho $$ > "${marker}"\nexec sleep 60\n`);
    chmodSync(join(repo, '.git', 'hooks', 'post-checkout'), 0o755);
    const { project } = await h.must('projects.add', { path: repo, name: 'Hooked' });
    await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(dir, ORCHESTRATOR_SCRIPT) } });

    const started = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
    expect(started.branch).toBe('baton/hooked-orchestrator');
    const st = await call<OrchestratorStatus>('orchestrator.status', { projectId: project.id });
    expect(st.replacement).toMatchObject({ status: 'done', attempts: 1, lastError: null });
    // The hung hook was killed with its git, not left holding the repository.
    const pid = Number(readFileSync(marker, 'utf8').trim());
    await waitUntil(() => { try { process.kill(pid, 0); return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } }, (alive) => !alive, 10_000, 'the hook process gone');
    await stopAllSessions(call);
  }, 120_000);
});
