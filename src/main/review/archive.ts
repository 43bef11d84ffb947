import type { ArchiveView } from '../../shared/contracts/review';
import type { ReleasedWorktree } from '../../shared/contracts/worktrees';
import { err, fail, ok, type AppError, type Result } from '../../shared/result';
import { LIVE_STATES } from '../../shared/session-state';
import { PRESERVED_PREFIX } from '../git/preserve';
import type { ProjectRecord, ProjectsRepository } from '../projects/repository';
import type { SessionsRepository } from '../sessions/repository';
import type { WorktreesRepository } from '../worktrees/repository';
import type { ReviewGit } from '../git/review-ops';
import type { ReviewRepository } from './repository';

export interface ArchiveDeps {
  sessions: SessionsRepository;
  worktrees: WorktreesRepository;
  projects: ProjectsRepository;
  reviews: ReviewRepository;
  /** The project's git, where its repository is (this machine or its SSH destination). */
  git(project: ProjectRecord): Promise<Result<Pick<ReviewGit, 'branchLanding' | 'deleteBranch' | 'preservedOf'>>>;
  /** The worktrees service's release, through its in-use guard ("Stop the session and release"). */
  release(worktreeId: string, opts: { stopSession: boolean; preserveAs: string }): Promise<Result<ReleasedWorktree>>;
  stopSession(sessionId: string): Promise<Result<unknown>>;
  /** The in-use guard's branch check: no session holds a worktree on it. */
  branchFree(projectId: string, branch: string): Result<void>;
  /** The session's summary changed (it leaves the board, or comes back). */
  sessionChanged(sessionId: string, projectId: string): void;
}

const plain = (e: AppError): Result<never> => err({ code: e.code, message: e.message });

/**
 * Archive, in the order that never loses work: every check that could refuse
 * runs before anything is stopped; then stop + preserve + release through the
 * worktrees service's guard; then the branch (asked for, merged, checked out
 * nowhere, unmoved); the archive fact is recorded last, so a failure part-way
 * leaves the session on the board and calling again continues.
 */
export async function archiveSession(deps: ArchiveDeps, input: { sessionId: string; deleteBranch: boolean; force: boolean }): Promise<Result<ArchiveView>> {
  const session = deps.sessions.get(input.sessionId);
  if (!session) return fail('session_not_found', `There is no session ${input.sessionId}.`);
  const project = deps.projects.get(session.projectId);
  if (!project) return fail('project_not_found', `The project of session ${session.id} was removed.`);
  if (session.role === 'orchestrator' && session.state !== 'stopped' && session.state !== 'retired' && session.state !== 'failed') {
    return fail('orchestrator_active', `Session ${session.id} is the project's orchestrator (${session.state}); archiving it would leave the project without one. Replace it (or stop it) first.`);
  }
  const w = session.worktreeId ? deps.worktrees.get(session.worktreeId) : null;
  const branch = w?.branch ?? null;
  const ownPath = w && w.state !== 'released' ? w.path : null;
  // Merged into the branch it was made from (`session new --base`), else the project's base.
  const base = w?.baseBranch ?? project.baseBranch;

  const git = await deps.git(project);
  if (!git.ok) return fail(git.error.code, `The session was not archived (nothing was done): ${git.error.message}`);
  let head: string | null = null;
  if (input.deleteBranch && branch) {
    const landing = await git.value.branchLanding(project.path, branch, base, ownPath);
    if (!landing.ok) return plain(landing.error);
    head = landing.value.head;
    if (landing.value.checkedOutAt.length > 0) {
      return fail('branch_checked_out', `Branch ${branch} is checked out in "${landing.value.checkedOutAt.join('", "')}", so it cannot be deleted; nothing was done. Switch that checkout to another branch, or archive without deleting the branch.`);
    }
    if (head && !landing.value.merged && !input.force) {
      const n = landing.value.unmergedCommits;
      return fail('branch_unmerged', `Branch ${branch} has ${n} commit${n === 1 ? '' : 's'} not merged into ${base}; nothing was done. Merge it first, archive without deleting the branch, or force the deletion (its head ${head.slice(0, 12)} is recorded).`);
    }
  }

  // Stop, preserve and release: the worktrees service asks its in-use guard; archiving is the person's confirmation.
  let preservedRef: string = PRESERVED_PREFIX + session.id;
  if (w && w.state !== 'released') {
    const released = await deps.release(w.id, { stopSession: true, preserveAs: session.id });
    if (!released.ok) return fail(released.error.code, `The session was not archived: its worktree could not be released. ${released.error.message}`);
    preservedRef = released.value.preservedRef ?? preservedRef;
  } else if (LIVE_STATES.includes(session.state)) {
    const stopped = await deps.stopSession(session.id);
    if (!stopped.ok) return fail('stop_failed', `The session was not archived: it could not be stopped. ${stopped.error.message}`);
  }

  let deleted: { name: string; head: string } | null = null;
  if (input.deleteBranch && branch && head) {
    const free = deps.branchFree(session.projectId, branch);
    if (!free.ok) return fail(free.error.code, `The session's work was preserved and its worktree released, but ${free.error.message} Archive again once it is free.`);
    const d = await git.value.deleteBranch(project.path, branch, head);
    if (!d.ok) return fail(d.error.code, `The session's work was preserved and its worktree released, but its branch was kept: ${d.error.message}`);
    deleted = { name: branch, head };
  }

  // Read where the work was preserved (this machine or the destination); a link lost just now shows none rather than failing the archive done.
  const read = await git.value.preservedOf(project.path, preservedRef);
  const preserved = read.ok ? read.value : null;
  // A retry after the branch went keeps the head the first attempt recorded.
  const earlier = deps.reviews.archived(session.id)?.deletedBranch ?? null;
  const fact = deps.reviews.archive(session.id, { preservedRef: preserved?.ref ?? null, deletedBranch: deleted ?? earlier });
  deps.sessionChanged(session.id, session.projectId);
  return ok({
    sessionId: session.id,
    archivedAt: fact.at,
    preserved,
    branch: branch ? { name: branch, deleted: deleted !== null || (input.deleteBranch && head === null), head: deleted?.head ?? head ?? fact.deletedBranch?.head ?? null } : null,
  });
}
