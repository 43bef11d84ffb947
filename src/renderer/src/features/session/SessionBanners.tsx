/** The banners above a session's transcript: why it needs you, the action's outcome, or its quiet state. */
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../../../../shared/session-view';
import { ActionOutcome, ContinueButton, DivergenceNotice, FAILED_HINT, RetryButton, selectSessionAction } from '../recovery';
import { useBaton } from '../../app/react';

type Facts = Pick<SessionSummary, 'id' | 'state' | 'stateDetail' | 'divergence'>;

/**
 * What the session view says above the transcript: why it needs you
 * (interrupted, failed) with the one action that fixes it, the outcome of that
 * action, a rebuilt transcript, and otherwise the quiet reason for its state
 * ("Reattached after a restart.", "Detached: …").
 */
export function SessionBanners({ session }: { session: Facts }) {
  const hasOutcome = useBaton((s) => selectSessionAction(session.id)(s) !== null);
  const { attention } = sessionView(summaryFacts(session));
  return (
    <div className="session-banners">
      {attention === 'interrupted' && (
        <div className="state-banner state-banner-danger" role="region" aria-label="Interrupted" data-testid="interrupted-banner">
          <div className="notice-text">
            <strong>Interrupted</strong>
            <span>{session.stateDetail ?? 'A turn was open when this session’s host stopped.'}</span>
            <span className="notice-hint">
              Continue starts the agent again and has it finish the turn. Tool calls that were running are marked interrupted below.
            </span>
          </div>
          <ContinueButton sessionId={session.id} />
        </div>
      )}
      {attention === 'failed' && (
        <div className="state-banner state-banner-danger" role="region" aria-label="Failed" data-testid="failed-banner">
          <div className="notice-text">
            <strong>Failed</strong>
            {session.stateDetail ? <pre className="detail">{session.stateDetail}</pre> : <span>The agent stopped unexpectedly.</span>}
            <span className="notice-hint">{FAILED_HINT}</span>
          </div>
          <RetryButton sessionId={session.id} />
        </div>
      )}
      <ActionOutcome sessionId={session.id} />
      <DivergenceNotice session={session} />
      {!hasOutcome && session.stateDetail && attention !== 'interrupted' && attention !== 'failed' && (
        <div className="state-note muted small" role="note" data-testid="state-note">
          {session.stateDetail}
        </div>
      )}
    </div>
  );
}
