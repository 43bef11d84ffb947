import { describe, expect, it } from 'vitest';
import type { InboxItem } from '../../src/shared/contracts/inbox';
import type { SessionSummary } from '../../src/shared/contracts/sessions';
import { newestActiveOrchestrator } from '../../src/shared/orchestrator';
import { boardGroups, projectSessions, sameCardFacts } from '../../src/renderer/src/features/board/board';

/** Issue 14: one card per session (the orchestrator's is the header card); issue 16: cards derived once per change and redrawn only for shown facts. */
const T0 = '2026-01-01T00:00:00.000Z';
const session = (over: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's1',
  projectId: 'p1',
  role: 'worker',
  harness: 'custom',
  title: 'a worker',
  state: 'idle',
  stateDetail: null,
  branch: 'baton/a-worker',
  worktreePath: '/data/worktrees/shop/a-worker',
  lastSeq: 3,
  divergence: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});
const at = (day: number): string => `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
const item = (sessionId: string, reason: InboxItem['reason']): InboxItem => ({
  sessionId,
  projectId: 'p1',
  title: sessionId,
  role: 'worker',
  reason,
  action: reason === 'review' ? 'review' : 'answer',
  summary: '',
  since: T0,
  request: null,
});
const ids = (m: Map<string, SessionSummary[]>): Record<string, string[]> => Object.fromEntries([...m].map(([g, l]) => [g, l.map((s) => s.id)]));

describe('the board of a project', () => {
  const orchestrator = session({ id: 'orch', role: 'orchestrator', title: 'shop orchestrator', createdAt: at(1) });
  const older = session({ id: 'old-orch', role: 'orchestrator', title: 'left over', createdAt: '2025-12-31T00:00:00.000Z', state: 'retired' });
  const asking = session({ id: 'w-ask', state: 'waiting_input', createdAt: at(2) });
  const done = session({ id: 'w-done', state: 'stopped', createdAt: at(3) });
  const review = session({ id: 'w-review', createdAt: at(4) });
  const idle = session({ id: 'w-idle', title: 'Fix the login', createdAt: at(5) });
  const elsewhere = session({ id: 'x', projectId: 'p2', createdAt: at(6) });
  const all = [orchestrator, older, asking, done, review, idle, elsewhere];
  const held = Object.fromEntries(all.map((s) => [s.id, s]));
  const inbox = [item('w-ask', 'permission'), item('w-review', 'review')];

  it("shows the project's sessions newest first, once per sessions object", () => {
    const list = projectSessions(held, 'p1');
    expect(list.map((s) => s.id)).toEqual(['w-idle', 'w-review', 'w-done', 'w-ask', 'orch', 'old-orch']);
    // The same array until the sessions change: every card and link shares one pass.
    expect(projectSessions(held, 'p1')).toBe(list);
    expect(projectSessions({ ...held }, 'p1')).not.toBe(list);
    expect(projectSessions(held, 'nope')).toEqual([]);
  });

  it('leaves the current orchestrator out of the grid: the orchestrator card is its one card', () => {
    const list = projectSessions(held, 'p1');
    const current = newestActiveOrchestrator(list, 'p1');
    expect(current?.id).toBe('orch');
    const groups = ids(boardGroups(list, inbox, '', current?.id ?? null));
    expect(groups).toEqual({ idle: ['w-idle'], review: ['w-review'], done: ['w-done', 'old-orch'], needs_you: ['w-ask'] });
    expect(Object.values(groups).flat()).not.toContain('orch');
    // No orchestrator running: nothing is left out.
    expect(Object.values(ids(boardGroups(list, inbox, '', null))).flat()).toContain('orch');
  });

  it('filters by title, branch, id or agent', () => {
    const list = projectSessions(held, 'p1');
    expect(ids(boardGroups(list, inbox, 'login', 'orch'))).toEqual({ idle: ['w-idle'] });
    expect(boardGroups(list, inbox, 'no such card', 'orch').size).toBe(0);
  });
});

describe('a card redraws only for the facts it shows', () => {
  const a = session();
  it('ignores the last seq and the update time, which move with every streamed line', () => {
    expect(sameCardFacts(a, { ...a, lastSeq: 900, updatedAt: at(9) })).toBe(true);
  });
  it('redraws for any shown fact, nested ones compared by value', () => {
    expect(sameCardFacts(a, { ...a, state: 'busy' })).toBe(false);
    expect(sameCardFacts(a, { ...a, title: 'renamed' })).toBe(false);
    expect(sameCardFacts(a, { ...a, hibernated: true })).toBe(false);
    const diverged = { ...a, divergence: { detail: 'd', detectedAt: T0 } };
    expect(sameCardFacts(diverged, { ...diverged, divergence: { detail: 'd', detectedAt: T0 } })).toBe(true);
    expect(sameCardFacts(diverged, { ...diverged, divergence: { detail: 'other', detectedAt: T0 } })).toBe(false);
  });
});
