/** The sessions slice: every session's summary, the open one and its journal records, followed by event. */
import type { StateCreator } from 'zustand';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import type { JournalRecord } from '../../../../shared/journal';
import { withoutEntry } from '../../app/follow';
import type { BatonState, StoreDeps } from '../../app/types';

const PAGE = 10_000;
/** Records a transcript opens with: its newest ones, whatever the session's length. */
export const TAIL = 2_000;
/** Records read back each time the transcript is scrolled to the top of what is held. */
export const EARLIER = 2_000;
/**
 * The most records a transcript holds: reading a page beyond it lets go of
 * as many at the far end, so a 100,000-event session scrolled end to end keeps
 * the page's memory and the list's layout work bounded (issue 16).
 */
export const WINDOW = 6_000;
const NEWEST = Number.MAX_SAFE_INTEGER;

export interface SessionsSlice {
  sessions: Record<string, SessionSummary>;
  sessionsLoaded: boolean;
  openSessionId: string | null;
  /** Journal records of sessions whose transcript has been opened, contiguous by seq: a window ending at the newest. */
  records: Record<string, JournalRecord[]>;
  /** The seq just before each held window's first record: 0 when the whole history is held; absent until the first read. */
  recordsBase: Record<string, number>;
  /**
   * Bumped whenever a session's held records are replaced wholesale, so a page
   * load that started before the replacement cannot glue old lines onto new ones.
   */
  recordsEpoch: Record<string, number>;
  /** Sessions whose held window stops short of their newest records (it was moved back past WINDOW): read on with loadLater. */
  recordsNewer: Record<string, true>;
  loadSessions(): Promise<void>;
  loadSession(id: string): Promise<void>;
  /** Takes summaries from main; `all` means the list is complete (sessions not in it are gone). */
  receiveSummaries(summaries: SessionSummary[], all: boolean): void;
  openSession(id: string | null): void;
  /** Opens the window on the newest records (first time), then reads forward until caught up. */
  loadRecords(id: string): Promise<void>;
  /** Reads the page of records before the held window and puts it in front. */
  loadEarlier(id: string): Promise<void>;
  /** Reads the page after the held window (once it stops short of the newest) and puts it behind. */
  loadLater(id: string): Promise<void>;
  /** Reads the session's newest records again and swaps them in at once (no flash of an empty view). */
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

/** Every fact the same; the nested ones (divergence, archived) compared by value. */
export function sameSummary(a: SessionSummary | undefined, b: SessionSummary): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof SessionSummary)[]);
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

