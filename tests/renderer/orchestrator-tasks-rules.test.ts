import { describe, expect, it } from 'vitest';
import type { OrchestratorStatus, ReplacementView } from '../../src/shared/contracts/orchestrator';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import type { RunView, TaskView, WakeView } from '../../src/shared/contracts/tasks';
import { harnessLabel, plural, timeAgo } from '../../src/renderer/src/ui/format';
import type { BatonState } from '../../src/renderer/src/app/store';
import {
  describeFailure,
  describeRestartNeeded,
  followOutcome,
  replacementSteps,
  selectDuplicateIds,
  selectIsCurrentOrchestrator,
  selectIsDuplicate,
  selectOrchestrator,
  selectRevivalBlock,
  selectStartRefusal,
} from '../../src/renderer/src/features/orchestrator/orchestrator';
import { attentionNote, describeWake, filterTasks, leaseExpired, taskActionsFor, taskCounts } from '../../src/renderer/src/features/tasks/tasks';

const T0 = '2026-01-01T00:00:00.000Z';
const session = (over: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's1',
  projectId: 'p1',
  role: 'orchestrator',
  harness: 'custom',
  title: 'shop orchestrator',
  state: 'idle',
  stateDetail: null,
  branch: 'baton/shop-orchestrator',
  worktreePath: '/data/worktrees/shop/orchestrator',
  lastSeq: 3,
  divergence: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});
const replacement = (over: Partial<ReplacementView> = {}): ReplacementView => ({
  id: 'r1',
  projectId: 'p1',
  oldSessionId: 'old',
  newSessionId: null,
  phase: 'stop_old',
  status: 'running',
  attempts: 1,
  lastError: null,
  preservedRef: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});
const status = (r: ReplacementView | null): OrchestratorStatus => ({ projectId: 'p1', current: null, duplicates: [], replacement: r, configuredAgent: 'custom', configuredLaunch: null, currentLaunch: null, startRefusal: null });
/** Selectors read only the sessions (and the orchestrator's status); the rest of the store does not matter to them. */
const state = (sessions: SessionSummary[]): BatonState => ({ sessions: Object.fromEntries(sessions.map((s) => [s.id, s])), orchestratorStatus: {} }) as unknown as BatonState;

describe('the orchestrator, picked from the sessions held by the shared rule', () => {
  const older = session({ id: 'a', createdAt: '2026-01-01T00:00:00.000Z' });
  const newer = session({ id: 'b', createdAt: '2026-01-02T00:00:00.000Z' });
  const retired = session({ id: 'c', createdAt: '2026-01-03T00:00:00.000Z', state: 'retired' });
  const worker = session({ id: 'w', role: 'worker', createdAt: '2026-01-04T00:00:00.000Z' });
  const elsewhere = session({ id: 'x', projectId: 'p2', createdAt: '2026-01-05T00:00:00.000Z' });
  const st = state([older, newer, retired, worker, elsewhere]);

  it('is the newest active orchestrator of the project, never a retired one, a worker or another project’s', () => {
    expect(selectOrchestrator('p1')(st)?.id).toBe('b');
    expect(selectOrchestrator('p2')(st)?.id).toBe('x');
    expect(selectOrchestrator('p3')(st)).toBeNull();
    expect(selectOrchestrator('p1')(state([retired, worker]))).toBeNull();
  });
  it('returns the stored object itself, so a component re-renders only when that session changes', () => {
    expect(selectOrchestrator('p1')(st)).toBe(newer);
  });
  it('flags the other active orchestrators as duplicates, and the newest as current', () => {
    expect(selectDuplicateIds('p1')(st)).toBe('a');
    expect(selectDuplicateIds('p2')(st)).toBe('');
    expect(selectIsDuplicate(older)(st)).toBe(true);
    expect(selectIsDuplicate(newer)(st)).toBe(false);
    expect(selectIsDuplicate(worker)(st)).toBe(false);
    expect(selectIsCurrentOrchestrator(newer)(st)).toBe(true);
    expect(selectIsCurrentOrchestrator(older)(st)).toBe(false);
    expect(selectIsCurrentOrchestrator(retired)(st)).toBe(false);
  });
  it('Continue and Retry are held back on an orchestrator another has replaced, and on any while a replacement is open', () => {
    const failed = session({ id: 'f', state: 'failed' });
    expect(selectRevivalBlock(failed)(state([failed, newer]))).toBe('superseded');
    expect(selectRevivalBlock(older)(st)).toBe('superseded');
    expect(selectRevivalBlock(newer)(st)).toBeNull();
    expect(selectRevivalBlock(failed)(state([failed, retired]))).toBeNull();
    expect(selectRevivalBlock(worker)(st)).toBeNull();
    const withSaga = (r: ReplacementView) => ({ ...state([failed]), orchestratorStatus: { p1: status(r) } }) as unknown as BatonState;
    expect(selectRevivalBlock(failed)(withSaga(replacement({ status: 'failed', phase: 'verify' })))).toBe('replacement');
    expect(selectRevivalBlock(failed)(withSaga(replacement({ status: 'done', phase: 'done' })))).toBeNull();
  });
});

