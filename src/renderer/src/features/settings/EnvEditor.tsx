/** A project's environment variables for agents; values are write-only and shown masked. */
import { useState } from 'react';
import { useServices } from '../../app/react';

/** Environment variables for agents. Values are write-only: Baton never sends them back, so they show masked. */
export function EnvEditor({ projectId, initialKeys }: { projectId: string; initialKeys: string[] }) {
  const { api } = useServices();
  const [keys, setKeys] = useState(initialKeys);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function add() {
    setBusy(true);
    setError(null);
    const r = await api.projects.setEnv({ id: projectId, key: key.trim(), value });
    setBusy(false);
    if (r.ok) {
      setKeys(r.value.envKeys);
      setKey('');
      setValue('');
    } else setError(r.error.message);
  }

  async function remove(k: string) {
    const r = await api.projects.deleteEnv({ id: projectId, key: k });
    if (r.ok) setKeys(r.value.envKeys);
    else setError(r.error.message);
  }

  return (
    <section className="card" data-testid="env-editor">
      <h3>Agent environment</h3>
      <p className="muted">Passed to this project&apos;s agents and setup commands. Values are stored on this machine and never shown again.</p>
      {keys.length > 0 && (
        <ul className="env-list">
          {keys.map((k) => (
            <li key={k} data-testid="env-row">
              <code>{k}</code>
              <span className="masked" aria-label="value hidden">
                ••••••••
              </span>
              <button className="btn btn-ghost btn-sm" onClick={() => void remove(k)} aria-label={`Delete ${k}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input className="input mono" placeholder="NAME" aria-label="Variable name" value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} />
        <input
          className="input mono"
          type="password"
          placeholder="value"
          aria-label="Variable value"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button className="btn" type="submit" disabled={!key.trim() || busy}>
          Set
        </button>
      </form>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </section>
  );
}
