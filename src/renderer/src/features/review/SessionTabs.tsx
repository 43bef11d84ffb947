/** The Transcript | Changes tabs in a session's header. */
import { useEffect } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { useReview } from './context';
import { DiffList } from './diff-list-loader';
import { statText } from './selectors';

/** Transcript | Changes in a session's header; Changes only where there is a worktree to review. */
export function SessionTabs({ session }: { session: SessionSummary }) {
  const open = useReview((s) => s.changesFor === session.id);
  const show = useReview((s) => s.showChanges);
  const stat = useReview((s) => s.stats[session.id] ?? null);
  // A session with changes to show is likely to have them looked at: the viewer's code is fetched now. Not for one
  // without (most transcripts): running that code is a long task that would stall a transcript's open for nothing.
  const hasChanges = !!session.worktreePath && !!stat && stat.files > 0;
  useEffect(() => {
    if (hasChanges) void DiffList.preload();
  }, [hasChanges]);
  if (!session.worktreePath) return null;
  return (
    <nav className="tabs" role="tablist" aria-label="Session">
      <button role="tab" className="tab" aria-selected={!open} onClick={() => show(null)}>
        Transcript
      </button>
      <button
        role="tab"
        className="tab"
        aria-selected={open}
        onClick={() => show(session.id)}
        onPointerEnter={preloadDiffList}
        onFocus={preloadDiffList}
        data-testid="changes-tab"
        title={stat ? statText(stat) : undefined}>
        Changes
        {stat && stat.files > 0 && <span className="tab-count">{stat.files}</span>}
      </button>
    </nav>
  );
}

/** Fetches the diff viewer's code once the pointer or the focus reaches the Changes tab (a session whose counts are not in yet). */
const preloadDiffList = (): void => void DiffList.preload();

/** Whether the session's Changes tab is the one showing. */
export function useChangesOpen(sessionId: string): boolean {
  return useReview((s) => s.changesFor === sessionId);
}

/** Opens a session's Changes tab (null: its transcript): for the command palette. */
export function useShowChanges(): (sessionId: string | null) => void {
  return useReview((s) => s.showChanges);
}
