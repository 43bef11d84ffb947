import { describe, expect, it } from 'vitest';
import { SESSION_STATES, type SessionState } from '../../../src/shared/session-state';
import { sessionView, type SessionFacts } from '../../../src/shared/session-view';

// One row per state, written out by hand: status, attention, and the affordances prompt/cancel/stop/continue/retry/restart/archive/answer/commit.
const P = 'prompt', C = 'cancel', S = 'stop', CO = 'continue', R = 'retry', RS = 'restart', A = 'archive', AN = 'answer', CM = 'commit';
const BY_STATE: Record<SessionState, [string, string | null, string[]]> = {
  pending: ['Starting', null, [S]],
  starting: ['Starting', null, [S]],
  idle: ['Idle', null, [P, S, CM]],
  busy: ['Working', null, [C, S]],
  waiting_input: ['Needs you', 'permission', [C, S, AN]],
  stopping: ['Stopping', null, [S]],
  stopped: ['Stopped', null, [RS, A, CM]],
  failed: ['Failed', 'failed', [S, R, A, CM]],
  interrupted: ['Interrupted', 'interrupted', [S, CO, A, CM]],
  retiring: ['Retiring', null, [S]],
  retired: ['Retired', null, [A, CM]],
};

const granted = (f: SessionFacts): string[] =>
  Object.entries(sessionView(f).can)
    .filter(([, v]) => v)
    .map(([k]) => k);

describe('sessionView: every state, from stored facts alone', () => {
  for (const state of SESSION_STATES) {
    it(state, () => {
      const [status, attention, can] = BY_STATE[state];
      const v = sessionView({ state });
      expect(v.status).toBe(status);
      expect(v.label).toBe(status);
      expect(v.attention).toBe(attention);
      expect(granted({ state }).sort()).toEqual([...can].sort());
      expect(v.promptRefusal === null).toBe(v.can.prompt);
      expect(v.commitRefusal === null).toBe(v.can.commit);
    });
  }
});

