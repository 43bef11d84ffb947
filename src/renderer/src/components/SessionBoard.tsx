import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SessionSummary } from '../../../shared/contracts/sessions';
import { sessionView, summaryFacts, type DisplayStatus } from '../../../shared/session-view';
import { selectProjectSessions } from '../stores/sessions';
import { useBaton } from '../stores/react';
import { SessionCard } from './SessionCard';

export const STATUS_TONE: Record<DisplayStatus, string> = {
  Starting: 'pill-muted',
  Working: 'pill-accent',
  'Needs you': 'pill-warn',
  Idle: 'pill-ok',
  Stopping: 'pill-muted',
  Done: 'pill-muted',
  Failed: 'pill-danger',
  Interrupted: 'pill-danger',
  Retiring: 'pill-muted',
  Retired: 'pill-muted',
};

export function StatusPill({ session }: { session: Pick<SessionSummary, 'state' | 'hibernated'> }) {
  const { status, label } = sessionView(summaryFacts(session));
  return (
    <span className={`pill ${STATUS_TONE[status]}`} data-testid="session-status" data-status={status} data-hibernated={session.hibernated ? 'true' : undefined}>
      {label}
    </span>
  );
}

export function SessionBoard({ projectId, onNew }: { projectId: string; onNew: () => void }) {
  const select = useMemo(() => selectProjectSessions(projectId), [projectId]);
  const sessions = useBaton(useShallow(select));
  if (sessions.length === 0) {
    return (
      <div className="empty-inline" data-testid="project-board">
        No sessions yet.{' '}
        <button className="btn btn-primary btn-sm" onClick={onNew}>
          New session
        </button>
      </div>
    );
  }
  return (
    <div className="board" data-testid="project-board">
      {sessions.map((s) => (
        <SessionCard key={s.id} session={s} />
      ))}
    </div>
  );
}
