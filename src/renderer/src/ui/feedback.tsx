/** Small pieces several panels share: progress, busy buttons, outcomes and load errors, one shape each. */
import type { ButtonHTMLAttributes } from 'react';

export const Spinner = () => <span className="spinner" aria-hidden />;

/**
 * A button for a request that takes a while: disabled and marked busy while
 * it runs, with a spinner and what it is doing ("Retrying…") in place of its
 * label. `disabled` can hold it back for other reasons too (another action on
 * the same thing running).
 */
export function BusyButton({ busy, busyLabel, disabled, children, ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; busyLabel: string }) {
  return (
    <button {...props} disabled={busy || disabled} aria-busy={busy}>
      {busy ? (
        <>
          <Spinner /> {busyLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}

export type Outcome = { phase: 'done'; message: string } | { phase: 'error'; message: string; hint: string };

/** What a request came to, until dismissed: a short confirmation, or what went wrong and what to do. */
export function OutcomeNotice({ outcome, onDismiss, compact, testId }: { outcome: Outcome; onDismiss: () => void; compact?: boolean; testId?: string }) {
  const error = outcome.phase === 'error';
  return (
    <div
      className={`notice ${error ? 'notice-danger' : 'notice-ok'} ${compact ? 'notice-compact' : ''}`}
      role={error ? 'alert' : 'status'}
      data-testid={testId}
      data-phase={outcome.phase}
    >
      <div className="notice-text">
        <span>{outcome.message}</span>
        {error && <span className="notice-hint">{outcome.hint}</span>}
      </div>
      <button className="btn btn-ghost btn-icon notice-close" aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

/** A query that could not be read, say what (`what`: "this project’s tasks") and why, with Try again. */
export function LoadError({ what, message, onRetry }: { what: string; message: string; onRetry: () => void }) {
  return (
    <div className="notice notice-danger" role="alert">
      <div className="notice-text">
        <span>
          Could not read {what}: {message}
        </span>
        <span className="notice-hint">Check that Baton is running (status bar), then try again.</span>
      </div>
      <button className="btn btn-sm" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