describe('selectStartRefusal: the card says up front why Start and Replace cannot run', () => {
  const refusal = { code: 'agent_not_found', message: 'The orchestrator agent is not installed: …' };
  const held = (st: OrchestratorStatus | null) => ({ ...state([]), orchestratorStatus: st ? { p1: st } : {} }) as unknown as BatonState;
  it('the message main gave, for that project only', () => {
    expect(selectStartRefusal('p1')(held({ ...status(null), startRefusal: refusal }))).toBe(refusal.message);
    expect(selectStartRefusal('p2')(held({ ...status(null), startRefusal: refusal }))).toBeNull();
  });
  it('nothing when main gave none, or before the status is read', () => {
    expect(selectStartRefusal('p1')(held(status(null)))).toBeNull();
    expect(selectStartRefusal('p1')(held(null))).toBeNull();
  });
});

describe('followOutcome: when a replacement this window started is done, its orchestrator opens', () => {
  const cases: [string, OrchestratorStatus, 'open' | 'keep' | 'drop'][] = [
    ['still running', status(replacement({ phase: 'release' })), 'keep'],
    ['failed: kept, so a Retry that succeeds opens it too', status(replacement({ status: 'failed', phase: 'release' })), 'keep'],
    ['done', status(replacement({ status: 'done', phase: 'done' })), 'open'],
    ['another replacement is the newest now', status(replacement({ id: 'r2', status: 'running' })), 'drop'],
    ['no replacement at all', status(null), 'drop'],
  ];
  it.each(cases)('%s', (_what, st, expected) => expect(followOutcome('r1', st)).toBe(expected));
});

describe('replacementSteps: the saga as a checklist', () => {
  const states = (r: ReplacementView) => replacementSteps(r).map((s) => `${s.phase}:${s.state}`);
  it('a replacement lists every phase but done, the current one highlighted', () => {
    expect(states(replacement({ phase: 'release' }))).toEqual(['stop_old:done', 'preserve:done', 'release:current', 'retire:pending', 'spawn:pending', 'verify:pending']);
  });
  it('a failure marks the phase it failed in', () => {
    expect(states(replacement({ phase: 'release', status: 'failed' }))).toEqual(['stop_old:done', 'preserve:done', 'release:failed', 'retire:pending', 'spawn:pending', 'verify:pending']);
  });
  it('a first start has only its own phases', () => {
    expect(states(replacement({ oldSessionId: null, phase: 'spawn' }))).toEqual(['spawn:current', 'verify:pending']);
    expect(states(replacement({ oldSessionId: null, phase: 'stop_old' }))).toEqual(['spawn:pending', 'verify:pending']);
  });
  it('done: every step is done', () => {
    expect(replacementSteps(replacement({ phase: 'done', status: 'done' })).every((s) => s.state === 'done')).toBe(true);
  });
  it('labels come from PHASE_LABELS', () => {
    expect(replacementSteps(replacement())[2]?.label).toBe('Releasing its worktree');
  });
});

