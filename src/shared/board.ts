/** The board's groups (Needs you, Working, Ready for review, Idle, Done) and its filter: pure functions of session facts. */
import type { InboxReason } from './inbox';
import type { SessionState } from './session-state';
import { sessionView } from './session-view';

/**
 * The board's groups, by what the person should do: derived from a session's
 * state and its inbox reason (src/shared/inbox.ts), never stored. Archived
 * sessions are not on the board; they are shown behind a filter.
 */
export const BOARD_GROUPS = ['needs_you', 'working', 'review', 'idle', 'done'] as const;
export type BoardGroup = (typeof BOARD_GROUPS)[number];

export const BOARD_GROUP_LABEL: Record<BoardGroup, string> = {
  needs_you: 'Needs you',
  working: 'Working',
  review: 'Ready for review',
  idle: 'Idle',
  done: 'Done',
};

/** The group a session's card sits in. `reason`: its inbox item's, or null when it has none. */
export function boardGroupOf(s: { state: SessionState }, reason: InboxReason | null): BoardGroup {
  if (reason === 'review') return 'review';
  if (reason !== null) return 'needs_you';
  const { status } = sessionView({ state: s.state });
  if (status === 'Stopped' || status === 'Retired') return 'done';
  if (status === 'Idle') return 'idle';
  // Starting, Working, Stopping, Retiring: moving by themselves. A failure or a wait without an inbox item (an
  // archived one, say) still needs a look.
  if (status === 'Needs you' || status === 'Failed' || status === 'Interrupted') return 'needs_you';
  return 'working';
}

/** Whether a card matches the board's filter box: every word in its title, branch, id or agent, case aside. */
export function matchesFilter(s: { id: string; title: string; branch: string | null; harness: string }, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${s.title} ${s.branch ?? ''} ${s.id} ${s.harness}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}
