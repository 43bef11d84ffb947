/** The board's derivation, tested without React: a project's cards (its current orchestrator has the header card) and their groups. */
import { boardGroupOf, matchesFilter, type BoardGroup } from '../../../../shared/board';
import type { InboxItem } from '../../../../shared/contracts/inbox';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import type { BatonState } from '../../app/types';

/**
 * Each project's sessions, newest first, worked out once per sessions object:
 * the store replaces that object whenever a session changes, so every
 * subscriber between two changes shares one pass instead of filtering and
 * sorting all sessions on each store update (500 of them, many times a frame
 * while agents stream).
 */
const byProjectOf = new WeakMap<BatonState['sessions'], Map<string, SessionSummary[]>>();
const NONE: SessionSummary[] = [];

export function projectSessions(sessions: BatonState['sessions'], projectId: string): SessionSummary[] {
  let byProject = byProjectOf.get(sessions);
  if (!byProject) {
    byProject = new Map();
    for (const s of Object.values(sessions)) {
      const list = byProject.get(s.projectId);
      if (list) list.push(s);
      else byProject.set(s.projectId, [s]);
    }
    // ISO times compare as strings; localeCompare would ask the locale's collation, many times slower.
    for (const list of byProject.values()) list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    byProjectOf.set(sessions, byProject);
  }
  return byProject.get(projectId) ?? NONE;
}

/**
 * The board's cards by group, in the order the groups are shown. `orchestratorId`:
 * the project's current orchestrator, which is not a grid card: the
 * orchestrator card above the board is its one card (issue 14).
 */
export function boardGroups(
  sessions: readonly SessionSummary[],
  inbox: readonly InboxItem[],
  filter: string,
  orchestratorId: string | null,
): Map<BoardGroup, SessionSummary[]> {
  const reason = new Map(inbox.map((i) => [i.sessionId, i.reason]));
  const by = new Map<BoardGroup, SessionSummary[]>();
  for (const s of sessions) {
    if (s.id === orchestratorId || !matchesFilter(s, filter)) continue;
    const g = boardGroupOf(s, reason.get(s.id) ?? null);
    const list = by.get(g);
    if (list) list.push(s);
    else by.set(g, [s]);
  }
  return by;
}

/** What a card shows of a summary: `lastSeq` and `updatedAt` move with every streamed line and show nowhere on it. */
const UNSHOWN: ReadonlySet<string> = new Set(['lastSeq', 'updatedAt']);

/** Whether a card would draw the same from `b` as from `a`: every fact but the unshown ones equal. */
export function sameCardFacts(a: SessionSummary, b: SessionSummary): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof SessionSummary)[]);
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (UNSHOWN.has(k) || x === y) continue;
    // Nested facts (divergence, archived, disconnected) come as new objects with every read: compared by value.
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
