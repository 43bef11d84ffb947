/** The desktop notifications' decisions, as pure functions (no electron import): which items, how they sound, what a click does to the window; and the one read they need. */
import { z } from 'zod';
import type { Router } from '../api/router';
import type { InboxItem } from '../../shared/contracts/inbox';
import { ProjectSummary } from '../../shared/contracts/projects';
import { mutedProjects, newItems, notificationText } from '../../shared/inbox';

export interface NotifyMoment {
  /** The inbox last seen; null before the first one (what was there at start is not news). */
  before: readonly InboxItem[] | null;
  after: readonly InboxItem[];
  /** Whether this system shows notifications at all (Electron's `Notification.isSupported()`). */
  supported: boolean;
  /**
   * The window is focused: the person is looking at Baton. The renderer reports
   * nothing finer, so a focused window counts as "looking at the session" and
   * only an unfocused one is notified.
   */
  windowFocused: boolean;
  mutedProjectIds: ReadonlySet<string>;
}

/** The items that get a native notification now: new ones, while the person looks elsewhere, of projects not muted. */
export function desktopNotifications(m: NotifyMoment): InboxItem[] {
  if (!m.before || !m.supported || m.windowFocused) return [];
  return newItems(m.before, m.after, null, m.mutedProjectIds);
}

/** Electron's notification options: the words, and `silent` unless the person asked for a sound. */
export function notificationOptions(item: InboxItem, sound: boolean): { title: string; body: string; silent: boolean } {
  return { ...notificationText(item), silent: !sound };
}

export type FocusStep = 'create' | 'restore' | 'show' | 'focus';

/**
 * What clicking a notification does to the window so the session comes
 * forward: one is made when none is open (macOS keeps running with no
 * window), a minimized one is restored, a hidden one shown, then focused.
 */
export function focusSteps(w: { exists: boolean; minimized: boolean; visible: boolean }): FocusStep[] {
  if (!w.exists) return ['create', 'focus'];
  return [...(w.minimized ? (['restore'] as const) : []), ...(w.visible ? [] : (['show'] as const)), 'focus'];
}

/** The muted projects, read through the router the way every client reads them; when the list cannot be read, none is muted (a call back too many beats a silent one). */
export async function mutedProjectsVia<Ctx>(router: Router<Ctx>, ctx: Ctx): Promise<ReadonlySet<string>> {
  const r = await router.call('projects.list', {}, ctx);
  const list = r.ok ? z.array(ProjectSummary).safeParse(r.value) : null;
  if (!list?.success) {
    console.error(`[baton] the projects could not be read for notifications: ${r.ok ? 'an unexpected shape' : r.error.message}`);
    return new Set();
  }
  return mutedProjects(list.data);
}
