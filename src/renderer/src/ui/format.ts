/** Display text shared by the stores and components: times, counts and names as people read them. */
import { HARNESS_LABELS, type HarnessId } from '../../../shared/harness';

/**
 * "just now", "40 s ago", "3 min ago", "2 h ago", "yesterday", else a date:
 * how long ago something happened, in the fewest words that still say it.
 */
export function timeAgo(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'at an unknown time';
  const s = Math.max(0, Math.round((nowMs - then) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  if (h < 48) return 'yesterday';
  return `on ${dateOnly(then)}`;
}

/**
 * Formatters made once: `Date#toLocaleString` builds one on each call (about a millisecond, and a board draws a
 * date in each card's title, 25 cards at a page's load). The options are those the methods use, so the text is theirs.
 */
let dateTimeFormat: Intl.DateTimeFormat | null = null;
let dateFormat: Intl.DateTimeFormat | null = null;

/** A moment as `Date#toLocaleString` writes it ("11/24/2025, 4:00:00 PM" in en-US). */
export function dateTime(at: string | number): string {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  return dateTimeFormat.format(new Date(at));
}

/** A day as `Date#toLocaleDateString` writes it. */
export function dateOnly(at: string | number): string {
  dateFormat ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric' });
  return dateFormat.format(new Date(at));
}

/** "1 task", "3 tasks". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A harness's name as people read it ("Codex"); an id this build does not know shows as itself. */
export const harnessLabel = (id: string): string => HARNESS_LABELS[id as HarnessId] ?? id;
