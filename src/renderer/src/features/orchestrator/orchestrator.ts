/** The orchestrator slice: its status, replacement sagas followed live, and the rules for restart, duplicates and revival. */
import type { StateCreator } from 'zustand';
import type { OrchestratorStatus, ReplacementView } from '../../../../shared/contracts/orchestrator';
import type { ProjectSummary } from '../../../../shared/contracts/projects';
import type { SessionSummary } from '../../../../shared/contracts/sessions';
import { duplicateOrchestrators, newestActiveOrchestrator, PHASE_LABELS, REPLACEMENT_PHASES, restartNeeded, type ReplacementPhase } from '../../../../shared/orchestrator';
import type { AppError } from '../../../../shared/result';
import { harnessLabel, plural } from '../../ui/format';
import { followedLoad, withEntry, withoutEntry } from '../../app/follow';
import type { BatonState, StoreDeps } from '../../app/types';

export type OrchestratorActionKind = 'start' | 'replace' | 'retry' | 'retireDuplicates';

/** A request this window made about a project's orchestrator: in flight, or what went wrong and what to do. */
export type OrchestratorAction =
  | { kind: OrchestratorActionKind; phase: 'running' }
  | { kind: OrchestratorActionKind; phase: 'done'; message: string }
  | { kind: OrchestratorActionKind; phase: 'error'; message: string; hint: string };

export interface OrchestratorSlice {
  /** `orchestrator.status` by project, as read so far; `followed.orchestrator` says which are followed. */
  orchestratorStatus: Record<string, OrchestratorStatus>;
  orchestratorErrors: Record<string, string>;
  orchestratorActions: Record<string, OrchestratorAction>;
  /** Replacements this window started or retried, by project: when one is done its new orchestrator is opened. */
  followedReplacements: Record<string, string>;
  loadOrchestrator(projectId: string): Promise<void>;
  receiveOrchestratorStatus(status: OrchestratorStatus): void;
  startOrchestrator(projectId: string): Promise<void>;
  replaceOrchestrator(projectId: string): Promise<void>;
  retryReplacement(projectId: string): Promise<void>;
  retireDuplicates(projectId: string): Promise<void>;
  dismissOrchestratorAction(projectId: string): void;
  /** Opens the project's orchestrator as newestActiveOrchestrator picks it from the sessions held; false when there is none. */
  openOrchestrator(projectId: string): Promise<boolean>;
}

/** What becomes of a followed replacement given the newest status: open its orchestrator, keep waiting, or stop following. */
export function followOutcome(followedId: string, status: OrchestratorStatus): 'open' | 'keep' | 'drop' {
  const r = status.replacement;
  // A newer saga took its place (or the rows are gone): nothing of ours to open.
  if (!r || r.id !== followedId) return 'drop';
  if (r.status === 'done') return 'open';
  // Failed ones stay followed: a Retry that succeeds opens the new orchestrator too.
  return 'keep';
}

export type StepState = 'done' | 'current' | 'failed' | 'pending';

export interface ReplacementStep {
  phase: ReplacementPhase;
  label: string;
  state: StepState;
}

/**
 * The saga's phases as a checklist. A first start has nothing to stop,
 * preserve, release or retire, so only its own phases are listed; `done` is
 * the outcome, not a step people wait on.
 */
export function replacementSteps(r: Pick<ReplacementView, 'phase' | 'status' | 'oldSessionId'>): ReplacementStep[] {
  const phases = REPLACEMENT_PHASES.filter((p) => p !== 'done' && (r.oldSessionId !== null || p === 'spawn' || p === 'verify'));
  const at = r.status === 'done' ? REPLACEMENT_PHASES.length : REPLACEMENT_PHASES.indexOf(r.phase);
  return phases.map((phase) => {
    const i = REPLACEMENT_PHASES.indexOf(phase);
    const state: StepState = i < at ? 'done' : i > at ? 'pending' : r.status === 'failed' ? 'failed' : 'current';
    return { phase, label: PHASE_LABELS[phase], state };
  });
}

