/** A session's recovery actions (Continue, Retry, Acknowledge) and their outcomes, for its card and its view. */
import { useMemo } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { selectSessionAction, type SessionActionKind } from './session-actions';
import { useBaton } from '../../app/react';
import { BusyButton, OutcomeNotice, Spinner } from '../../ui/feedback';

/** The recovery actions a session offers, shared by its board card and its session view. */

function useAction(id: string, kind: SessionActionKind) {
  const select = useMemo(() => selectSessionAction(id, kind), [id, kind]);
  return useBaton(select);
}

/** One click picks an interrupted session up again; it can take seconds (the agent starts and resumes). */
export function ContinueButton({ sessionId, small }: { sessionId: string; small?: boolean }) {
  const action = useAction(sessionId, 'continue');
  const continueSession = useBaton((s) => s.continueSession);
  return (
    <BusyButton
      className={`btn btn-primary ${small ? 'btn-sm' : ''}`}
      busy={action?.phase === 'running'}
      busyLabel="Continuing…"
      title="Start the agent again and finish the interrupted turn"
      onClick={() => void continueSession(sessionId)}
    >
      Continue
    </BusyButton>
  );
}

export function RetryButton({ sessionId, small }: { sessionId: string; small?: boolean }) {
  const action = useAction(sessionId, 'retry');
  const retrySession = useBaton((s) => s.retrySession);
  return (
    <BusyButton
      className={`btn btn-primary ${small ? 'btn-sm' : ''}`}
      busy={action?.phase === 'running'}
      busyLabel="Retrying…"
      title="Start the agent again"
      onClick={() => void retrySession(sessionId)}
    >
      Retry
    </BusyButton>
  );
}

/**
 * What the last Continue or Retry did: progress while it runs, then what
 * happened (resumed, reloaded, new conversation) or what failed and what to do.
 */
export function ActionOutcome({ sessionId, compact }: { sessionId: string; compact?: boolean }) {
  const action = useAction(sessionId, 'continue');
  const dismiss = useBaton((s) => s.dismissSessionAction);
  if (!action) return null;
  if (action.phase === 'running') {
    if (compact) return null; // The card's button already says Continuing…
    return (
      <div className="notice notice-progress" role="status" data-testid="action-outcome" data-phase="running">
        <Spinner />
        <span>{action.kind === 'continue' ? 'Starting the agent again and picking the conversation up…' : 'Starting the agent again…'}</span>
      </div>
    );
  }
  return <OutcomeNotice outcome={action} compact={compact} testId="action-outcome" onDismiss={() => dismiss(sessionId)} />;
}

/** The database and the journal disagreed and the journal won: shown until someone acknowledges it. */
export function DivergenceNotice({ session, compact }: { session: Pick<SessionSummary, 'id' | 'divergence'>; compact?: boolean }) {
  const action = useAction(session.id, 'acknowledge');
  const acknowledge = useBaton((s) => s.acknowledgeDivergence);
  const d = session.divergence;
  if (!d) return null;
  const busy = action?.phase === 'running';
  const when = new Date(d.detectedAt).toLocaleString();
  // On a narrow card the button goes under the text rather than squeezing it.
  const button = (
    <button className="btn btn-sm" disabled={busy} aria-busy={busy} onClick={() => void acknowledge(session.id)}>
      {busy ? 'Acknowledging…' : 'Acknowledge'}
    </button>
  );
  return (
    <div className={`notice notice-warn ${compact ? 'notice-compact' : ''}`} role="region" aria-label="Transcript rebuilt" data-testid="divergence">
      <div className="notice-text">
        <strong>Transcript rebuilt from the journal</strong>
        <span className={compact ? 'clamp-2' : ''} title={compact ? d.detail : undefined}>
          {d.detail}
        </span>
        {!compact && <span className="notice-hint">Found {when}. Nothing the agent did is lost: the journal on disk is the record.</span>}
        {action?.phase === 'error' && (
          <span className="error-text" role="alert">
            {action.message} {action.hint}
          </span>
        )}
        {compact && button}
      </div>
      {!compact && button}
    </div>
  );
}
