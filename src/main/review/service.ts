import type { ArchiveView, CommitView, DiffScope, DiffView, MergeView, PrView, ReviewFacts, ReviewStatus } from '../../shared/contracts/review';
import type { AppError, Result } from '../../shared/result';
import { err, fail, ok } from '../../shared/result';
import { sessionView } from '../../shared/session-view';
import type { MergeMode } from '../git/merge';
import type { ProjectRecord, ProjectsRepository } from '../projects/repository';
import type { SessionRecord, SessionsRepository } from '../sessions/repository';
import type { TurnsRepository } from '../sessions/turns-repository';
import type { WorktreesRepository } from '../worktrees/repository';
import { archiveSession, type ArchiveDeps } from './archive';
import { TURN_REF_PREFIX, type LiveFrom, type ReviewGit } from '../git/review-ops';
import { dropLegacyFacts, readLegacyFacts } from './legacy-facts';
import type { ReviewRepository, StoredFacts } from './repository';

export { TURN_REF_PREFIX };

export interface ReviewServiceDeps {
  sessions: SessionsRepository;
  turns: TurnsRepository;
  worktrees: WorktreesRepository;
  projects: ProjectsRepository;
  /** The one writer of the review facts (and the archive fact). */
  reviews: ReviewRepository;
  /** A prompt has been sent to the session's agent and is not journaled yet (the session summary's `promptSent`). */
  promptSent(sessionId: string): boolean;
  /** The sessions service's prompt path (a turn row checkpointed before it leaves). */
  prompt(sessionId: string, text: string, idempotencyKey: string): Promise<Result<{ turnId: string; duplicate: boolean }>>;
  emitChanged(sessionId: string, projectId: string): void;
  /** Where the project's git runs: this machine (reviewGitOps), or its SSH destination through remote.js (ADR 0018). */
  git(project: ProjectRecord): Promise<Result<ReviewGit>>;
  /** What archiving needs beyond the above: release through the guard, stop, and the sessions' change event. */
  archive: Pick<ArchiveDeps, 'release' | 'stopSession' | 'branchFree' | 'sessionChanged'>;
}

/** What every review operation needs about a session, resolved once. */
export interface ReviewTarget {
  session: SessionRecord;
  project: ProjectRecord;
  repoPath: string;
  worktreePath: string;
  branch: string;
  base: string;
}

