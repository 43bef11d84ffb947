/** The review feature's own store: card stats, the open diff and draft comments, kept in step with main. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Api } from '../../../../shared/contracts';
import type { DiffScope, DiffView, ReviewStat } from '../../../../shared/contracts/review';
import type { Result } from '../../../../shared/result';
import type { Transport } from '../../api/transport';
import { createSubscribe } from '../../api/client';
import { commentsPrompt, type ReviewComment } from './selectors';

/**
 * The review feature's own slice: the cards' stats (mirrored from main's
 * cache: loaded by query, followed by `review.statChanged`, reloaded after a
 * reconnect), the open Changes view's diff, and the review comments being
 * written. Comments are a person's draft, kept here until sent.
 */
export interface ReviewState {
  stats: Record<string, ReviewStat>;
  /** The session whose Changes tab is showing, or null (its transcript, or the board). */
  changesFor: string | null;
  scope: DiffScope;
  mode: 'unified' | 'split';
  diff: { sessionId: string; scope: DiffScope; view: DiffView | null; error: string | null; loading: boolean } | null;
  comments: Record<string, ReviewComment[]>;
  /** The file the list last asked the diff to show. */
  focus: { path: string; n: number } | null;

  /** `once`: a card's first ask (deduplicated); `reload`: main's cache again (after a reconnect); `refresh`: git again (an open view). */
  loadStat(sessionId: string, how?: 'once' | 'reload' | 'refresh'): Promise<void>;
  receiveStat(stat: ReviewStat): void;
  showChanges(sessionId: string | null): void;
  setScope(scope: DiffScope): void;
  setMode(mode: 'unified' | 'split'): void;
  loadDiff(sessionId: string): Promise<void>;
  focusFile(path: string): void;
  addComment(sessionId: string, c: Omit<ReviewComment, 'id'>): void;
  removeComment(sessionId: string, id: string): void;
  /** All the session's comments as one prompt; they are cleared once the prompt is accepted. */
  sendComments(sessionId: string): Promise<Result<{ turnId: string }>>;
}

export type ReviewStore = StoreApi<ReviewState>;

export function createReviewStore(api: Api): ReviewStore {
  const statLoads = new Set<string>();
  let diffSeq = 0;
  let commentSeq = 0;
  // One key per set of comments: a resend after a lost answer is the same turn.
  const sendKeys = new Map<string, { text: string; key: string }>();
  return createStore<ReviewState>()((set, get) => ({
    stats: {},
    changesFor: null,
    scope: 'all',
    mode: 'unified',
    diff: null,
    comments: {},
    focus: null,

    async loadStat(sessionId, how = 'once') {
      if (how === 'once' && statLoads.has(sessionId)) return;
      statLoads.add(sessionId);
      const r = await api.review.stat({ sessionId, refresh: how === 'refresh' });
      if (r.ok) get().receiveStat(r.value);
      else statLoads.delete(sessionId);
    },

    receiveStat(stat) {
      set((s) => ({ stats: { ...s.stats, [stat.sessionId]: stat } }));
    },

    showChanges(sessionId) {
      set({ changesFor: sessionId, focus: null });
      if (sessionId) void get().loadDiff(sessionId);
    },

    setScope(scope) {
      set({ scope });
      const id = get().changesFor;
      if (id) void get().loadDiff(id);
    },

    setMode(mode) {
      set({ mode });
    },

    async loadDiff(sessionId) {
      const scope = get().scope;
      const seq = ++diffSeq;
      set((s) => ({ diff: { sessionId, scope, view: s.diff?.sessionId === sessionId && s.diff.scope === scope ? s.diff.view : null, error: null, loading: true } }));
      // The most the contract allows: the view virtualizes, so more patch is only more to scroll.
      const r = await api.review.diff({ sessionId, scope, maxPatchBytes: 3 * 1024 * 1024 });
      // A later load (another scope, another session) wins.
      if (seq !== diffSeq) return;
      // The card's counts follow what the open view sees (the view is the other time git is asked); after the diff, not beside it.
      void get().loadStat(sessionId, 'refresh');
      if (r.ok) set({ diff: { sessionId, scope, view: r.value, error: null, loading: false } });
      else set((s) => ({ diff: { sessionId, scope, view: s.diff?.view ?? null, error: `Could not read the changes: ${r.error.message}`, loading: false } }));
    },

    focusFile(path) {
      set((s) => ({ focus: { path, n: (s.focus?.n ?? 0) + 1 } }));
    },

    addComment(sessionId, c) {
      const id = `c${++commentSeq}`;
      set((s) => ({ comments: { ...s.comments, [sessionId]: [...(s.comments[sessionId] ?? []), { ...c, id }] } }));
    },

    removeComment(sessionId, id) {
      set((s) => ({ comments: { ...s.comments, [sessionId]: (s.comments[sessionId] ?? []).filter((c) => c.id !== id) } }));
    },

    async sendComments(sessionId) {
      const list = get().comments[sessionId] ?? [];
      if (list.length === 0) return { ok: false, error: { code: 'no_comments', message: 'Write a comment on a line first.' } };
      const text = commentsPrompt(list);
      const prior = sendKeys.get(sessionId);
      const key = prior && prior.text === text ? prior.key : `review-${crypto.randomUUID()}`;
      sendKeys.set(sessionId, { text, key });
      const r = await api.sessions.prompt({ id: sessionId, text, idempotencyKey: key });
      if (!r.ok) return r;
      sendKeys.delete(sessionId);
      const sent = new Set(list.map((c) => c.id));
      set((s) => ({ comments: { ...s.comments, [sessionId]: (s.comments[sessionId] ?? []).filter((c) => !sent.has(c.id)) } }));
      return { ok: true, value: { turnId: r.value.turnId } };
    },
  }));
}

/** Follows main: stats by event, the open view's diff after a review action, and everything again after a reconnect. */
export function connectReviewStore(store: ReviewStore, transport: Transport): () => void {
  const s = () => store.getState();
  // Parsed against the contract's event schemas at this edge, like every other store's events.
  const subscribe = createSubscribe(transport);
  const offs = [
    subscribe('review.statChanged', ({ stat }) => s().receiveStat(stat)),
    subscribe('review.changed', ({ sessionId }) => {
      if (sessionId === s().changesFor) void s().loadDiff(sessionId);
    }),
    transport.onResync(() => {
      for (const id of Object.keys(s().stats)) void s().loadStat(id, 'reload');
      const open = s().changesFor;
      if (open) void s().loadDiff(open);
    }),
  ];
  return () => offs.forEach((off) => off());
}
