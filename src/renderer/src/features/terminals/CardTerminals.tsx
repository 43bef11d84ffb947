/** The terminals line on a session card: how many run in its worktree, and any that are lost (Restart is in the session view). */
import { useEffect, useMemo } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { useBaton } from '../../app/react';
import { selectTerminals, terminalsAt, terminalsSummary } from './terminals';

export function CardTerminals({ session }: { session: SessionSummary }) {
  const all = useBaton(useMemo(() => selectTerminals(session.projectId), [session.projectId]));
  const load = useBaton((s) => s.loadTerminals);
  const followed = useBaton((s) => s.followed.terminals[session.projectId] === true);
  // The board follows its project's terminals from the first card on; events keep the list current.
  useEffect(() => {
    if (!followed) void load(session.projectId);
  }, [followed, load, session.projectId]);
  const root = session.worktreePath;
  const summary = useMemo(() => (root ? terminalsSummary(terminalsAt(all, { projectId: session.projectId, worktreeId: null, root })) : null), [all, root, session.projectId]);
  if (!summary) return null;
  return (
    <div className={`small ${summary.lost ? 'warn-text' : 'muted'}`} data-testid="card-terminals">
      {summary.text}
    </div>
  );
}
