/** The review-comment box under the selected diff lines. */
import { useState } from 'react';

/** The box under the selected lines: a review comment for the agent, kept until sent. */
export function CommentForm({ where, onSave, onCancel }: { where: string; onSave(text: string): void; onCancel(): void }) {
  const [text, setText] = useState('');
  return (
    <form
      className="review-comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onSave(text.trim());
      }}
    >
      <div className="muted small mono">Comment on {where}</div>
      <textarea
        className="input"
        rows={3}
        autoFocus
        value={text}
        aria-label={`Comment on ${where}`}
        placeholder="What should the agent change here? (Ctrl+Enter to add)"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && text.trim()) onSave(text.trim());
          if (e.key === 'Escape') onCancel();
        }}
      />
      <div className="review-comment-actions">
        <button type="button" className="btn btn-sm" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-sm btn-primary" disabled={!text.trim()}>
          Add comment
        </button>
      </div>
    </form>
  );
}
