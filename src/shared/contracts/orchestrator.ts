import { z } from 'zod';
import { domain, event, procedure } from '../contract';
import { REPLACEMENT_PHASES } from '../orchestrator';
import { SessionSummary } from './sessions';

const Id = z.string().min(1).max(100);

export const ReplacementView = z.object({
  id: z.string(),
  projectId: z.string(),
  oldSessionId: z.string().nullable(),
  newSessionId: z.string().nullable(),
  phase: z.enum(REPLACEMENT_PHASES),
  status: z.enum(['running', 'failed', 'done']),
  attempts: z.number().int(),
  /** The phase it failed in, and git's or the agent's own words. */
  lastError: z.object({ phase: z.enum(REPLACEMENT_PHASES), code: z.string(), message: z.string() }).nullable(),
  /** Where the old orchestrator's uncommitted work was kept ("Open previous work"). */
  preservedRef: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReplacementView = z.infer<typeof ReplacementView>;

export const OrchestratorStatus = z.object({
  projectId: z.string(),
  /** The newest active orchestrator (see newestActiveOrchestrator), or null when the project has none. */
  current: SessionSummary.nullable(),
  /** Other active orchestrators: a bug or a race left them; "Retire duplicates" ends them. */
  duplicates: z.array(z.string()),
  /** The open replacement, or the newest one if it finished in the last moments (for "done" feedback). */
  replacement: ReplacementView.nullable(),
  configuredAgent: z.string(),
  /** The digest of the configured launch (as the project list's orchestratorLaunch), and of the one `current` was started with. */
  configuredLaunch: z.string().nullable(),
  currentLaunch: z.string().nullable(),
  /**
   * Why Start and Replace would be refused before they touch anything, so the card says it up front; null when they
   * can run. Nothing sets it today (SSH projects were refused until their tools reached the remote, ADR 0018); kept so
   * a refusal known in advance has its place on the card and in `baton status`.
   */
  startRefusal: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type OrchestratorStatus = z.infer<typeof OrchestratorStatus>;

export const orchestratorContract = domain({
  procedures: {
    status: procedure(z.object({ projectId: Id }).strict(), OrchestratorStatus),
    /** Idempotent: with an active orchestrator it returns the newest and starts nothing. */
    start: procedure(z.object({ projectId: Id }).strict(), SessionSummary),
    /** Starts the replacement saga, or returns the one already under way for this project. */
    replace: procedure(z.object({ projectId: Id }).strict(), ReplacementView),
    /** Resumes a failed replacement from the phase it failed in. */
    retry: procedure(z.object({ replacementId: Id }).strict(), ReplacementView),
    retireDuplicates: procedure(z.object({ projectId: Id }).strict(), z.object({ retired: z.number().int() })),
  },
  events: {
    /** The project's orchestrator or its replacement moved; ask `status` again. */
    changed: event(z.object({ projectId: z.string() })),
  },
});
