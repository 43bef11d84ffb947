import type { SessionSummary } from '../shared/contracts/sessions';
import { SESSION_STATES } from '../shared/session-state';

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

/** "3: 1 idle, 1 busy, 1 stopped", in the state machine's order. */
export function countByState(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0) return 'none';
  const parts = SESSION_STATES.map((s) => [s, sessions.filter((x) => x.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${sessions.length}: ${parts.join(', ')}`;
}

export const when = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};
