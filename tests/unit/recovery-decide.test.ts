import { describe, expect, it } from 'vitest';
import { decideRecovery, type RecoveryFacts } from '../../src/main/recovery/decide';
import { canTransition } from '../../src/shared/session-state';

const j = (over: Partial<RecoveryFacts['journal']> = {}): RecoveryFacts['journal'] => ({ turnOpen: false, pendingPermission: false, exit: null, turnOpenAtExit: false, ...over });

describe('decideRecovery (design.md recovery table)', () => {
  const cases: [string, RecoveryFacts, ReturnType<typeof decideRecovery>['kind'], string | null][] = [
    ['host alive, turn open → reattach as busy', { state: 'idle', hostAlive: true, journal: j({ turnOpen: true }) }, 'reattach', 'busy'],
    ['host alive, permission pending → waiting_input', { state: 'busy', hostAlive: true, journal: j({ turnOpen: true, pendingPermission: true }) }, 'reattach', 'waiting_input'],
    ['host alive, state agrees → reattach, no move', { state: 'busy', hostAlive: true, journal: j({ turnOpen: true }) }, 'reattach', null],
    ['host alive, turn ended → idle', { state: 'busy', hostAlive: true, journal: j() }, 'reattach', 'idle'],
    ['host gone, turn ended → idle (detached)', { state: 'busy', hostAlive: false, journal: j() }, 'move', 'idle'],
    ['host gone, idle → nothing to do', { state: 'idle', hostAlive: false, journal: j() }, 'none', null],
    ['host gone, turn open → interrupted', { state: 'busy', hostAlive: false, journal: j({ turnOpen: true }) }, 'move', 'interrupted'],
    ['host gone, waiting on permission → interrupted', { state: 'waiting_input', hostAlive: false, journal: j({ turnOpen: true, pendingPermission: true }) }, 'move', 'interrupted'],
    ['pending at crash → failed', { state: 'pending', hostAlive: false, journal: j() }, 'move', 'failed'],
    ['starting at crash, host alive → failed and host stopped', { state: 'starting', hostAlive: true, journal: j() }, 'move', 'failed'],
    ['stopping, host gone → stopped', { state: 'stopping', hostAlive: false, journal: j() }, 'move', 'stopped'],
    ['agent exited cleanly while idle → stays idle, resumed on the next prompt', { state: 'idle', hostAlive: false, journal: j({ exit: { code: 0, signal: null } }) }, 'none', null],
    ['agent crashed while idle → stays idle, resumed on the next prompt (not failed)', { state: 'idle', hostAlive: false, journal: j({ exit: { code: 137, signal: null } }) }, 'none', null],
    ['agent killed while the database says busy → interrupted', { state: 'busy', hostAlive: false, journal: j({ exit: { code: null, signal: 'SIGKILL' } }) }, 'move', 'interrupted'],
    ['agent crashed mid-turn while away → interrupted', { state: 'busy', hostAlive: false, journal: j({ turnOpen: true, exit: { code: 1, signal: null } }) }, 'move', 'interrupted'],
    ['agent died mid-turn, the database never saw the prompt (idle) → interrupted', { state: 'idle', hostAlive: false, journal: j({ turnOpenAtExit: true, exit: { code: 137, signal: null } }) }, 'move', 'interrupted'],
    ['agent killed while asking permission → interrupted', { state: 'waiting_input', hostAlive: false, journal: j({ exit: { code: null, signal: 'SIGKILL' } }) }, 'move', 'interrupted'],
    ['already failed → nothing', { state: 'failed', hostAlive: false, journal: j() }, 'none', null],
  ];
  it.each(cases)('%s', (_name, facts, kind, to) => {
    const a = decideRecovery(facts);
    expect(a.kind).toBe(kind);
    if (a.kind === 'move') {
      expect(a.to).toBe(to);
      // Every move it asks for is legal in the state machine.
      expect(canTransition(facts.state, a.to, a.trigger)).toBe(true);
    }
    if (a.kind === 'reattach') expect(a.to).toBe(to);
  });
});
