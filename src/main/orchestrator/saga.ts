import { randomUUID } from 'node:crypto';
import type { ReplacementPhase } from '../../shared/orchestrator';
import { err, fail, ok, type Result } from '../../shared/result';
import { currentBranch } from '../git/repo';
import type { ProjectsRepository } from '../projects/repository';
import { sleep, waitUntil } from '../lib/wait';
import type { EventsRepository } from '../sessions/events-repository';
import type { SessionsRepository } from '../sessions/repository';
import type { SessionsService } from '../sessions/service';
import type { WorktreesRepository } from '../worktrees/repository';
import type { WorktreesService } from '../worktrees/service';
import { handoffPrompt } from './handoff';
import type { ReplacementRecord, ReplacementsRepository } from './repository';

export interface SagaDeps {
  replacements: ReplacementsRepository;
  sessions: SessionsRepository;
  events: EventsRepository;
  sessionsService: SessionsService;
  projects: ProjectsRepository;
  worktrees: WorktreesRepository;
  worktreesService: WorktreesService;
  /** Named crash points (`replacement_after_<phase>`) for fault-injection tests. */
  debugPoint: (name: string) => void;
  changed: (projectId: string) => void;
  /** How long verify waits for the new agent to be up. */
  verifyTimeoutMs: number;
  /** The open tasks, for the new orchestrator's handoff. */
  openTasks?: (projectId: string) => string[];
  /** True once the app is shutting down: the saga stops between phases and resumes at the next start. */
  halted: () => boolean;
}

type PhaseResult = Result<{ next: ReplacementPhase; facts?: { newSessionId?: string; preservedRef?: string | null } }>;

/**
 * Runs a replacement from its recorded phase to `done`. Every phase is
 * idempotent and its completion is committed before the next starts, so a
 * crash or a failure resumes exactly where it stopped (Retry, or startup).
 */
export async function runReplacement(deps: SagaDeps, id: string): Promise<ReplacementRecord | null> {
  for (;;) {
    if (deps.halted()) return null;
    const r = deps.replacements.get(id);
    // advance(id, 'done') sets the status to done in the same UPDATE: a running replacement is never at `done`.
    if (!r || r.status !== 'running' || r.phase === 'done') return r;
    const outcome = await runPhase(deps, r, r.phase);
    // Cut short by shutdown (the registry detaching, a wait broken off): not a failure. The phase is idempotent
    // and the replacement stays `running`, so the next start runs it again by itself, with no Retry.
    if (!outcome.ok && deps.halted()) return null;
    if (!outcome.ok) {
      // A spawn that got as far as a process that never initialized is a verify failure: Retry spawns again.
      const phase = outcome.error.code === 'verify_failed' ? 'verify' : r.phase;
      deps.replacements.fail(id, { phase, code: outcome.error.code, message: outcome.error.message });
      deps.changed(r.projectId);
      return deps.replacements.get(id);
    }
    deps.replacements.advance(id, outcome.value.next, outcome.value.facts);
    deps.changed(r.projectId);
    deps.debugPoint(`replacement_after_${r.phase}`);
  }
}

/** Failures that clear by themselves (another git process's lock, a file held for a moment, a git call that timed out). */
const TRANSIENT_CODES = new Set(['git_lock', 'worktree_busy', 'git_timeout']);
/** Waits before the second and third try of a phase that failed transiently. */
const TRANSIENT_BACKOFF_MS = [1000, 4000];

/** One phase, tried again after a transient failure (bounded): a person is asked only for what does not clear by itself. */
async function runPhase(deps: SagaDeps, r: ReplacementRecord, phase: Exclude<ReplacementPhase, 'done'>): Promise<PhaseResult> {
  for (let attempt = 0; ; attempt++) {
    let outcome: PhaseResult;
    try {
      outcome = await PHASES[phase](deps, r);
    } catch (e) {
      outcome = fail('internal', e instanceof Error ? e.message : String(e));
    }
    const wait = TRANSIENT_BACKOFF_MS[attempt];
    if (outcome.ok || !TRANSIENT_CODES.has(outcome.error.code) || wait === undefined || deps.halted()) return outcome;
    await sleep(wait);
    if (deps.halted()) return outcome;
  }
}

