import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrchestratorStatus, ReplacementView } from '../../../src/shared/contracts/orchestrator';
import { restartNeeded } from '../../../src/shared/orchestrator';
import type { ProjectSummary } from '../../../src/shared/contracts/projects';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, git, makeRepo, stopAllSessions, type Caller, type Harness } from '../../support/core-harness';
import { insertDuplicateOrchestrator } from '../../support/db';
import { fakeHarnessBinary, scriptedCommand, waitUntil } from '../../support/scripted';
import { dirty, gone, handoffDone, ORCHESTRATOR_SCRIPT, orchestrators, orchestratorTranscript, preservedFiles, waitReplacement } from './helpers';

let h: Harness;
let call: Caller;
const savedPath = process.env.PATH;
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  process.env.PATH = savedPath;
  await stopAllSessions(call);
  await h.cleanup();
});

async function project(script: unknown = ORCHESTRATOR_SCRIPT): Promise<{ id: string; repo: string; dir: string }> {
  h = createHarness();
  call = callerOf(h.core);
  const repo = makeRepo(h.tempDir());
  const dir = h.tempDir();
  const { project: p } = await h.must('projects.add', { path: repo, name: 'Orch Demo' });
  await h.must('projects.update', { id: p.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(dir, script) } });
  return { id: p.id, repo, dir };
}

const status = (projectId: string) => call<OrchestratorStatus>('orchestrator.status', { projectId });

