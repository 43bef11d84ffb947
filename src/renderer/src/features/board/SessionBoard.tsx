/** A project's sessions as a board of cards grouped by what the person should do, with a filter; or the empty state. */
import { memo, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BOARD_GROUP_LABEL, BOARD_GROUPS, matchesFilter } from '../../../../shared/board';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { selectOrchestrator } from '../orchestrator';
import { useBaton, useServices } from '../../app/react';
import { boardGroups, projectSessions, sameCardFacts } from './board';
import { SessionCard } from './SessionCard';

/**
 * A card re-renders only when a fact it shows changes: a streaming session's
 * summary changes with every line (its last seq), which no card shows.
 */
const Card = memo(SessionCard, (a, b) => sameCardFacts(a.session, b.session));

export function SessionBoard({ projectId, onNew }: { projectId: string; onNew: () => void }) {
  const sessions = useBaton(useShallow((s) => projectSessions(s.sessions, projectId)));
  const orchestratorId = useBaton((s) => selectOrchestrator(projectId)(s)?.id ?? null);
  const inbox = useBaton((s) => s.inbox);
  const [filter, setFilter] = useState('');
  const [showArchived, setShowArchived] = useState(false);
  const archived = useArchived(projectId, showArchived);

  const groups = useMemo(() => boardGroups(sessions, inbox, filter, orchestratorId), [sessions, inbox, filter, orchestratorId]);
  const cards = sessions.length - (orchestratorId === null ? 0 : 1);

  // The orchestrator's own card is the one above the board, so it alone leaves the board empty.
  if (cards === 0 && !showArchived) {
    return (
      <div className="empty-inline" data-testid="project-board">
        {orchestratorId === null ? 'No sessions yet.' : 'No other sessions yet: the orchestrator is above.'}{' '}
        <button className="btn btn-primary btn-sm" onClick={onNew}>
          New session
        </button>
      </div>
    );
  }
  const shownArchived = (archived ?? []).filter((s) => matchesFilter(s, filter));
  return (
    <div data-testid="project-board">
      <div className="board-filter">
        <input className="input" type="search" placeholder="Filter by title, branch, id or agent" aria-label="Filter sessions" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label className="small">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> Archived
        </label>
      </div>
      {BOARD_GROUPS.map((g) => {
        const cards = groups.get(g);
        if (!cards?.length) return null;
        return (
          <section key={g} className="board-group" data-testid="board-group" data-group={g} aria-label={BOARD_GROUP_LABEL[g]}>
            <h2 className="board-group-title">
              {BOARD_GROUP_LABEL[g]} <span className="muted">{cards.length}</span>
            </h2>
            <div className="board">
              {cards.map((s) => (
                <Card key={s.id} session={s} />
              ))}
            </div>
          </section>
        );
      })}
      {showArchived && (
        <section className="board-group" data-testid="board-group" data-group="archived" aria-label="Archived">
          <h2 className="board-group-title">
            Archived <span className="muted">{archived === null ? '…' : shownArchived.length}</span>
          </h2>
          <div className="board">
            {shownArchived.map((s) => (
              <Card key={s.id} session={s} />
            ))}
          </div>
        </section>
      )}
      {filter && groups.size === 0 && shownArchived.length === 0 && <p className="muted">No session matches “{filter}”.</p>}
    </div>
  );
}

/** The project's archived sessions, read when the filter is on (they are not kept in the store: the board hides them). */
function useArchived(projectId: string, on: boolean): SessionSummary[] | null {
  const { api } = useServices();
  const [list, setList] = useState<SessionSummary[] | null>(null);
  // Read again when a session is added or leaves the board (archived or back), not on every change of one.
  const version = useBaton((s) => Object.keys(s.sessions).length);
  useEffect(() => {
    if (!on) return;
    let live = true;
    void api.sessions.list({ projectId, archived: 'only' }).then((r) => {
      if (live) setList(r.ok ? r.value : []);
    });
    return () => {
      live = false;
    };
  }, [api, projectId, on, version]);
  return on ? list : null;
}