/** What people are told to do about a replacement that failed in each phase. */
export const FAILED_PHASE_HINT: Record<ReplacementPhase, string> = {
  stop_old: 'The old orchestrator did not stop. Check its card, then Retry.',
  preserve: 'Its uncommitted work could not be saved, so nothing was removed. Fix what git says above, then Retry.',
  release: 'Its worktree could not be removed (git’s reason above: a lock, a file held open, permissions). The old session stays Retiring until this succeeds. Fix the cause, then Retry.',
  retire: 'The old session could not be marked retired. Retry.',
  spawn: 'The new orchestrator could not start. Check the orchestrator agent in the project’s Settings (is it installed? is the custom command right?), then Retry.',
  verify: 'The new orchestrator started but did not check out. Check the agent in the project’s Settings, then Retry: it starts a fresh one.',
  done: 'Retry.',
};

/**
 * "No orchestrator — replacement failed at releasing its worktree" and git's
 * or the agent's own words (a first start says "start failed"), with what to do.
 */
export function describeFailure(r: ReplacementView): { headline: string; message: string; hint: string } | null {
  if (r.status !== 'failed') return null;
  const phase = r.lastError?.phase ?? r.phase;
  const what = r.oldSessionId ? 'replacement' : 'start';
  return {
    headline: `No orchestrator — ${what} failed at ${PHASE_LABELS[phase].toLowerCase()}`,
    message: r.lastError?.message ?? 'Baton did not record why.',
    hint: FAILED_PHASE_HINT[phase],
  };
}

/**
 * "Restart needed: configured Claude Code, running Custom command", or "…: the
 * Custom command changed since it started" when the same harness is configured
 * to start another way; null when the running orchestrator is started as configured.
 * `runningLaunch` is the digest of how `current` was started (OrchestratorStatus.currentLaunch for that session).
 */
export function describeRestartNeeded(
  project: Pick<ProjectSummary, 'orchestratorAgent' | 'orchestratorLaunch'>,
  current: Pick<SessionSummary, 'harness'> | null,
  runningLaunch: string | null = null,
): string | null {
  const need = restartNeeded({ agent: project.orchestratorAgent, launch: project.orchestratorLaunch }, current ? { harness: current.harness, launch: runningLaunch } : null);
  if (!need) return null;
  return need.reason === 'agent'
    ? `Restart needed: configured ${harnessLabel(need.configured)}, running ${harnessLabel(need.running)}`
    : `Restart needed: the ${harnessLabel(need.running)} launch (command or arguments) changed since this orchestrator started`;
}

/** How the project's current orchestrator was started (its launch digest), when the status read is about that same session. */
export const selectCurrentLaunch =
  (projectId: string, sessionId: string) =>
  (s: BatonState): string | null => {
    const st = s.orchestratorStatus[projectId];
    return st?.current?.id === sessionId ? st.currentLaunch : null;
  };

function actionFailure(kind: OrchestratorActionKind, error: AppError): { message: string; hint: string } {
  const what = { start: 'start the orchestrator', replace: 'replace the orchestrator', retry: 'retry the replacement', retireDuplicates: 'retire the duplicates' }[kind];
  const message = `Could not ${what}: ${error.message}`;
  if (error.code === 'disconnected' || error.code === 'timeout') return { message, hint: 'Check that Baton is running (status bar), then try again.' };
  if (kind === 'retireDuplicates') return { message, hint: 'Check the duplicate cards on the board, then try again.' };
  // Refused by the preflight: nothing was stopped, so the way on is the project's settings, not the card.
  if (kind === 'replace' && (error.code === 'agent_not_found' || error.code === 'invalid_command')) {
    return { message, hint: 'Settings → Orchestrator agent: install it, or correct the custom command.' };
  }
  return { message, hint: 'The orchestrator card shows where things are now; try again from there.' };
}

