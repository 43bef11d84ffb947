/** The terminals slice: each followed project's terminals (facts from main), and the pure rules the panel and pane use. */
import type { StateCreator } from 'zustand';
import type { TerminalOutput, TerminalView } from '../../../../shared/contracts/terminals';
import { followedLoad, withEntry, withoutEntry } from '../../app/follow';
import type { BatonState, StoreDeps } from '../../app/types';

export interface TerminalsSlice {
  /** Terminals by project id, read when a terminal panel of the project first shows and followed from then on. */
  terminalLists: Record<string, TerminalView[]>;
  terminalErrors: Record<string, string>;
  loadTerminals(projectId: string): Promise<void>;
  /**
   * A terminal someone asked to see (the palette): the Worktrees tab opens its checkout's panel, which selects
   * it once listed and then clears the ask (null), so a later visit does not jump to it again.
   */
  terminalFocus: { terminalId: string; projectId: string; worktreeId: string | null } | null;
  focusTerminal(t: Pick<TerminalView, 'id' | 'projectId' | 'worktreeId'> | null): void;
}

export const createTerminalsSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], TerminalsSlice> =>
  (set, get) => ({
    terminalLists: {},
    terminalErrors: {},
    terminalFocus: null,
    focusTerminal: (t) => set({ terminalFocus: t && { terminalId: t.id, projectId: t.projectId, worktreeId: t.worktreeId } }),
    loadTerminals: followedLoad(set, get, {
      query: 'terminals',
      fetch: (projectId) => deps.api.terminals.list({ projectId }),
      receive: (projectId, list) => set((s) => ({ terminalLists: withEntry(s.terminalLists, projectId, list), terminalErrors: withoutEntry(s.terminalErrors, projectId) })),
      fail: (projectId, message) => set((s) => ({ terminalErrors: withEntry(s.terminalErrors, projectId, message) })),
    }),
  });

const NONE: TerminalView[] = [];

/** A checkout's terminals: a worktree's (by id), or those under a folder (a session's worktree path, the main checkout). */
export interface TerminalPlace {
  projectId: string;
  worktreeId: string | null;
  /** Open new terminals for this session (its worktree). */
  sessionId?: string;
  /** For a session: terminals whose folder lies under its worktree. */
  root?: string;
}

export function terminalsAt(list: readonly TerminalView[], place: TerminalPlace): TerminalView[] {
  const root = place.root;
  if (root) return list.filter((t) => t.cwd === root || t.cwd.startsWith(`${root}/`));
  return list.filter((t) => t.worktreeId === place.worktreeId);
}

export const selectTerminals = (projectId: string) => (s: BatonState) => s.terminalLists[projectId] ?? NONE;

/** "running", "disconnected" (its SSH host cannot be reached; it runs on there), "exited (2)", "lost": what the tab says. */
export function terminalStateLabel(t: Pick<TerminalView, 'state' | 'exitCode'> & Partial<Pick<TerminalView, 'unreachable'>>): string {
  if (t.state === 'running' && t.unreachable) return 'disconnected';
  if (t.state === 'exited') return t.exitCode === null ? 'exited' : `exited (${t.exitCode})`;
  return t.state;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * What of an output chunk a pane has not shown yet, given it has shown the stream up to `shown`:
 * all of it, none (a repeat), or its tail (it overlaps the scrollback the pane started from).
 */
export function unseenPart(o: Pick<TerminalOutput, 'at' | 'end' | 'data'>, shown: number): string {
  if (o.end <= shown) return '';
  if (o.at >= shown) return o.data;
  const bytes = encoder.encode(o.data);
  // `end` is authoritative: the chunk's text is its last (end - at) bytes.
  return decoder.decode(bytes.subarray(Math.max(0, bytes.length - (o.end - shown))));
}

/** "2 terminals", "1 terminal · 1 lost": what a session card says of the terminals in its worktree; null when there are none. */
export function terminalsSummary(list: readonly Pick<TerminalView, 'state'>[]): { text: string; lost: boolean } | null {
  if (list.length === 0) return null;
  const running = list.filter((t) => t.state === 'running').length;
  const lost = list.filter((t) => t.state === 'lost').length;
  const parts = [`${running} terminal${running === 1 ? '' : 's'} running`];
  if (lost > 0) parts.push(`${lost} lost`);
  if (running === 0 && lost === 0) return { text: `${list.length} exited terminal${list.length === 1 ? '' : 's'}`, lost: false };
  return { text: parts.join(' · '), lost: lost > 0 };
}
