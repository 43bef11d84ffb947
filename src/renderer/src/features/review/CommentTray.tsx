/** The review comments written so far, sent to the agent as one prompt. */
import { useState } from 'react';
import type { ReviewCommentView } from '../../../../shared/contracts/review';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { commentDelivery } from '../../../../shared/review-comments';
import { useReview } from './context';
import { sortComments } from './selectors';

const EMPTY: ReviewCommentView[] = [];

/** The comments not sent yet (kept in main across reloads), and "Send to agent": all drafts as one prompt with their file:line. */
export function CommentTray({ session }: { session: SessionSummary }) {
  const comments = useReview((s) => s.comments[session.id] ?? EMPTY);
  const removeComment = useReview((s) => s.removeComment);
  const sendComments = useReview((s) => s.sendComments);
  const [sending, setSending] = useState(false);
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  // Main's own rule: send now when idle, queue while a turn runs, refuse (with why) otherwise.
  const delivery = commentDelivery(session.state);
  const drafts = comments.filter((c) => c.state === 'draft').length;
  const queued = comments.length - drafts;
  if (comments.length === 0 && !note)
    return <div className="review-tray muted small">Select lines in the diff (the + at a line; drag it over several) to write a review comment for the agent.</div>;

  async function send() {
    setSending(true);
    setNote(null);
    const r = await sendComments(session.id);
    setSending(false);
    if (!r.ok) setNote({ kind: 'error', text: r.error.message });
    else if (r.value.status === 'sent') setNote({ kind: 'ok', text: 'Sent to the agent as one prompt; follow it in the transcript.' });
    else setNote({ kind: 'ok', text: `Queued: ${r.value.reason}` });
  }

  return (
    <div className="review-tray" data-testid="review-tray">
      {comments.length > 0 && (
        <>
          <div className="review-tray-head">
            <strong>
              {comments.length} review {comments.length === 1 ? 'comment' : 'comments'}
            </strong>
            {queued > 0 && <span className="pill small" data-testid="review-queued">{queued} queued</span>}
            <span className="statusbar-spacer" />
            <button
              className="btn btn-primary btn-sm"
              disabled={sending || drafts === 0 || delivery.how === 'refuse'}
              title={delivery.how === 'now' ? undefined : delivery.reason}
              onClick={() => void send()}
            >
              {sending ? 'Sending…' : delivery.how === 'queue' ? 'Send when idle' : 'Send to agent'}
            </button>
          </div>
          {delivery.how !== 'now' && <div className="muted small">{delivery.reason}</div>}
          <ul className="review-tray-list">
            {sortComments(comments).map((c) => (
              <li key={c.id} data-state={c.state}>
                <span className="mono small">
                  {c.path}:{c.line}
                  {c.endLine ? `-${c.endLine}` : ''}
                </span>{' '}
                <span className="clamp-2">{c.text}</span>{' '}
                {c.state === 'queued' ? (
                  <span className="muted small">queued</span>
                ) : (
                  <button className="btn btn-ghost btn-sm" onClick={() => void removeComment(session.id, c.id)} aria-label={`Remove the comment on ${c.path}:${c.line}`}>
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {note && (
        <div className={note.kind === 'ok' ? 'banner banner-ok' : 'banner'} role={note.kind === 'ok' ? 'status' : 'alert'}>
          {note.text}
        </div>
      )}
    </div>
  );
}
