/** "Reconcile now" in the status bar and what the reconcile did. */
import { selectReconciling, summarizeReport } from './recovery';
import { useBaton } from '../../app/react';
import { Spinner } from '../../ui/feedback';

/**
 * "Reconcile now" in the status bar: looks at every unfinished session again
 * (host alive? journal says?) the way startup does, then says what it did.
 */
export function ReconcileControl() {
  const reconciling = useBaton(selectReconciling);
  const run = useBaton((s) => s.reconcileRun);
  const available = useBaton((s) => s.status?.store.state === 'ready');
  const connected = useBaton((s) => s.connection.kind === 'connected');
  const reconcileNow = useBaton((s) => s.reconcileNow);
  if (!available) return null;
  return (
    <span className="reconcile" data-testid="reconcile">
      {reconciling ? (
        <span className="reconcile-state" role="status">
          <Spinner /> Reconciling sessions…
        </span>
      ) : run.phase === 'done' ? (
        <span className="reconcile-state" role="status" title={`At ${new Date(run.report.at).toLocaleTimeString()}`} data-testid="reconcile-result">
          {summarizeReport(run.report)}
        </span>
      ) : run.phase === 'error' ? (
        <span className="reconcile-state error-text" role="alert" data-testid="reconcile-result">
          Reconcile failed: {run.message} Check Baton is running, then try again.
        </span>
      ) : null}
      <button
        className="btn btn-ghost btn-sm"
        disabled={reconciling || !connected}
        onClick={() => void reconcileNow()}
        title="Check every unfinished session against its host and journal, as at startup"
      >
        Reconcile now
      </button>
    </span>
  );
}
