import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { RunView, TaskView } from '../../../src/shared/contracts/tasks';
import { buildOnce } from '../../support/build';
import { callerOf, createHarness, makeRepo, stopAllSessions, type Caller, type Harness } from '../../support/core-harness';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { prompts, state, toolCaller, toolToken, wakePrompts } from './helpers';

/** "Start a worker for this task" from the task panel: the run is claimed in a person's name and bound to a worker, by spawn_worker's path. */
let h: Harness;
let call: Caller;
beforeAll(() => buildOnce(), 120_000);
afterEach(async () => {
  await stopAllSessions(call);
  await h.cleanup();
});

const SCRIPT = { prompts: [{ match: 'Wake-up', steps: [{ type: 'text', text: 'woke' }] }], default: { steps: [{ type: 'text', text: 'ok' }] } };

async function withOrchestrator() {
  h = createHarness();
  call = callerOf(h.core);
  const repo = makeRepo(h.tempDir());
  const { project } = await h.must('projects.add', { path: repo, name: 'queue' });
  await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT) } });
  const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
  await waitUntil(() => prompts(call, orch.id), (p) => p.length === 1, 20_000, 'the handoff');
  await waitUntil(() => state(call, orch.id), (s) => s === 'idle', 20_000, 'idle');
  return { projectId: project.id, orch, tool: toolCaller(h.core, orch.id, await toolToken(call, orch.id)) };
}

describe('tasks.startWorker', () => {
  it('starts a worker bound to the run at once; the orchestrator is told and completes it with the token "person"', async () => {
    const { projectId, orch, tool } = await withOrchestrator();
    const task = await call<TaskView>('tasks.add', { projectId, title: 'Fix the login bug', body: 'It 500s.' });
    const started = await call<{ task: TaskView; worker: SessionSummary }>('tasks.startWorker', { taskId: task.id });
    expect(started.worker).toMatchObject({ role: 'worker', title: 'Fix the login bug', projectId });
    expect(started.task.run).toMatchObject({ status: 'running', workerSessionId: started.worker.id });

    const wake = await waitUntil(() => prompts(call, orch.id), (p) => wakePrompts(p).some((w) => w.includes('worker started by a person')), 20_000, 'the wake');
    expect(wakePrompts(wake).find((w) => w.includes('worker started by a person'))).toContain('claimToken "person"');

    // A second start finds the run taken, and says so.
    const again = await h.call('tasks.startWorker', { taskId: task.id });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.message).toContain(`it has worker ${started.worker.id} already`);

    const done = await tool<RunView>('complete_run', { runId: started.task.run!.id, claimToken: 'person', summary: 'Fixed.' });
    expect(done.status).toBe('completed');
    expect((await call<TaskView[]>('tasks.list', { projectId }))[0]).toMatchObject({ status: 'done' });
  });

  it("refuses a run the orchestrator has claimed, and a wrong token still does not hold a person's run", async () => {
    const { projectId, tool } = await withOrchestrator();
    const task = await call<TaskView>('tasks.add', { projectId, title: 'Claimed first' });
    const claimed = await tool<{ run: RunView; claimToken: string }>('claim_next_run');
    expect(claimed.run.taskId).toBe(task.id);
    const r = await h.call('tasks.startWorker', { taskId: task.id });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('Cannot start a worker for "Claimed first": its run is claimed, not queued: the orchestrator has claimed it.');
    // "person" holds only a run a person claimed.
    await expect(tool('complete_run', { runId: claimed.run.id, claimToken: 'person', summary: 'x' })).rejects.toThrow(/bad_claim_token/);
  });
});
