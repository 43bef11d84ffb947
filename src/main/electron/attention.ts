/** The desktop app's calls back: the dock/taskbar badge counts the inbox, and a native notification for each new item. */
import { app, BrowserWindow, Notification } from 'electron';
import type { EventHub } from '../api/events';
import type { Contract } from '../../shared/contracts';
import type { InboxItem } from '../../shared/contracts/inbox';
import { newItems, notificationText } from '../../shared/inbox';

/**
 * Follows `inbox.changed`. No notification for the session on screen: the
 * window is focused and the renderer reports nothing finer, so a focused
 * window counts as "looking" and only an unfocused one is notified. Clicking
 * a notification brings the window forward.
 */
export function followInbox(hub: EventHub<Contract>): () => void {
  let shown: InboxItem[] | null = null;
  return hub.listen((...[name, payload]) => {
    if (name !== 'inbox.changed') return;
    const items = payload.items;
    app.setBadgeCount(items.length);
    const before = shown;
    shown = items;
    // The first inbox after a start is what was already there: no burst of notifications for it.
    if (!before || !Notification.isSupported()) return;
    const [win] = BrowserWindow.getAllWindows();
    if (win?.isFocused()) return;
    for (const item of newItems(before, items, null)) {
      const n = new Notification(notificationText(item));
      n.on('click', () => {
        if (!win) return;
        if (win.isMinimized()) win.restore();
        win.focus();
      });
      n.show();
    }
  });
}