describe('the project orchestrator', () => {
  it('starts once on the canonical branch; concurrent starts return the same session', async () => {
    const p = await project();
    const [a, b] = await Promise.all([call<SessionSummary>('orchestrator.start', { projectId: p.id }), call<SessionSummary>('orchestrator.start', { projectId: p.id })]);
    expect(a.id).toBe(b.id);
    expect(a.role).toBe('orchestrator');
    expect(a.branch).toBe('baton/orch-demo-orchestrator');
    expect(a.worktreePath).toBe(join(h.dataDir, 'worktrees', 'orch-demo', 'orchestrator'));
    expect(git(a.worktreePath as string, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('baton/orch-demo-orchestrator');
    expect((await call<SessionSummary>('orchestrator.start', { projectId: p.id })).id).toBe(a.id);
    expect(await orchestrators(call, p.id)).toHaveLength(1);
    expect((await status(p.id)).current?.id).toBe(a.id);
  });

  it('a clean replacement: old stopped, its work preserved, worktree released, retired; the new one is current and got the handoff', async () => {
    const p = await project({ default: { steps: [{ type: 'text', text: 'Old orchestrator says: halfway through the migration.' }] } });
    const old = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    await handoffDone(call, old.id);
    await call('sessions.prompt', { id: old.id, text: 'status?', idempotencyKey: 'status-question-1' });
    await waitUntil(() => orchestratorTranscript(call, old.id), (t) => !t.turnOpen && t.items.filter((i) => i.type === 'turn_end').length === 2, 20_000, 'the old one to answer (after its handoff)');
    dirty(old.worktreePath as string);

    const started = await call<ReplacementView>('orchestrator.replace', { projectId: p.id });
    expect(started.oldSessionId).toBe(old.id);
    const done = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the replacement to end');
    expect(done).toMatchObject({ status: 'done', phase: 'done', preservedRef: `refs/baton/preserved/${old.id}`, lastError: null });

    expect((await call<SessionSummary>('sessions.get', { id: old.id })).state).toBe('retired');
    expect(preservedFiles(p.repo, done.preservedRef as string)).toEqual({ readme: '# changed by the old orchestrator\n', notes: 'plans that were never committed\n' });
    const st = await status(p.id);
    expect(st.current?.id).toBe(done.newSessionId);
    expect(st.current?.branch).toBe('baton/orch-demo-orchestrator');
    expect(st.duplicates).toEqual([]);
    // The canonical folder is the new one's now, checked out fresh on the canonical branch.
    expect(git(st.current?.worktreePath as string, 'status', '--porcelain').trim()).toBe('');
    const t = await waitUntil(() => orchestratorTranscript(call, done.newSessionId as string), (x) => x.items.some((i) => i.type === 'user'), 20_000, 'the handoff');
    const handoff = t.items.find((i) => i.type === 'user');
    expect(handoff?.type === 'user' && handoff.text).toContain(`previous orchestrator session ${old.id}`);
    expect(handoff?.type === 'user' && handoff.text).toContain(`refs/baton/preserved/${old.id}`);
    expect(handoff?.type === 'user' && handoff.text).toContain('halfway through the migration');
  });

  it('release fails on a locked worktree: the old stays retiring, nothing is lost; unlock and Retry completes', async () => {
    const p = await project();
    const old = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    dirty(old.worktreePath as string);
    git(p.repo, 'worktree', 'lock', '--reason', 'held by a test', old.worktreePath as string);

    await call('orchestrator.replace', { projectId: p.id });
    const failed = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the failure');
    expect(failed).toMatchObject({ status: 'failed', phase: 'release', lastError: { phase: 'release' } });
    expect(failed.lastError?.message).toMatch(/lock/i);
    expect((await call<SessionSummary>('sessions.get', { id: old.id })).state).toBe('retiring');
    expect((await status(p.id)).current).toBeNull();
    expect(preservedFiles(p.repo, failed.preservedRef as string).notes).toBe('plans that were never committed\n');

    git(p.repo, 'worktree', 'unlock', old.worktreePath as string);
    const retried = await call<ReplacementView>('orchestrator.retry', { replacementId: failed.id });
    expect(retried.attempts).toBe(2);
    const done = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the retry');
    expect(done.status).toBe('done');
    expect((await call<SessionSummary>('sessions.get', { id: old.id })).state).toBe('retired');
    expect(preservedFiles(p.repo, done.preservedRef as string).notes).toBe('plans that were never committed\n');
    expect((await status(p.id)).current?.id).toBe(done.newSessionId);
  });

  it('Replace with an agent that cannot start is refused before anything is touched: the old one keeps working', async () => {
    const p = await project();
    const old = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    dirty(old.worktreePath as string);
    await call('projects.update', { id: p.id, patch: { customCommand: 'no-such-agent-binary --acp' } });

    const refused = await h.call('orchestrator.replace', { projectId: p.id });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('agent_not_found');
    expect(refused.error.message).toContain('no-such-agent-binary');
    expect(refused.error.message).toMatch(/Nothing was stopped/);
    // No saga started: the old orchestrator is current, running, its worktree and work where they were.
    const st = await status(p.id);
    expect(st.replacement?.oldSessionId ?? null).not.toBe(old.id);
    expect(st.current?.id).toBe(old.id);
    expect(['idle', 'busy']).toContain(st.current?.state);
    expect(gone(old.worktreePath as string)).toBe(false);
    await handoffDone(call, old.id);
    await call('sessions.prompt', { id: old.id, text: 'still there?', idempotencyKey: 'still-there-0001' });
    await waitUntil(() => orchestratorTranscript(call, old.id), (t) => !t.turnOpen && t.items.filter((i) => i.type === 'turn_end').length === 2, 20_000, 'the old one to answer (after its handoff)');

    // A known harness that is not installed is refused the same way, with how to install it.
    process.env.PATH = h.tempDir('empty-bin-');
    await call('projects.update', { id: p.id, patch: { orchestratorAgent: 'codex' } });
    const codex = await h.call('orchestrator.replace', { projectId: p.id });
    expect(codex.ok ? null : codex.error).toMatchObject({ code: 'agent_not_found' });
    expect(codex.ok ? '' : codex.error.message).toContain('npm install -g @agentclientprotocol/codex-acp');
    process.env.PATH = savedPath;

    // Fixed, Replace goes through.
    await call('projects.update', { id: p.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(p.dir, ORCHESTRATOR_SCRIPT, 'good.json') } });
    await call('orchestrator.replace', { projectId: p.id });
    const done = await waitReplacement(call, p.id, (r) => r.oldSessionId === old.id && r.status !== 'running', 'the replacement');
    expect(done.status).toBe('done');
    expect(preservedFiles(p.repo, done.preservedRef as string).readme).toBe('# changed by the old orchestrator\n');
  });

  it('verify fails when the new agent never initializes; Retry with a working agent starts a fresh one', async () => {
    try {
      const p = await project();
      await call<SessionSummary>('orchestrator.start', { projectId: p.id });
      const silent = scriptedCommand(p.dir, { initialize: { never: true } }, 'silent.json');
      await call('projects.update', { id: p.id, patch: { customCommand: silent } });
      // Short only for the agent that never answers (read at each start): the working ones get the default, however loaded the machine.
      process.env.BATON_INIT_TIMEOUT_MS = '1500';
      await call('orchestrator.replace', { projectId: p.id });
      const failed = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the failure');
      delete process.env.BATON_INIT_TIMEOUT_MS;
      expect(failed).toMatchObject({ status: 'failed', phase: 'verify', lastError: { code: 'verify_failed' } });
      expect(failed.lastError?.message).toMatch(/initialize/);
      const stuck = failed.newSessionId as string;

      await call('projects.update', { id: p.id, patch: { customCommand: scriptedCommand(p.dir, ORCHESTRATOR_SCRIPT, 'good.json') } });
      await call('orchestrator.retry', { replacementId: failed.id });
      const done = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the retry');
      expect(done.status).toBe('done');
      expect(done.newSessionId).not.toBe(stuck);
      expect((await call<SessionSummary>('sessions.get', { id: stuck })).state).toBe('failed');
      expect((await status(p.id)).current?.id).toBe(done.newSessionId);
    } finally {
      delete process.env.BATON_INIT_TIMEOUT_MS;
    }
  });

  it('two replace requests at once run one saga and make one new orchestrator', async () => {
    const p = await project();
    const old = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    const [a, b] = await Promise.all([call<ReplacementView>('orchestrator.replace', { projectId: p.id }), call<ReplacementView>('orchestrator.replace', { projectId: p.id })]);
    expect(a.id).toBe(b.id);
    const done = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the replacement');
    expect(done.status).toBe('done');
    const all = await orchestrators(call, p.id);
    expect(all.map((s) => s.id).sort()).toEqual([old.id, done.newSessionId].sort());
    expect(all.filter((s) => s.state !== 'retired')).toHaveLength(1);
  });

  it('switching the configured agent shows Restart needed until the orchestrator is replaced with it', async () => {
    const p = await project();
    const bin = h.tempDir('fake-bin-');
    const script = join(p.dir, 'claude.json');
    writeFileSync(script, JSON.stringify(ORCHESTRATOR_SCRIPT));
    fakeHarnessBinary(bin, 'claude-agent-acp', script);
    process.env.PATH = `${bin}${delimiter}${savedPath ?? ''}`;
    const old = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    await call('projects.update', { id: p.id, patch: { orchestratorAgent: 'claude-code' } });
    const before = await status(p.id);
    expect({ configured: before.configuredAgent, running: before.current?.harness }).toEqual({ configured: 'claude-code', running: 'custom' });
    const summary = (await call<ProjectSummary[]>('projects.list', {})).find((x) => x.id === p.id);
    expect(summary?.orchestratorAgent).toBe('claude-code');

    await call('orchestrator.replace', { projectId: p.id });
    const done = await waitReplacement(call, p.id, (r) => r.status !== 'running', 'the switch');
    expect(done.status).toBe('done');
    const after = await status(p.id);
    expect(after.current?.harness).toBe('claude-code');
    expect(after.current?.id).not.toBe(old.id);
  });

  it('two active orchestrators at startup: the newest is current, the other flagged; Retire duplicates ends it', async () => {
    const p = await project();
    const first = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    await call('sessions.stop', { id: first.id });
    // A duplicate as a bug or a peer tool might leave one: written straight into the database, interrupted.
    insertDuplicateOrchestrator(h.dataDir, { id: 'dup-older', title: 'dup', at: '2030-01-01T00:00:00.000Z' }, first.id);
    insertDuplicateOrchestrator(h.dataDir, { id: 'dup-newer', title: 'dup', at: '2030-01-01T00:00:00.000Z' }, first.id); // Same createdAt and updatedAt: the id breaks the tie.

    const st = await status(p.id);
    // "dup-older" > "dup-newer" as strings: with every timestamp equal, the greater id is the newest.
    expect(st.current?.id).toBe('dup-older');
    expect(st.duplicates).toEqual(['dup-newer']);
    expect(await call('orchestrator.retireDuplicates', { projectId: p.id })).toEqual({ retired: 1 });
    const after = await status(p.id);
    expect(after.duplicates).toEqual([]);
    expect(after.current?.id).toBe(st.current?.id);
    // The survivor shares the canonical worktree: it was not released under it.
    expect(gone(first.worktreePath as string)).toBe(false);
  });

  it('the project list carries the orchestrator agent and nothing else of the config', async () => {
    const p = await project();
    await h.must('projects.setEnv', { id: p.id, key: 'API_TOKEN', value: 'super-secret-value' });
    await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    const list = await call<ProjectSummary[]>('projects.list', {});
    const mine = list.find((x) => x.id === p.id) as ProjectSummary;
    expect(Object.keys(mine).sort()).toEqual(['baseBranch', 'host', 'hostLink', 'id', 'name', 'notificationsMuted', 'orchestratorAgent', 'orchestratorLaunch', 'path', 'prefix', 'sessionCounts']);
    expect(JSON.stringify(list)).not.toMatch(/customCommand|workerAgent|setupCommands|super-secret-value|API_TOKEN/);
    // The launch is a digest: nothing of the command line (which may carry a secret) shows through.
    expect(mine.orchestratorLaunch).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(list)).not.toMatch(/scripted-agent|script\.json|--script/);
  });

  it('a changed custom command (same harness) shows Restart needed until the orchestrator is replaced with it', async () => {
    const p = await project();
    const old = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    const launchOf = async () => (await call<ProjectSummary[]>('projects.list', {})).find((x) => x.id === p.id)?.orchestratorLaunch ?? null;
    const need = async () => {
      const st = await status(p.id);
      return restartNeeded({ agent: st.configuredAgent, launch: await launchOf() }, st.current ? { harness: st.current.harness, launch: st.currentLaunch } : null);
    };
    const before = await status(p.id);
    expect(before.currentLaunch).toBe(await launchOf());
    expect(before.configuredLaunch).toBe(before.currentLaunch);
    expect(await need()).toBeNull();

    // Same harness (custom), another argument: the agent would start differently.
    await call('projects.update', { id: p.id, patch: { customCommand: `${scriptedCommand(p.dir, ORCHESTRATOR_SCRIPT)} --verbose` } });
    expect(await need()).toEqual({ configured: 'custom', running: 'custom', reason: 'command' });
    expect((await status(p.id)).configuredLaunch).toBe(await launchOf());

    await call('orchestrator.replace', { projectId: p.id });
    const done = await waitReplacement(call, p.id, (r) => r.oldSessionId === old.id && r.status !== 'running', 'the restart');
    expect(done.status).toBe('done');
    expect(await need()).toBeNull();
  });
});
