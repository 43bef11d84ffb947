import type { SessionSummary } from '../shared/contracts/sessions';
import { sessionView, summaryFacts, type DisplayStatus } from '../shared/session-view';

/**
 * Titles, branch names and error messages come from people, agents and git:
 * control characters (escape sequences included) would drive the terminal, so
 * they are made visible instead.
 */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Ids are UUIDs; eight characters are enough to tell them apart and to match a project. */
export const short = (id: string | null | undefined): string => (id ? id.slice(0, 8) : '-');

/** Aligned columns, two spaces apart; the last column is not padded, so long titles do not widen every row. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cells = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** A session's status as the board shows it ("Working", "Idle · hibernated"): the one view function, not the stored state. */
export const statusOf = (s: SessionSummary): string => sessionView(summaryFacts(s)).label;

/** The order `baton status` counts them in: what needs a person first, what is over last (every status has a place). */
const STATUS_RANK: Record<DisplayStatus, number> = { 'Needs you': 0, Failed: 1, Interrupted: 2, Disconnected: 3, Starting: 4, Working: 5, Idle: 6, Stopping: 7, Stopped: 8, Retiring: 9, Retired: 10 };

/** "3: 1 Working, 2 Idle", by the board's status, always in the same order. */
export function countByStatus(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0) return 'none';
  const counts = new Map<DisplayStatus, number>();
  for (const s of sessions) {
    const status = sessionView(summaryFacts(s)).status;
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const parts = [...counts].sort(([a], [b]) => STATUS_RANK[a] - STATUS_RANK[b]).map(([status, n]) => `${n} ${status}`);
  return `${sessions.length}: ${parts.join(', ')}`;
}

export const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};
