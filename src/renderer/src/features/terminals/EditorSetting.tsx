/** App settings: what "Open in editor" opens a checkout in (VS Code, Cursor, $EDITOR in a terminal, the file manager), with what is installed. */
import { useEffect, useState } from 'react';
import { chosenOpener, type OpenApp, type Opener } from '../../../../shared/contracts/terminals';
import { useBaton, useServices } from '../../app/react';

export function EditorSetting() {
  const { api } = useServices();
  const setting = useBaton((s) => s.status?.settings.editor ?? null);
  const saveSettings = useBaton((s) => s.saveSettings);
  const [openers, setOpeners] = useState<Opener[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Looked up each time the settings open: an editor may have just been installed.
  useEffect(() => {
    let live = true;
    void api.terminals.openers({}).then((r) => {
      if (!live) return;
      if (r.ok) setOpeners(r.value);
      else setError(`Could not look for editors: ${r.error.message}`);
    });
    return () => {
      live = false;
    };
  }, [api]);

  async function choose(editor: OpenApp | null): Promise<void> {
    setError(null);
    const r = await saveSettings({ editor });
    if (!r.ok) setError(`Could not save the editor: ${r.error.message} Check Baton is running, then choose again.`);
  }

  const fallback = openers ? chosenOpener(null, openers) : null;
  const fallbackLabel = openers?.find((o) => o.app === fallback)?.label;
  return (
    <fieldset className="choice-group" data-testid="editor-setting">
      <legend className="field-label">Open in editor</legend>
      {openers === null && !error && <span className="muted">Looking for editors…</span>}
      {openers && (
        <>
          <label className="choice">
            <input type="radio" name="editor" checked={setting === null} onChange={() => void choose(null)} />
            <span className="choice-text">
              <span className="choice-label">The first one installed{fallbackLabel ? ` (now: ${fallbackLabel})` : ''}</span>
              <span className="field-help">{fallback ? 'VS Code, then Cursor, $EDITOR, the file manager: whichever this machine has first.' : 'None is installed yet.'}</span>
            </span>
          </label>
          {openers.map((o) => (
            <label key={o.app} className="choice">
              <input type="radio" name="editor" value={o.app} checked={setting === o.app} onChange={() => void choose(o.app)} />
              <span className="choice-text">
                <span className="choice-label">
                  {o.label} <span className={`pill ${o.available ? 'pill-ok' : 'pill-muted'}`}>{o.available ? 'installed' : 'not found'}</span>
                </span>
                {o.why && <span className="field-help">{o.why}</span>}
              </span>
            </label>
          ))}
        </>
      )}
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
