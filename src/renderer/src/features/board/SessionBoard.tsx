/** A project's sessions as a board of cards, or the empty state that offers a new one. */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectProjectSessions } from '../session';
import { useBaton } from '../../app/react';
import { SessionCard } from './SessionCard';

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
