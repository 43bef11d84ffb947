/** Baton's own settings dialog: quit behaviour, hibernation and the agents on this machine. */
import { useEffect, useState } from 'react';
import { HIBERNATE_DEFAULTS, type AppSettings, type QuitBehavior } from '../../../../shared/contracts/app';
import { selectQuitBehavior } from '../../app/status';
import { useBaton } from '../../app/react';
import { EditorSetting } from '../terminals';
import { AgentsOnMachine } from './AgentsOnMachine';
import { NotificationSettings } from './NotificationSettings';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { minutesText, parseMinutes } from './hibernate-setting';

const QUIT_OPTIONS: { value: QuitBehavior; label: string; help: string }[] = [
  { value: 'ask', label: 'Ask', help: 'When agents are still running, ask each time.' },
  { value: 'leave_running', label: 'Leave agents running', help: 'Agents keep working while Baton is closed; the next start picks them up where they are.' },
  { value: 'stop_all', label: 'Stop all agents', help: 'Stop every running agent before quitting. Their work so far stays in their worktrees.' },
];

type Save = { state: 'idle' } | { state: 'saving'; patch: Partial<AppSettings> } | { state: 'saved' } | { state: 'error'; message: string };

/** Baton's own settings (not a project's): what quitting does to running agents, and when idle agents hibernate. Saved on change. */
export function AppSettingsDialog(props: { open: boolean; onClose: () => void }) {
  const quit = useBaton(selectQuitBehavior);
  const afterSeconds = useBaton((s) => s.status?.settings.hibernateAfterSeconds ?? HIBERNATE_DEFAULTS.hibernateAfterSeconds);
  const orchestrators = useBaton((s) => s.status?.settings.hibernateOrchestrators ?? HIBERNATE_DEFAULTS.hibernateOrchestrators);
  const mode = useBaton((s) => s.status?.mode);
  const saveSettings = useBaton((s) => s.saveSettings);
  const [save, setSave] = useState<Save>({ state: 'idle' });
  // The minutes as typed; saved on Enter or when the field is left, shown afresh whenever the stored value changes.
  const [minutes, setMinutes] = useState(() => minutesText({ hibernateAfterSeconds: afterSeconds }));
  const [minutesError, setMinutesError] = useState<string | null>(null);

  useEffect(() => {
    if (props.open) setSave({ state: 'idle' });
  }, [props.open]);

  useEffect(() => {
    setMinutes(minutesText({ hibernateAfterSeconds: afterSeconds }));
    setMinutesError(null);
  }, [afterSeconds, props.open]);

  async function saveNow(patch: Partial<AppSettings>) {
    setSave({ state: 'saving', patch });
    const r = await saveSettings(patch);
    setSave(r.ok ? { state: 'saved' } : { state: 'error', message: r.error.message });
  }

  function commitMinutes() {
    const parsed = parseMinutes(minutes);
    if (!parsed.ok) return setMinutesError(parsed.message);
    setMinutesError(null);
    if (parsed.seconds !== afterSeconds) void saveNow({ hibernateAfterSeconds: parsed.seconds });
  }

  // While a change is on its way the controls show the choice, not the old value.
  const pending = save.state === 'saving' ? save.patch : {};
  const shown = pending.quitBehavior ?? quit;
  const shownOrchestrators = pending.hibernateOrchestrators ?? orchestrators;
  return (
    <Dialog
      open={props.open}
      title="Settings"
      onClose={props.onClose}
      testId="app-settings-dialog"
      footer={<DialogActions primary={{ label: 'Done', onClick: props.onClose }} />}
    >
      <div className="form">
        {quit === null ? (
          <div className="muted">Loading settings…</div>
        ) : (
          <fieldset className="choice-group" disabled={save.state === 'saving'}>
            <legend className="field-label">When quitting</legend>
            {QUIT_OPTIONS.map((o) => (
              <label key={o.value} className="choice">
                <input type="radio" name="quit-behavior" value={o.value} checked={shown === o.value} onChange={() => void saveNow({ quitBehavior: o.value })} />
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
        {quit !== null && (
          <fieldset className="choice-group" disabled={save.state === 'saving'}>
            <legend className="field-label">Idle agents</legend>
            <label className="field">
              <span className="field-row">
                <span>Hibernate idle agents after</span>
                <input
                  className="input input-narrow input-minutes"
                  type="number"
                  min={0}
                  step={1}
                  inputMode="decimal"
                  aria-label="Hibernate idle agents after (minutes)"
                  aria-invalid={minutesError !== null}
                  aria-describedby={minutesError ? 'hibernate-minutes-error' : undefined}
                  value={minutes}
                  onChange={(e) => setMinutes(e.target.value)}
                  onBlur={commitMinutes}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') commitMinutes();
                  }}
                />
                <span>minutes (0 = never)</span>
              </span>
              <span className="field-help">An idle agent and its session host are stopped to free their memory; the next prompt starts it again and resumes its conversation.</span>
              {minutesError && (
                <span id="hibernate-minutes-error" className="field-help field-error" role="alert">
                  {minutesError}
                </span>
              )}
            </label>
            <label className="choice">
              <input type="checkbox" checked={shownOrchestrators} onChange={(e) => void saveNow({ hibernateOrchestrators: e.target.checked })} />
              <span className="choice-text">
                <span className="choice-label">Also hibernate orchestrators</span>
                <span className="field-help">Off by default: an orchestrator is often waiting on its workers.</span>
              </span>
            </label>
          </fieldset>
        )}
        <NotificationSettings />
        <span className="field-help" role="status" data-testid="settings-save-state" data-state={save.state}>
          {save.state === 'saving' && 'Saving…'}
          {save.state === 'saved' && <span className="ok-text">Saved</span>}
        </span>
        {save.state === 'error' && (
          <div className="banner" role="alert">
            Could not save the setting: {save.message} Check Baton is running, then choose again.
          </div>
        )}
        {props.open && <EditorSetting />}
        {props.open && <AgentsOnMachine />}
      </div>
    </Dialog>
  );
}
