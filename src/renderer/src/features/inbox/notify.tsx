/** The inbox's calls back: the window title's count, and browser notifications (asked once, a setting; muted projects left out; an optional chime) for new items. */
import { useEffect, useState } from 'react';
import { NOTIFICATION_DEFAULTS } from '../../../../shared/contracts/app';
import { useBaton, useServices } from '../../app/react';
import { selectInboxCount } from './inbox';
import { mutedProjects, newItems, notificationText, titleWithCount } from './rules';
import { playChime } from './sound';

/** The person's choice, kept like the place: a preference of this browser, not Baton's state. */
const SETTING_KEY = 'baton.notifications';

const supported = (): boolean => typeof window !== 'undefined' && 'Notification' in window;
const enabled = (): boolean => supported() && Notification.permission === 'granted' && localStorage.getItem(SETTING_KEY) !== 'off';

/** Sets the title's count and raises a notification for each new item; renders nothing. */
export function InboxNotifier() {
  const { store } = useServices();
  const count = useBaton(selectInboxCount);
  const mode = useBaton((s) => s.status?.mode ?? null);

  useEffect(() => {
    document.title = titleWithCount(count);
  }, [count]);

  useEffect(() => {
    // The desktop app notifies from main (Electron Notification, the dock badge); the page would say it twice.
    if (mode !== 'browser') return;
    return store.subscribe((next, prev) => {
      if (next.inbox === prev.inbox || !prev.inboxLoaded || !enabled()) return;
      const onScreen = document.visibilityState === 'visible' && next.projectTab === 'board' ? next.openSessionId : null;
      const fresh = newItems(prev.inbox, next.inbox, onScreen, mutedProjects(next.projects));
      // One chime for a burst, however many items it brought.
      if (fresh.length > 0 && (next.status?.settings.notificationSound ?? NOTIFICATION_DEFAULTS.notificationSound)) playChime();
      for (const item of fresh) {
        const { title, body } = notificationText(item);
        const n = new Notification(title, { body, tag: `baton:${item.sessionId}` });
        n.onclick = () => {
          window.focus();
          store.getState().showSession(item.projectId, item.sessionId);
          n.close();
        };
      }
    });
  }, [store, mode]);
  return null;
}

/** Asks for the browser's permission once (a click, as browsers want), then is an on/off setting. */
export function NotificationsToggle({ label = 'Notifications' }: { label?: string }) {
  const mode = useBaton((s) => s.status?.mode ?? null);
  const [, rerender] = useState(0);
  if (mode !== 'browser' || !supported()) return null;
  const permission = Notification.permission;
  if (permission === 'denied') return <span className="muted small">Notifications are blocked for this page in the browser's site settings.</span>;
  if (permission === 'default') {
    return (
      <button className="btn btn-sm" onClick={() => void Notification.requestPermission().then(() => rerender((n) => n + 1))}>
        Notify me
      </button>
    );
  }
  return (
    <label className="small">
      <input
        type="checkbox"
        checked={localStorage.getItem(SETTING_KEY) !== 'off'}
        onChange={(e) => {
          localStorage.setItem(SETTING_KEY, e.target.checked ? 'on' : 'off');
          rerender((n) => n + 1);
        }}
      />{' '}
      {label}
    </label>
  );
}
