/** The inbox slice: what needs the person across every project, as main derives it (inbox.list, inbox.changed). */
import type { StateCreator } from 'zustand';
import type { InboxItem, InboxView } from '../../../../shared/contracts/inbox';
import type { BatonState, StoreDeps } from '../../app/types';

export interface InboxSlice {
  inbox: InboxItem[];
  inboxLoaded: boolean;
  inboxError: string | null;
  loadInbox(): Promise<void>;
  /** Takes the whole inbox (the event carries it). */
  receiveInbox(view: InboxView): void;
  /** Answers a waiting permission request with one of the options its agent offers; the error in words, or null. */
  answerRequest(sessionId: string, requestKey: string, optionId: string): Promise<string | null>;
}

export const createInboxSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], InboxSlice> =>
  (set) => {
    // Newest request wins: a load started before an event must not overwrite the event's newer inbox.
    let latest = 0;
    return {
      inbox: [],
      inboxLoaded: false,
      inboxError: null,
      async loadInbox() {
        const n = ++latest;
        const r = await deps.api.inbox.list({});
        if (n !== latest) return;
        if (r.ok) set({ inbox: r.value.items, inboxLoaded: true, inboxError: null });
        else set({ inboxError: `The inbox could not be read: ${r.error.message}` });
      },
      receiveInbox(view) {
        latest++;
        set({ inbox: view.items, inboxLoaded: true, inboxError: null });
      },
      async answerRequest(sessionId, requestKey, optionId) {
        const r = await deps.api.sessions.answerPermission({ id: sessionId, requestKey, optionId });
        if (!r.ok) return `The answer was not sent: ${r.error.message}`;
        return r.value.answered ? null : 'That request was answered or withdrawn meanwhile; the inbox shows what still waits.';
      },
    };
  };

export const selectInbox = (s: BatonState): InboxItem[] => s.inbox;
export const selectInboxCount = (s: BatonState): number => s.inbox.length;
/** The session's inbox item (at most one), or null. */
export const selectInboxItemFor =
  (sessionId: string) =>
  (s: BatonState): InboxItem | null =>
    s.inbox.find((i) => i.sessionId === sessionId) ?? null;
