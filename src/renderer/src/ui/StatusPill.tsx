/** A session's status as one coloured pill: its own file, so the board, the card and the panels import it without importing each other. */
import type { SessionSummary } from '../../../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../../../shared/session-view';
import { STATUS_TONE } from './tones';

export function StatusPill({ session }: { session: Pick<SessionSummary, 'state' | 'hibernated'> }) {
  const { status, label } = sessionView(summaryFacts(session));
  return (
    <span className={`pill ${STATUS_TONE[status]}`} data-testid="session-status" data-status={status} data-hibernated={session.hibernated ? 'true' : undefined}>
      {label}
    </span>
  );
}
