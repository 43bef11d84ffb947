import { describe, expect, it } from 'vitest';
import type { AppStatus, ReconcileReport } from '../../src/shared/contracts/app';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../src/shared/journal';
import { reconcileFinished } from '../../src/renderer/src/app/status';
import { describeUncleanStart, reportPhrases, summarizeReport, uncleanStartAdvice } from '../../src/renderer/src/features/recovery/recovery';
import { actionFailure, CONTINUED } from '../../src/renderer/src/features/recovery/session-actions';
import { transcriptWasRebuilt } from '../../src/renderer/src/features/session/sessions';

const summary = (over: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's1',
  projectId: 'p1',
  role: 'worker',
  harness: 'custom',
  title: 't',
  state: 'idle',
  stateDetail: null,
  branch: null,
  worktreePath: null,
  lastSeq: 10,
  divergence: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const held = (last: number): JournalRecord[] => Array.from({ length: last }, (_, i) => ({ v: 1, seq: i + 1, ts: 0, dir: 'in' as const, msg: {} }));
const divergence = (detectedAt: string) => ({ detail: 'd', detectedAt });

describe('transcriptWasRebuilt: when the held records must be dropped and read again', () => {
  const cases: [string, SessionSummary | undefined, SessionSummary, JournalRecord[] | undefined, boolean][] = [
    ['nothing held: nothing to drop', summary(), summary({ lastSeq: 2, divergence: divergence('2026-02-01') }), undefined, false],
    ['same summary, records caught up', summary(), summary(), held(10), false],
    ['the summary is ahead (records still streaming)', summary(), summary({ lastSeq: 12 }), held(10), false],
    ['fewer lines than held: cut back to the journal', summary(), summary({ lastSeq: 8 }), held(10), true],
    ['a divergence appeared', summary(), summary({ divergence: divergence('2026-02-01T00:00:00.000Z') }), held(10), true],
    ['a divergence on a session the store did not know', undefined, summary({ divergence: divergence('2026-02-01T00:00:00.000Z') }), held(10), true],
    ['the same divergence again', summary({ divergence: divergence('2026-02-01T00:00:00.000Z') }), summary({ divergence: divergence('2026-02-01T00:00:00.000Z') }), held(10), false],
    ['a newer divergence', summary({ divergence: divergence('2026-02-01T00:00:00.000Z') }), summary({ divergence: divergence('2026-02-02T00:00:00.000Z') }), held(10), true],
    ['acknowledged (gone)', summary({ divergence: divergence('2026-02-01T00:00:00.000Z') }), summary(), held(10), false],
  ];
  it.each(cases)('%s', (_name, known, next, records, expected) => {
    expect(transcriptWasRebuilt(known, next, records)).toBe(expected);
  });
});

const report = (over: Partial<ReconcileReport> = {}): ReconcileReport => ({ at: '2026-01-01T00:00:00.000Z', reattached: 0, moved: [], divergences: 0, unreachable: 0, ...over });

const status = (recovery: Partial<AppStatus['recovery']>): AppStatus => ({
  version: 't',
  mode: 'browser',
  platform: 'linux',
  dataDir: '/d',
  store: { state: 'ready', path: '/d/baton.db' },
  capabilities: { folderPicker: false },
  recovery: { lastShutdown: 'clean', lastReconcile: null, reconciling: false, ...recovery },
  settings: { quitBehavior: 'ask' },
});

describe('reconcileFinished: when the board reloads its sessions', () => {
  it('when a running reconcile stops, or a new report appears; never while one runs', () => {
    expect(reconcileFinished(status({ reconciling: true }), status({ lastReconcile: report() }))).toBe(true);
    expect(reconcileFinished(status({}), status({ lastReconcile: report() }))).toBe(true);
    expect(reconcileFinished(status({ lastReconcile: report() }), status({ lastReconcile: report({ at: '2026-01-02T00:00:00.000Z' }) }))).toBe(true);
    expect(reconcileFinished(status({ lastReconcile: report() }), status({ lastReconcile: report() }))).toBe(false);
    expect(reconcileFinished(status({}), status({ reconciling: true }))).toBe(false);
    expect(reconcileFinished(null, status({}))).toBe(false);
  });
});

describe('what a reconcile report says', () => {
  const busy = report({
    reattached: 2,
    moved: [
      { sessionId: 'a', to: 'interrupted' },
      { sessionId: 'b', to: 'failed' },
      { sessionId: 'c', to: 'idle' },
    ],
    divergences: 1,
  });

  it('counts, most important first', () => {
    expect(reportPhrases(busy)).toEqual(['2 reattached', '1 interrupted', '1 failed', '1 detached', '1 rebuilt from the journal']);
    expect(summarizeReport(report({ reattached: 2, moved: [{ sessionId: 'a', to: 'interrupted' }] }))).toBe('Reconciled: 2 reattached, 1 interrupted');
    expect(summarizeReport(report())).toBe('Reconciled: every session was already in order');
  });

  it('the unclean-start notice names sessions once and says what to do', () => {
    expect(describeUncleanStart(null)).toMatch(/^Baton was not shut down cleanly; checking/);
    expect(describeUncleanStart(null, false)).toMatch(/not been checked yet. Reconcile now/);
    expect(describeUncleanStart(report())).toBe('Baton was not shut down cleanly; no session needed recovering.');
    expect(describeUncleanStart(report({ reattached: 1 }))).toBe('Baton was not shut down cleanly; 1 session reattached.');
    expect(describeUncleanStart(busy)).toBe('Baton was not shut down cleanly; 2 sessions reattached, 1 interrupted, 1 failed, 1 detached, 1 rebuilt from the journal.');
    const advice = uncleanStartAdvice(busy).join(' ');
    expect(advice).toContain('Continue');
    expect(advice).toContain('Retry');
    expect(advice).toContain('acknowledge');
    expect(uncleanStartAdvice(report({ reattached: 3 }))).toEqual([]);
  });
});

describe('session action messages', () => {
  it('say how a Continue came back', () => {
    expect(CONTINUED.resume).toMatch(/^Resumed/);
    expect(CONTINUED.load).toMatch(/^Reloaded/);
    expect(CONTINUED.new).toMatch(/original request and the last completed step/);
  });

  it('say what failed and what to do, by where the session ended up', () => {
    const e = { code: 'continue_failed', message: 'The agent did not answer initialize within 10 s.' };
    const failed = actionFailure('continue', e, 'failed');
    expect(failed.message).toBe('Could not continue this session: The agent did not answer initialize within 10 s.');
    expect(failed.hint).toContain('Retry');
    expect(actionFailure('continue', e, 'interrupted').hint).toContain('Continue');
    expect(actionFailure('retry', { code: 'disconnected', message: 'lost' }, 'failed').hint).toContain('Baton is running');
    expect(actionFailure('acknowledge', { code: 'x', message: 'no' }, 'idle').hint).toContain('Acknowledge');
  });
});
