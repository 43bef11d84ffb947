/** The sessions slice: every session's summary, the open one and its journal records, followed by event. */
import type { StateCreator } from 'zustand';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import type { JournalRecord } from '../../../../shared/journal';
import type { BatonState, StoreDeps } from '../../app/types';

const PAGE = 10_000;

export interface SessionsSlice {
  sessions: Record<string, SessionSummary>;
  sessionsLoaded: boolean;
  openSessionId: string | null;
  /** Journal records of sessions whose transcript has been opened, contiguous by seq. */
  records: Record<string, JournalRecord[]>;
  /**
   * Bumped whenever a session's held records are replaced wholesale, so a page
   * load that started before the replacement cannot glue old lines onto new ones.
   */
  recordsEpoch: Record<string, number>;
  loadSessions(): Promise<void>;
  loadSession(id: string): Promise<void>;
  /** Takes summaries from main; `all` means the list is complete (sessions not in it are gone). */
  receiveSummaries(summaries: SessionSummary[], all: boolean): void;
  openSession(id: string | null): void;
  loadRecords(id: string): Promise<void>;
  /** Reads the session's whole transcript again and swaps it in at once (no flash of an empty view). */
  reloadRecords(id: string): Promise<void>;
  receiveRecords(id: string, records: JournalRecord[]): void;
}

/**
 * Main rebuilt this session's transcript from its journal (the journal won a
 * disagreement), so the records held here may say things the journal does not:
 * a newer divergence than the store knew, or fewer lines than it holds.
 */
export function transcriptWasRebuilt(known: SessionSummary | undefined, next: SessionSummary, held: readonly JournalRecord[] | undefined): boolean {
  if (!held) return false;
  if (next.lastSeq < (held.at(-1)?.seq ?? 0)) return true;
  if (!next.divergence) return false;
  const before = known?.divergence?.detectedAt;
  return before === undefined || next.divergence.detectedAt > before;
}

export const createSessionsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], SessionsSlice> =>
  (set, get) => ({
    sessions: {},
    sessionsLoaded: false,
    openSessionId: null,
    records: {},
    recordsEpoch: {},
    async loadSessions() {
      const r = await deps.api.sessions.list({});
      if (r.ok) get().receiveSummaries(r.value, true);
    },
    async loadSession(id) {
      const r = await deps.api.sessions.get({ id });
      if (r.ok) get().receiveSummaries([r.value], false);
    },
    receiveSummaries(summaries, all) {
      const before = get();
      const rebuilt = summaries.filter((n) => transcriptWasRebuilt(before.sessions[n.id], n, before.records[n.id])).map((n) => n.id);
      const incoming = Object.fromEntries(summaries.map((x) => [x.id, x]));
      set((s) => ({ sessions: all ? incoming : { ...s.sessions, ...incoming }, sessionsLoaded: s.sessionsLoaded || all }));
      for (const id of rebuilt) void get().reloadRecords(id);
    },
    openSession(id) {
      set({ openSessionId: id });
      if (id && !get().records[id]) void get().loadRecords(id);
    },
    async loadRecords(id) {
      const epoch = get().recordsEpoch[id] ?? 0;
      // Held from now on (empty until the first page lands), so receiveRecords keeps the pages read here.
      if (!get().records[id]) set((s) => ({ records: { ...s.records, [id]: [] } }));
      // Pages until caught up; records already held are kept, so this also heals a gap.
      for (;;) {
        const have = get().records[id] ?? [];
        const after = have.at(-1)?.seq ?? 0;
        const r = await deps.api.sessions.records({ id, afterSeq: after, limit: PAGE });
        if (!r.ok || (get().recordsEpoch[id] ?? 0) !== epoch) return;
        get().receiveRecords(id, r.value.records);
        if (r.value.records.length < PAGE) return;
      }
    },
    async reloadRecords(id) {
      const epoch = (get().recordsEpoch[id] ?? 0) + 1;
      set((s) => ({ recordsEpoch: { ...s.recordsEpoch, [id]: epoch } }));
      const fresh: JournalRecord[] = [];
      for (;;) {
        const r = await deps.api.sessions.records({ id, afterSeq: fresh.at(-1)?.seq ?? 0, limit: PAGE });
        // Failed: keep what is held; the next reconnect or summary tries again. Superseded: the newer reload wins.
        if (!r.ok || get().recordsEpoch[id] !== epoch) return;
        fresh.push(...r.value.records);
        if (r.value.records.length < PAGE) break;
      }
      set((s) => ({ records: { ...s.records, [id]: fresh } }));
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
