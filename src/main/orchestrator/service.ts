import { randomUUID } from 'node:crypto';
import type { OrchestratorStatus, ReplacementView } from '../../shared/contracts/orchestrator';
import type { SessionSummary } from '../../shared/contracts/sessions';
import { compareNewest, isActiveOrchestrator, newestActiveOrchestrator } from '../../shared/orchestrator';
import { fail, ok, type Result } from '../../shared/result';
import { harnessFor } from '../agents/harness';
import { configuredLaunch, launchFingerprint } from '../agents/launch';
import { customCommandFor, type ProjectRecord } from '../projects/repository';
import type { SessionRecord } from '../sessions/repository';
import type { ReplacementsRepository } from './repository';
import { runReplacement, type SagaDeps } from './saga';

export interface OrchestratorServiceDeps extends Omit<SagaDeps, 'replacements' | 'changed' | 'verifyTimeoutMs' | 'halted'> {
  replacements: ReplacementsRepository;
  emitChanged: (projectId: string) => void;
  verifyTimeoutMs?: number;
}

/**
 * A project's orchestrator: started once, replaced by a durable saga, never
 * two at a time. Which session is "the" orchestrator is always
 * newestActiveOrchestrator over stored sessions, never a remembered id.
 */
export function createOrchestratorService(deps: OrchestratorServiceDeps) {
  let halted = false;
  const saga: SagaDeps = { ...deps, changed: deps.emitChanged, verifyTimeoutMs: deps.verifyTimeoutMs ?? 90_000, halted: () => halted };
  /** Sagas running in this process, by replacement id: a second caller awaits the same run. */
  const running = new Map<string, Promise<unknown>>();
  /** Start requests in flight, by project: two clicks start one orchestrator. */
  const starting = new Map<string, Promise<Result<SessionSummary>>>();

  /**
   * The project's active orchestrators, chosen over its stored records (they
   * carry role, state and timestamps): `current` is newestActiveOrchestrator,
   * `duplicates` what duplicateOrchestrators gives, without finding the newest twice.
   */
  function orchestrators(projectId: string): { current: SessionRecord | null; duplicates: SessionRecord[] } {
    const records = deps.sessions.list(projectId);
    const current = newestActiveOrchestrator(records, projectId);
    const duplicates = records.filter((s) => s !== current && s.projectId === projectId && isActiveOrchestrator(s)).sort(compareNewest);
    return { current, duplicates };
  }

  /** A summary (worktree, divergence) is built for the one session callers are given, not for every session of the project. */
  const summary = (s: SessionRecord | null): SessionSummary | null => {
    const got = s ? deps.sessionsService.get(s.id) : null;
    return got?.ok ? got.value : null;
  };
  const currentSummary = (projectId: string): SessionSummary | null => summary(newestActiveOrchestrator(deps.sessions.list(projectId), projectId));

  function drive(id: string): void {
    if (running.has(id)) return;
    const p = runReplacement(saga, id)
      .catch((e: unknown) => console.error(`[baton] replacement ${id} failed unexpectedly:`, e))
      .finally(() => running.delete(id));
    running.set(id, p);
  }

  /**
   * Whether the configured orchestrator agent can start at all, resolved the
   * way New session resolves a worker's (harnessFor on the project's
   * settings and host). Asked before a replacement touches the working orchestrator:
   * an agent that is not installed must not cost the project the one it has.
   */
  function preflight(project: ProjectRecord): Result<void> {
    // Where the project lives: an SSH destination's agent is found there, at launch (ADR 0018).
    const resolved = harnessFor(project.host.kind, project.orchestratorAgent, customCommandFor(project, 'orchestrator'));
    if (resolved.ok) return ok(undefined);
    return fail(
      resolved.error.code,
      `The new orchestrator cannot start: ${resolved.error.message} Nothing was stopped; the current orchestrator keeps working. ` +
        "Fix the orchestrator agent in the project's Settings, then Replace again.",
    );
  }

  async function startNew(projectId: string): Promise<Result<SessionSummary>> {
    const project = deps.projects.get(projectId);
    if (!project) return fail('project_not_found', `There is no project ${projectId}.`);
    const current = currentSummary(projectId);
    if (current) return ok(current);
    const open = deps.replacements.openFor(projectId);
    if (open) return fail('replacement_open', `A replacement of this project's orchestrator is ${open.status === 'failed' ? `stuck at "${open.phase}"; Retry it` : 'under way'}.`);
    // A first orchestrator is a replacement with nothing to replace: the same saga, the same guarantees.
    const { replacement } = deps.replacements.openOrInsert({ id: randomUUID(), projectId, oldSessionId: null });
    deps.emitChanged(projectId);
    drive(replacement.id);
    await running.get(replacement.id);
    const after = deps.replacements.get(replacement.id);
    const now = currentSummary(projectId);
    if (now) return ok(now);
    return fail('orchestrator_failed', after?.lastError ? `The orchestrator could not start (${after.lastError.phase}): ${after.lastError.message}` : 'The orchestrator could not start.');
  }

  return {
    status(projectId: string): Result<OrchestratorStatus> {
      const project = deps.projects.get(projectId);
      if (!project) return fail('project_not_found', `There is no project ${projectId}.`);
      const { current, duplicates } = orchestrators(projectId);
      return ok({
        projectId,
        current: summary(current),
        duplicates: duplicates.map((s) => s.id),
        replacement: deps.replacements.openFor(projectId) ?? deps.replacements.newestFor(projectId),
        configuredAgent: project.orchestratorAgent,
        configuredLaunch: configuredLaunch(project.orchestratorAgent, customCommandFor(project, 'orchestrator')),
        currentLaunch: current ? launchFingerprint(current.harness, current.command) : null,
        // Nothing refuses a start up front now: an SSH project's orchestrator gets its tools there (ADR 0018).
        startRefusal: null,
      });
    },

    /** Idempotent: an active orchestrator is returned as it is; concurrent calls share one start. */
    start(projectId: string): Promise<Result<SessionSummary>> {
      let p = starting.get(projectId);
      if (!p) {
        p = startNew(projectId).finally(() => starting.delete(projectId));
        starting.set(projectId, p);
      }
      return p;
    },

    /** The saga starts in the background; its progress arrives as `orchestrator.changed` events. */
    replace(projectId: string): Result<ReplacementView> {
      const project = deps.projects.get(projectId);
      if (!project) return fail('project_not_found', `There is no project ${projectId}.`);
      const old = newestActiveOrchestrator(deps.sessions.list(projectId), projectId);
      // One already under way is returned as it is; a new one starts only with an agent that can start.
      const open = deps.replacements.openFor(projectId);
      if (open) return ok(open);
      if (old) {
        const can = preflight(project);
        if (!can.ok) return can;
      }
      const { replacement, created } = deps.replacements.openOrInsert({ id: randomUUID(), projectId, oldSessionId: old?.id ?? null });
      if (created) {
        deps.emitChanged(projectId);
        drive(replacement.id);
      }
      return ok(deps.replacements.get(replacement.id) ?? replacement);
    },

    /** Resumes from the recorded phase, whether or not the old session is still active. */
    retry(replacementId: string): Result<ReplacementView> {
      const r = deps.replacements.get(replacementId);
      if (!r) return fail('replacement_not_found', `There is no replacement ${replacementId}.`);
      if (r.status === 'done') return ok(r);
      if (r.status === 'failed') deps.replacements.resume(r.id);
      deps.emitChanged(r.projectId);
      drive(r.id);
      return ok(deps.replacements.get(r.id) ?? r);
    },

    /** Ends every active orchestrator but the newest; their worktree is kept when the current one (or any session) still holds it. */
    async retireDuplicates(projectId: string): Promise<Result<{ retired: number }>> {
      const { duplicates } = orchestrators(projectId);
      let retired = 0;
      for (const d of duplicates) {
        const began = await deps.sessionsService.beginRetire(d.id);
        if (!began.ok) return began;
        const rec = deps.sessions.get(d.id);
        // The guard keeps a worktree another session still holds (the current orchestrator sharing it, say).
        if (rec?.worktreeId && deps.worktreesService.guard.worktree(rec.worktreeId).ok) {
          const released = await deps.worktreesService.release(rec.worktreeId, { preserveAs: rec.id });
          if (!released.ok) return fail(released.error.code, `Could not release the duplicate's worktree: ${released.error.message}`);
        }
        const done = deps.sessionsService.finishRetire(d.id);
        if (!done.ok) return done;
        retired++;
      }
      if (retired > 0) deps.emitChanged(projectId);
      return ok({ retired });
    },

    /** At startup: replacements a crash interrupted carry on from their recorded phase. */
    resumeInterrupted(): number {
      const open = deps.replacements.listRunning();
      for (const r of open) drive(r.id);
      return open.length;
    },

    /** Waits for running sagas (tests). */
    async idle(): Promise<void> {
      await Promise.allSettled([...running.values()]);
    },

    /** Shutdown: sagas stop after their current phase (which is committed) and resume at the next start. */
    async halt(): Promise<void> {
      halted = true;
      await Promise.allSettled([...running.values(), ...starting.values()]);
    },
  };
}

export type OrchestratorService = ReturnType<typeof createOrchestratorService>;