export const createSessionsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], SessionsSlice> =>
  (set, get) => {
    /** Reads back under way, by session: one at a time. */
    const earlier = new Set<string>();
    /** Newest-window reads under way, by session and epoch: a second open or a gap waits for the first. */
    const tails = new Map<string, Promise<boolean>>();

    /** Reads the newest window and holds it, unless a newer reload took over; false when it could not. */
    const readTail = (id: string, epoch: number): Promise<boolean> => {
      const key = `${id}@${epoch}`;
      const under = tails.get(key);
      if (under) return under;
      const p = (async () => {
        const r = await deps.api.sessions.records({ id, afterSeq: 0, beforeSeq: NEWEST, limit: TAIL });
        if (!r.ok || (get().recordsEpoch[id] ?? 0) !== epoch) return false;
        const first = r.value.records[0]?.seq ?? 1;
        set((s) => ({ records: { ...s.records, [id]: r.value.records }, recordsBase: { ...s.recordsBase, [id]: first - 1 }, recordsNewer: withoutEntry(s.recordsNewer, id) }));
        return true;
      })().finally(() => tails.delete(key));
      tails.set(key, p);
      return p;
    };

    return {
    sessions: {},
    sessionsLoaded: false,
    openSessionId: null,
    records: {},
    recordsBase: {},
    recordsEpoch: {},
    recordsNewer: {},
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
      // An unchanged summary keeps its object, so nothing that shows it re-renders.
      const incoming = Object.fromEntries(summaries.map((x) => [x.id, sameSummary(before.sessions[x.id], x) ? (before.sessions[x.id] as SessionSummary) : x]));
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
      // A long session opens on its end: the newest window, never its whole history.
      if (get().recordsBase[id] === undefined && !(await readTail(id, epoch))) return;
      // The window was moved back from the newest: loadLater reads on from it, a page at a time.
      if (get().recordsNewer[id]) return;
      // Pages until caught up; records already held are kept, so this also heals a gap.
      for (;;) {
        const have = get().records[id] ?? [];
        const after = have.at(-1)?.seq ?? get().recordsBase[id] ?? 0;
        const r = await deps.api.sessions.records({ id, afterSeq: after, limit: PAGE });
        if (!r.ok || (get().recordsEpoch[id] ?? 0) !== epoch) return;
        get().receiveRecords(id, r.value.records);
        if (r.value.records.length < PAGE) return;
      }
    },
    async loadEarlier(id) {
      const base = get().recordsBase[id];
      if (!base || earlier.has(id)) return;
      const epoch = get().recordsEpoch[id] ?? 0;
      earlier.add(id);
      try {
        const r = await deps.api.sessions.records({ id, afterSeq: 0, beforeSeq: base + 1, limit: EARLIER });
        if (!r.ok || (get().recordsEpoch[id] ?? 0) !== epoch || get().recordsBase[id] !== base) return;
        const page = r.value.records;
        // Fewer than asked for: nothing is left before them.
        const nextBase = page.length < EARLIER ? 0 : (page[0]?.seq ?? 1) - 1;
        set((s) => {
          const all = [...page, ...(s.records[id] ?? [])];
          // Over the bound: the newest go (loadLater reads them again when scrolled back down).
          if (all.length <= WINDOW) return { records: { ...s.records, [id]: all }, recordsBase: { ...s.recordsBase, [id]: nextBase } };
          return { records: { ...s.records, [id]: all.slice(0, WINDOW) }, recordsBase: { ...s.recordsBase, [id]: nextBase }, recordsNewer: { ...s.recordsNewer, [id]: true } };
        });
      } finally {
        earlier.delete(id);
      }
    },
    async loadLater(id) {
      const held = get().records[id];
      if (!get().recordsNewer[id] || !held || earlier.has(id)) return;
      const epoch = get().recordsEpoch[id] ?? 0;
      const after = held.at(-1)?.seq ?? get().recordsBase[id] ?? 0;
      earlier.add(id);
      try {
        const r = await deps.api.sessions.records({ id, afterSeq: after, limit: EARLIER });
        if (!r.ok || (get().recordsEpoch[id] ?? 0) !== epoch || get().records[id]?.at(-1)?.seq !== held.at(-1)?.seq) return;
        const page = r.value.records;
        // Fewer than asked for: the window reaches the newest again, and live records are appended from now on.
        const caughtUp = page.length < EARLIER;
        set((s) => {
          const all = [...(s.records[id] ?? []), ...page];
          const keep = all.length <= WINDOW ? all : all.slice(all.length - WINDOW);
          const base = (keep[0]?.seq ?? 1) - 1;
          return {
            records: { ...s.records, [id]: keep },
            recordsBase: { ...s.recordsBase, [id]: base },
            recordsNewer: caughtUp ? withoutEntry(s.recordsNewer, id) : s.recordsNewer,
          };
        });
        // Records that came live during the read are not held: reading on from the window's end fetches them.
        if (caughtUp) await get().loadRecords(id);
      } finally {
        earlier.delete(id);
      }
    },
    async reloadRecords(id) {
      const epoch = (get().recordsEpoch[id] ?? 0) + 1;
      set((s) => ({ recordsEpoch: { ...s.recordsEpoch, [id]: epoch } }));
      // Failed: keep what is held; the next reconnect or summary tries again. Superseded: the newer reload wins.
      if (await readTail(id, epoch)) await get().loadRecords(id);
    },
    receiveRecords(id, incoming) {
      if (incoming.length === 0) {
        if (!get().records[id]) set((s) => ({ records: { ...s.records, [id]: [] } }));
        return;
      }
      const have = get().records[id];
      const base = get().recordsBase[id];
      // Not open: nothing to keep until someone opens it (then it loads by query). Opening: its first read brings these.
      // Moved back from the newest: loadLater brings these when the transcript is scrolled down to them.
      if (!have || base === undefined || get().recordsNewer[id]) return;
      const last = have.at(-1)?.seq ?? base;
      const fresh = incoming.filter((r) => r.seq > last).sort((a, b) => a.seq - b.seq);
      if (fresh.length === 0) return;
      if (fresh[0]!.seq !== last + 1) {
        void get().loadRecords(id);
        return;
      }
      set((s) => ({ records: { ...s.records, [id]: [...have, ...fresh] } }));
    },
    };
  };

export const selectProjectSessions = (projectId: string) => (s: BatonState) =>
  Object.values(s.sessions)
    .filter((x) => x.projectId === projectId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

export const selectOpenSession = (s: BatonState): SessionSummary | null => (s.openSessionId ? (s.sessions[s.openSessionId] ?? null) : null);
