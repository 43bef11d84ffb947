/** The terminals line on a session card: how many run in its worktree, and any that are lost (Restart is in the session view). */
import { useEffect, useMemo } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { useBaton, useServices } from '../../app/react';
import { selectTerminals, terminalsAt, terminalsSummary } from './terminals';

export function CardTerminals({ session }: { session: SessionSummary }) {
  const all = useBaton(useMemo(() => selectTerminals(session.projectId), [session.projectId]));
  const load = useBaton((s) => s.loadTerminals);
  const { store } = useServices();
  // The board follows its project's terminals from the first card on; events keep the list current. Asked of the
  // store when the effect runs, not of this render: the first card's load marks it followed, so 25 cards read it once.
  useEffect(() => {
    if (!store.getState().followed.terminals[session.projectId]) void load(session.projectId);
  }, [store, load, session.projectId]);
  const root = session.worktreePath;
  const summary = useMemo(() => (root ? terminalsSummary(terminalsAt(all, { projectId: session.projectId, worktreeId: null, root })) : null), [all, root, session.projectId]);
  if (!summary) return null;
  return (
    <div className={`small ${summary.lost ? 'warn-text' : 'muted'}`} data-testid="card-terminals">
      {summary.text}
    </div>
  );
}