describe('describeFailure: what failed, where, and what to do', () => {
  it('a replacement that failed at release, in git’s words', () => {
    const f = describeFailure(replacement({ status: 'failed', phase: 'release', lastError: { phase: 'release', code: 'locked', message: 'the worktree is locked' } }));
    expect(f?.headline).toBe('No orchestrator — replacement failed at releasing its worktree');
    expect(f?.message).toBe('the worktree is locked');
    expect(f?.hint).toMatch(/Retiring until this succeeds. Fix the cause, then Retry/);
  });
  it('a first start that failed to spawn says start, and points at the settings', () => {
    const f = describeFailure(replacement({ oldSessionId: null, status: 'failed', phase: 'spawn', lastError: { phase: 'spawn', code: 'agent_not_found', message: '"x" was not found on PATH' } }));
    expect(f?.headline).toBe('No orchestrator — start failed at starting the new orchestrator');
    expect(f?.hint).toMatch(/Settings/);
  });
  it('nothing to say while it runs or once it is done', () => {
    expect(describeFailure(replacement())).toBeNull();
    expect(describeFailure(replacement({ status: 'done', phase: 'done' }))).toBeNull();
  });
});

describe('Restart needed, with the harnesses’ names', () => {
  const configured = (agent: string, launch: string | null = null) => ({ orchestratorAgent: agent, orchestratorLaunch: launch });
  it('says configured and running when they differ', () => {
    expect(describeRestartNeeded(configured('claude-code'), { harness: 'custom' })).toBe('Restart needed: configured Claude Code, running Custom command');
  });
  it('says nothing when they match or when nothing runs', () => {
    expect(describeRestartNeeded(configured('custom', 'aaaa'), { harness: 'custom' }, 'aaaa')).toBeNull();
    expect(describeRestartNeeded(configured('claude-code'), null)).toBeNull();
  });
  it('the same harness started with another command line needs a restart too', () => {
    expect(describeRestartNeeded(configured('custom', 'aaaa'), { harness: 'custom' }, 'bbbb')).toBe(
      'Restart needed: the Custom command launch (command or arguments) changed since this orchestrator started',
    );
    // How the running one was started is not known (yet): no false alarm.
    expect(describeRestartNeeded(configured('custom', 'aaaa'), { harness: 'custom' }, null)).toBeNull();
  });
  it('an unknown harness id is shown as it is', () => {
    expect(harnessLabel('codex')).toBe('Codex');
    expect(harnessLabel('something-new')).toBe('something-new');
  });
});

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const run = (over: Partial<RunView> = {}): RunView => ({
  id: 'run1',
  taskId: 't1',
  projectId: 'p1',
  status: 'queued',
  attempt: 1,
  workerSessionId: null,
  summary: null,
  leaseExpiresAt: null,
  attention: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});
const task = (over: Partial<TaskView> = {}): TaskView => ({
  id: 't1',
  projectId: 'p1',
  title: 'Fix it',
  body: '',
  priority: 'normal',
  status: 'open',
  run: run(),
  createdAt: T0,
  updatedAt: T0,
  ...over,
});
const past = new Date(NOW - 1000).toISOString();
const future = new Date(NOW + 60_000).toISOString();

