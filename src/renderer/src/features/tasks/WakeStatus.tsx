/** The orchestrator card's wake line: a wake waiting and for what, or when it last woke. */
import { useMemo } from 'react';
import { timeAgo } from '../../ui/format';
import { useNow } from '../../ui/hooks';
import { useBaton } from '../../app/react';
import { describeWake, selectWake } from './tasks';

/** The orchestrator card's last line: is a wake waiting, and for what; else when it last woke. */
export function WakeStatus({ projectId, starting }: { projectId: string; starting: boolean }) {
  const wake = useBaton(useMemo(() => selectWake(projectId), [projectId]));
  const now = useNow();
  const line = describeWake(wake, { starting, timeAgo: (iso) => timeAgo(iso, now) });
  if (!line) return null;
  return (
    <div className={`orch-wake wake-${line.tone}`} role="status" aria-label="Wake" data-testid="wake-status" data-pending={wake?.pending ?? false}>
      <span className="wake-dot" aria-hidden />
      <span>{line.text}</span>
      {wake?.pending && wake.lastDeliveredAt && <span className="muted">· last woke {timeAgo(wake.lastDeliveredAt, now)}</span>}
    </div>
  );
}