/** The destination a project lives on, as the user wrote it, or '' for this machine (gh's messages name it). */
export const destinationOf = (project: Pick<ProjectRecord, 'host'>): string => (project.host.kind === 'ssh' ? project.host.destination.replace(/^ssh:\/\//, '') : '');

/** A plain error result: git's own error shapes carry extra fields the contract does not declare. */
const plain = <T>(r: { ok: false; error: AppError }): Result<T> => err({ code: r.error.code, message: r.error.message });

export function createReviewService(deps: ReviewServiceDeps) {
  function target(sessionId: string): Result<ReviewTarget> {
    const session = deps.sessions.get(sessionId);
    if (!session) return fail('session_not_found', `There is no session ${sessionId}.`);
    const w = session.worktreeId ? deps.worktrees.get(session.worktreeId) : null;
    if (!w || w.state !== 'active') return fail('no_worktree', `Session ${sessionId} has no worktree any more, so there is nothing to review.`);
    const project = deps.projects.get(session.projectId);
    if (!project) return fail('project_not_found', `The project of session ${sessionId} was removed.`);
    // The branch the worktree was made from (`session new --base`); the project's for worktrees made before that was recorded.
    return ok({ session, project, repoPath: project.path, worktreePath: w.path, branch: w.branch, base: w.baseBranch ?? project.baseBranch });
  }

  /**
   * A worktree no session holds (made in the Worktrees panel, or left by a
   * stopped session): reviewed by its own id, against the branch it was made from.
   */
  function worktreeTarget(worktreeId: string): Result<{ project: ProjectRecord; worktreePath: string; branch: string; base: string }> {
    const w = deps.worktrees.get(worktreeId);
    if (!w) return fail('worktree_not_found', `There is no worktree ${worktreeId}; see the project's Worktrees list.`);
    if (w.state !== 'active') return fail('no_worktree', `Worktree ${w.name} was released, so there is nothing to review; its uncommitted work is under Preserved work.`);
    const project = deps.projects.get(w.projectId);
    if (!project) return fail('project_not_found', `The project of worktree ${w.name} was removed.`);
    return ok({ project, worktreePath: w.path, branch: w.branch, base: w.baseBranch ?? project.baseBranch });
  }

  /** The diff of a live worktree against its base's merge-base (`all`) or HEAD (`uncommitted`); `since_turn` against `turnRef`. */
  async function diffIn(
    t: { project: ProjectRecord; worktreePath: string; branch: string; base: string },
    input: { scope: DiffScope; stat: boolean; maxPatchBytes?: number },
    turnRef: string | null,
  ): Promise<Result<Omit<DiffView, 'sessionId' | 'scope'>>> {
    const g = await deps.git(t.project);
    if (!g.ok) return g;
    const from: LiveFrom = input.scope === 'uncommitted' ? { kind: 'head' } : input.scope === 'since_turn' ? { kind: 'turn', ref: turnRef } : { kind: 'base', base: t.base };
    const d = await g.value.diffLive({ worktreePath: t.worktreePath, from, statOnly: input.stat, ...(input.maxPatchBytes !== undefined ? { maxPatchBytes: input.maxPatchBytes } : {}) });
    if (!d.ok) return plain(d);
    return ok({ branch: t.branch, base: t.base, ...d.value });
  }

  /** "Open previous work": a preserved snapshot against its parent (`uncommitted`), the base (`all`) or the last turn snapshot. */
  async function preservedDiff(input: { sessionId: string; scope: DiffScope; stat: boolean; maxPatchBytes?: number; preservedRef: string }): Promise<Result<DiffView>> {
    // The ref is labelled with a session's id, or a worktree's when no session used it.
    const session = deps.sessions.get(input.sessionId);
    const wt = session ? null : deps.worktrees.get(input.sessionId);
    const project = deps.projects.get(session?.projectId ?? wt?.projectId ?? '');
    if (!project) return fail('session_not_found', `There is no session (or worktree) ${input.sessionId} whose preserved work could be shown.`);
    const made = wt ?? (session?.worktreeId ? deps.worktrees.get(session.worktreeId) : null);
    const base = made?.baseBranch ?? project.baseBranch;
    const g = await deps.git(project);
    if (!g.ok) return g;
    const d = await g.value.diffPreserved({
      repoPath: project.path,
      preservedRef: input.preservedRef,
      scope: input.scope,
      base,
      turnRef: TURN_REF_PREFIX + input.sessionId,
      statOnly: input.stat,
      ...(input.maxPatchBytes !== undefined ? { maxPatchBytes: input.maxPatchBytes } : {}),
    });
    if (!d.ok) return plain(d);
    const { branch, ...diff } = d.value;
    return ok({ sessionId: input.sessionId, scope: input.scope, branch, base, ...diff, preservedRef: input.preservedRef });
  }

  const changed = (t: ReviewTarget) => deps.emitChanged(t.session.id, t.session.projectId);

  // Sessions whose legacy facts ref (ADR 0012, replaced) was looked at by this process.
  const legacyChecked = new Set<string>();

  /** Moves facts an earlier Baton kept under refs/baton/review into the table, once per session. */
  async function importLegacy(repoPath: string, sessionId: string): Promise<void> {
    if (legacyChecked.has(sessionId)) return;
    legacyChecked.add(sessionId);
    const legacy = await readLegacyFacts(repoPath, sessionId);
    if (!legacy) return;
    if (legacy.facts) deps.reviews.importLegacy(sessionId, legacy.facts);
    await dropLegacyFacts(repoPath, sessionId, legacy.oid);
  }

  /** Legacy facts were only ever written by a Baton without SSH projects: a destination's repository has none. */
  async function importLegacyOf(t: Pick<ReviewTarget, 'session' | 'project' | 'repoPath'>): Promise<void> {
    if (t.project.host.kind === 'local') await importLegacy(t.repoPath, t.session.id);
  }

  async function facts(t: Pick<ReviewTarget, 'session' | 'project' | 'repoPath'>): Promise<Result<ReviewFacts>> {
    await importLegacyOf(t);
    const f = deps.reviews.facts(t.session.id);
    const g = await deps.git(t.project);
    // A destination that cannot be reached now: the stored facts (merged, pushed, archived) still answer, without the turn snapshot.
    const turn = g.ok ? await g.value.revParse(t.repoPath, TURN_REF_PREFIX + t.session.id) : g;
    const turnId = lastTurnIds.get(t.session.id) ?? '';
    return ok({ ...f, lastTurn: turn.ok ? { commit: turn.value, turnId } : null });
  }

  async function record(t: ReviewTarget, patch: Partial<StoredFacts>): Promise<void> {
    await importLegacyOf(t);
    deps.reviews.record(t.session.id, patch);
    changed(t);
  }

  // The turn each session's snapshot was last taken for, and the snapshot under way, so a burst of change events takes one.
  const lastTurnIds = new Map<string, string>();
  const snapshots = new Map<string, Promise<void>>();

  /**
   * Snapshots a worker's worktree once per ended turn. A turn that ends while
   * the previous snapshot is still being written is looked at again when that
   * one is done: a quick turn must not be dropped for want of a later change.
   */
  function snapshotTurn(sessionId: string): void {
    const s = deps.sessions.get(sessionId);
    if (!s || s.state !== 'idle') return;
    const turn = deps.turns.last(sessionId);
    if (!turn || turn.status !== 'ended' || lastTurnIds.get(sessionId) === turn.id || snapshots.has(sessionId)) return;
    const t = target(sessionId);
    if (!t.ok) return;
    const { project, worktreePath } = t.value;
    const p = deps
      .git(project)
      .then((g) => (g.ok ? g.value.snapshot(worktreePath, TURN_REF_PREFIX + sessionId, `Baton: worktree of session ${sessionId} after turn ${turn.id}\n`) : g))
      .then((r) => {
        if (r.ok) lastTurnIds.set(sessionId, turn.id);
        else console.warn(`[baton] session ${sessionId}: no turn snapshot: ${r.error.message}`);
        return r.ok;
      })
      .finally(() => snapshots.delete(sessionId))
      .then((done) => {
        if (done) snapshotTurn(sessionId);
      })
      // Never an unhandled rejection in main (a store error while looking again): the next turn end tries again.
      .catch((e: unknown) => console.warn(`[baton] session ${sessionId}: turn snapshot failed:`, e));
    snapshots.set(sessionId, p);
  }

  return {
    target,

    async status(sessionId: string): Promise<Result<ReviewStatus>> {
      const t = target(sessionId);
      if (t.ok) {
        const f = await facts(t.value);
        return f.ok ? ok({ sessionId, branch: t.value.branch, base: t.value.base, facts: f.value }) : f;
      }
      // Without a worktree (archived, released) the stored facts still answer.
      const session = deps.sessions.get(sessionId);
      const project = session ? deps.projects.get(session.projectId) : null;
      if (!session || !project) return t;
      const w = session.worktreeId ? deps.worktrees.get(session.worktreeId) : null;
      const base = w?.baseBranch ?? project.baseBranch;
      const f = await facts({ session, project, repoPath: project.path });
      return f.ok ? ok({ sessionId, branch: w?.branch ?? '', base, facts: f.value }) : f;
    },

    async archive(input: { sessionId: string; deleteBranch: boolean; force: boolean }): Promise<Result<ArchiveView>> {
      const r = await archiveSession({ ...deps.archive, git: deps.git, sessions: deps.sessions, worktrees: deps.worktrees, projects: deps.projects, reviews: deps.reviews }, input);
      const s = deps.sessions.get(input.sessionId);
      // A Changes view open on the session follows it too (its worktree is gone; its preserved work is named).
      if (r.ok && s) deps.emitChanged(s.id, s.projectId);
      return r;
    },

    /** The person looked at the changes after the last ended turn: they leave the inbox until another turn ends. */
    markReviewed(sessionId: string): Result<{ sessionId: string; turnId: string | null }> {
      const s = deps.sessions.get(sessionId);
      if (!s) return fail('session_not_found', `There is no session ${sessionId}.`);
      const turn = deps.turns.last(sessionId);
      const turnId = turn && turn.status === 'ended' ? turn.id : null;
      deps.reviews.markReviewed(sessionId, turnId);
      deps.emitChanged(s.id, s.projectId);
      return ok({ sessionId, turnId });
    },

    unarchive(sessionId: string): Result<{ sessionId: string }> {
      const s = deps.sessions.get(sessionId);
      if (!s) return fail('session_not_found', `There is no session ${sessionId}.`);
      deps.reviews.unarchive(sessionId);
      deps.archive.sessionChanged(sessionId, s.projectId);
      return ok({ sessionId });
    },

    async diff(input: { sessionId: string; scope: DiffScope; stat: boolean; maxPatchBytes?: number; preservedRef?: string }): Promise<Result<DiffView>> {
      if (input.preservedRef !== undefined) return preservedDiff({ ...input, preservedRef: input.preservedRef });
      const t = target(input.sessionId);
      if (!t.ok) return t;
      const d = await diffIn(t.value, input, TURN_REF_PREFIX + input.sessionId);
      return d.ok ? ok({ sessionId: input.sessionId, scope: input.scope, ...d.value }) : d;
    },

    worktreeTarget,

    /** A sessionless worktree's changes; `sessionId` in the view is the worktree's id (as for its preserved work). */
    async worktreeDiff(input: { worktreeId: string; scope: DiffScope; stat: boolean; maxPatchBytes?: number }): Promise<Result<DiffView>> {
      const t = worktreeTarget(input.worktreeId);
      if (!t.ok) return t;
      const d = await diffIn(t.value, input, null);
      return d.ok ? ok({ sessionId: input.worktreeId, worktreeId: input.worktreeId, scope: input.scope, ...d.value }) : d;
    },

    async commit(input: { sessionId: string; message: string; paths?: string[] }): Promise<Result<CommitView>> {
      const t = target(input.sessionId);
      if (!t.ok) return t;
      // The agent may still be writing: a commit now would take half a turn's edits.
      const view = sessionView({ state: t.value.session.state, promptSent: deps.promptSent(input.sessionId) });
      if (!view.can.commit) return fail('agent_busy', `Nothing was committed. ${view.commitRefusal ?? ''}`.trim());
      const g = await deps.git(t.value.project);
      if (!g.ok) return g;
      const r = await g.value.commit({ worktreePath: t.value.worktreePath, message: input.message, ...(input.paths ? { paths: input.paths } : {}) });
      if (!r.ok) return plain(r);
      if (r.value.status === 'committed') changed(t.value);
      return ok(r.value);
    },

    async merge(input: { sessionId: string; mode: MergeMode; message?: string }): Promise<Result<MergeView>> {
      const t = target(input.sessionId);
      if (!t.ok) return t;
      const { session, branch, base } = t.value;
      const message = input.message ?? (input.mode === 'squash' ? `${session.title}\n\nSquashed from ${branch} (Baton session ${session.id}).` : `Merge branch '${branch}' into ${base}\n\n${session.title}`);
      const g = await deps.git(t.value.project);
      if (!g.ok) return g;
      const r = await g.value.merge({ repoPath: t.value.repoPath, branch, base, mode: input.mode, message, sessionWorktree: t.value.worktreePath });
      if (!r.ok) return plain(r);
      if (r.value.status === 'merged') await record(t.value, { merged: { commit: r.value.commit, mode: input.mode, base, at: new Date().toISOString() } });
      return ok(r.value);
    },

    /**
     * "Ask the agent to resolve": rebases the session's branch onto its base
     * in its own worktree; a rebase that stops on conflicts is left for the
     * agent, prompted with the files and how to finish.
     */
    async resolveConflicts(sessionId: string): Promise<Result<{ status: 'clean' | 'asked'; files: string[]; turnId: string | null }>> {
      const t = target(sessionId);
      if (!t.ok) return t;
      const { session, worktreePath, base, branch } = t.value;
      if (session.state !== 'idle') return fail('agent_busy', `The agent is ${session.state}; it can take the conflicts once it is idle. Wait for its turn to end (or continue it), then ask again.`);
      const g = await deps.git(t.value.project);
      if (!g.ok) return g;
      const rebased = await g.value.rebaseOnto(worktreePath, `refs/heads/${base}`, false);
      if (!rebased.ok) return plain(rebased);
      if (rebased.value.status === 'rebased') {
        changed(t.value);
        return ok({ status: 'clean', files: [], turnId: null });
      }
      const files = rebased.value.files;
      const text = [
        `(Baton) Merging your branch ${branch} into ${base} conflicts. A rebase of ${branch} onto ${base} is in progress in your worktree and has stopped at the conflicts in: ${files.join(', ')}.`,
        'Resolve each conflicting file (keep both intents, remove the conflict markers), `git add` it, and run `git rebase --continue`; repeat until the rebase completes. Do not abort the rebase. Then say what you changed.',
      ].join('\n\n');
      const sent = await deps.prompt(sessionId, text, `resolve:${sessionId}:${Date.now()}`);
      if (!sent.ok) {
        // Nobody will finish the rebase: put the branch back as it was rather than leave it half-done.
        await g.value.abortRebase(worktreePath);
        return fail(sent.error.code, `The rebase was undone because the agent could not be asked: ${sent.error.message}`);
      }
      changed(t.value);
      return ok({ status: 'asked', files, turnId: sent.value.turnId });
    },

    async pr(input: { sessionId: string; title?: string; body?: string }): Promise<Result<PrView>> {
      const t = target(input.sessionId);
      if (!t.ok) return t;
      const { session, worktreePath, branch, base } = t.value;
      const g = await deps.git(t.value.project);
      if (!g.ok) return g;
      const pushed = await g.value.push(worktreePath, branch);
      if (!pushed.ok) return plain(pushed);
      const at = new Date().toISOString();
      await record(t.value, { pushed: { remote: pushed.value.remote, branch, at } });
      const title = input.title ?? session.title;
      const body = input.body ?? [session.initialPrompt ?? '', `Made by Baton session ${session.id} on ${branch}.`].filter(Boolean).join('\n\n');
      // gh runs where the repository is: on a destination, its gh (a missing or logged-out one is named there).
      const opened = await g.value.openPullRequest(worktreePath, pushed.value, base, title, body, destinationOf(t.value.project));
      if (!opened.ok) return plain(opened);
      const pr = opened.value;
      if (pr.kind !== 'none') await record(t.value, { pr: { url: pr.url, kind: pr.kind, at: new Date().toISOString() } });
      return ok({ pushed: pushed.value, pr });
    },

    /** A worker's turn ended: snapshot its worktree once per turn, for "since last turn". */
    onSessionChanged: snapshotTurn,

    /** Waits for snapshots under way, including one a finished snapshot starts for a turn that ended meanwhile. */
    async idle(): Promise<void> {
      while (snapshots.size > 0) await Promise.allSettled([...snapshots.values()]);
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
