/** The status bar: the connection, Reconcile now, the mode, data directory and version. */
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionState } from '../api/transport';
import { useBaton, useServices } from '../app/react';
import { ReconcileControl } from '../features/recovery/ReconcileControl';

const LABELS: Record<ConnectionState['kind'], { text: string; dot: string }> = {
  connecting: { text: 'Connecting…', dot: 'dot-warn' },
  connected: { text: 'Connected', dot: 'dot-ok' },
  reconnecting: { text: 'Reconnecting…', dot: 'dot-warn' },
  disconnected: { text: 'Disconnected', dot: 'dot-danger' },
};

export function StatusBar() {
  const { transport } = useServices();
  const connection = useBaton((s) => s.connection);
  const info = useBaton(
    useShallow((s) => ({ mode: s.status?.mode, dataDir: s.status?.dataDir, version: s.status?.version })),
  );
  const label = LABELS[connection.kind];
  return (
    <footer className="statusbar" role="contentinfo">
      <span className="conn" data-testid="connection-state" data-state={connection.kind} role="status" aria-live="polite">
        <span className={`dot ${label.dot}`} />
        {label.text}
        {connection.kind === 'disconnected' && <span className="muted">{connection.message}</span>}
      </span>
      {connection.kind === 'disconnected' && connection.reason === 'unreachable' && (
        <button className="btn btn-ghost btn-sm" onClick={() => transport.retryNow()}>
          Retry now
        </button>
      )}
      <span className="statusbar-spacer" />
      <ReconcileControl />
      {info.mode && <span>{info.mode === 'browser' ? 'Browser mode' : 'Desktop'}</span>}
      {info.dataDir && (
        <span className="mono" title="Data directory">
          {info.dataDir}
        </span>
      )}
      {info.version && <span>v{info.version}</span>}
    </footer>
  );
}