const PHASES: Record<Exclude<ReplacementPhase, 'done'>, (deps: SagaDeps, r: ReplacementRecord) => Promise<PhaseResult>> = {
  async stop_old(deps, r) {
    if (!r.oldSessionId) return ok({ next: 'spawn' });
    const stopped = await deps.sessionsService.beginRetire(r.oldSessionId);
    return stopped.ok ? ok({ next: 'preserve' }) : stopped;
  },

  async preserve(deps, r) {
    const old = r.oldSessionId ? deps.sessions.get(r.oldSessionId) : null;
    if (!old?.worktreeId) return ok({ next: 'release', facts: { preservedRef: null } });
    const p = await deps.worktreesService.preserve(old.worktreeId, old.id);
    if (!p.ok) return p;
    return ok({ next: 'release', facts: { preservedRef: p.value.ref ?? r.preservedRef } });
  },

  async release(deps, r) {
    const old = r.oldSessionId ? deps.sessions.get(r.oldSessionId) : null;
    if (!old?.worktreeId) return ok({ next: 'retire' });
    // Preserves again on the way out (the same ref, a no-op when nothing changed since), removes, verifies gone.
    // The old one is `retiring` (stopped) by now; the guard inside release still refuses if any other session holds the folder.
    const released = await deps.worktreesService.release(old.worktreeId, { preserveAs: old.id });
    if (!released.ok) return err({ code: released.error.code, message: `Could not release the old orchestrator's worktree: ${released.error.message}` });
    return ok({ next: 'retire' });
  },

  async retire(deps, r) {
    if (!r.oldSessionId) return ok({ next: 'spawn' });
    const retired = deps.sessionsService.finishRetire(r.oldSessionId);
    return retired.ok ? ok({ next: 'spawn' }) : retired;
  },

  async spawn(deps, r) {
    const project = deps.projects.get(r.projectId);
    if (!project) return fail('project_not_found', 'The project was removed.');
    const prior = r.newSessionId ? deps.sessions.get(r.newSessionId) : null;
    // A new session from an earlier attempt that got going is kept; one that failed is left as history and replaced.
    if (prior && prior.state !== 'failed' && prior.state !== 'stopped' && prior.state !== 'pending') return ok({ next: 'verify' });
    const worktree = await canonicalWorktree(deps, r.projectId);
    if (!worktree.ok) return worktree;
    const newId = prior?.state === 'pending' ? prior.id : randomUUID();
    // Recorded before the row exists: a crash from here re-creates it under the same id rather than a second one.
    deps.replacements.advance(r.id, 'spawn', { newSessionId: newId });
    const launched = await deps.sessionsService.launch({
      id: newId,
      projectId: r.projectId,
      role: 'orchestrator',
      harness: project.orchestratorAgent,
      title: `${project.name} orchestrator`,
      worktreeId: worktree.value.id,
      cwd: worktree.value.path,
      firstPrompt: null,
    });
    if (!launched.ok) return launched;
    if (launched.value.state === 'failed') {
      const why = launched.value.stateDetail ?? 'The new orchestrator failed to start.';
      // It started a process that then never initialized: that is what verify checks.
      return /initiali[sz]e/i.test(why) ? fail('verify_failed', why) : fail('spawn_failed', why);
    }
    return ok({ next: 'verify', facts: { newSessionId: newId } });
  },

  async verify(deps, r) {
    const project = deps.projects.get(r.projectId);
    const s = r.newSessionId ? deps.sessions.get(r.newSessionId) : null;
    if (!project || !s) return ok({ next: 'spawn' });
    // It never came up (this is a Retry after a failed verify): start a fresh one.
    if (s.state === 'failed' || s.state === 'stopped') return ok({ next: 'spawn' });
    const up = await waitUntil(() => deps.halted() || deps.sessionsService.isUp(s.id) || deps.sessions.get(s.id)?.state === 'failed', deps.verifyTimeoutMs);
    if (deps.halted()) return fail('shutting_down', 'Baton is shutting down; the replacement continues at the next start.');
    const now = deps.sessions.get(s.id);
    if (!up || !now || !deps.sessionsService.isUp(s.id)) {
      return fail('verify_failed', `The new orchestrator is not running${now?.stateDetail ? `: ${now.stateDetail}` : ` (it is ${now?.state ?? 'gone'})`}.`);
    }
    if (now.harness !== project.orchestratorAgent) return fail('verify_failed', `The new orchestrator runs ${now.harness}, but the project is configured for ${project.orchestratorAgent}.`);
    const wt = now.worktreeId ? deps.worktrees.get(now.worktreeId) : null;
    const expected = `baton/${project.prefix}-orchestrator`;
    const branch = await currentBranch(now.cwd);
    const head = branch.ok ? branch.value : null;
    if (!wt || wt.branch !== expected || head !== expected) {
      return fail('verify_failed', `The new orchestrator's worktree is on "${head ?? 'no branch'}", not the canonical branch ${expected}.`);
    }
    // A prompt someone sent meanwhile has the floor; the handoff follows it rather than failing verify.
    await waitUntil(() => deps.halted() || deps.sessions.get(s.id)?.state !== 'busy', deps.verifyTimeoutMs);
    // The idempotency key makes a resend after a crash one prompt, not two.
    const sent = await deps.sessionsService.prompt(s.id, handoffPrompt(deps, r), `handoff:${r.id}`);
    if (!sent.ok) return err({ code: sent.error.code, message: `The new orchestrator did not take its handoff: ${sent.error.message}` });
    return ok({ next: 'done' });
  },
};

/** The project's canonical orchestrator worktree: the live one if there is one, else created on the canonical branch. */
async function canonicalWorktree(deps: SagaDeps, projectId: string): Promise<Result<{ id: string; path: string }>> {
  const existing = deps.worktrees.listLive(projectId).find((w) => w.role === 'orchestrator' && w.state === 'active');
  if (existing) return ok({ id: existing.id, path: existing.path });
  const created = await deps.worktreesService.create(projectId, 'orchestrator', 'orchestrator');
  if (!created.ok) return err({ code: created.error.code, message: `Could not create the orchestrator's worktree: ${created.error.message}` });
  return ok({ id: created.value.id, path: created.value.path });
}
