import { fail, ok, type Result } from '../../shared/result';
import type { SessionState } from '../../shared/session-state';
import { holdsWorktree } from '../../shared/worktrees';
import type { WorktreeRecord } from './repository';

/** What the guard needs to know of a session; the sessions repository's records fit it. */
export interface SessionFacts {
  id: string;
  projectId: string;
  title: string;
  state: SessionState;
  worktreeId: string | null;
  createdAt: string;
}

export interface UseGuardDeps {
  /** The project's sessions as stored now (the only truth of who holds what). */
  sessionsOf: (projectId: string) => readonly SessionFacts[];
  worktrees: { get(id: string): WorktreeRecord | null; listLive(projectId: string): WorktreeRecord[] };
  /** Terminals running in the worktree (their shells and servers work in its folder); absent: none are counted. */
  terminalsIn?: (worktreeId: string) => readonly { id: string; title: string }[];
}

const WHAT_NEXT: Partial<Record<SessionState, string>> = {
  interrupted: 'it was interrupted and Continue would resume it in this folder',
  failed: 'it failed and Retry would start it again in this folder',
  pending: 'its agent is about to start there',
  starting: 'its agent is starting there',
  stopping: 'its agent is still stopping',
};

const describeHolder = (s: SessionFacts): string => `"${s.title}" (${s.id.slice(0, 8)}, ${WHAT_NEXT[s.state] ?? `${s.state.replace('_', ' ')}: its agent works in that folder`})`;

/**
 * The one place that decides whether a worktree, a branch or a session is in
 * use. Every destructive path (release from the panel, the replacement saga,
 * Retire duplicates, any future branch deletion) asks it before acting, so
 * "in use" means the same thing everywhere: a session in HOLDING_STATES.
 */
export function createUseGuard(deps: UseGuardDeps) {
  /** Sessions that hold the worktree, newest first. */
  function holders(w: Pick<WorktreeRecord, 'id' | 'projectId'>, except: readonly string[] = []): SessionFacts[] {
    return deps
      .sessionsOf(w.projectId)
      .filter((s) => s.worktreeId === w.id && holdsWorktree(s.state) && !except.includes(s.id))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  return {
    holders,

    /** Every worktree's holders in one read of the project's sessions (newest first), for lists. */
    holdersByWorktree(projectId: string): Map<string, SessionFacts[]> {
      const byWorktree = new Map<string, SessionFacts[]>();
      const newestFirst = [...deps.sessionsOf(projectId)].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      for (const s of newestFirst) {
        if (s.worktreeId === null || !holdsWorktree(s.state)) continue;
        byWorktree.set(s.worktreeId, [...(byWorktree.get(s.worktreeId) ?? []), s]);
      }
      return byWorktree;
    },

    /** The session whose work a worktree holds (newest first, whatever its state), for labelling preserved work. */
    owner(w: Pick<WorktreeRecord, 'id' | 'projectId'>): SessionFacts | null {
      const all = deps
        .sessionsOf(w.projectId)
        .filter((s) => s.worktreeId === w.id)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return all[0] ?? null;
    },

    /** Running terminals in the worktree: they hold it too (never destroy live work, ADR 0017). */
    terminals(worktreeId: string): readonly { id: string; title: string }[] {
      return deps.terminalsIn?.(worktreeId) ?? [];
    },

    /** ok when nothing holds the worktree; `worktree_in_use` naming the sessions (or running terminals) that do, and what to do, otherwise. */
    worktree(worktreeId: string, opts: { except?: readonly string[] } = {}): Result<void> {
      const w = deps.worktrees.get(worktreeId);
      if (!w) return ok(undefined);
      const held = holders(w, opts.except);
      const terminals = deps.terminalsIn?.(worktreeId) ?? [];
      if (held.length === 0 && terminals.length === 0) return ok(undefined);
      if (held.length === 0) {
        const names = terminals.map((t) => `"${t.title}" (${t.id.slice(0, 8)})`).join(', ');
        return fail(
          'worktree_in_use',
          `The worktree "${w.name}" has ${terminals.length} running terminal(s): ${names}. Releasing it now would delete the folder under what runs there. ` +
            'Kill those terminals first (or choose “Stop and release”, which kills them, preserves the work and releases the worktree).',
        );
      }
      const who = held.map(describeHolder).join('; ');
      return fail(
        'worktree_in_use',
        `The worktree "${w.name}" is in use by session ${who}. Releasing it now would delete files under that agent. ` +
          'Stop the session first (or choose “Stop the session and release”, which stops it, preserves its work and releases the worktree).',
      );
    },

    /** ok when no live worktree on the branch is held by a session; for anything that would delete or move the branch. */
    branch(projectId: string, branch: string): Result<void> {
      for (const w of deps.worktrees.listLive(projectId)) {
        if (w.branch !== branch) continue;
        const held = holders(w);
        if (held.length > 0) {
          return fail('branch_in_use', `Branch ${branch} is checked out for session ${held.map(describeHolder).join('; ')}. Stop that session and release its worktree first.`);
        }
      }
      return ok(undefined);
    },

    /** Whether a session still holds its worktree (so its records and folder must stay). */
    session(s: Pick<SessionFacts, 'state'>): boolean {
      return holdsWorktree(s.state);
    },
  };
}

export type UseGuard = ReturnType<typeof createUseGuard>;
