import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/errors';
import { fail, ok } from '../../src/shared/result';
import { createApi } from '../../src/renderer/src/api/client';
import type { Transport } from '../../src/renderer/src/api/transport';
import { connectStore, createBatonStore, type BatonStore } from '../../src/renderer/src/app/store';
import { describeFailure, selectOrchestrator, selectReplacement } from '../../src/renderer/src/features/orchestrator/orchestrator';
import { selectTasks, selectWake } from '../../src/renderer/src/features/tasks/tasks';
import { createHarness, makeRepo, type Harness } from '../support/core-harness';
import { inProcessTransport } from './in-process-transport';
import { until } from '../support/wait';

/**
 * The orchestrator and task slices against a real core (real SQLite, real
 * git): loaded by query, followed by event, resynced after a reconnect. No
 * agent process is needed: the orchestrator here fails to start, on purpose.
 */

let h: Harness | null = null;
let store: BatonStore;
let disconnect: () => void = () => {};
afterEach(async () => {
  disconnect();
  await h?.cleanup();
  h = null;
});


async function openedProject(): Promise<{ projectId: string; transport: ReturnType<typeof inProcessTransport> }> {
  h = createHarness();
  const transport = inProcessTransport(h.core);
  store = createBatonStore({ api: createApi(transport) });
  disconnect = connectStore(store, transport);
  const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'Queue' });
  await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: 'no-such-agent-binary --acp' } });
  // What opening the project view does.
  const s = store.getState();
  await Promise.all([s.loadOrchestrator(project.id), s.loadTasks(project.id), s.loadWake(project.id)]);
  return { projectId: project.id, transport };
}

describe('tasks and wakes in the store', () => {
  it('follow tasks.changed: a task added elsewhere shows with its queued run, and the wake says it waits for an orchestrator', async () => {
    const { projectId } = await openedProject();
    expect(selectTasks(projectId)(store.getState())).toEqual([]);
    expect(selectWake(projectId)(store.getState())).toMatchObject({ pending: false, lastDeliveredAt: null });

    await h!.must('tasks.add', { projectId, title: 'From the command line', priority: 'high' });
    await until(() => selectTasks(projectId)(store.getState()).length === 1, 'the task');
    expect(selectTasks(projectId)(store.getState())[0]).toMatchObject({ title: 'From the command line', priority: 'high', status: 'open', run: { status: 'queued' } });
    await until(() => selectWake(projectId)(store.getState())?.pending === true, 'the wake');
    expect(selectWake(projectId)(store.getState())).toMatchObject({ summary: '1 new run', waitingFor: 'orchestrator' });
  });

  it('adds and cancels through the store; a failed action says what failed and what to do', async () => {
    const { projectId } = await openedProject();
    const added = await store.getState().addTask({ projectId, title: 'Write the docs', body: 'README first', priority: 'normal' });
    expect(added.ok).toBe(true);
    // Read at once, not only when the event comes.
    expect(selectTasks(projectId)(store.getState()).map((t) => t.title)).toEqual(['Write the docs']);

    const task = selectTasks(projectId)(store.getState())[0]!;
    await store.getState().runTaskAction(task, 'cancel');
    expect(store.getState().taskActions[task.id]).toBeUndefined();
    expect(selectTasks(projectId)(store.getState())[0]?.status).toBe('canceled');

    // Retrying a run that did not fail is refused by main: the store keeps the reason and a hint.
    await store.getState().runTaskAction({ ...task, status: 'open' }, 'retry');
    const action = store.getState().taskActions[task.id];
    expect(action?.phase).toBe('error');
    expect(action?.phase === 'error' && action.message).toMatch(/^Could not retry the run: /);
    store.getState().dismissTaskAction(task.id);
    expect(store.getState().taskActions[task.id]).toBeUndefined();
  });

  it('a resync after a reconnect reads tasks and wakes again (events sent meanwhile are gone)', async () => {
    const { projectId, transport } = await openedProject();
    await h!.must('tasks.add', { projectId, title: 'Missed' });
    await until(() => selectTasks(projectId)(store.getState()).length === 1, 'the task');
    // Following is its own fact now (a first read that failed is still followed): the wake is unfollowed by name.
    store.setState((st) => ({ tasks: { [projectId]: [] }, wakes: {}, followed: { ...st.followed, wakes: {} } }));
    transport.resync();
    await until(() => selectTasks(projectId)(store.getState()).length === 1, 'the reload');
    // Wakes not followed before the resync stay unfollowed until the project is opened again.
    expect(selectWake(projectId)(store.getState())).toBeNull();
  });
});

describe('the orchestrator in the store', () => {
  it('a start that fails: no orchestrator, the saga’s failure explains itself (phase, reason); Retry runs it again from there', async () => {
    const { projectId } = await openedProject();
    expect(selectOrchestrator(projectId)(store.getState())).toBeNull();
    expect(store.getState().orchestratorStatus[projectId]?.replacement).toBeNull();
    expect(await store.getState().openOrchestrator(projectId)).toBe(false);

    await store.getState().startOrchestrator(projectId);
    // The card shows the saga's own failure; the action leaves nothing of its own to say.
    expect(store.getState().orchestratorActions[projectId]).toBeUndefined();
    const failed = selectReplacement(projectId)(store.getState());
    expect(failed).toMatchObject({ status: 'failed', phase: 'spawn', oldSessionId: null, attempts: 1 });
    expect(describeFailure(failed!)).toMatchObject({ headline: 'No orchestrator — start failed at starting the new orchestrator' });
    expect(describeFailure(failed!)?.message).toContain('no-such-agent-binary');

    await store.getState().retryReplacement(projectId);
    expect(store.getState().followedReplacements[projectId]).toBe(failed!.id);
    await until(() => selectReplacement(projectId)(store.getState())?.attempts === 2 && selectReplacement(projectId)(store.getState())?.status === 'failed', 'the retry to fail again');
    // Still followed: a Retry that succeeds later opens the new orchestrator.
    expect(store.getState().followedReplacements[projectId]).toBe(failed!.id);
    expect(selectOrchestrator(projectId)(store.getState())).toBeNull();
  });

  it('Start while a failed saga is open is refused with the reason (Retry is the way on)', async () => {
    const { projectId } = await openedProject();
    await store.getState().startOrchestrator(projectId);
    await store.getState().startOrchestrator(projectId);
    // Main refuses a second start while the failed one is open; the card's failure panel already says so.
    expect(store.getState().orchestratorActions[projectId]).toBeUndefined();
    expect(selectReplacement(projectId)(store.getState())?.status).toBe('failed');
  });
});

describe('opening a session whose transcript this window never held', () => {
  it('keeps the first page it reads (it used to be dropped: an empty transcript until the next record)', async () => {
    const records = [1, 2].map((seq) => ({ v: 1, seq, ts: 0, dir: 'in' as const, msg: { jsonrpc: '2.0', method: 'x' } }));
    const transport: Transport = {
      invoke: (name) => Promise.resolve(name === 'sessions.records' ? ok({ records, lastSeq: 2 }) : fail(ErrorCode.internal, `not in this test: ${name}`)),
      subscribe: () => () => {},
      onState: () => () => {},
      onResync: () => () => {},
      retryNow: () => {},
    };
    store = createBatonStore({ api: createApi(transport) });
    store.getState().openSession('s1');
    await until(() => (store.getState().records.s1?.length ?? 0) === 2, 'the first page');
  });
});
