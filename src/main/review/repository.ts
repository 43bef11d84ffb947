import type { ReviewFacts } from '../../shared/contracts/review';
import type { Db } from '../store/db';

/** What the person did when they archived a session (see review.archive). */
export interface ArchiveFact {
  at: string;
  /** Where its uncommitted work was kept (`refs/baton/preserved/<session>`), null when it had none. */
  preservedRef: string | null;
  /** The branch deleted on the way out, with the commit it pointed at. */
  deletedBranch: { name: string; head: string } | null;
}

/** The landing facts the table holds; the turn snapshot stays a ref (a commit needs one to survive gc). */
export type StoredFacts = Pick<ReviewFacts, 'merged' | 'pushed' | 'pr'>;

interface Row {
  session_id: string;
  merged_commit: string | null;
  merged_mode: 'merge' | 'squash' | 'rebase' | null;
  merged_base: string | null;
  merged_at: string | null;
  pushed_remote: string | null;
  pushed_branch: string | null;
  pushed_at: string | null;
  pr_url: string | null;
  pr_kind: 'created' | 'compare' | null;
  pr_at: string | null;
  archived_at: string | null;
  preserved_ref: string | null;
  deleted_branch: string | null;
  deleted_branch_head: string | null;
  reviewed_turn_id: string | null;
  updated_at: string;
}

const EMPTY: StoredFacts = { merged: null, pushed: null, pr: null };

const factsOf = (r: Row | undefined): StoredFacts =>
  r
    ? {
        merged: r.merged_commit && r.merged_mode && r.merged_at ? { commit: r.merged_commit, mode: r.merged_mode, base: r.merged_base ?? '', at: r.merged_at } : null,
        pushed: r.pushed_remote && r.pushed_at ? { remote: r.pushed_remote, branch: r.pushed_branch ?? '', at: r.pushed_at } : null,
        pr: r.pr_url && r.pr_kind && r.pr_at ? { url: r.pr_url, kind: r.pr_kind, at: r.pr_at } : null,
      }
    : EMPTY;

const archiveOf = (r: Row | undefined): ArchiveFact | null =>
  r?.archived_at
    ? {
        at: r.archived_at,
        preservedRef: r.preserved_ref,
        deletedBranch: r.deleted_branch && r.deleted_branch_head ? { name: r.deleted_branch, head: r.deleted_branch_head } : null,
      }
    : null;

/** The only module that writes `session_reviews`. */
export function createReviewRepository(db: Db) {
  const now = () => new Date().toISOString();
  const getStmt = db.prepare<[string], Row>('SELECT * FROM session_reviews WHERE session_id = ?');
  const archivedAllStmt = db.prepare<[], Row>('SELECT * FROM session_reviews WHERE archived_at IS NOT NULL');
  // One row per session, made on its first fact; each write names only its own columns.
  const ensure = db.prepare("INSERT INTO session_reviews (session_id, updated_at) VALUES (?, ?) ON CONFLICT (session_id) DO NOTHING");
  const write = (sessionId: string, sql: string, ...values: (string | null)[]) =>
    db.transaction(() => {
      const t = now();
      ensure.run(sessionId, t);
      db.prepare(`UPDATE session_reviews SET ${sql}, updated_at = ? WHERE session_id = ?`).run(...values, t, sessionId);
    })();

  return {
    facts(sessionId: string): StoredFacts {
      return factsOf(getStmt.get(sessionId));
    },

    /** Records the facts given (a merge, a push, a PR); the others stay as they are. */
    record(sessionId: string, patch: Partial<StoredFacts>): StoredFacts {
      if (patch.merged !== undefined) {
        const m = patch.merged;
        write(sessionId, 'merged_commit = ?, merged_mode = ?, merged_base = ?, merged_at = ?', m?.commit ?? null, m?.mode ?? null, m?.base ?? null, m?.at ?? null);
      }
      if (patch.pushed !== undefined) {
        const p = patch.pushed;
        write(sessionId, 'pushed_remote = ?, pushed_branch = ?, pushed_at = ?', p?.remote ?? null, p?.branch ?? null, p?.at ?? null);
      }
      if (patch.pr !== undefined) {
        const p = patch.pr;
        write(sessionId, 'pr_url = ?, pr_kind = ?, pr_at = ?', p?.url ?? null, p?.kind ?? null, p?.at ?? null);
      }
      return this.facts(sessionId);
    },

    /** Facts written before this table (refs/baton/review): only where the table has none of its own. */
    importLegacy(sessionId: string, legacy: StoredFacts): void {
      const have = this.facts(sessionId);
      const patch: Partial<StoredFacts> = {};
      if (!have.merged && legacy.merged) patch.merged = legacy.merged;
      if (!have.pushed && legacy.pushed) patch.pushed = legacy.pushed;
      if (!have.pr && legacy.pr) patch.pr = legacy.pr;
      if (Object.keys(patch).length > 0) this.record(sessionId, patch);
    },

    /** Every archived session's archive fact, in one query (a list of summaries carries one each), by session. */
    archivedAll(): Map<string, ArchiveFact> {
      const out = new Map<string, ArchiveFact>();
      for (const r of archivedAllStmt.all()) {
        const a = archiveOf(r);
        if (a) out.set(r.session_id, a);
      }
      return out;
    },

    archived(sessionId: string): ArchiveFact | null {
      return archiveOf(getStmt.get(sessionId));
    },

    /** Ids of the project's archived sessions (all projects' without one). */
    archivedIds(projectId?: string): Set<string> {
      const rows = projectId
        ? db.prepare<[string], { session_id: string }>('SELECT r.session_id FROM session_reviews r JOIN sessions s ON s.id = r.session_id WHERE r.archived_at IS NOT NULL AND s.project_id = ?').all(projectId)
        : db.prepare<[], { session_id: string }>('SELECT session_id FROM session_reviews WHERE archived_at IS NOT NULL').all();
      return new Set(rows.map((r) => r.session_id));
    },

    archive(sessionId: string, fact: Omit<ArchiveFact, 'at'>): ArchiveFact {
      const at = now();
      write(sessionId, 'archived_at = ?, preserved_ref = ?, deleted_branch = ?, deleted_branch_head = ?', at, fact.preservedRef, fact.deletedBranch?.name ?? null, fact.deletedBranch?.head ?? null);
      return { at, ...fact };
    },

    /** The ended turn whose changes a person marked reviewed, or null. */
    reviewedTurn(sessionId: string): string | null {
      return getStmt.get(sessionId)?.reviewed_turn_id ?? null;
    },

    markReviewed(sessionId: string, turnId: string | null): void {
      write(sessionId, 'reviewed_turn_id = ?', turnId);
    },

    /** Back on the board; what archiving kept (preserved work, the deleted branch's head) stays recorded. */
    unarchive(sessionId: string): void {
      write(sessionId, 'archived_at = NULL');
    },
  };
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>;
