/** The CSS tone class (pill-ok, pill-warn, ...) for each status a pill shows: display only, so kept out of the stores. */
import type { RunStatus, TaskPriority } from '../../../shared/contracts/tasks';
import type { DisplayStatus } from '../../../shared/session-view';

export const STATUS_TONE: Record<DisplayStatus, string> = {
  Starting: 'pill-muted',
  Working: 'pill-accent',
  'Needs you': 'pill-warn',
  Idle: 'pill-ok',
  Stopping: 'pill-muted',
  Stopped: 'pill-muted',
  Failed: 'pill-danger',
  Interrupted: 'pill-danger',
  Disconnected: 'pill-warn',
  Retiring: 'pill-muted',
  Retired: 'pill-muted',
};

export const RUN_STATUS_TONE: Record<RunStatus, string> = {
  queued: 'pill-muted',
  claimed: 'pill-accent',
  running: 'pill-accent',
  completed: 'pill-ok',
  failed: 'pill-danger',
  canceled: 'pill-muted',
  needs_attention: 'pill-warn',
};

/** Normal goes without a pill; the others take the status tones. */
export const PRIORITY_TONE: Record<TaskPriority, string> = { low: 'pill-muted', normal: 'pill-muted', high: 'pill-warn', urgent: 'pill-danger' };
