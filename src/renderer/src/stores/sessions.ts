import type { StateCreator } from 'zustand';
import type { SessionSummary } from '../../../shared/contracts/sessions';
import type { JournalRecord } from '../../../shared/journal';
import type { BatonState, StoreDeps } from './index';

export interface SessionsSlice {
  sessions: Record<string, SessionSummary>;
  sessionsLoaded: boolean;
  openSessionId: string | null;
  /** Journal records of sessions whose transcript has been opened, contiguous by seq. */
  records: Record<string, JournalRecord[]>;
  loadSessions(): Promise<void>;
  loadSession(id: string): Promise<void>;
  openSession(id: string | null): void;
  loadRecords(id: string): Promise<void>;
  receiveRecords(id: string, records: JournalRecord[]): void;
}

export const createSessionsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], SessionsSlice> =>
  (set, get) => ({
    sessions: {},
    sessionsLoaded: false,
    openSessionId: null,
    records: {},
    async loadSessions() {
      const r = await deps.api.sessions.list({});
      if (r.ok) set({ sessions: Object.fromEntries(r.value.map((s) => [s.id, s])), sessionsLoaded: true });
    },
    async loadSession(id) {
      const r = await deps.api.sessions.get({ id });
      if (r.ok) set((s) => ({ sessions: { ...s.sessions, [id]: r.value } }));
    },
    openSession(id) {
      set({ openSessionId: id });
      if (id && !get().records[id]) void get().loadRecords(id);
    },
    async loadRecords(id) {
      // Pages until caught up; records already held are kept, so this also heals a gap.
      for (;;) {
        const have = get().records[id] ?? [];
        const after = have.at(-1)?.seq ?? 0;
        const r = await deps.api.sessions.records({ id, afterSeq: after, limit: 10_000 });
        if (!r.ok) return;
        get().receiveRecords(id, r.value.records);
        if (r.value.records.length < 10_000) return;
      }
    },
    receiveRecords(id, incoming) {
      if (incoming.length === 0) {
        if (!get().records[id]) set((s) => ({ records: { ...s.records, [id]: [] } }));
        return;
      }
      const have = get().records[id];
      if (!have) {
        // Not open: nothing to keep until someone opens it (then it loads by query).
        return;
      }
      const last = have.at(-1)?.seq ?? 0;
      const fresh = incoming.filter((r) => r.seq > last).sort((a, b) => a.seq - b.seq);
      if (fresh.length === 0) return;
      if (fresh[0]!.seq !== last + 1) {
        void get().loadRecords(id);
        return;
      }
      set((s) => ({ records: { ...s.records, [id]: [...have, ...fresh] } }));
    },
  });

export const selectProjectSessions = (projectId: string) => (s: BatonState) =>
  Object.values(s.sessions)
    .filter((x) => x.projectId === projectId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

export const selectOpenSession = (s: BatonState): SessionSummary | null => (s.openSessionId ? (s.sessions[s.openSessionId] ?? null) : null);
