/** The agent-log pane's state as plain functions: lines read by query and followed by event, merged by line number and bounded. */
import { AGENT_LOG_TAIL_BYTES, type AgentLogLine } from '../../../../shared/contracts/sessions';

export interface AgentLogView {
  lines: AgentLogLine[];
  /** Older lines exist that are not shown (not kept by the host, or dropped here to stay bounded). */
  truncated: boolean;
}

export const EMPTY_LOG: AgentLogView = { lines: [], truncated: false };

/**
 * Adds lines (a query's tail, or an event's) to what is shown: each number
 * once, in order, and only the newest `maxBytes` of text kept. A line
 * numbered at or below the newest shown one is a repeat (an event that
 * raced the query), never a line to insert in the middle.
 */
export function mergeAgentLog(view: AgentLogView, incoming: readonly AgentLogLine[], maxBytes = AGENT_LOG_TAIL_BYTES): AgentLogView {
  const last = view.lines.at(-1)?.n ?? 0;
  const fresh = incoming.filter((l, i) => l.n > last && (i === 0 || l.n > (incoming[i - 1] as AgentLogLine).n));
  if (fresh.length === 0) return view;
  const lines = [...view.lines, ...fresh];
  let bytes = 0;
  let start = lines.length;
  while (start > 0) {
    const size = (lines[start - 1] as AgentLogLine).text.length + 1;
    if (start < lines.length && bytes + size > maxBytes) break;
    bytes += size;
    start--;
  }
  return { lines: start > 0 ? lines.slice(start) : lines, truncated: view.truncated || start > 0 };
}

/**
 * Lines are missing between the newest number shown (0: none yet) and what arrived (the host
 * sends only the newest part of a flood, or events were missed): the pane reads the tail again,
 * which has them in order.
 */
export function hasGap(lastShown: number, incoming: readonly AgentLogLine[]): boolean {
  const first = incoming[0]?.n;
  return lastShown > 0 && first !== undefined && first > lastShown + 1;
}
