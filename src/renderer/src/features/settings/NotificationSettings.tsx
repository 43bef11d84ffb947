/** The app settings' Notifications group: the optional sound, and in browser mode this browser's permission and on/off. */
import { useState } from 'react';
import { NOTIFICATION_DEFAULTS } from '../../../../shared/contracts/app';
import { useBaton } from '../../app/react';
import { NotificationsToggle, playChime } from '../inbox';

/** Saved on change, on its own (the dialog's other groups keep their own save state). */
export function NotificationSettings() {
  const loaded = useBaton((s) => s.status !== null);
  const sound = useBaton((s) => s.status?.settings.notificationSound ?? NOTIFICATION_DEFAULTS.notificationSound);
  const mode = useBaton((s) => s.status?.mode ?? null);
  const saveSettings = useBaton((s) => s.saveSettings);
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!loaded) return null;

  async function setSound(on: boolean) {
    // Played from the click itself: a browser lets a page's audio start only after the person interacted with it.
    if (on && mode === 'browser') playChime();
    setPending(on);
    setError(null);
    const r = await saveSettings({ notificationSound: on });
    setPending(null);
    if (!r.ok) setError(r.error.message);
  }

  return (
    <fieldset className="choice-group" disabled={pending !== null} data-testid="notification-settings">
      <legend className="field-label">Notifications</legend>
      <label className="choice">
        <input type="checkbox" checked={pending ?? sound} onChange={(e) => void setSound(e.target.checked)} />
        <span className="choice-text">
          <span className="choice-label">Play a sound with notifications</span>
          <span className="field-help">
            {mode === 'browser'
              ? 'A short chime from this page when a notification is raised (the tab must stay open).'
              : 'The system’s notification sound; off, notifications are silent.'}
          </span>
        </span>
      </label>
      {mode === 'browser' && <NotificationsToggle label="Show notifications in this browser" />}
      <span className="field-help">To silence one project, mute it in that project’s Settings tab; its sessions still count in the inbox.</span>
      {error && (
        <span className="field-help field-error" role="alert">
          Could not save the sound setting: {error} Check Baton is running, then try again.
        </span>
      )}
    </fieldset>
  );
}
