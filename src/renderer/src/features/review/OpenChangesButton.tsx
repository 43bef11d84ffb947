/** A link to a session's Changes tab from elsewhere (a worktree row). */
import { useBaton } from '../../app/react';
import { useReview } from './context';

/** Opens a session's Changes tab from elsewhere (a worktree row): the board, the session, its Changes. */
export function OpenChangesButton({ sessionId, label = 'Changes' }: { sessionId: string; label?: string }) {
  const setTab = useBaton((s) => s.setProjectTab);
  const openSession = useBaton((s) => s.openSession);
  const showChanges = useReview((s) => s.showChanges);
  return (
    <button
      className="btn btn-sm"
      data-testid="open-changes"
      onClick={() => {
        setTab('board');
        openSession(sessionId);
        showChanges(sessionId);
      }}
    >
      {label}
    </button>
  );
}
