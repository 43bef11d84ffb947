/** The inbox panel: every item that needs the person, across projects, walked with j/k and Enter. */
import { useEffect, useRef, useState } from 'react';
import type { InboxItem } from '../../../../shared/contracts/inbox';
import { useBaton, useServices } from '../../app/react';
import { timeAgo } from '../../ui/format';
import { useNow } from '../../ui/hooks';
import { ContinueButton, RetryButton } from '../recovery';
import { PermissionAnswer } from './PermissionAnswer';
import { selectInbox } from './inbox';
import { ACTION_LABEL, moveSelection } from './rules';
import { NotificationsToggle } from './notify';

export function InboxPanel({ onClose }: { onClose: () => void }) {
  const items = useBaton(selectInbox);
  const projects = useBaton((s) => s.projects);
  const showSession = useBaton((s) => s.showSession);
  const [index, setIndex] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const now = useNow(60_000);
  const open = (i: InboxItem) => {
    showSession(i.projectId, i.sessionId);
    onClose();
  };

  useEffect(() => {
    setIndex((n) => moveSelection(n, 0, items.length));
  }, [items.length]);
  useEffect(() => listRef.current?.focus(), []);

  return (
    <main className="main inbox" aria-label="Inbox">
      <header className="main-header">
        <h1>Needs you {items.length > 0 && <span className="pill pill-warn" data-testid="inbox-count">{items.length}</span>}</h1>
        <NotificationsToggle />
        <button className="btn btn-ghost" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="main-body">
        {items.length === 0 ? (
          <p className="muted" data-testid="inbox-empty">
            Nothing needs you. Permission requests, failures, interruptions and finished turns with changes show up here.
          </p>
        ) : (
          <ul
            ref={listRef}
            className="inbox-list"
            tabIndex={0}
            aria-label="Items that need you (j/k to move, Enter to open)"
            onKeyDown={(e) => {
              if (e.target !== e.currentTarget) return;
              if (e.key === 'j' || e.key === 'ArrowDown') setIndex((n) => moveSelection(n, 1, items.length));
              else if (e.key === 'k' || e.key === 'ArrowUp') setIndex((n) => moveSelection(n, -1, items.length));
              else if (e.key === 'Enter' && items[index]) open(items[index]);
              else return;
              e.preventDefault();
            }}
          >
            {items.map((i, n) => (
              <li key={`${i.sessionId}:${i.reason}`} className={`inbox-item ${n === index ? 'inbox-item-selected' : ''}`} data-testid="inbox-item" data-reason={i.reason} aria-current={n === index}>
                <div className="inbox-item-head">
                  <button className="btn btn-ghost btn-sm" onClick={() => open(i)}>
                    {i.title}
                  </button>
                  <span className="muted small">
                    {projects.find((p) => p.id === i.projectId)?.name ?? ''} · {i.reason} · {timeAgo(i.since, now)}
                  </span>
                </div>
                {i.request ? (
                  <PermissionAnswer sessionId={i.sessionId} request={i.request} />
                ) : (
                  <div className="inbox-item-body">
                    <span className="small">{i.summary}</span>
                    <ItemAction item={i} onOpen={() => open(i)} />
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </main>
  );
}

function ItemAction({ item, onOpen }: { item: InboxItem; onOpen: () => void }) {
  const { api } = useServices();
  if (item.action === 'continue') return <ContinueButton sessionId={item.sessionId} small />;
  if (item.action === 'retry') return <RetryButton sessionId={item.sessionId} small />;
  if (item.action === 'acknowledge') {
    return (
      <button className="btn btn-sm" onClick={() => void api.sessions.acknowledgeDivergence({ id: item.sessionId })}>
        {ACTION_LABEL.acknowledge}
      </button>
    );
  }
  if (item.action === 'review') {
    return (
      <span className="inbox-item-actions">
        <button className="btn btn-sm btn-primary" onClick={onOpen}>
          {ACTION_LABEL.review}
        </button>
        <button className="btn btn-sm" title="Take it out of the inbox until the agent's next turn ends" onClick={() => void api.review.markReviewed({ sessionId: item.sessionId })}>
          Mark reviewed
        </button>
      </span>
    );
  }
  return (
    <button className="btn btn-sm btn-primary" onClick={onOpen}>
      {ACTION_LABEL[item.action]}
    </button>
  );
}
