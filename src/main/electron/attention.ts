/** The desktop app's calls back: the dock/taskbar badge counts the inbox, and a native notification for each new item. */
import { app, BrowserWindow, Notification } from 'electron';
import type { EventHub } from '../api/events';
import type { Contract } from '../../shared/contracts';
import type { InboxItem } from '../../shared/contracts/inbox';
import { desktopNotifications, focusSteps, notificationOptions } from './notify-decide';

export interface AttentionDeps {
  /** The projects muted now, read when there is something to notify about (a mute just saved counts). */
  mutedProjects(): Promise<ReadonlySet<string>>;
  /** The "sound with notifications" setting, read per notification. */
  sound(): boolean;
  /** Makes a window when none is open (macOS); resolves once its page can take events. */
  createWindow(): Promise<BrowserWindow>;
}

/**
 * Follows `inbox.changed`. The rules (which items, muted projects, the sound,
 * what a click does) are pure functions in notify-decide.ts; this wires them
 * to Electron. Clicking a notification brings the window forward and asks the
 * page, over the contract's `inbox.openRequested`, to show that session.
 */
export function followInbox(hub: EventHub<Contract>, deps: AttentionDeps): () => void {
  let shown: InboxItem[] | null = null;
  // Held until clicked or closed: a notification nothing references may be collected, and its click then goes nowhere.
  const live = new Set<Notification>();

  async function open(item: InboxItem): Promise<void> {
    let [win] = BrowserWindow.getAllWindows();
    for (const step of focusSteps({ exists: !!win, minimized: !!win?.isMinimized(), visible: !!win?.isVisible() })) {
      if (step === 'create') win = await deps.createWindow();
      else if (step === 'restore') win?.restore();
      else if (step === 'show') win?.show();
      else win?.focus();
    }
    hub.emit('inbox.openRequested', { projectId: item.projectId, sessionId: item.sessionId });
  }

  async function notify(before: InboxItem[], after: InboxItem[]): Promise<void> {
    const [win] = BrowserWindow.getAllWindows();
    const moment = { before, after, supported: Notification.isSupported(), windowFocused: !!win?.isFocused() };
    // Muted projects are read only when something would be raised: most inbox changes notify nobody.
    if (desktopNotifications({ ...moment, mutedProjectIds: new Set() }).length === 0) return;
    for (const item of desktopNotifications({ ...moment, mutedProjectIds: await deps.mutedProjects() })) {
      const n = new Notification(notificationOptions(item, deps.sound()));
      live.add(n);
      n.on('close', () => live.delete(n));
      n.on('click', () => {
        live.delete(n);
        void open(item).catch((e: unknown) => console.error('[baton] opening the session of a notification failed:', e));
      });
      n.show();
    }
  }

  return hub.listen((...[name, payload]) => {
    if (name !== 'inbox.changed') return;
    const items = payload.items;
    app.setBadgeCount(items.length);
    const before = shown;
    shown = items;
    // The first inbox after a start is what was already there: no burst of notifications for it.
    if (!before) return;
    void notify(before, items).catch((e: unknown) => console.error('[baton] a desktop notification failed:', e));
  });
}
