import { describe, expect, it } from 'vitest';
import { duplicateOrchestrators, newestActiveOrchestrator, restartNeeded, type OrchestratorCandidate } from '../../../src/shared/orchestrator';

const s = (id: string, createdAt: string, updatedAt: string, over: Partial<OrchestratorCandidate> = {}): OrchestratorCandidate => ({
  id,
  projectId: 'p',
  role: 'orchestrator',
  state: 'idle',
  createdAt,
  updatedAt,
  ...over,
});

describe('newestActiveOrchestrator', () => {
  const T1 = '2026-01-01T00:00:00.000Z';
  const T2 = '2026-01-02T00:00:00.000Z';
  const cases: { name: string; sessions: OrchestratorCandidate[]; want: string | null; dups: string[] }[] = [
    { name: 'none', sessions: [], want: null, dups: [] },
    { name: 'newest createdAt wins', sessions: [s('a', T2, T1), s('b', T1, T2)], want: 'a', dups: ['b'] },
    { name: 'createdAt tie: newest updatedAt wins', sessions: [s('a', T1, T1), s('b', T1, T2)], want: 'b', dups: ['a'] },
    { name: 'createdAt and updatedAt tie: the greater id wins', sessions: [s('a', T1, T1), s('c', T1, T1), s('b', T1, T1)], want: 'c', dups: ['b', 'a'] },
    { name: 'inactive states are history', sessions: [s('a', T2, T2, { state: 'retired' }), s('b', T2, T2, { state: 'failed' }), s('c', T2, T2, { state: 'stopped' }), s('d', T2, T2, { state: 'retiring' }), s('e', T1, T1)], want: 'e', dups: [] },
    { name: 'interrupted still counts (it waits for Continue)', sessions: [s('a', T2, T2, { state: 'interrupted' }), s('b', T1, T1)], want: 'a', dups: ['b'] },
    { name: 'workers and other projects are ignored', sessions: [s('w', T2, T2, { role: 'worker' }), s('o', T2, T2, { projectId: 'q' }), s('x', T1, T1)], want: 'x', dups: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      // Order of input must not matter.
      for (const input of [c.sessions, [...c.sessions].reverse()]) {
        expect(newestActiveOrchestrator(input, 'p')?.id ?? null).toBe(c.want);
        expect(duplicateOrchestrators(input, 'p').map((x) => x.id)).toEqual(c.dups);
      }
    });
  }

  it('Restart needed only when the configured agent differs from the running one', () => {
    expect(restartNeeded({ agent: 'codex', launch: null }, { harness: 'claude-code', launch: null })).toEqual({ configured: 'codex', running: 'claude-code', reason: 'agent' });
    expect(restartNeeded({ agent: 'codex', launch: null }, { harness: 'codex', launch: null })).toBeNull();
    expect(restartNeeded({ agent: 'codex', launch: 'a' }, null)).toBeNull();
  });

  it('compares the whole launch: the same harness started with another command line needs a restart', () => {
    const table: [string | null, string | null, 'command' | null][] = [
      ['a1', 'a1', null],
      ['a1', 'b2', 'command'],
      // Not resolvable (not installed, a broken command line) on either side: the harness alone decides.
      [null, 'b2', null],
      ['a1', null, null],
    ];
    for (const [configured, running, reason] of table) {
      const need = restartNeeded({ agent: 'custom', launch: configured }, { harness: 'custom', launch: running });
      expect(need?.reason ?? null).toBe(reason);
    }
    // Another harness wins over a launch difference.
    expect(restartNeeded({ agent: 'codex', launch: 'a1' }, { harness: 'custom', launch: 'b2' })?.reason).toBe('agent');
  });
});
