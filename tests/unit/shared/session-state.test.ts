import { describe, expect, it } from 'vitest';
import { canTransition, SESSION_STATES, TRANSITIONS, TRIGGERS } from '../../../src/shared/session-state';
import { isGolden } from './transitions-golden';

describe('execution state machine table', () => {
  it('allows exactly the moves of the hand-written golden table, no more, no fewer', () => {
    for (const from of SESSION_STATES)
      for (const to of SESSION_STATES)
        for (const trigger of TRIGGERS) expect(canTransition(from, to, trigger), `${from} → ${to} on ${trigger}`).toBe(isGolden(from, to, trigger));
  });

  it('names only known states and triggers', () => {
    for (const [from, tos] of Object.entries(TRANSITIONS)) {
      expect(SESSION_STATES).toContain(from);
      for (const [to, triggers] of Object.entries(tos)) {
        expect(SESSION_STATES).toContain(to);
        for (const t of triggers ?? []) expect(TRIGGERS).toContain(t);
      }
    }
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...SESSION_STATES].sort());
  });

  it('every state is reachable from pending, and every non-terminal state can be left', () => {
    const seen = new Set<string>(['pending']);
    const queue = ['pending'];
    while (queue.length) {
      const s = queue.shift() as keyof typeof TRANSITIONS;
      for (const to of Object.keys(TRANSITIONS[s])) {
        if (seen.has(to)) continue;
        seen.add(to);
        queue.push(to);
      }
    }
    expect([...seen].sort()).toEqual([...SESSION_STATES].sort());
    for (const s of SESSION_STATES) if (s !== 'retired') expect(Object.keys(TRANSITIONS[s]).length, s).toBeGreaterThan(0);
  });

  it('a user can always stop or retire a session that is not already on its way out', () => {
    for (const s of SESSION_STATES) {
      if (['stopping', 'stopped', 'retiring', 'retired'].includes(s)) continue;
      const stoppable = canTransition(s, 'stopping', 'user_stopped') || canTransition(s, 'stopped', 'user_stopped');
      expect(stoppable, s).toBe(true);
    }
  });

  it('no self-transitions: a state change always changes the state', () => {
    for (const s of SESSION_STATES) expect(TRANSITIONS[s][s]).toBeUndefined();
  });
});
