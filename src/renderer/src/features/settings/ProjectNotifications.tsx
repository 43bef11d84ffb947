/** A project's mute switch for notifications, saved on change: muted, its sessions still count in the inbox but raise no notification. */
import { useState } from 'react';
import { useBaton, useServices } from '../../app/react';

export function ProjectNotifications({ projectId }: { projectId: string }) {
  const { api } = useServices();
  // The project list is followed by event, so a mute set from `baton notifications mute` shows here too.
  const muted = useBaton((s) => s.projects.find((p) => p.id === projectId)?.notificationsMuted ?? false);
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function setMuted(on: boolean) {
    setPending(on);
    setError(null);
    const r = await api.projects.update({ id: projectId, patch: { notificationsMuted: on } });
    setPending(null);
    if (!r.ok) setError(r.error.message);
  }

  return (
    <section className="card" data-testid="project-notifications">
      <h3>Notifications</h3>
      <label className="choice">
        <input type="checkbox" checked={pending ?? muted} disabled={pending !== null} onChange={(e) => void setMuted(e.target.checked)} />
        <span className="choice-text">
          <span className="choice-label">Mute this project’s notifications</span>
          <span className="field-help">Its sessions still show in the inbox and its count; they raise no notification and no sound.</span>
        </span>
      </label>
      {error && (
        <span className="error-text" role="alert">
          Could not change the mute: {error}
        </span>
      )}
    </section>
  );
}
