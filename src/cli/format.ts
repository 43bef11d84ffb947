import type { SessionSummary } from '../shared/contracts/sessions';
import { sessionView, summaryFacts } from '../shared/session-view';

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

/** "3: 1 Working, 2 Idle", by the board's status, in the order the sessions were listed. */
export function countByStatus(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const s of sessions) {
    const status = sessionView(summaryFacts(s)).status;
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return `${sessions.length}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
}

export const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};
