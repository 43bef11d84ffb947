import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databasePath } from '../../../src/main/app/paths';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { RunView, TaskView, WakeView } from '../../../src/shared/contracts/tasks';
import { buildTranscript } from '../../../src/shared/transcript';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, stopAllSessions, type Caller, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { cancels, prompts, state, toolCaller, toolToken, wakePrompts } from './helpers';

let h: Harness;
/** The main the test talks to: the harness's core, or the core that replaced it after a restart. */
let call: Caller;
beforeAll(() => {
  // The lease ticker runs often here, so an expired lease is noticed within the test's patience.
  process.env.BATON_TASK_TICK_MS = '200';
  return buildOnce();
}, 120_000);
afterEach(async () => {
  await stopAllSessions(call);
  await h.cleanup();
});

const SCRIPT = {
  prompts: [
    { match: 'HOLD-ON', steps: [{ type: 'delay', ms: 1500 }, { type: 'text', text: 'held' }] },
    { match: 'ASK-FIRST', steps: [{ type: 'permission', id: 'p1', title: 'Deploy to staging' }, { type: 'text', text: 'asked' }] },
    { match: 'Wake-up', steps: [{ type: 'text', text: 'woke' }] },
  ],
  default: { steps: [{ type: 'text', text: 'ok' }] },
};

async function withOrchestrator(): Promise<{ projectId: string; orch: SessionSummary; tool: ReturnType<typeof toolCaller> }> {
  h = createHarness();
  call = callerOf(h.core);
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'queue' });
  await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT) } });
  const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
  // The handoff is its first prompt: let it end.
  await waitUntil(() => prompts(call, orch.id), (p) => p.length === 1, 20_000, 'the handoff');
  await waitUntil(() => state(call, orch.id), (s) => s === 'idle', 20_000, 'idle');
  const tool = toolCaller(h.core, orch.id, await toolToken(call, orch.id));
  return { projectId: project.id, orch, tool };
}

const add = (projectId: string, title: string) => call<TaskView>('tasks.add', { projectId, title });

