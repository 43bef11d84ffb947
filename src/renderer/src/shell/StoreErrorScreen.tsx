/** The screen shown instead of the app when the database cannot be trusted. */
import type { StoreStatus } from '../../../shared/contracts/app';

type StoreError = Extract<StoreStatus, { state: 'error' }>;

const TITLES: Record<StoreError['reason'], string> = {
  corrupt: 'Baton’s database is damaged',
  newer_version: 'Baton’s database is from a newer version',
  unreadable: 'Baton cannot read its database',
};

/** Shown instead of the app when the database cannot be trusted; the file itself is never touched. */
export function StoreErrorScreen({ error }: { error: StoreError }) {
  return (
    <div className="fatal" data-testid="store-error" data-reason={error.reason}>
      <div className="fatal-card" role="alert">
        <h1>{TITLES[error.reason]}</h1>
        <p>{error.message}</p>
        <div>
          <div className="muted">Database file</div>
          <div className="fatal-path mono">{error.path}</div>
        </div>
        <p className="muted">
          Baton has not modified this file. To start fresh, quit Baton and move the file aside, or run Baton with
          another data directory (<code>BATON_HOME=/some/dir</code> or <code>--data-dir</code>).
        </p>
      </div>
    </div>
  );
}
