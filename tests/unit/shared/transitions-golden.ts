import type { SessionState, Trigger } from '../../../src/shared/session-state';

/**
 * The legal moves, written out by hand from the design (docs and
 * design.md's state machine), not computed from TRANSITIONS: a change to the
 * table has to be made here too, on purpose. One line per (from, to, trigger).
 */
export const GOLDEN: readonly (readonly [SessionState, SessionState, Trigger])[] = [
  ['pending', 'starting', 'spawn'],
  ['pending', 'failed', 'spawn_failed'],
  ['pending', 'failed', 'reconciliation'],
  ['pending', 'stopped', 'user_stopped'],

  ['starting', 'idle', 'connected'],
  ['starting', 'failed', 'spawn_failed'],
  ['starting', 'failed', 'init_timeout'],
  ['starting', 'failed', 'process_exited'],
  ['starting', 'failed', 'reconciliation'],
  ['starting', 'stopping', 'user_stopped'],

  ['idle', 'busy', 'prompt_sent'],
  ['idle', 'busy', 'reconciliation'],
  ['idle', 'waiting_input', 'reconciliation'],
  ['idle', 'interrupted', 'reconciliation'],
  ['idle', 'starting', 'resume_requested'],
  ['idle', 'stopping', 'user_stopped'],
  ['idle', 'stopped', 'process_exited'],
  ['idle', 'failed', 'process_exited'],
  ['idle', 'retiring', 'retire_requested'],

  ['busy', 'idle', 'turn_ended'],
  ['busy', 'idle', 'reconciliation'],
  ['busy', 'waiting_input', 'permission_requested'],
  ['busy', 'waiting_input', 'reconciliation'],
  ['busy', 'stopping', 'user_stopped'],
  ['busy', 'failed', 'process_exited'],
  ['busy', 'interrupted', 'reconciliation'],
  ['busy', 'retiring', 'retire_requested'],

  ['waiting_input', 'busy', 'permission_answered'],
  ['waiting_input', 'busy', 'cancel_requested'],
  ['waiting_input', 'busy', 'reconciliation'],
  ['waiting_input', 'idle', 'turn_ended'],
  ['waiting_input', 'idle', 'reconciliation'],
  ['waiting_input', 'stopping', 'user_stopped'],
  ['waiting_input', 'failed', 'process_exited'],
  ['waiting_input', 'interrupted', 'reconciliation'],
  ['waiting_input', 'retiring', 'retire_requested'],

  ['stopping', 'stopped', 'process_exited'],
  ['stopping', 'stopped', 'reconciliation'],
  ['stopping', 'retiring', 'retire_requested'],

  ['stopped', 'starting', 'resume_requested'],
  ['stopped', 'retiring', 'retire_requested'],

  ['failed', 'starting', 'retry'],
  ['failed', 'stopped', 'user_stopped'],
  ['failed', 'retiring', 'retire_requested'],

  ['interrupted', 'starting', 'continue_requested'],
  ['interrupted', 'stopped', 'user_stopped'],
  ['interrupted', 'retiring', 'retire_requested'],

  ['retiring', 'retired', 'retired'],
  // retired: nothing leaves it.
];

export const isGolden = (from: SessionState, to: SessionState, trigger: Trigger): boolean =>
  GOLDEN.some(([f, t, g]) => f === from && t === to && g === trigger);
