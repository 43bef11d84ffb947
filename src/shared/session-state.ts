/**
 * The execution state machine: one table, the only source of legal moves.
 * Every state change in main goes through `transition(session, to, trigger)`,
 * which checks this table first.
 */
export const SESSION_STATES = [
  'pending',
  'starting',
  'idle',
  'busy',
  'waiting_input',
  'stopping',
  'stopped',
  'failed',
  'interrupted',
  'retiring',
  'retired',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const TRIGGERS = [
  'spawn',
  'spawn_failed',
  'connected',
  'init_timeout',
  'prompt_sent',
  'permission_requested',
  'permission_answered',
  'turn_ended',
  'cancel_requested',
  'process_exited',
  'user_stopped',
  'reconciliation',
  'continue_requested',
  'resume_requested',
  'retry',
  'retire_requested',
  'retired',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

type Table = { readonly [F in SessionState]: { readonly [T in SessionState]?: readonly Trigger[] } };

export const TRANSITIONS: Table = {
  pending: {
    starting: ['spawn'],
    failed: ['spawn_failed', 'reconciliation'],
    stopped: ['user_stopped'],
  },
  starting: {
    idle: ['connected'],
    failed: ['spawn_failed', 'init_timeout', 'process_exited', 'reconciliation'],
    stopping: ['user_stopped'],
  },
  idle: {
    busy: ['prompt_sent', 'reconciliation'],
    waiting_input: ['reconciliation'],
    // The journal (the truth) shows a turn open that the database never saw start, and the host is gone.
    interrupted: ['reconciliation'],
    // Detached idle sessions (host gone, turn ended) restart their agent on the next prompt.
    starting: ['resume_requested'],
    stopping: ['user_stopped'],
    stopped: ['process_exited'],
    failed: ['process_exited'],
    retiring: ['retire_requested'],
  },
  busy: {
    idle: ['turn_ended', 'reconciliation'],
    waiting_input: ['permission_requested', 'reconciliation'],
    stopping: ['user_stopped'],
    failed: ['process_exited'],
    interrupted: ['reconciliation'],
    retiring: ['retire_requested'],
  },
  waiting_input: {
    busy: ['permission_answered', 'cancel_requested', 'reconciliation'],
    idle: ['turn_ended', 'reconciliation'],
    stopping: ['user_stopped'],
    failed: ['process_exited'],
    interrupted: ['reconciliation'],
    retiring: ['retire_requested'],
  },
  stopping: {
    stopped: ['process_exited', 'reconciliation'],
    retiring: ['retire_requested'],
  },
  stopped: {
    starting: ['resume_requested'],
    retiring: ['retire_requested'],
  },
  failed: {
    starting: ['retry'],
    stopped: ['user_stopped'],
    retiring: ['retire_requested'],
  },
  interrupted: {
    starting: ['continue_requested'],
    stopped: ['user_stopped'],
    retiring: ['retire_requested'],
  },
  retiring: {
    retired: ['retired'],
  },
  retired: {},
};

/**
 * The expected refusals of a transition, as data: the table forbids the move
 * (`illegal_transition`), or the caller decided on a state the session has
 * since left (`stale`: a late signal, a race with a person's Stop).
 */
export interface TransitionRefusal {
  code: 'illegal_transition' | 'stale';
  message: string;
}

export function canTransition(from: SessionState, to: SessionState, trigger: Trigger): boolean {
  return TRANSITIONS[from][to]?.includes(trigger) ?? false;
}

/** States with a process that may be doing something; reconciliation looks at these. */
export const LIVE_STATES: readonly SessionState[] = ['pending', 'starting', 'idle', 'busy', 'waiting_input', 'stopping'];
/** States whose agent is running, starting, or resumable on the next prompt; quitting asks about these. */
export const OPEN_STATES: readonly SessionState[] = ['starting', 'idle', 'busy', 'waiting_input'];
export const TERMINAL_STATES: readonly SessionState[] = ['stopped', 'retired'];