describe('sessionView: fact combinations, first rule wins', () => {
  // [facts, label, attention, can prompt, refusal starts with]
  const rows: [SessionFacts, string, string | null, boolean, string | null][] = [
    [{ state: 'idle', hibernated: true }, 'Idle · hibernated', null, true, null],
    // Hibernated is the more specific truth about an idle agent that is not running.
    [{ state: 'idle', hibernated: true, agentRunning: false }, 'Idle · hibernated', null, true, null],
    [{ state: 'idle', agentRunning: false }, 'Idle · agent not running', null, true, null],
    [{ state: 'idle', agentRunning: true }, 'Idle', null, true, null],
    [{ state: 'idle', agentExiting: true }, 'Idle · agent not running', null, false, 'The agent has just exited'],
    // An exiting agent is refused first, whatever the state.
    [{ state: 'busy', agentExiting: true }, 'Working', null, false, 'The agent has just exited'],
    [{ state: 'busy' }, 'Working', null, false, 'The agent cannot take a prompt now: it is working on a turn; wait for it or Cancel.'],
    [{ state: 'waiting_input' }, 'Needs you', 'permission', false, 'The agent cannot take a prompt now: it is working on a turn'],
    [{ state: 'stopped' }, 'Stopped', null, false, 'The agent cannot take a prompt now: it is stopped. Press Restart'],
    // Another orchestrator replaced it: restarting it would make two live ones.
    [{ state: 'stopped', revivalBlocked: true }, 'Stopped', null, false, 'The agent cannot take a prompt now: it is stopped.'],
    [{ state: 'idle', divergence: true }, 'Idle', 'divergence', true, null],
    // A failure outranks a divergence as the reason to look.
    [{ state: 'failed', divergence: true }, 'Failed', 'failed', false, 'The agent cannot take a prompt now: it is failed. Press Retry'],
    // Host unreachable (its link is down): shown as such over what the session was doing there, nothing to do until it returns.
    [{ state: 'busy', disconnected: true }, 'Disconnected (host unreachable)', null, false, "The session's host cannot be reached"],
    [{ state: 'idle', disconnected: true }, 'Disconnected (host unreachable)', null, false, "The session's host cannot be reached"],
    [{ state: 'waiting_input', disconnected: true }, 'Disconnected (host unreachable)', null, false, "The session's host cannot be reached"],
    [{ state: 'idle', hibernated: true, disconnected: true }, 'Disconnected (host unreachable)', null, false, "The session's host cannot be reached"],
    // Only a host that may be running is hidden by a lost link: an interrupted or finished session stays what it is.
    [{ state: 'interrupted', disconnected: true }, 'Interrupted', 'interrupted', false, 'The agent cannot take a prompt now: it is interrupted.'],
    [{ state: 'stopped', disconnected: true }, 'Stopped', null, false, 'The agent cannot take a prompt now: it is stopped.'],
    // hibernated only qualifies an idle session.
    [{ state: 'busy', hibernated: true }, 'Working', null, false, 'The agent cannot take a prompt now: it is working'],
    // A prompt on its way (not journaled yet): its turn is starting, though the stored state is still idle.
    [{ state: 'idle', promptSent: true }, 'Working', null, false, 'The agent cannot take a prompt now: one has just been sent'],
    [{ state: 'idle', promptSent: false }, 'Idle', null, true, null],
    // Once journaled, busy says it all.
    [{ state: 'busy', promptSent: true }, 'Working', null, false, 'The agent cannot take a prompt now: it is working'],
  ];
  for (const [facts, label, attention, prompt, refusal] of rows) {
    it(JSON.stringify(facts), () => {
      const v = sessionView(facts);
      expect(v.label).toBe(label);
      expect(v.attention).toBe(attention);
      expect(v.can.prompt).toBe(prompt);
      if (refusal === null) expect(v.promptRefusal).toBeNull();
      else expect(v.promptRefusal?.startsWith(refusal), String(v.promptRefusal)).toBe(true);
    });
  }

  it('a commit is refused with a reason naming wait or Cancel while a turn runs or starts', () => {
    for (const state of ['busy', 'waiting_input', 'pending', 'starting'] as const) expect(sessionView({ state }).commitRefusal).toMatch(/wait for its turn to end, or Cancel it/);
    expect(sessionView({ state: 'stopping' }).commitRefusal).toMatch(/once it has stopped/);
    expect(sessionView({ state: 'idle', promptSent: true }).commitRefusal).toMatch(/starting on its prompt/);
    expect(sessionView({ state: 'idle' }).commitRefusal).toBeNull();
  });

  it('a prompt on its way can be cancelled like a running turn, and nothing else changes for it', () => {
    expect(sessionView({ state: 'idle', promptSent: true }).can).toEqual({ prompt: false, cancel: true, stop: true, continue: false, retry: false, restart: false, archive: false, answer: false, commit: false });
    expect(sessionView({ state: 'idle' }).can.cancel).toBe(false);
  });

  it('a disconnected session can be neither cancelled, stopped nor answered from here: the host is out of reach', () => {
    expect(sessionView({ state: 'waiting_input', disconnected: true }).can).toEqual({ prompt: false, cancel: false, stop: false, continue: false, retry: false, restart: false, archive: false, answer: false, commit: false });
    expect(sessionView({ state: 'idle', disconnected: true }).can).toMatchObject({ stop: false, commit: true });
    expect(sessionView({ state: 'interrupted', disconnected: true }).can).toMatchObject({ stop: true, continue: true });
  });

  it('a revival block withholds Continue and Retry, and only them', () => {
    expect(sessionView({ state: 'interrupted', revivalBlocked: true }).can).toMatchObject({ continue: false, retry: false, stop: true, archive: true });
    expect(sessionView({ state: 'failed', revivalBlocked: true }).can).toMatchObject({ continue: false, retry: false, stop: true, archive: true });
    expect(sessionView({ state: 'stopped', revivalBlocked: true }).can).toMatchObject({ restart: false, archive: true });
    expect(sessionView({ state: 'stopped', revivalBlocked: true }).promptRefusal).toContain('Another orchestrator has replaced it');
    expect(sessionView({ state: 'interrupted', revivalBlocked: true }).attention).toBe('interrupted');
  });
});
