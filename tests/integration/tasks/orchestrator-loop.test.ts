import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { TaskView } from '../../../src/shared/contracts/tasks';
import { makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { harnessPerTest } from '../../support/harness-per-test';
import { readyForPrompt, scriptedCommand, waitUntil } from '../../support/scripted';
import { orchestratorTranscript } from '../orchestrator/helpers';
import { toolCaller, toolToken } from './helpers';
import { ORCHESTRATOR_LOOP_STEPS } from '../../support/orchestrator-scripts';

let h: Harness;
let call: Caller;
const harness = harnessPerTest();

/**
 * One script for both roles (a project has one custom command): woken, the
 * orchestrator claims the run, starts a worker for it through Baton's MCP
 * tools, waits for the worker to end its turn, and completes the run.
 */
const SCRIPT = {
  prompts: [
    {
      match: 'Wake-up',
      steps: [...ORCHESTRATOR_LOOP_STEPS],
    },
    {
      // A misspelt argument, sent the way an agent sends it: through Baton's MCP server.
      match: 'STRICT-CHECK',
      steps: [
        { type: 'mcp_call', tool: 'list_tasks', args: { stauts: 'open' }, failTurn: false },
        { type: 'text', text: 'Checked.' },
      ],
    },
    {
      match: 'Implement',
      steps: [
        { type: 'tool_call', id: 'edit', title: 'Edit src/feature.ts', kind: 'edit', status: 'pending' },
        { type: 'tool_update', id: 'edit', status: 'completed', content: 'written' },
        { type: 'text', text: 'Implemented the feature.' },
      ],
    },
  ],
  default: { steps: [{ type: 'text', text: 'Ready.' }] },
};

describe('the orchestrator at work, end to end with real processes', () => {
  it('woken by a new task, it claims the run, spawns a worker over MCP, and completes the run after the worker ends', { timeout: 120_000 }, async () => {
    ({ h, call } = harness.fresh());
    // The agent's MCP bridge reaches Baton the way it does in the app: through the control socket.
    await harness.startControl();
    const repo = makeRepo(h.tempDir());
    const { project } = await h.must('projects.add', { path: repo, name: 'loop' });
    const command = scriptedCommand(h.tempDir(), SCRIPT);
    await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: command } });
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), (s) => readyForPrompt(s) && s.lastSeq > 5, 20_000, 'the handoff turn');

    const task = await call<TaskView>('tasks.add', { projectId: project.id, title: 'Implement the feature', body: 'Add src/feature.ts' });
    const done = await waitUntil(() => call<TaskView[]>('tasks.list', { projectId: project.id }), (l) => l[0]?.status !== 'open', 60_000, 'the run to complete').catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}\norchestrator: ${JSON.stringify((await orchestratorTranscript(call, orch.id)).items).slice(-3000)}`);
    });
    expect(done[0]).toMatchObject({ id: task.id, status: 'done', run: { status: 'completed', summary: 'Worker said: Implemented the feature.' } });

    const sessions = await call<SessionSummary[]>('sessions.list', { projectId: project.id });
    const workers = sessions.filter((s) => s.role === 'worker');
    expect(workers).toHaveLength(1);
    expect(done[0]?.run?.workerSessionId).toBe(workers[0]?.id);
    expect(workers[0]?.branch).toMatch(/^baton\/loop-implement-the-feature/);
    expect(sessions.filter((s) => s.role === 'orchestrator')).toHaveLength(1);

    // The run is completed by the tool call itself; the agent's own record of it follows a moment later.
    const t = await waitUntil(() => orchestratorTranscript(call, orch.id), (x) => !x.turnOpen && x.items.some((i) => i.type === 'agent' && i.text.includes('Run completed.')), 20_000, 'the orchestrator turn to end');
    const mcp = t.items.filter((i) => i.type === 'tool');
    expect(mcp.map((i) => (i.type === 'tool' ? [i.title, i.status] : []))).toEqual([
      ['mcp: claim_next_run', 'completed'],
      ['mcp: spawn_worker', 'completed'],
      ['mcp: wait_for_changes', 'completed'],
      ['mcp: worker_status', 'completed'],
      ['mcp: complete_run', 'completed'],
    ]);
  });

  it("an orchestrator's tools see only its own project; a wrong token is refused", async () => {
    ({ h, call } = harness.fresh());
    const ids: string[] = [];
    for (const name of ['alpha', 'beta']) {
      const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name });
      await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT) } });
      ids.push(project.id);
    }
    const [alpha, beta] = ids as [string, string];
    const orchA = await call<SessionSummary>('orchestrator.start', { projectId: alpha });
    const betaTask = await call<TaskView>('tasks.add', { projectId: beta, title: 'Beta only' });
    const betaWorker = await call<SessionSummary>('sessions.create', { projectId: beta, prompt: 'Implement beta', harness: 'custom' });
    const tool = toolCaller(h.core, orchA.id, await toolToken(call, orchA.id));

    expect(await tool('list_tasks')).toEqual([]);
    expect(await tool('claim_next_run')).toBeNull();
    await expect(tool('worker_status', { sessionId: betaWorker.id })).rejects.toMatchObject({ code: 'worker_not_found' });
    await expect(tool('stop_worker', { sessionId: betaWorker.id })).rejects.toMatchObject({ code: 'worker_not_found' });
    await expect(tool('complete_run', { runId: betaTask.run?.id, claimToken: 'x', summary: 'no' })).rejects.toMatchObject({ code: 'run_not_found' });
    const forged = toolCaller(h.core, orchA.id, 'not-the-token');
    await expect(forged('list_tasks')).rejects.toMatchObject({ code: 'forbidden' });
    // A worker is not an orchestrator, whatever token it presents.
    const asWorker = toolCaller(h.core, betaWorker.id, await toolToken(call, orchA.id));
    await expect(asWorker('list_tasks')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await call<SessionSummary>('sessions.get', { id: betaWorker.id })).state).not.toBe('stopped');
  });

  it('a tool call with an argument the tool does not take is refused, naming the argument and what the tool takes', async () => {
    ({ h, call } = harness.fresh());
    const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'strict' });
    await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT) } });
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
    const tool = toolCaller(h.core, orch.id, await toolToken(call, orch.id));

    // A misspelt argument must not be dropped silently: the agent would believe it was honoured.
    const typo = await tool('list_tasks', { stauts: 'open' }).catch((e: unknown) => e as Error & { code: string });
    expect(typo).toMatchObject({ code: 'invalid_input' });
    expect((typo as Error).message).toContain('"stauts"');
    expect((typo as Error).message).toContain('list_tasks takes: status');
    await expect(tool('claim_next_run', { runId: 'r1' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('takes no arguments') });
    await expect(tool('spawn_worker', { runId: 'r', claimToken: 't', harness: 'codex' })).rejects.toMatchObject({ code: 'invalid_input' });
    // Known arguments still work.
    expect(await tool('list_tasks', { status: 'open' })).toEqual([]);

    // Through the agent's MCP server too: the misspelt argument is refused there, not stripped on the way.
    await harness.startControl();
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), readyForPrompt, 20_000, 'the handoff turn');
    await call('sessions.prompt', { id: orch.id, text: 'STRICT-CHECK', idempotencyKey: 'strict-check-1' });
    const t = await waitUntil(() => orchestratorTranscript(call, orch.id), (x) => !x.turnOpen && x.items.some((i) => i.type === 'agent' && i.text.includes('Checked.')), 30_000, 'the checked turn');
    const listed = t.items.find((i) => i.type === 'tool' && i.title === 'mcp: list_tasks');
    expect(listed).toMatchObject({ status: 'failed' });
    expect(listed?.type === 'tool' ? listed.content.join('\n') : '').toContain('stauts');
  });
});