describe('what a person can do about a task', () => {
  const cases: [string, TaskView, string[]][] = [
    ['queued: start a worker now, or cancel', task(), ['start', 'cancel']],
    ['running, lease alive', task({ run: run({ status: 'running', leaseExpiresAt: future }) }), ['cancel']],
    ['claimed, lease expired: recover', task({ run: run({ status: 'claimed', leaseExpiresAt: past }) }), ['recover', 'cancel']],
    ['running, lease expired: recover', task({ run: run({ status: 'running', leaseExpiresAt: past }) }), ['recover', 'cancel']],
    ['failed: retry', task({ run: run({ status: 'failed' }) }), ['retry', 'cancel']],
    ['needs attention: recover', task({ run: run({ status: 'needs_attention' }) }), ['recover', 'cancel']],
    ['done: nothing', task({ status: 'done', run: run({ status: 'completed' }) }), []],
    ['canceled after failing: nothing', task({ status: 'canceled', run: run({ status: 'failed' }) }), []],
    ['no run yet: cancel', task({ run: null }), ['cancel']],
  ];
  it.each(cases)('%s', (_what, t, expected) => expect(taskActionsFor(t, NOW)).toEqual(expected));

  it('an expired lease matters only while the run is claimed or running', () => {
    expect(leaseExpired(run({ status: 'completed', leaseExpiresAt: past }), NOW)).toBe(false);
    expect(leaseExpired(run({ status: 'running', leaseExpiresAt: null }), NOW)).toBe(false);
    expect(leaseExpired(run({ status: 'running', leaseExpiresAt: new Date(NOW).toISOString() }), NOW)).toBe(true);
  });
});

describe('filterTasks and taskCounts', () => {
  const tasks = [
    task({ id: 'low-old', priority: 'low', createdAt: '2026-01-01T00:00:00.000Z' }),
    task({ id: 'urgent-new', priority: 'urgent', createdAt: '2026-01-03T00:00:00.000Z' }),
    task({ id: 'normal-old', createdAt: '2026-01-01T00:00:00.000Z' }),
    task({ id: 'normal-new', createdAt: '2026-01-02T00:00:00.000Z' }),
    task({ id: 'done-old', status: 'done', updatedAt: '2026-01-01T00:00:00.000Z' }),
    task({ id: 'done-new', status: 'done', updatedAt: '2026-01-05T00:00:00.000Z' }),
    task({ id: 'canceled', status: 'canceled' }),
  ];
  it('open tasks in queue order: priority, then oldest first', () => {
    expect(filterTasks(tasks, 'open').map((t) => t.id)).toEqual(['urgent-new', 'normal-old', 'normal-new', 'low-old']);
  });
  it('finished ones newest first; all of them grouped open, done, canceled', () => {
    expect(filterTasks(tasks, 'done').map((t) => t.id)).toEqual(['done-new', 'done-old']);
    expect(filterTasks(tasks, 'all').map((t) => t.id)).toEqual(['urgent-new', 'normal-old', 'normal-new', 'low-old', 'done-new', 'done-old', 'canceled']);
  });
  it('does not reorder the list it was given (it is the store’s)', () => {
    const before = tasks.map((t) => t.id);
    filterTasks(tasks, 'all');
    expect(tasks.map((t) => t.id)).toEqual(before);
  });
  it('counts each status', () => {
    expect(taskCounts(tasks)).toEqual({ open: 4, done: 2, canceled: 1, all: 7 });
  });
});

