/** Project settings: the project's run command (its dev server), started in a terminal of its own from the palette or the CLI. */
import { useEffect, useState } from 'react';
import { useServices } from '../../app/react';

export function RunCommandSetting({ projectId }: { projectId: string }) {
  const { api } = useServices();
  const [value, setValue] = useState<string | null>(null);
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  useEffect(() => {
    let live = true;
    void api.terminals.runCommand({ projectId }).then((r) => {
      if (!live) return;
      if (r.ok) setValue(r.value.command ?? '');
      else setState({ kind: 'error', message: `Could not read the run command: ${r.error.message}` });
    });
    return () => {
      live = false;
    };
  }, [api, projectId]);

  async function save(): Promise<void> {
    setState({ kind: 'saving' });
    const command = (value ?? '').trim();
    const r = await api.terminals.setRunCommand({ projectId, command: command === '' ? null : command });
    setState(r.ok ? { kind: 'saved' } : { kind: 'error', message: `Could not save the run command: ${r.error.message} Fix it and save again.` });
  }

  return (
    <section className="card" aria-label="Run command">
      <h3>Run command</h3>
      <label className="field">
        <span className="field-label">Command line</span>
        <input className="input mono" placeholder="npm run dev" value={value ?? ''} disabled={value === null} onChange={(e) => setValue(e.target.value)} />
        <span className="field-help">
          The project’s dev server or watcher: “Run the project’s run command” in the palette (Ctrl+K) starts it in a terminal of its own, and the ports it listens on show as
          links. Empty: none.
        </span>
      </label>
      <div className="settings-actions">
        <button className="btn btn-sm" disabled={value === null || state.kind === 'saving'} onClick={() => void save()}>
          Save run command
        </button>
        {state.kind === 'saved' && (
          <span className="ok-text" role="status">
            Saved
          </span>
        )}
        {state.kind === 'error' && (
          <span className="error-text" role="alert">
            {state.message}
          </span>
        )}
      </div>
    </section>
  );
}
