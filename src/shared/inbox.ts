/** The inbox's rules: which session facts need a person, and why; pure, shared by main, the page and the desktop shell. */
import type { SessionState } from './session-state';
import { sessionView } from './session-view';

/**
 * The inbox: what needs a person across every project, derived by one pure
 * function from stored facts (the session's state, its pending requests, its
 * review facts). The board, the inbox panel, notifications and `baton inbox`
 * all read this; nothing of it is stored.
 */

/** Why a session is in the inbox, most urgent first (the inbox's order). */
export const INBOX_REASONS = ['permission', 'input', 'failed', 'interrupted', 'divergence', 'review'] as const;
export type InboxReason = (typeof INBOX_REASONS)[number];

/** The one action that resolves an item: what its button does. */
export const INBOX_ACTIONS = ['answer', 'open', 'retry', 'continue', 'acknowledge', 'review'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

/** One option the agent offers on a permission request, as it offered it. */
export interface PermissionOptionFact {
  optionId: string;
  name: string;
  /** ACP's PermissionOptionKind (`allow_once`, `allow_always`, `reject_once`, `reject_always`), or what the agent sent. */
  kind: string;
}

/** A permission request that waits on a person. */
export interface PendingRequestFact {
  requestKey: string;
  title: string;
  /** ACP's ToolKind of the tool call asked about (`edit`, `execute`, …); `other` when the agent sent none. */
  toolKind: string;
  toolCallId: string | null;
  options: PermissionOptionFact[];
  /** When the request reached Baton (ISO time). */
  since: string;
}

/** The facts one session's inbox item is derived from. Unknown facts are left out, never guessed. */
export interface InboxFacts {
  sessionId: string;
  projectId: string;
  title: string;
  role: 'worker' | 'orchestrator';
  state: SessionState;
  /** When the state last changed (ISO time): the start of a failure, an interruption, an idle. */
  stateSince: string;
  stateDetail: string | null;
  divergence: { detectedAt: string } | null;
  /** Put away by a person: off the board and out of the inbox. */
  archived: boolean;
  /** Requests waiting on a person's answer, oldest first; empty when none is known. */
  pending: readonly PendingRequestFact[];
  /**
   * The worker's change after its last ended turn, when git has been asked (null: never read, or no turn ended yet).
   * `reviewed`: a person marked this turn's changes reviewed.
   */
  review: { turnId: string; files: number; merged: boolean; reviewed: boolean } | null;
}

export interface InboxItem {
  sessionId: string;
  projectId: string;
  title: string;
  role: 'worker' | 'orchestrator';
  reason: InboxReason;
  action: InboxAction;
  /** What the item says, in words for a person ("Shell: make build", "3 files changed"). */
  summary: string;
  /** When the reason began (ISO time). */
  since: string;
  /** The request an `answer` resolves (the oldest waiting); null for every other action. */
  request: PendingRequestFact | null;
}

/** The item for one session, or null when it needs nobody. Ordered rules, first match wins. */
export function inboxItemOf(f: InboxFacts): InboxItem | null {
  if (f.archived) return null;
  const view = sessionView({ state: f.state, divergence: f.divergence !== null });
  const base = { sessionId: f.sessionId, projectId: f.projectId, title: f.title, role: f.role, request: null };
  const firstLine = (s: string | null, fallback: string) => s?.split('\n')[0]?.trim() || fallback;
  if (view.attention === 'permission') {
    const request = f.pending[0];
    // Waiting with no request Baton holds: the agent asked for something only the session view can show.
    if (!request) return { ...base, reason: 'input', action: 'open', summary: 'The agent is waiting for your input.', since: f.stateSince };
    const more = f.pending.length > 1 ? ` (+${f.pending.length - 1} more)` : '';
    return { ...base, reason: 'permission', action: 'answer', summary: `${request.title}${more}`, since: request.since, request };
  }
  if (view.attention === 'failed') {
    return { ...base, reason: 'failed', action: view.can.retry ? 'retry' : 'open', summary: firstLine(f.stateDetail, 'The session failed.'), since: f.stateSince };
  }
  if (view.attention === 'interrupted') {
    return { ...base, reason: 'interrupted', action: view.can.continue ? 'continue' : 'open', summary: firstLine(f.stateDetail, 'A turn was cut off.'), since: f.stateSince };
  }
  if (view.attention === 'divergence' && f.divergence) {
    return { ...base, reason: 'divergence', action: 'acknowledge', summary: 'The journal and the database disagreed; the journal won.', since: f.divergence.detectedAt };
  }
  const r = f.review;
  if (f.role === 'worker' && f.state === 'idle' && r && r.files > 0 && !r.merged && !r.reviewed) {
    return { ...base, reason: 'review', action: 'review', summary: `${r.files} file${r.files === 1 ? '' : 's'} changed`, since: f.stateSince };
  }
  return null;
}

/** The inbox: every item, most urgent reason first, then oldest first (the longest wait leads). */
export function inbox(facts: readonly InboxFacts[]): InboxItem[] {
  const rank = (r: InboxReason) => INBOX_REASONS.indexOf(r);
  return facts
    .map(inboxItemOf)
    .filter((i): i is InboxItem => i !== null)
    .sort((a, b) => rank(a.reason) - rank(b.reason) || a.since.localeCompare(b.since) || a.sessionId.localeCompare(b.sessionId));
}

/** An item is new to the person when its session, reason and start were not in the inbox before. */
const itemKey = (i: InboxItem): string => `${i.sessionId}|${i.reason}|${i.since}|${i.request?.requestKey ?? ''}`;

const NONE: ReadonlySet<string> = new Set();

/**
 * The items to notify about: new since `before`, not about the session on
 * screen (the person is looking at it already), and not of a muted project
 * (muting silences the call back only: the item stays in the inbox and its
 * count). Review items are included: a finished turn is worth a call back.
 */
export function newItems(
  before: readonly InboxItem[],
  after: readonly InboxItem[],
  onScreenSessionId: string | null,
  mutedProjectIds: ReadonlySet<string> = NONE,
): InboxItem[] {
  const seen = new Set(before.map(itemKey));
  return after.filter((i) => !seen.has(itemKey(i)) && i.sessionId !== onScreenSessionId && !mutedProjectIds.has(i.projectId));
}

/** The projects whose notifications are muted, from the project list every client holds. */
export function mutedProjects(projects: readonly { id: string; notificationsMuted: boolean }[]): ReadonlySet<string> {
  return new Set(projects.filter((p) => p.notificationsMuted).map((p) => p.id));
}

const REASON_TITLE: Record<InboxItem['reason'], string> = {
  permission: 'asks for permission',
  input: 'waits for your input',
  failed: 'failed',
  interrupted: 'was interrupted',
  divergence: 'needs a look (journal and database disagreed)',
  review: 'finished a turn: changes to review',
};

/** What a notification says: the session and why, then what. */
export function notificationText(i: InboxItem): { title: string; body: string } {
  return { title: `${i.title} ${REASON_TITLE[i.reason]}`, body: i.summary };
}
