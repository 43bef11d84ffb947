import type { SessionState, Trigger } from '../../shared/session-state';

export interface RecoveryFacts {
  state: SessionState;
  /** pid + process start time + socket nonce all matched. */
  hostAlive: boolean;
  /** From the journal (the truth), not the database. */
  journal: { turnOpen: boolean; pendingPermission: boolean; exit: { code: number | null; signal: string | null } | null; turnOpenAtExit: boolean };
}

export type RecoveryAction =
  | { kind: 'none' }
  | { kind: 'reattach'; to: SessionState | null }
  | { kind: 'move'; to: SessionState; trigger: Trigger; detail: string; marker?: 'interrupted'; stopHost?: boolean };

/**
 * The recovery table of design.md, as one pure function: what to do with a
 * session that was not terminal when Baton stopped.
 */
export function decideRecovery(f: RecoveryFacts): RecoveryAction {
  const { state, hostAlive, journal } = f;
  if (state === 'stopped' || state === 'retired' || state === 'failed' || state === 'interrupted') return { kind: 'none' };
  if (state === 'pending' || state === 'starting') {
    return { kind: 'move', to: 'failed', trigger: 'reconciliation', detail: 'Baton stopped while this session was starting (spawn interrupted). Retry starts it again.', stopHost: hostAlive };
  }
  if (state === 'stopping') {
    return hostAlive ? { kind: 'reattach', to: null } : { kind: 'move', to: 'stopped', trigger: 'reconciliation', detail: 'Stopped while Baton was away.' };
  }
  if (hostAlive) {
    const derived: SessionState = journal.pendingPermission ? 'waiting_input' : journal.turnOpen ? 'busy' : 'idle';
    return { kind: 'reattach', to: derived === state ? null : derived };
  }
  if (journal.exit) {
    // The agent exited on its own (crash, OOM, killed) and its host with it: the same table as a lost host, so the
    // conversation is resumed (session/resume, else session/load, else a primed new one) rather than thrown away.
    const how = journal.exit.signal ? `was killed by ${journal.exit.signal}` : `exited with code ${journal.exit.code ?? 'unknown'}`;
    // A turn was open when it died: the journal says so (a prompt with no response before the exit), even when the
    // database never saw that prompt (main died before projecting it, so it says idle); or the database does.
    if (journal.turnOpen || journal.turnOpenAtExit || state === 'busy' || state === 'waiting_input') {
      return { kind: 'move', to: 'interrupted', trigger: 'reconciliation', detail: `The agent ${how} during a turn. Continue picks it up.`, marker: 'interrupted' };
    }
    return state === 'idle' ? { kind: 'none' } : { kind: 'move', to: 'idle', trigger: 'reconciliation', detail: `The agent ${how}; it is started again on the next prompt.` };
  }
  if (journal.turnOpen) {
    return { kind: 'move', to: 'interrupted', trigger: 'reconciliation', detail: 'The session host was gone while a turn was open. Continue picks it up.', marker: 'interrupted' };
  }
  // Host gone, last turn ended: idle and detached; the next prompt restarts the agent and resumes.
  return state === 'idle' ? { kind: 'none' } : { kind: 'move', to: 'idle', trigger: 'reconciliation', detail: 'Detached: the agent restarts on the next prompt.' };
}
