/** A project's environment variables for agents: plain values shown and editable, secrets write-only and marked. */
import { useState } from 'react';
import type { EnvEntry } from '../../../../shared/contracts/projects';
import { useServices } from '../../app/react';

/**
 * Environment variables for agents. A secret's value is write-only: Baton
 * never sends it back, so it shows masked and can only be replaced. A plain
 * value (a port, a feature flag) is shown and edited in place.
 */
export function EnvEditor({ projectId, initial }: { projectId: string; initial: EnvEntry[] }) {
  const { api } = useServices();
  const [entries, setEntries] = useState(initial);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [secret, setSecret] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function put(k: string, v: string, isSecret: boolean): Promise<boolean> {
    setBusy(true);
    setError(null);
    const r = await api.projects.setEnv({ id: projectId, key: k, value: v, secret: isSecret });
    setBusy(false);
    if (r.ok) setEntries(r.value.env);
    else setError(`${k || 'The variable'} was not saved: ${r.error.message}`);
    return r.ok;
  }

  async function remove(k: string) {
    const r = await api.projects.deleteEnv({ id: projectId, key: k });
    if (r.ok) setEntries(r.value.env);
    else setError(`${k} was not deleted: ${r.error.message}`);
  }

  return (
    <section className="card" data-testid="env-editor">
      <h3>Agent environment</h3>
      <p className="muted">Passed to this project&apos;s agents and setup commands. Secret values are stored on this machine and never shown again; plain values are shown and can be edited here.</p>
      {entries.length > 0 && (
        <ul className="env-list">
          {entries.map((e) => (
            <EnvRow key={e.key} entry={e} busy={busy} onSave={(v) => put(e.key, v, false)} onDelete={() => void remove(e.key)} />
          ))}
        </ul>
      )}
      <form
        className="field-row"
        onSubmit={(e) => {
          e.preventDefault();
          void put(key.trim(), value, secret).then((saved) => {
            if (!saved) return;
            setKey('');
            setValue('');
          });
        }}
      >
        <input className="input mono" placeholder="NAME" aria-label="Variable name" value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} />
        <input
          className="input mono"
          type={secret ? 'password' : 'text'}
          placeholder="value"
          aria-label="Variable value"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <label className="env-secret small">
          <input type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} /> Secret
        </label>
        <button className="btn" type="submit" disabled={!key.trim() || busy}>
          Set
        </button>
      </form>
      <span className="field-help">A secret (a token, a password) is write-only. Untick Secret for a value you want to see and edit later.</span>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </section>
  );
}

function EnvRow({ entry, busy, onSave, onDelete }: { entry: EnvEntry; busy: boolean; onSave: (value: string) => Promise<boolean>; onDelete: () => void }) {
  const [value, setValue] = useState(entry.value ?? '');
  const changed = !entry.secret && value !== (entry.value ?? '');
  return (
    <li data-testid="env-row" data-secret={entry.secret}>
      <code>{entry.key}</code>
      {entry.secret ? (
        <>
          <span className="masked" aria-label="value hidden">
            ••••••••
          </span>
          <span className="pill pill-muted" title="Write-only: set it again to replace it">
            Secret
          </span>
        </>
      ) : (
        <input className="input mono" aria-label={`Value of ${entry.key}`} value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} />
      )}
      {changed && (
        <button className="btn btn-sm" disabled={busy} onClick={() => void onSave(value)}>
          Save
        </button>
      )}
      <button className="btn btn-ghost btn-sm" onClick={onDelete} aria-label={`Delete ${entry.key}`}>
        Delete
      </button>
    </li>
  );
}
