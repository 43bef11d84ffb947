/** The inbox's pure rules for the page: the window title, which items deserve a notification, what a notification says. */
import type { InboxItem } from '../../../../shared/contracts/inbox';

// Shared with the desktop shell's notifications (src/main/electron), so both call back for the same items.
export { mutedProjects, newItems, notificationText } from '../../../../shared/inbox';

/** "(2) Baton" while something needs the person, "Baton" otherwise. */
export function titleWithCount(count: number, base = 'Baton'): string {
  return count > 0 ? `(${count}) ${base}` : base;
}

/** The label of an item's one action button. */
export const ACTION_LABEL: Record<InboxItem['action'], string> = {
  answer: 'Answer',
  open: 'Open',
  retry: 'Retry',
  continue: 'Continue',
  acknowledge: 'Acknowledge',
  review: 'Review changes',
};

/** The next selected index for j/k, kept inside the list. */
export function moveSelection(index: number, delta: number, length: number): number {
  if (length === 0) return 0;
  return Math.min(length - 1, Math.max(0, index + delta));
}
