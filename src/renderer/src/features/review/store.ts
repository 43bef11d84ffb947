/** The review feature's own store: card stats, the open diff and draft comments, kept in step with main. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Api } from '../../../../shared/contracts';
import type { DiffScope, DiffView, ReviewCommentView, ReviewStat, SendCommentsView } from '../../../../shared/contracts/review';
import type { Result } from '../../../../shared/result';
import type { Transport } from '../../api/transport';
import { createSubscribe } from '../../api/client';
import type { ReviewCommentDraft } from '../../../../shared/review-comments';

/**
 * The review feature's own slice: the cards' stats (mirrored from main's
 * cache: loaded by query, followed by `review.statChanged`, reloaded after a
 * reconnect), the open Changes view's diff, and the session's unsent review
 * comments, mirrored from main (which keeps them until their prompt is
 * accepted, across reloads and restarts): loaded by query, followed by
 * `review.commentsChanged`.
 */
export interface ReviewState {
  stats: Record<string, ReviewStat>;
  /** The session whose Changes tab is showing, or null (its transcript, or the board). */
  changesFor: string | null;
  scope: DiffScope;
  mode: 'unified' | 'split';
  diff: { sessionId: string; scope: DiffScope; view: DiffView | null; error: string | null; loading: boolean } | null;
  comments: Record<string, ReviewCommentView[]>;
  /** The open review of a worktree no session holds (the Worktrees tab), or null. */
  worktreeDiff: { worktreeId: string; scope: 'all' | 'uncommitted'; view: DiffView | null; error: string | null; loading: boolean } | null;
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
  loadComments(sessionId: string): Promise<void>;
  /** Opens (or reads again) a sessionless worktree's diff; null closes it. */
  showWorktreeDiff(worktreeId: string | null, scope?: 'all' | 'uncommitted'): Promise<void>;
  addComment(sessionId: string, c: ReviewCommentDraft): Promise<Result<ReviewCommentView>>;
  removeComment(sessionId: string, id: string): Promise<void>;
  /** All the session's drafts as one prompt: sent now, or queued in main until the agent's turn ends. */
  sendComments(sessionId: string): Promise<Result<SendCommentsView>>;
}

export type ReviewStore = StoreApi<ReviewState>;

export function createReviewStore(api: Api): ReviewStore {
  const statLoads = new Set<string>();
  let diffSeq = 0;
  const commentSeq: Record<string, number> = {};
  return createStore<ReviewState>()((set, get) => ({
    stats: {},
    changesFor: null,
    scope: 'all',
    mode: 'unified',
    diff: null,
    comments: {},
    worktreeDiff: null,
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
      if (sessionId) {
        void get().loadDiff(sessionId);
        void get().loadComments(sessionId);
      }
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

    async showWorktreeDiff(worktreeId, scope = 'all') {
      const seq = ++diffSeq;
      if (!worktreeId) return set({ worktreeDiff: null });
      set((s) => ({ worktreeDiff: { worktreeId, scope, view: s.worktreeDiff?.worktreeId === worktreeId && s.worktreeDiff.scope === scope ? s.worktreeDiff.view : null, error: null, loading: true } }));
      const r = await api.review.worktreeDiff({ worktreeId, scope, maxPatchBytes: 3 * 1024 * 1024 });
      if (seq !== diffSeq) return;
      if (r.ok) set({ worktreeDiff: { worktreeId, scope, view: r.value, error: null, loading: false } });
      else set((s) => ({ worktreeDiff: { worktreeId, scope, view: s.worktreeDiff?.view ?? null, error: `Could not read the worktree's changes: ${r.error.message}`, loading: false } }));
    },

    async loadComments(sessionId) {
      const seq = (commentSeq[sessionId] = (commentSeq[sessionId] ?? 0) + 1);
      const r = await api.review.comments({ sessionId });
      // A later read (after another change) wins.
      if (r.ok && seq === commentSeq[sessionId]) set((s) => ({ comments: { ...s.comments, [sessionId]: r.value } }));
    },

    async addComment(sessionId, c) {
      const r = await api.review.addComment({ sessionId, ...c });
      if (r.ok) await get().loadComments(sessionId);
      return r;
    },

    async removeComment(sessionId, id) {
      const r = await api.review.removeComment({ sessionId, id });
      if (r.ok) await get().loadComments(sessionId);
    },

    async sendComments(sessionId) {
      const r = await api.review.sendComments({ sessionId });
      await get().loadComments(sessionId);
      return r;
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
    // Comments read before (a view open now or earlier) follow main: queued ones leave once delivered.
    subscribe('review.commentsChanged', ({ sessionId }) => {
      if (sessionId === s().changesFor || sessionId in s().comments) void s().loadComments(sessionId);
    }),
    transport.onResync(() => {
      for (const id of Object.keys(s().stats)) void s().loadStat(id, 'reload');
      for (const id of Object.keys(s().comments)) void s().loadComments(id);
      const open = s().changesFor;
      if (open) {
        void s().loadDiff(open);
        void s().loadComments(open);
      }
    }),
  ];
  return () => offs.forEach((off) => off());
}