describe('describeWake: the orchestrator card’s wake line', () => {
  const wake = (over: Partial<WakeView>): WakeView => ({ pending: false, summary: null, waitingFor: null, lastDeliveredAt: null, ...over });
  const ctx = { starting: false, timeAgo: () => '2 min ago' };
  const cases: [string, WakeView | null, boolean, string | null, string | null][] = [
    ['not loaded', null, false, null, null],
    ['never woken', wake({}), false, 'idle', 'Not woken yet: adding a task wakes it'],
    ['woke', wake({ lastDeliveredAt: T0 }), false, 'woke', 'Woke 2 min ago'],
    ['busy', wake({ pending: true, summary: '3 new runs', waitingFor: 'idle_orchestrator' }), false, 'pending', 'Wake pending: 3 new runs — waiting for the current turn'],
    ['waiting on a person', wake({ pending: true, summary: '1 new run', waitingFor: 'answer' }), false, 'blocked', 'Wake pending: 1 new run — waiting for your answer'],
    ['no orchestrator', wake({ pending: true, summary: '1 new run', waitingFor: 'orchestrator' }), false, 'blocked', 'Wake pending: 1 new run — No orchestrator: start one to work on the queue'],
    ['no orchestrator yet, one starting', wake({ pending: true, summary: '1 new run', waitingFor: 'orchestrator' }), true, 'pending', 'Wake pending: 1 new run — waiting for the orchestrator to start'],
    ['being replaced', wake({ pending: true, summary: '1 new run', waitingFor: 'idle_orchestrator' }), true, 'pending', 'Wake pending: 1 new run — waiting for the orchestrator to start'],
    ['pending without a summary', wake({ pending: true, waitingFor: 'idle_orchestrator' }), false, 'pending', 'Wake pending — waiting for the current turn'],
  ];
  it.each(cases)('%s', (_what, w, starting, tone, text) => {
    const line = describeWake(w, { ...ctx, starting });
    expect(line?.tone ?? null).toBe(tone);
    expect(line?.text ?? null).toBe(text);
  });
});

describe('timeAgo', () => {
  const ago = (ms: number) => timeAgo(new Date(NOW - ms).toISOString(), NOW);
  it.each([
    [0, 'just now'],
    [9_000, 'just now'],
    [-5_000, 'just now'],
    [40_000, '40 s ago'],
    [3 * 60_000, '3 min ago'],
    [2 * 3_600_000, '2 h ago'],
    [30 * 3_600_000, 'yesterday'],
  ])('%i ms ago: %s', (ms, text) => expect(ago(ms)).toBe(text));
  it('an older date is a date; garbage says so', () => {
    expect(ago(5 * 86_400_000)).toMatch(/^on /);
    expect(timeAgo('not a date', NOW)).toBe('at an unknown time');
  });
  it('plural', () => {
    expect(plural(1, 'task')).toBe('1 task');
    expect(plural(3, 'task')).toBe('3 tasks');
  });
});

describe('attentionNote: why a run needs attention, told from its worker', () => {
  it('the worker’s reason on one line, with what Recover does', () => {
    const note = attentionNote({ status: 'needs_attention', summary: null, attention: null }, { state: 'failed', stateDetail: 'The agent exited with code 1. Last output:\nworker: out of memory' });
    expect(note?.text).toBe('Its worker failed: The agent exited with code 1. Last output: worker: out of memory');
    expect(note?.hint).toMatch(/^Recover puts the run back in the queue/);
  });
  it("main's recorded reason comes before the worker's state", () => {
    const attention = { reason: 'Its worker session failed: exited with code 2', at: '2026-01-01T00:00:00.000Z' };
    expect(attentionNote({ status: 'needs_attention', summary: null, attention }, { state: 'stopped', stateDetail: 'other' })?.text).toBe('Its worker stopped: Its worker session failed: exited with code 2');
  });
  it('interrupted, unknown worker, long reasons', () => {
    expect(attentionNote({ status: 'needs_attention', summary: null, attention: null }, { state: 'interrupted', stateDetail: null })?.text).toBe('Its worker was interrupted.');
    expect(attentionNote({ status: 'needs_attention', summary: null, attention: null }, null)?.text).toBe('Its worker stopped.');
    expect(attentionNote({ status: 'needs_attention', summary: null, attention: null }, { state: 'failed', stateDetail: 'x'.repeat(500) })?.text.length).toBeLessThan(270);
  });
  it('nothing when the run says why itself, or does not need attention', () => {
    expect(attentionNote({ status: 'needs_attention', summary: 'Stuck on a permission', attention: null }, null)).toBeNull();
    expect(attentionNote({ status: 'failed', summary: null, attention: null }, null)).toBeNull();
  });
});
