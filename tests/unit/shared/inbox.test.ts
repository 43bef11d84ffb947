import { describe, expect, it } from 'vitest';
import { inbox, inboxItemOf, type InboxFacts, type PendingRequestFact } from '../../../src/shared/inbox';
import { SESSION_STATES, type SessionState } from '../../../src/shared/session-state';

const T0 = '2026-12-06T10:00:00.000Z';
const ask = (key: string, since = '2026-12-06T10:05:00.000Z'): PendingRequestFact => ({
  requestKey: key,
  title: `Shell: make ${key}`,
  toolKind: 'execute',
  toolCallId: `call-${key}`,
  options: [
    { optionId: 'allow', name: 'Allow', kind: 'allow_once' },
    { optionId: 'allow_always', name: 'Always Allow', kind: 'allow_always' },
    { optionId: 'reject', name: 'Reject', kind: 'reject_once' },
  ],
  since,
});
const facts = (state: SessionState, more: Partial<InboxFacts> = {}): InboxFacts => ({
  sessionId: 's1',
  projectId: 'p1',
  title: 'Fix the build',
  role: 'worker',
  state,
  stateSince: T0,
  stateDetail: null,
  divergence: null,
  archived: false,
  pending: [],
  review: null,
  ...more,
});
const CHANGED = { turnId: 't1', files: 3, merged: false, reviewed: false };

// Every state, bare and with every fact that can matter to it: [reason, action] or null (not in the inbox).
// The facts are the worst case for each: a pending request, unreviewed changes and a divergence all at once.
type Row = [string, string] | null;
const BY_STATE: Record<SessionState, { bare: Row; withAll: Row }> = {
  pending: { bare: null, withAll: ['divergence', 'acknowledge'] },
  starting: { bare: null, withAll: ['divergence', 'acknowledge'] },
  idle: { bare: null, withAll: ['divergence', 'acknowledge'] },
  busy: { bare: null, withAll: ['divergence', 'acknowledge'] },
  waiting_input: { bare: ['input', 'open'], withAll: ['permission', 'answer'] },
  stopping: { bare: null, withAll: ['divergence', 'acknowledge'] },
  stopped: { bare: null, withAll: ['divergence', 'acknowledge'] },
  failed: { bare: ['failed', 'retry'], withAll: ['failed', 'retry'] },
  interrupted: { bare: ['interrupted', 'continue'], withAll: ['interrupted', 'continue'] },
  retiring: { bare: null, withAll: ['divergence', 'acknowledge'] },
  retired: { bare: null, withAll: ['divergence', 'acknowledge'] },
};

const pair = (f: InboxFacts): Row => {
  const i = inboxItemOf(f);
  return i ? [i.reason, i.action] : null;
};

describe('inboxItemOf: every session state', () => {
  for (const state of SESSION_STATES) {
    it(`${state}: bare, with every fact, archived, and as an orchestrator`, () => {
      const all: Partial<InboxFacts> = { pending: [ask('a')], review: CHANGED, divergence: { detectedAt: T0 } };
      expect(pair(facts(state))).toEqual(BY_STATE[state].bare);
      expect(pair(facts(state, all))).toEqual(BY_STATE[state].withAll);
      // Put away by a person: never in the inbox, whatever it says.
      expect(pair(facts(state, { ...all, archived: true }))).toBeNull();
      // An orchestrator has no review item; everything else is the same.
      const orchestrator = pair(facts(state, { role: 'orchestrator', review: CHANGED }));
      expect(orchestrator).toEqual(BY_STATE[state].bare);
    });
  }
});

describe('inboxItemOf: review', () => {
  // [review facts, state, in the inbox]
  const rows: [InboxFacts['review'], SessionState, boolean][] = [
    [CHANGED, 'idle', true],
    // Not read from git yet: unknown, never guessed.
    [null, 'idle', false],
    [{ ...CHANGED, files: 0 }, 'idle', false],
    [{ ...CHANGED, merged: true }, 'idle', false],
    [{ ...CHANGED, reviewed: true }, 'idle', false],
    // Still working: the turn's changes are not final.
    [CHANGED, 'busy', false],
    [CHANGED, 'stopped', false],
  ];
  for (const [review, state, listed] of rows) {
    it(`${JSON.stringify(review)} while ${state}: ${listed ? 'listed' : 'not listed'}`, () => {
      const i = inboxItemOf(facts(state, { review }));
      expect(i !== null).toBe(listed);
      if (i) expect(i).toMatchObject({ reason: 'review', action: 'review', summary: '3 files changed', since: T0, request: null });
    });
  }
});

describe('inboxItemOf: what an item says', () => {
  it('a permission: the oldest request, every option the agent offers, since it arrived', () => {
    const first = ask('build', '2026-12-06T10:01:00.000Z');
    const i = inboxItemOf(facts('waiting_input', { pending: [first, ask('test')] }));
    expect(i).toEqual({
      sessionId: 's1',
      projectId: 'p1',
      title: 'Fix the build',
      role: 'worker',
      reason: 'permission',
      action: 'answer',
      summary: 'Shell: make build (+1 more)',
      since: first.since,
      request: first,
    });
  });

  it("a failure: its reason's first line", () => {
    expect(inboxItemOf(facts('failed', { stateDetail: 'The agent exited with code 1.\nstderr: boom' }))?.summary).toBe('The agent exited with code 1.');
    expect(inboxItemOf(facts('failed'))?.summary).toBe('The session failed.');
  });

  it('a divergence: since it was detected', () => {
    expect(inboxItemOf(facts('idle', { divergence: { detectedAt: '2026-12-06T11:00:00.000Z' } }))?.since).toBe('2026-12-06T11:00:00.000Z');
  });
});

describe('inbox: order', () => {
  it('most urgent reason first, then the longest wait', () => {
    const items = inbox([
      facts('idle', { sessionId: 'review', review: CHANGED, stateSince: '2026-12-06T09:00:00.000Z' }),
      facts('failed', { sessionId: 'failed-late', stateSince: '2026-12-06T10:30:00.000Z' }),
      facts('waiting_input', { sessionId: 'asks', pending: [ask('a', '2026-12-06T10:40:00.000Z')] }),
      facts('failed', { sessionId: 'failed-early', stateSince: '2026-12-06T10:10:00.000Z' }),
      facts('busy', { sessionId: 'working' }),
      facts('waiting_input', { sessionId: 'input', stateSince: '2026-12-06T10:20:00.000Z' }),
    ]);
    expect(items.map((i) => i.sessionId)).toEqual(['asks', 'input', 'failed-early', 'failed-late', 'review']);
  });
});
