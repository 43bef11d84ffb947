/** One session's card on the board: status, role, recovery actions and its change at a glance. */
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { useMemo } from 'react';
import { sessionView, summaryFacts } from '../../../../shared/session-view';
import { dateTime, harnessLabel, timeAgo } from '../../ui/format';
import { useNow } from '../../ui/hooks';
import { selectIsCurrentOrchestrator, selectIsDuplicate, selectRevivalBlock, REVIVAL_BLOCK_NOTES } from '../orchestrator';
import { useBaton } from '../../app/react';
import { ActionOutcome, ContinueButton, DivergenceNotice, RetryButton } from '../recovery';
import { StatusPill } from '../../ui/StatusPill';
import { CardStat } from '../review';
import { CardTerminals } from '../terminals';
import { PermissionAnswer, selectInboxItemFor } from '../inbox';

/**
 * One session on the board. The title is the button that opens it, stretched
 * over the whole card, so the card's own buttons (Continue, Retry,
 * Acknowledge) can sit inside it without nesting buttons.
 */
export function SessionCard({ session: s }: { session: SessionSummary }) {
  const openSession = useBaton((st) => st.openSession);
  const duplicate = useBaton(useMemo(() => selectIsDuplicate(s), [s]));
  const current = useBaton(useMemo(() => selectIsCurrentOrchestrator(s), [s]));
  const block = useBaton(useMemo(() => selectRevivalBlock(s), [s]));
  const now = useNow(60_000);
  const view = sessionView({ ...summaryFacts(s), revivalBlocked: block !== null });
  const status = view.status;
  const needsAction = view.attention === 'failed' || view.attention === 'interrupted';
  const titleId = `session-card-title-${s.id}`;
  return (
    <article className={`session-card ${needsAction ? 'session-card-attention' : ''}`} data-testid="session-card" data-status={status} aria-labelledby={titleId}>
      <div className="session-card-top">
        <button id={titleId} className="session-card-open session-card-title" onClick={() => openSession(s.id)}>
          {s.title}
        </button>
        <StatusPill session={s} />
      </div>
      <div className="muted small mono">{s.branch ?? s.worktreePath}</div>
      <div className="muted small">
        {s.role === 'orchestrator' ? 'Orchestrator' : 'Worker'} · {harnessLabel(s.harness)} ·{' '}
        <span title={dateTime(s.createdAt)}>started {timeAgo(s.createdAt, now)}</span>
      </div>
      <CardStat session={s} />
      {(duplicate || current) && (
        <div className="session-card-flags">
          {duplicate ? (
            <span className="pill pill-warn" data-testid="duplicate-flag" title="Another, newer orchestrator is the project’s orchestrator: retire this one from the orchestrator card.">
              Duplicate orchestrator
            </span>
          ) : (
            <span className="pill pill-accent">Current orchestrator</span>
          )}
        </div>
      )}
      <SessionCardDetails session={s} />
    </article>
  );
}

/**
 * What a session's card says beyond who it is: its terminals, a permission to
 * answer, why it failed and its fix (Continue or Retry), a divergence, and what
 * an action came to. Also the lower part of the orchestrator card, which is
 * the current orchestrator's one card (issue 14).
 */
export function SessionCardDetails({ session: s }: { session: SessionSummary }) {
  const block = useBaton(useMemo(() => selectRevivalBlock(s), [s]));
  const asks = useBaton(useMemo(() => selectInboxItemFor(s.id), [s.id]));
  const view = sessionView({ ...summaryFacts(s), revivalBlocked: block !== null });
  // Failed or interrupted: the card says why and offers its fix (or why there is none); a divergence has its own notice.
  const needsAction = view.attention === 'failed' || view.attention === 'interrupted';
  return (
    <>
      <CardTerminals session={s} />
      {asks?.request && <PermissionAnswer sessionId={s.id} request={asks.request} />}
      {s.stateDetail && needsAction && (
        <div className="row-error small clamp-2" title={s.stateDetail}>
          {s.stateDetail.split('\n')[0]}
        </div>
      )}
      {s.divergence && <DivergenceNotice session={s} compact />}
      <ActionOutcome sessionId={s.id} compact />
      {/* Continuing or retrying an orchestrator that another has replaced would make two live ones: it stays history (or is retired as a duplicate). */}
      {needsAction && block && <div className="muted small">{REVIVAL_BLOCK_NOTES[block]}</div>}
      {(view.can.continue || view.can.retry) && (
        <div className="session-card-actions">{view.can.continue ? <ContinueButton sessionId={s.id} small /> : <RetryButton sessionId={s.id} small />}</div>
      )}
    </>
  );
}
