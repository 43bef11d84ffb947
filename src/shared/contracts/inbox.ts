/** The inbox domain's contract: its view, procedures and events. */
import { z } from 'zod';
import { domain, event, procedure } from '../contract';
import { INBOX_ACTIONS, INBOX_REASONS } from '../inbox';
import { PendingRequest } from './sessions';

/** The inbox across every project: derived in main by `inbox()` (src/shared/inbox.ts), never stored. */
export const InboxItem = z.object({
  sessionId: z.string(),
  projectId: z.string(),
  title: z.string(),
  role: z.enum(['worker', 'orchestrator']),
  reason: z.enum(INBOX_REASONS),
  /** The one action that resolves it. */
  action: z.enum(INBOX_ACTIONS),
  summary: z.string(),
  /** When the reason began (ISO time). */
  since: z.string(),
  /** The permission request an `answer` resolves, with every option the agent offers; null otherwise. */
  request: PendingRequest.nullable(),
});
export type InboxItem = z.infer<typeof InboxItem>;

export const InboxView = z.object({ items: z.array(InboxItem) });
export type InboxView = z.infer<typeof InboxView>;

export const inboxContract = domain({
  procedures: {
    list: procedure(z.object({ projectId: z.string().min(1).max(100).optional() }).strict(), InboxView),
  },
  events: {
    /**
     * The inbox moved (coalesced: one event for a burst of session changes, none when nothing in it changed).
     * The payload is the whole inbox; after a reconnect, resync with `inbox.list`.
     */
    changed: event(InboxView),
    /**
     * A desktop notification was clicked: the window shows that session. Sent only by the desktop shell
     * (in browser mode the page handles its own notification's click); nothing to resync after a reconnect.
     */
    openRequested: event(z.object({ projectId: z.string(), sessionId: z.string() })),
  },
});
