import { useEffect, useState } from 'react';
import type { QuitBehavior } from '../../../shared/contracts/app';
import { selectQuitBehavior } from '../stores/app';
import { useBaton } from '../stores/react';
import { AgentsOnMachine } from './AgentsOnMachine';
import { Dialog } from './Dialog';

const QUIT_OPTIONS: { value: QuitBehavior; label: string; help: string }[] = [
  { value: 'ask', label: 'Ask', help: 'When agents are still running, ask each time.' },
  { value: 'leave_running', label: 'Leave agents running', help: 'Agents keep working while Baton is closed; the next start picks them up where they are.' },
  { value: 'stop_all', label: 'Stop all agents', help: 'Stop every running agent before quitting. Their work so far stays in their worktrees.' },
];

type Save = { state: 'idle' } | { state: 'saving'; value: QuitBehavior } | { state: 'saved' } | { state: 'error'; message: string };

/** Baton's own settings (not a project's): for now, what quitting does to running agents. Saved on change. */
export function AppSettingsDialog(props: { open: boolean; onClose: () => void }) {
  const quit = useBaton(selectQuitBehavior);
  const mode = useBaton((s) => s.status?.mode);
  const saveSettings = useBaton((s) => s.saveSettings);
  const [save, setSave] = useState<Save>({ state: 'idle' });

  useEffect(() => {
    if (props.open) setSave({ state: 'idle' });
  }, [props.open]);

  async function choose(value: QuitBehavior) {
    setSave({ state: 'saving', value });
    const r = await saveSettings({ quitBehavior: value });
    setSave(r.ok ? { state: 'saved' } : { state: 'error', message: r.error.message });
  }

  // While a change is on its way the radio shows the choice, not the old value.
  const shown = save.state === 'saving' ? save.value : quit;
  return (
    <Dialog
      open={props.open}
      title="Settings"
      onClose={props.onClose}
      testId="app-settings-dialog"
      footer={
        <button className="btn btn-primary" onClick={props.onClose}>
          Done
        </button>
      }
    >
      <div className="form">
        {quit === null ? (
          <div className="muted">Loading settings…</div>
        ) : (
          <fieldset className="choice-group" disabled={save.state === 'saving'}>
            <legend className="field-label">When quitting</legend>
            {QUIT_OPTIONS.map((o) => (
              <label key={o.value} className="choice">
                <input type="radio" name="quit-behavior" value={o.value} checked={shown === o.value} onChange={() => void choose(o.value)} />
                <span className="choice-text">
                  <span className="choice-label">{o.label}</span>
                  <span className="field-help">{o.help}</span>
                </span>
              </label>
            ))}
            {mode === 'browser' && (
              <span className="field-help">
                In browser mode there is no dialog: stopping the server (Ctrl+C) stops the agents only with Stop all agents.
              </span>
            )}
          </fieldset>
        )}
        <span className="field-help" role="status" data-testid="settings-save-state" data-state={save.state}>
          {save.state === 'saving' && 'Saving…'}
          {save.state === 'saved' && <span className="ok-text">Saved</span>}
        </span>
        {save.state === 'error' && (
          <div className="banner" role="alert">
            Could not save the setting: {save.message} Check Baton is running, then choose again.
          </div>
        )}
        {props.open && <AgentsOnMachine />}
      </div>
    </Dialog>
  );
}
