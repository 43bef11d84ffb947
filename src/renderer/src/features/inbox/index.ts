/** What other features may use of the inbox feature (ADR 0015): everything else in this folder is its own.
 * The panel itself is not here: the shell loads it on demand (shell/pieces.tsx), and a re-export from this index, which
 * the board imports, would keep it in the page's first chunk. */
export { InboxNotifier, NotificationsToggle } from './notify';
export { playChime } from './sound';
export { PermissionAnswer } from './PermissionAnswer';
export { selectInboxCount, selectInboxItemFor } from './inbox';