describe('waking the orchestrator', () => {
  it('an idle orchestrator is prompted once per enqueue', async () => {
    const { projectId, orch } = await withOrchestrator();
    await add(projectId, 'Fix the login bug');
    const p = await waitUntil(() => prompts(call, orch.id), (x) => wakePrompts(x).length === 1, 20_000, 'the wake');
    expect(wakePrompts(p)[0]).toContain('1 new run');
    expect(wakePrompts(p)[0]).toContain('Fix the login bug');
    await waitUntil(() => state(call, orch.id), (s) => s === 'idle', 20_000, 'idle again');
    expect((await call<WakeView>('tasks.wake', { projectId })).pending).toBe(false);
    expect(wakePrompts(await prompts(call, orch.id))).toHaveLength(1);
  });

  it('five enqueues while busy coalesce into exactly one wake after the turn', async () => {
    const { projectId, orch } = await withOrchestrator();
    await call('sessions.prompt', { id: orch.id, text: 'HOLD-ON please', idempotencyKey: 'hold-on-0001' });
    await waitUntil(() => state(call, orch.id), (s) => s === 'busy', 10_000, 'busy');
    for (let i = 0; i < 5; i++) await add(projectId, `task ${i}`);
    const w = await call<WakeView>('tasks.wake', { projectId });
    expect(w).toMatchObject({ pending: true, summary: '5 new runs', waitingFor: 'idle_orchestrator' });
    const p = await waitUntil(() => prompts(call, orch.id), (x) => wakePrompts(x).length >= 1, 20_000, 'the wake after the turn');
    await waitUntil(() => state(call, orch.id), (s) => s === 'idle', 20_000, 'idle again');
    expect(wakePrompts(await prompts(call, orch.id))).toHaveLength(1);
    expect(wakePrompts(p)[0]).toContain('5 new runs');
    expect(await cancels(call, orch.id)).toBe(0);
  });

  it('parked in wait_for_changes: the tool returns with the new run at once, and nothing is cancelled or prompted', async () => {
    const { projectId, orch, tool } = await withOrchestrator();
    const parked = tool<{ changes: { kind: string; title?: string }[]; summary: string }>('wait_for_changes', { timeoutSeconds: 60 });
    const task = await add(projectId, 'Write the changelog');
    const got = await parked;
    expect(got.changes).toEqual([expect.objectContaining({ kind: 'enqueued', title: 'Write the changelog', runId: task.run?.id })]);
    expect(await cancels(call, orch.id)).toBe(0);
    expect(wakePrompts(await prompts(call, orch.id))).toHaveLength(0);
    expect((await call<WakeView>('tasks.wake', { projectId })).pending).toBe(false);
    // With nothing new, it returns after its timeout, empty.
    expect(await tool('wait_for_changes', { timeoutSeconds: 0 })).toMatchObject({ changes: [] });
  });

  it('waiting on a permission: the wake waits (no cancel) and is delivered after the answer', async () => {
    const { projectId, orch } = await withOrchestrator();
    await call('sessions.prompt', { id: orch.id, text: 'ASK-FIRST please', idempotencyKey: 'ask-first-0001' });
    await waitUntil(() => state(call, orch.id), (s) => s === 'waiting_input', 10_000, 'waiting on the person');
    await add(projectId, 'Rotate the keys');
    expect(await call<WakeView>('tasks.wake', { projectId })).toMatchObject({ pending: true, waitingFor: 'answer' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await cancels(call, orch.id)).toBe(0);
    expect(await state(call, orch.id)).toBe('waiting_input');
    const t = await call<{ records: { dir: string; msg: { id?: unknown; method?: string } }[] }>('sessions.records', { id: orch.id, afterSeq: 0, limit: 10_000 });
    const ask = t.records.find((r) => r.dir === 'in' && r.msg.method === 'session/request_permission');
    const perm = buildTranscript(t.records as never).items.find((i) => i.type === 'permission');
    expect(ask && perm?.type === 'permission').toBe(true);
    if (perm?.type !== 'permission') return;
    await call('sessions.answerPermission', { id: orch.id, requestKey: perm.requestKey, optionId: perm.options[0]?.optionId ?? null });
    await waitUntil(() => prompts(call, orch.id), (x) => wakePrompts(x).length === 1, 20_000, 'the wake after the answer');
    expect(await cancels(call, orch.id)).toBe(0);
  });

  it('retry and recover wake it; a stale claim token cannot complete a run', async () => {
    const { projectId, orch, tool } = await withOrchestrator();
    const parkedFirst = tool('wait_for_changes', { timeoutSeconds: 60 });
    await add(projectId, 'Flaky job');
    await parkedFirst;
    const claimed = await tool<{ run: RunView; claimToken: string }>('claim_next_run');
    expect(claimed.run.status).toBe('claimed');
    await tool('fail_run', { runId: claimed.run.id, claimToken: claimed.claimToken, summary: 'tests failed' });

    const parked = tool<{ changes: { kind: string }[] }>('wait_for_changes', { timeoutSeconds: 60 });
    const retried = await call<TaskView>('tasks.retry', { runId: claimed.run.id });
    expect(retried.run).toMatchObject({ status: 'queued', attempt: 2 });
    expect((await parked).changes.map((c) => c.kind)).toEqual(['retried']);

    // The claim changes hands: the first token is worthless from then on.
    const first = await tool<{ run: RunView; claimToken: string }>('claim_next_run');
    const raw = new Database(databasePath(h.dataDir));
    raw.prepare('UPDATE task_runs SET lease_expires_at = ? WHERE id = ?').run('2000-01-01T00:00:00.000Z', first.run.id);
    raw.close();
    const parked2 = tool<{ changes: { kind: string }[] }>('wait_for_changes', { timeoutSeconds: 60 });
    // An expired lease is noticed by the ticker: the run is queued again, with an event, and the orchestrator told.
    await waitUntil(() => call<TaskView[]>('tasks.list', { projectId }), (l) => l[0]?.run?.status === 'queued', 15_000, 'the lease to expire');
    expect((await parked2).changes.map((c) => c.kind)).toEqual(['lease_expired']);
    const second = await tool<{ run: RunView; claimToken: string }>('claim_next_run');
    expect(second.run.id).toBe(first.run.id);
    await expect(tool('complete_run', { runId: first.run.id, claimToken: first.claimToken, summary: 'done?' })).rejects.toMatchObject({ code: 'bad_claim_token' });
    await tool('complete_run', { runId: second.run.id, claimToken: second.claimToken, summary: 'done' });
    expect((await call<TaskView[]>('tasks.list', { projectId }))[0]).toMatchObject({ status: 'done', run: { status: 'completed', summary: 'done' } });

    // Recover: a run that needs attention goes back to the queue and wakes the orchestrator.
    const t2 = await add(projectId, 'Second');
    await tool('wait_for_changes', { timeoutSeconds: 5 });
    const raw2 = new Database(databasePath(h.dataDir));
    raw2.prepare("UPDATE task_runs SET status = 'needs_attention' WHERE id = ?").run(t2.run?.id);
    raw2.close();
    const parked3 = tool<{ changes: { kind: string }[] }>('wait_for_changes', { timeoutSeconds: 60 });
    await call('tasks.recover', { runId: t2.run?.id });
    expect((await parked3).changes.map((c) => c.kind)).toEqual(['recovered']);
    expect(orch.role).toBe('orchestrator');
  });

  it('twenty concurrent enqueues: one orchestrator, and it sees every run', async () => {
    const { projectId, tool } = await withOrchestrator();
    await Promise.all(Array.from({ length: 20 }, (_, i) => add(projectId, `parallel ${i}`)));
    const listed = await tool<TaskView[]>('list_tasks');
    expect(listed).toHaveLength(20);
    expect(new Set(listed.map((t) => t.run?.id)).size).toBe(20);
    const all = await call<SessionSummary[]>('sessions.list', { projectId });
    expect(all.filter((s) => s.role === 'orchestrator')).toHaveLength(1);
  });

  it('a wake pending at a restart is delivered after reconcile', async () => {
    const { projectId, orch } = await withOrchestrator();
    await call('sessions.prompt', { id: orch.id, text: 'HOLD-ON please', idempotencyKey: 'hold-on-0002' });
    await waitUntil(() => state(call, orch.id), (s) => s === 'busy', 10_000, 'busy');
    await add(projectId, 'Survives the restart');
    await h.core.close(); // The host and agent keep running; the wake is stored.
    const second = h.reopen();
    await second.core.recover();
    call = second.call;
    const p = await waitUntil(() => prompts(call, orch.id), (x) => wakePrompts(x).length === 1, 20_000, 'the wake after restart');
    expect(wakePrompts(p)[0]).toContain('Survives the restart');
  });

  it('shutdown stops every wait, timer and connection it started: no handle is left open', async () => {
    const resources = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    // Settled first: the runner's own short timers come and go.
    await new Promise((r) => setTimeout(r, 500));
    const baseline = resources();
    const { projectId, tool } = await withOrchestrator();
    const parked = tool<{ summary: string }>('wait_for_changes', { timeoutSeconds: 600 });
    await add(projectId, 'Queued at shutdown');
    await add(projectId, 'Queued at shutdown too');
    await h.core.close();
    // A parked wait is answered, not left hanging for ten minutes.
    expect((await parked).summary).toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
    // Nothing of ours is left: no more handles of any kind than before Baton started (some of the test runner's may have ended).
    const count = (list: string[]) => list.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});
    const before = count(baseline);
    const extra = Object.entries(count(resources())).filter(([kind, n]) => n > (before[kind] ?? 0));
    expect(extra).toEqual([]);
    // The agents kept running without Baton; the next core stops them in afterEach.
    const second = h.reopen();
    await second.core.recover();
    call = second.call;
  });

  it('tasks queued before there is an orchestrator: the board says it is needed; once started, the handoff comes first, then one wake', async () => {
    h = createHarness();
    call = callerOf(h.core);
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'early' });
    await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT) } });
    await add(project.id, 'Early bird');
    await add(project.id, 'Early bird two');
    expect(await call<WakeView>('tasks.wake', { projectId: project.id })).toMatchObject({ pending: true, waitingFor: 'orchestrator', summary: '2 new runs' });
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
    const p = await waitUntil(() => prompts(call, orch.id), (x) => x.length === 2, 20_000, 'handoff then wake');
    expect(p[0]).toContain('You are now the orchestrator');
    expect(p[0]).toContain('Early bird (queued)');
    expect(p[1]).toContain('2 new runs');
    await waitUntil(() => state(call, orch.id), (s) => s === 'idle', 20_000, 'idle');
    expect(await prompts(call, orch.id)).toHaveLength(2);
  });
});
