/** What other features may use of the inbox feature (ADR 0015): everything else in this folder is its own. */
export { InboxPanel } from './InboxPanel';
export { InboxNotifier, NotificationsToggle } from './notify';
export { playChime } from './sound';
export { PermissionAnswer } from './PermissionAnswer';
export { selectInboxCount, selectInboxItemFor } from './inbox';
