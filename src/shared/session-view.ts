/** The session as people see it (status, label, affordances): derived from stored facts by one pure function. */
import type { SessionState } from './session-state';

/**
 * What people see of a session, derived from stored facts by one pure
 * function: main (prompt refusals, Continue/Retry/Stop checks), the renderer
 * (pill, banners, card, composer) and the orchestrator's tools all ask it,
 * so none of them re-derives a status or an affordance from the raw state.
 */

export type DisplayStatus = 'Starting' | 'Working' | 'Needs you' | 'Idle' | 'Stopping' | 'Stopped' | 'Failed' | 'Interrupted' | 'Disconnected' | 'Retiring' | 'Retired';

/** Why a session needs a person now; null when it does not. */
export type AttentionReason = 'permission' | 'interrupted' | 'failed' | 'divergence';

/** The stored facts the view is derived from. Facts a caller does not know are left out, never guessed. */
export interface SessionFacts {
  state: SessionState;
  /** Idle with its agent stopped on purpose after idling (the host's exit record, cause `stopped`). */
  hibernated?: boolean;
  /** Known only in main: its host is attached and its agent session open. Absent: unknown. */
  agentRunning?: boolean;
  /** Known only in main: its agent exited on its own and its host is closing. */
  agentExiting?: boolean;
  /**
   * Known only in main: a prompt has been sent to its idle agent and is not in the journal yet (a few
   * milliseconds). Its turn is starting: it counts as working, though the stored state is still idle.
   */
  promptSent?: boolean;
  /** A divergence between database and journal that no one has acknowledged yet. */
  divergence?: boolean;
  /**
   * Its host could not be reached (the link to its machine is down). Not a state: the agent runs on over there,
   * and the stored state is what it was; never interrupted or failed for this (ADR 0018).
   */
  disconnected?: boolean;
  /** Continuing or retrying it would make a second live orchestrator (another has replaced it). */
  revivalBlocked?: boolean;
}

export interface SessionAffordances {
  /** A prompt is taken now (an idle session whose agent is not running is resumed first). */
  prompt: boolean;
  cancel: boolean;
  stop: boolean;
  continue: boolean;
  retry: boolean;
  /** A stopped session's agent can be started again, its conversation resumed. */
  restart: boolean;
  /** Nothing of it runs or can run without a person's act: it may be put away. */
  archive: boolean;
  /** A permission request waits on a person's answer. */
  answer: boolean;
  /** Its worktree may be committed now: no turn is running or about to run that could still be writing files. */
  commit: boolean;
}

export interface SessionView {
  status: DisplayStatus;
  /** The status line: the status, with what it hides when that matters ("Idle · hibernated"). */
  label: string;
  attention: AttentionReason | null;
  can: SessionAffordances;
  /** Why no prompt is taken now, in words for the person who tried; null when one is. */
  promptRefusal: string | null;
  /** Why its worktree is not committed now (the agent may still be writing), in words for the person; null when it may be. */
  commitRefusal: string | null;
}

/** The states in which a session's host is running or may be: the only ones a lost link hides. */
const LIVE = new Set<SessionState>(['starting', 'idle', 'busy', 'waiting_input', 'stopping']);

type Rule = { when: (f: SessionFacts) => boolean; status: DisplayStatus; label?: string; attention?: AttentionReason };

/** Ordered rules, first match wins: the order is the point where facts overlap (an exiting agent, a hibernated idle). */
const RULES: readonly Rule[] = [
  { when: (f) => f.state === 'retired', status: 'Retired' },
  { when: (f) => f.state === 'retiring', status: 'Retiring' },
  { when: (f) => f.state === 'stopping', status: 'Stopping' },
  // Stopped by a person (or its agent ended): it can be restarted, so it is not "Done".
  { when: (f) => f.state === 'stopped', status: 'Stopped' },
  { when: (f) => f.state === 'failed', status: 'Failed', attention: 'failed' },
  { when: (f) => f.state === 'interrupted', status: 'Interrupted', attention: 'interrupted' },
  // Unreachable hides whatever the session was doing over there: nothing here can be known or done until the link returns.
  { when: (f) => f.disconnected === true && LIVE.has(f.state), status: 'Disconnected', label: 'Disconnected (host unreachable)' },
  { when: (f) => f.state === 'pending' || f.state === 'starting', status: 'Starting' },
  { when: (f) => f.state === 'waiting_input', status: 'Needs you', attention: 'permission' },
  { when: (f) => f.state === 'busy', status: 'Working' },
  { when: (f) => f.state === 'idle' && f.promptSent === true, status: 'Working' },
  { when: (f) => f.state === 'idle' && f.hibernated === true, status: 'Idle', label: 'Idle · hibernated' },
  { when: (f) => f.state === 'idle' && (f.agentRunning === false || f.agentExiting === true), status: 'Idle', label: 'Idle · agent not running' },
  { when: (f) => f.state === 'idle', status: 'Idle' },
];

