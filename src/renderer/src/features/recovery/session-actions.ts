/** The session-actions slice: continue, retry and acknowledge a session, each with its running state and outcome. */
import type { StateCreator } from 'zustand';
import type { AppError } from '../../../../shared/result';
import type { BatonState, StoreDeps } from '../../app/types';

export type SessionActionKind = 'continue' | 'retry' | 'acknowledge';

/**
 * A recovery action someone started on a session, kept in the store rather
 * than in a component so the card and the session view show the same
 * progress and outcome, and it survives moving between them.
 */
export type SessionAction =
  | { kind: SessionActionKind; phase: 'running' }
  | { kind: SessionActionKind; phase: 'done'; message: string }
  | { kind: SessionActionKind; phase: 'error'; message: string; hint: string };

export interface SessionActionsSlice {
  /** Keyed by `actionKey`: acknowledging a divergence never hides a Continue's outcome. */
  sessionActions: Record<string, SessionAction>;
  continueSession(id: string): Promise<void>;
  retrySession(id: string): Promise<void>;
  acknowledgeDivergence(id: string): Promise<void>;
  dismissSessionAction(id: string, kind?: SessionActionKind): void;
}

/** Continue and Retry share a slot (one replaces the other); acknowledging has its own. */
export const actionKey = (id: string, kind: SessionActionKind): string => (kind === 'acknowledge' ? `ack:${id}` : id);

export type ContinueHow = 'resume' | 'load' | 'new';

export const CONTINUED: Record<ContinueHow, string> = {
  resume: 'Resumed: the agent picked its conversation up where it stopped and was asked to finish the interrupted turn.',
  load: 'Reloaded: the agent reloaded its conversation from its own history and was asked to finish the interrupted turn.',
  new: 'New conversation: this agent cannot resume or reload one, so a fresh conversation was primed with the original request and the last completed step.',
};

/** Retry runs the command the session was created with: a corrected project command needs a new session. */
export const FAILED_HINT = 'Retry starts the agent again with the same command. If the command itself is wrong, correct it in the project’s Settings and start a new session.';

/** What a failed action means for the person, and what they can do next. */
export function actionFailure(kind: SessionActionKind, error: AppError, stateAfter: string | undefined): { message: string; hint: string } {
  const what = kind === 'continue' ? 'continue' : kind === 'retry' ? 'start' : 'acknowledge the rebuilt transcript of';
  const message = `Could not ${what} this session: ${error.message}`;
  if (error.code === 'disconnected' || error.code === 'timeout') return { message, hint: 'Check that Baton is running (status bar), then try again.' };
  if (kind === 'acknowledge') return { message, hint: 'Try Acknowledge again.' };
  if (stateAfter === 'failed') return { message, hint: FAILED_HINT };
  if (stateAfter === 'interrupted') return { message, hint: 'Press Continue to try again; if it keeps failing, Stop the session and start a new one.' };
  return { message, hint: 'The session has moved on meanwhile; its status shows where it is now.' };
}

export const createSessionActionsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], SessionActionsSlice> =>
  (set, get) => {
    const put = (id: string, kind: SessionActionKind, action: SessionAction | null) =>
      set((s) => {
        const next = { ...s.sessionActions };
        if (action) next[actionKey(id, kind)] = action;
        else delete next[actionKey(id, kind)];
        return { sessionActions: next };
      });
    const running = (id: string, kind: SessionActionKind) => get().sessionActions[actionKey(id, kind)]?.phase === 'running';
    const failed = async (id: string, kind: SessionActionKind, error: AppError) => {
      await get().loadSession(id);
      put(id, kind, { kind, phase: 'error', ...actionFailure(kind, error, get().sessions[id]?.state) });
    };

    return {
      sessionActions: {},
      async continueSession(id) {
        if (running(id, 'continue')) return;
        put(id, 'continue', { kind: 'continue', phase: 'running' });
        const r = await deps.api.sessions.continue({ id });
        if (!r.ok) return failed(id, 'continue', r.error);
        put(id, 'continue', { kind: 'continue', phase: 'done', message: CONTINUED[r.value.how] });
        await get().loadSession(id);
      },
      async retrySession(id) {
        if (running(id, 'retry')) return;
        put(id, 'retry', { kind: 'retry', phase: 'running' });
        const r = await deps.api.sessions.retry({ id });
        if (!r.ok) return failed(id, 'retry', r.error);
        // Success shows in the status itself (Starting, then Idle or Working): no message to keep. The answer is the
        // summary from before the restart began, so the session is read again rather than taken from it.
        put(id, 'retry', null);
        await get().loadSession(id);
      },
      async acknowledgeDivergence(id) {
        if (running(id, 'acknowledge')) return;
        put(id, 'acknowledge', { kind: 'acknowledge', phase: 'running' });
        const r = await deps.api.sessions.acknowledgeDivergence({ id });
        if (!r.ok) return failed(id, 'acknowledge', r.error);
        put(id, 'acknowledge', null);
        get().receiveSummaries([r.value], false);
      },
      dismissSessionAction: (id, kind = 'continue') => put(id, kind, null),
    };
  };

/** States a finished Continue or Retry no longer explains: the session ended (or failed again) after it. */
const OUTCOME_OUTLIVED: readonly string[] = ['stopping', 'stopped', 'failed', 'retiring', 'retired'];

/**
 * The action on a session, as people should see it: a finished outcome
 * ("Resumed: …") describes the turn it picked up, so it goes once the session is done.
 */
export const selectSessionAction =
  (id: string, kind: SessionActionKind = 'continue') =>
  (s: BatonState): SessionAction | null => {
    const action = s.sessionActions[actionKey(id, kind)] ?? null;
    const state = s.sessions[id]?.state;
    if (action?.phase === 'done' && state !== undefined && OUTCOME_OUTLIVED.includes(state)) return null;
    return action;
  };
