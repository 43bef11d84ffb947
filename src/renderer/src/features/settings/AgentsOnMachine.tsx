/** The agents this machine has, with versions, and the command that installs a missing one. */
import { useEffect } from 'react';
import type { HarnessId } from '../../../../shared/harness';
import { selectAgents } from './agents';
import { useBaton } from '../../app/react';
import { CopyLine } from '../../ui/CopyButton';
import { Spinner } from '../../ui/feedback';

/**
 * Which agents this machine has, with versions, and the one command that
 * installs each missing one: seen here, before a session fails to start.
 * `highlight` marks the agent a dialog is about to start.
 */
export function AgentsOnMachine({ highlight }: { highlight?: HarnessId | '' }) {
  const agents = useBaton(selectAgents);
  const error = useBaton((s) => s.agentsError);
  const loading = useBaton((s) => s.agentsLoading);
  const loadAgents = useBaton((s) => s.loadAgents);

  useEffect(() => {
    void loadAgents();
  }, [loadAgents]);

  return (
    <section className="agents-list" aria-label="Agents on this machine" data-testid="agents-list">
      <div className="agents-head">
        <span className="field-label">Agents on this machine</span>
        <button className="btn btn-ghost btn-sm" disabled={loading} aria-busy={loading} onClick={() => void loadAgents(true)}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {error && (
        <span className="error-text" role="alert">
          Could not list the agents: {error} Check that Baton is running, then press Check again.
        </span>
      )}
      {!agents && !error && (
        <span className="muted">
          <Spinner /> Looking for agents…
        </span>
      )}
      {agents && (
        <ul className="agents-rows">
          {agents.map((a) => (
            <li key={a.id} className={`agents-row ${highlight === a.id ? 'agents-row-chosen' : ''}`} data-testid="agent-row" data-agent={a.id} data-installed={a.installed}>
              <span className={`dot ${a.installed ? 'dot-ok' : 'dot-warn'}`} aria-hidden />
              <span className="agents-name">{a.name}</span>
              {a.installed ? (
                <span className="muted small" title={a.path ?? undefined}>
                  {a.version ? `installed, ${a.version}` : 'installed'}
                  {a.note && ` (${a.note})`}
                </span>
              ) : (
                <span className="agents-missing">
                  <span className="muted small">not installed; install with:</span>
                  <CopyLine text={a.installCommand} label={`Install command for ${a.name}`} />
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <span className="field-help">Baton looks on the PATH it was started with; after installing, press Check again (or restart Baton if it still cannot see it).</span>
    </section>
  );
}