/** What to press (or wait for) so that a prompt is taken again, by state; the refusal ends with it. */
const NEXT_STEP: Partial<Record<SessionState, string>> = {
  pending: 'Wait until it is Idle.',
  starting: 'Wait until it is Idle.',
  stopping: 'Wait until it has stopped, then press Restart.',
  stopped: 'Press Restart to start its agent again and resume the conversation.',
  failed: 'Press Retry to start its agent again.',
  interrupted: 'Press Continue to resume the interrupted turn.',
  retiring: 'This session was replaced; open the current one.',
  retired: 'This session was replaced; open the current one.',
};

/** The refusal a prompt gets, by the same first-match order; null when it is taken. */
function promptRefusal(f: SessionFacts): string | null {
  if (f.disconnected && LIVE.has(f.state)) return "The session's host cannot be reached (the link to its machine is down). Its agent runs on there; Baton reconnects by itself, then send the prompt.";
  if (f.agentExiting) return 'The agent has just exited and its session host is closing. Send the prompt again in a moment: the agent is started again and its conversation resumed.';
  if (f.state === 'busy' || f.state === 'waiting_input') return 'The agent cannot take a prompt now: it is working on a turn; wait for it or Cancel.';
  if (f.state === 'idle' && f.promptSent) return 'The agent cannot take a prompt now: one has just been sent and its turn is starting; wait for it or Cancel.';
  if (f.state === 'idle') return null;
  const base = `The agent cannot take a prompt now: it is ${f.state}.`;
  // Reviving an orchestrator that another has replaced would make two live ones: no button to point at.
  if (f.revivalBlocked && (f.state === 'stopped' || f.state === 'failed' || f.state === 'interrupted')) return `${base} Another orchestrator has replaced it; open the current one.`;
  const next = NEXT_STEP[f.state];
  return next ? `${base} ${next}` : base;
}

/** A commit while the agent writes would take half a turn's edits: refused while a turn runs, starts or is being stopped. */
function commitRefusal(f: SessionFacts): string | null {
  switch (f.state) {
    case 'busy':
    case 'waiting_input':
      return 'The agent is working on a turn and may still be changing files; wait for its turn to end, or Cancel it, then commit.';
    case 'pending':
    case 'starting':
      return 'The agent is starting on its prompt and may be about to change files; wait for its turn to end, or Cancel it, then commit.';
    case 'stopping':
    case 'retiring':
      return 'The agent is being stopped; commit once it has stopped.';
    case 'idle':
      return f.promptSent ? 'The agent is starting on its prompt and may be about to change files; wait for its turn to end, or Cancel it, then commit.' : null;
    default:
      return null;
  }
}

export function sessionView(f: SessionFacts): SessionView {
  const rule = RULES.find((r) => r.when(f));
  // The rules cover every state; a state missing from them is a bug in this file.
  if (!rule) throw new Error(`No view rule for a ${f.state} session.`);
  const refusal = promptRefusal(f);
  const attention = rule.attention ?? (f.divergence ? 'divergence' : null);
  const noCommit = commitRefusal(f);
  const unreachable = f.disconnected === true && LIVE.has(f.state);
  const turnOn = f.state === 'busy' || f.state === 'waiting_input' || (f.state === 'idle' && f.promptSent === true);
  return {
    status: rule.status,
    label: rule.label ?? rule.status,
    attention,
    promptRefusal: refusal,
    commitRefusal: noCommit,
    can: {
      prompt: refusal === null,
      cancel: !unreachable && turnOn,
      // A stop could not reach the host: it would leave the agent running there while the board said stopped.
      stop: !unreachable && f.state !== 'stopped' && f.state !== 'retired',
      continue: f.state === 'interrupted' && !f.revivalBlocked,
      retry: f.state === 'failed' && !f.revivalBlocked,
      restart: f.state === 'stopped' && !f.revivalBlocked,
      archive: f.state === 'stopped' || f.state === 'retired' || f.state === 'failed' || f.state === 'interrupted',
      answer: !unreachable && f.state === 'waiting_input',
      commit: noCommit === null,
    },
  };
}

/** A session summary's facts, as the contract carries them. */
export function summaryFacts(s: { state: SessionState; hibernated?: boolean; divergence?: unknown; agentRunning?: boolean; disconnected?: unknown; promptSent?: boolean }): SessionFacts {
  return {
    state: s.state,
    promptSent: s.promptSent === true,
    hibernated: s.hibernated === true,
    divergence: s.divergence != null,
    disconnected: s.disconnected != null,
    ...(s.agentRunning !== undefined ? { agentRunning: s.agentRunning } : {}),
  };
}