export const createOrchestratorSlice =
  (deps: StoreDeps): StateCreator<BatonState, [], [], OrchestratorSlice> =>
  (set, get) => {
    const put = (projectId: string, action: OrchestratorAction | null) =>
      set((s) => {
        const next = { ...s.orchestratorActions };
        if (action) next[projectId] = action;
        else delete next[projectId];
        return { orchestratorActions: next };
      });
    const running = (projectId: string) => get().orchestratorActions[projectId]?.phase === 'running';
    const follow = (projectId: string, replacementId: string | null) =>
      set((s) => {
        const next = { ...s.followedReplacements };
        if (replacementId) next[projectId] = replacementId;
        else delete next[projectId];
        return { followedReplacements: next };
      });

    return {
      orchestratorStatus: {},
      orchestratorErrors: {},
      orchestratorActions: {},
      followedReplacements: {},
      loadOrchestrator: followedLoad(set, get, {
        query: 'orchestrator',
        fetch: (projectId) => deps.api.orchestrator.status({ projectId }),
        receive: (_projectId, status) => get().receiveOrchestratorStatus(status),
        fail: (projectId, message) => set((s) => ({ orchestratorErrors: withEntry(s.orchestratorErrors, projectId, message) })),
      }),
      receiveOrchestratorStatus(status) {
        const { projectId } = status;
        set((s) => ({ orchestratorStatus: withEntry(s.orchestratorStatus, projectId, status), orchestratorErrors: withoutEntry(s.orchestratorErrors, projectId) }));
        const followed = get().followedReplacements[projectId];
        if (!followed) return;
        const outcome = followOutcome(followed, status);
        if (outcome === 'keep') return;
        follow(projectId, null);
        if (outcome === 'open' && get().selectedProjectId === projectId) void get().openOrchestrator(projectId);
      },
      async startOrchestrator(projectId) {
        if (running(projectId)) return;
        put(projectId, { kind: 'start', phase: 'running' });
        const r = await deps.api.orchestrator.start({ projectId });
        if (!r.ok && r.error.code !== 'timeout') {
          // A failed saga explains itself on the card (phase, reason, Retry); anything else is said here.
          await get().loadOrchestrator(projectId);
          const saga = get().orchestratorStatus[projectId]?.replacement;
          return put(projectId, saga?.status === 'failed' ? null : { kind: 'start', phase: 'error', ...actionFailure('start', r.error) });
        }
        // Started, or timed out while main keeps going (a slow agent can take longer than a call may): the card follows its saga.
        put(projectId, null);
        if (r.ok) get().receiveSummaries([r.value], false);
        void get().loadOrchestrator(projectId);
      },
      async replaceOrchestrator(projectId) {
        if (running(projectId)) return;
        put(projectId, { kind: 'replace', phase: 'running' });
        const r = await deps.api.orchestrator.replace({ projectId });
        if (!r.ok) return put(projectId, { kind: 'replace', phase: 'error', ...actionFailure('replace', r.error) });
        put(projectId, null);
        follow(projectId, r.value.id);
        await get().loadOrchestrator(projectId);
      },
      async retryReplacement(projectId) {
        const saga = get().orchestratorStatus[projectId]?.replacement;
        if (running(projectId) || !saga) return;
        put(projectId, { kind: 'retry', phase: 'running' });
        const r = await deps.api.orchestrator.retry({ replacementId: saga.id });
        if (!r.ok) return put(projectId, { kind: 'retry', phase: 'error', ...actionFailure('retry', r.error) });
        put(projectId, null);
        follow(projectId, r.value.id);
        await get().loadOrchestrator(projectId);
      },
      async retireDuplicates(projectId) {
        if (running(projectId)) return;
        put(projectId, { kind: 'retireDuplicates', phase: 'running' });
        const r = await deps.api.orchestrator.retireDuplicates({ projectId });
        if (!r.ok) put(projectId, { kind: 'retireDuplicates', phase: 'error', ...actionFailure('retireDuplicates', r.error) });
        else put(projectId, { kind: 'retireDuplicates', phase: 'done', message: `Retired ${plural(r.value.retired, 'duplicate orchestrator')}.` });
        await get().loadSessions();
      },
      dismissOrchestratorAction: (projectId) => put(projectId, null),
      async openOrchestrator(projectId) {
        let current = selectOrchestrator(projectId)(get());
        // Just replaced: its session may not have reached this window yet.
        if (!current) {
          await get().loadSessions();
          current = selectOrchestrator(projectId)(get());
        }
        if (current) get().showSession(projectId, current.id);
        return current !== null;
      },
    };
  };

interface ProjectOrchestrators {
  current: SessionSummary | null;
  /** Active orchestrators other than the current one, newest first. */
  duplicateIds: string[];
}

const NO_ORCHESTRATORS: ProjectOrchestrators = { current: null, duplicateIds: [] };

