/** The place slice: the project and view the person was on, restored after a reload or a restart. */
import type { StateCreator } from 'zustand';
import type { ProjectSummary } from '../../../shared/contracts/projects';
import type { ProjectTab } from '../features/projects/projects';
import type { BatonState, BatonStore, StoreDeps } from './types';

/**
 * Where the person was: a project and its view (a tab, or a session on the
 * board). Kept across a reload and a restart, per Baton (data directory):
 * two Batons on one machine each keep their own place.
 */
export interface Place {
  projectId: string;
  tab: ProjectTab;
  /** An open session on the board; null shows the board itself. */
  sessionId: string | null;
}

/** The browser's localStorage, or a Map in tests: a place is a preference, never durable state. */
export interface PlaceStorage {
  read(key: string): string | null;
  write(key: string, value: string): void;
}

const TABS: readonly ProjectTab[] = ['board', 'tasks', 'worktrees', 'settings'];

export const placeKey = (dataDir: string): string => `baton.place:${dataDir}`;

/** A stored place, or null when it is missing or not one (an older build's, or edited by hand). */
export function parsePlace(raw: string | null): Place | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Record<keyof Place, unknown>>;
    if (typeof v.projectId !== 'string' || !TABS.includes(v.tab as ProjectTab)) return null;
    return { projectId: v.projectId, tab: v.tab as ProjectTab, sessionId: typeof v.sessionId === 'string' ? v.sessionId : null };
  } catch {
    return null;
  }
}

/**
 * Where to open: the stored place while its project exists, else the board of
 * the first project (never the "add your first project" page beside a list
 * that has one), else nowhere.
 */
export function choosePlace(saved: Place | null, projects: readonly ProjectSummary[]): Place | null {
  if (saved && projects.some((p) => p.id === saved.projectId)) return saved;
  const first = projects[0];
  return first ? { projectId: first.id, tab: 'board', sessionId: null } : null;
}

/** The place the store shows now; the open session counts only on its own project's board. */
export function currentPlace(s: BatonState): Place | null {
  if (!s.selectedProjectId) return null;
  const open = s.openSessionId;
  const onBoard = s.projectTab === 'board' && open !== null && (s.sessions[open]?.projectId ?? s.selectedProjectId) === s.selectedProjectId;
  return { projectId: s.selectedProjectId, tab: s.projectTab, sessionId: onBoard ? open : null };
}

export interface PlaceSlice {
  /** The stored place has been applied (once per store: a reconnect keeps what the person has open). */
  placeRestored: boolean;
  /** Called when projects or the status arrive: restores the stored place once, then keeps a project selected. */
  settlePlace(): void;
}

export const createPlaceSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], PlaceSlice> =>
  (set, get) => ({
    placeRestored: false,
    settlePlace() {
      const s = get();
      if (!s.projectsLoaded) return;
      if (!s.placeRestored) {
        // The key needs the data directory; without storage the first project's board is still better than nothing.
        if (deps.places && !s.status) return;
        const saved = deps.places && s.status ? parsePlace(deps.places.read(placeKey(s.status.dataDir))) : null;
        const place = choosePlace(saved, s.projects);
        set({ placeRestored: true });
        if (place) set({ selectedProjectId: place.projectId, projectTab: place.tab, openSessionId: null });
        if (place?.sessionId) get().openSession(place.sessionId);
        return;
      }
      if (s.selectedProjectId === null && s.projects[0]) set({ selectedProjectId: s.projects[0].id, projectTab: 'board', openSessionId: null });
    },
  });

/** Writes the place whenever it moves, once the stored one has been applied (so a load never overwrites it). */
export function keepPlace(store: BatonStore, storage: PlaceStorage): () => void {
  let last = '';
  return store.subscribe((s) => {
    if (!s.placeRestored || !s.status) return;
    const place = currentPlace(s);
    if (!place) return;
    const text = JSON.stringify(place);
    if (text === last) return;
    last = text;
    try {
      storage.write(placeKey(s.status.dataDir), text);
    } catch {
      // Storage full or refused (private mode): the place is a convenience, the app works without it.
    }
  });
}
