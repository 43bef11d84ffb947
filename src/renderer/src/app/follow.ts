/** The follow slice and helpers: which per-project queries a window follows, and their newest-answer-wins load. */
import type { StateCreator, StoreApi } from 'zustand';
import type { Result } from '../../../shared/result';
import type { BatonState } from './types';

/** The per-project queries a window follows once a project is opened. */
export type FollowedQuery = 'orchestrator' | 'tasks' | 'wakes' | 'worktrees';

export interface FollowSlice {
  /**
   * Projects followed, by query: from the first load on, whether it succeeded
   * or not, so a first read that failed is read again by the next event or
   * resync rather than never. The data itself lives in each slice.
   */
  followed: Record<FollowedQuery, Record<string, true>>;
}

export const createFollowSlice: StateCreator<BatonState, [], [], FollowSlice> = () => ({
  followed: { orchestrator: {}, tasks: {}, wakes: {}, worktrees: {} },
});

export interface ProjectQuery<T> {
  query: FollowedQuery;
  fetch(projectId: string): Promise<Result<T>>;
  /** Keeps an answer (and clears the query's error, if it keeps one). */
  receive(projectId: string, value: T): void;
  /** Keeps why the read failed; what was held before stays. */
  fail?(projectId: string, message: string): void;
}

/**
 * The load of a per-project query: it follows the project from its first
 * call, and since answers can arrive out of order, only the newest request
 * per project may write.
 */
export function followedLoad<T>(set: StoreApi<BatonState>['setState'], get: () => BatonState, q: ProjectQuery<T>): (projectId: string) => Promise<void> {
  const latest = new Map<string, number>();
  return async (projectId) => {
    if (!get().followed[q.query][projectId]) set((s) => ({ followed: { ...s.followed, [q.query]: { ...s.followed[q.query], [projectId]: true } } }));
    const n = (latest.get(projectId) ?? 0) + 1;
    latest.set(projectId, n);
    const r = await q.fetch(projectId);
    if (latest.get(projectId) !== n) return;
    if (r.ok) q.receive(projectId, r.value);
    else q.fail?.(projectId, r.error.message);
  };
}

export const isFollowed = (s: BatonState, query: FollowedQuery, projectId: string | null): projectId is string =>
  projectId !== null && s.followed[query][projectId] === true;

/** What a resync reads again. */
export const followedProjects = (s: BatonState, query: FollowedQuery): string[] => Object.keys(s.followed[query]);

/** A copy of a keyed record with one entry set. */
export const withEntry = <T>(record: Record<string, T>, key: string, value: T): Record<string, T> => ({ ...record, [key]: value });

/** A copy of a keyed record without one entry; the same record when it has none, so nothing re-renders for it. */
export function withoutEntry<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}