/**
 * Each project's orchestrator and duplicates by the one shared rule, worked
 * out once per sessions object: the store replaces that object whenever a
 * session changes, so between two changes every card and link shares one
 * pass over the sessions instead of scanning them on each store update.
 */
const orchestratorsBySessions = new WeakMap<BatonState['sessions'], Map<string, ProjectOrchestrators>>();

function orchestratorsOf(s: BatonState, projectId: string): ProjectOrchestrators {
  let byProject = orchestratorsBySessions.get(s.sessions);
  if (!byProject) {
    const groups = new Map<string, SessionSummary[]>();
    for (const session of Object.values(s.sessions)) {
      const group = groups.get(session.projectId);
      if (group) group.push(session);
      else groups.set(session.projectId, [session]);
    }
    byProject = new Map();
    for (const [id, group] of groups) {
      byProject.set(id, { current: newestActiveOrchestrator(group, id), duplicateIds: duplicateOrchestrators(group, id).map((d) => d.id) });
    }
    orchestratorsBySessions.set(s.sessions, byProject);
  }
  return byProject.get(projectId) ?? NO_ORCHESTRATORS;
}

/**
 * The project's orchestrator, picked from the sessions held by the one shared
 * rule. It returns the stored object itself, so components re-render only
 * when that session changes.
 */
export const selectOrchestrator =
  (projectId: string) =>
  (s: BatonState): SessionSummary | null =>
    orchestratorsOf(s, projectId).current;

/** Ids of active orchestrators other than the current one, newest first; the same array until the sessions change (`useShallow` past that). */
export const selectDuplicateOrchestratorIds =
  (projectId: string) =>
  (s: BatonState): string[] =>
    orchestratorsOf(s, projectId).duplicateIds;

/** The same ids joined by spaces. */
export const selectDuplicateIds =
  (projectId: string) =>
  (s: BatonState): string =>
    orchestratorsOf(s, projectId).duplicateIds.join(' ');

export const selectIsDuplicate =
  (session: Pick<SessionSummary, 'id' | 'projectId' | 'role'>) =>
  (s: BatonState): boolean =>
    session.role === 'orchestrator' && orchestratorsOf(s, session.projectId).duplicateIds.includes(session.id);

export const selectIsCurrentOrchestrator =
  (session: Pick<SessionSummary, 'id' | 'projectId' | 'role'>) =>
  (s: BatonState): boolean =>
    session.role === 'orchestrator' && orchestratorsOf(s, session.projectId).current?.id === session.id;

/**
 * Why an orchestrator session's own Continue or Retry is held back, or null
 * when it is not: reviving one that another has replaced would make two, and
 * while a replacement is open (running, or failed) its Retry is the way on.
 */
export type RevivalBlock = 'superseded' | 'replacement' | null;

export const selectRevivalBlock =
  (session: Pick<SessionSummary, 'id' | 'projectId' | 'role'>) =>
  (s: BatonState): RevivalBlock => {
    if (session.role !== 'orchestrator') return null;
    const current = selectOrchestrator(session.projectId)(s);
    if (current !== null && current.id !== session.id) return 'superseded';
    const saga = s.orchestratorStatus[session.projectId]?.replacement;
    return saga && saga.status !== 'done' ? 'replacement' : null;
  };

export const REVIVAL_BLOCK_NOTES: Record<Exclude<RevivalBlock, null>, string> = {
  superseded: 'Another orchestrator is current: this one stays as history.',
  replacement: 'A replacement of the orchestrator is open: carry on from the orchestrator card above.',
};

export const selectReplacement =
  (projectId: string) =>
  (s: BatonState): ReplacementView | null =>
    s.orchestratorStatus[projectId]?.replacement ?? null;

/** Why Start and Replace would be refused (main says it in the status, e.g. an SSH project), or null when they can run. */
export const selectStartRefusal =
  (projectId: string) =>
  (s: BatonState): string | null =>
    s.orchestratorStatus[projectId]?.startRefusal?.message ?? null;

export const selectOrchestratorLoaded =
  (projectId: string) =>
  (s: BatonState): boolean =>
    projectId in s.orchestratorStatus && s.sessionsLoaded;

export const selectOrchestratorAction =
  (projectId: string) =>
  (s: BatonState): OrchestratorAction | null =>
    s.orchestratorActions[projectId] ?? null;
