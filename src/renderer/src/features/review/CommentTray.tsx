/** The review comments written so far, sent to the agent as one prompt. */
import { useState } from 'react';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { useReview } from './context';
import { promptBlocked, sortComments, type ReviewComment } from './selectors';

const EMPTY: ReviewComment[] = [];

/** The comments written so far, and "Send to agent": all of them as one prompt with their file:line. */
export function CommentTray({ session }: { session: SessionSummary }) {
  const comments = useReview((s) => s.comments[session.id] ?? EMPTY);
  const removeComment = useReview((s) => s.removeComment);
  const sendComments = useReview((s) => s.sendComments);
  const [sending, setSending] = useState(false);
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const blocked = promptBlocked(session.state);
  if (comments.length === 0 && !note)
    return <div className="review-tray muted small">Select lines in the diff (the + at a line; drag it over several) to write a review comment for the agent.</div>;

  async function send() {
    setSending(true);
    setNote(null);
    const r = await sendComments(session.id);
    setSending(false);
    setNote(r.ok ? { kind: 'ok', text: 'Sent to the agent as one prompt; follow it in the transcript.' } : { kind: 'error', text: `Not sent: ${r.error.message} Your comments are kept; send them again when the agent is idle.` });
  }

  return (
    <div className="review-tray" data-testid="review-tray">
      {comments.length > 0 && (
        <>
          <div className="review-tray-head">
            <strong>
              {comments.length} review {comments.length === 1 ? 'comment' : 'comments'}
            </strong>
            <span className="statusbar-spacer" />
            <button className="btn btn-primary btn-sm" disabled={sending || blocked !== null} title={blocked ?? undefined} onClick={() => void send()}>
              {sending ? 'Sending…' : 'Send to agent'}
            </button>
          </div>
          {blocked && <div className="muted small">{blocked}</div>}
          <ul className="review-tray-list">
            {sortComments(comments).map((c) => (
              <li key={c.id}>
                <span className="mono small">
                  {c.path}:{c.line}
                  {c.endLine ? `-${c.endLine}` : ''}
                </span>{' '}
                <span className="clamp-2">{c.text}</span>{' '}
                <button className="btn btn-ghost btn-sm" onClick={() => removeComment(session.id, c.id)} aria-label={`Remove the comment on ${c.path}:${c.line}`}>
                  ×
                </button>
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
