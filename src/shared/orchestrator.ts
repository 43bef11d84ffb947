import type { SessionState } from './session-state';

/**
 * States in which an orchestrator session is "the" orchestrator of its
 * project: running, starting, or interrupted and waiting for Continue.
 * Stopped, failed, retiring and retired ones are history.
 */
export const ACTIVE_ORCHESTRATOR_STATES: readonly SessionState[] = ['pending', 'starting', 'idle', 'busy', 'waiting_input', 'interrupted'];

export interface OrchestratorCandidate {
  id: string;
  projectId: string;
  role: 'worker' | 'orchestrator';
  state: SessionState;
  createdAt: string;
  updatedAt: string;
}

export const isActiveOrchestrator = (s: OrchestratorCandidate): boolean => s.role === 'orchestrator' && ACTIVE_ORCHESTRATOR_STATES.includes(s.state);

/** Newest first: createdAt, then updatedAt, then id, so every caller breaks ties the same way. */
export function compareNewest(a: OrchestratorCandidate, b: OrchestratorCandidate): number {
  return b.createdAt.localeCompare(a.createdAt) || b.updatedAt.localeCompare(a.updatedAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

/**
 * The one function that says which session is a project's orchestrator, used
 * by main and by every place in the renderer that opens "the orchestrator".
 */
export function newestActiveOrchestrator<T extends OrchestratorCandidate>(sessions: readonly T[], projectId: string): T | null {
  let best: T | null = null;
  for (const s of sessions) {
    if (s.projectId !== projectId || !isActiveOrchestrator(s)) continue;
    if (!best || compareNewest(s, best) < 0) best = s;
  }
  return best;
}

/** Active orchestrators other than the newest: there should be none; if there are, people are offered "Retire duplicates". */
export function duplicateOrchestrators<T extends OrchestratorCandidate>(sessions: readonly T[], projectId: string): T[] {
  const current = newestActiveOrchestrator(sessions, projectId);
  return sessions.filter((s) => s.projectId === projectId && isActiveOrchestrator(s) && s !== current).sort(compareNewest);
}

/** The replacement saga's phases, in order; each is committed before the next starts. */
export const REPLACEMENT_PHASES = ['stop_old', 'preserve', 'release', 'retire', 'spawn', 'verify', 'done'] as const;
export type ReplacementPhase = (typeof REPLACEMENT_PHASES)[number];

export const PHASE_LABELS: Record<ReplacementPhase, string> = {
  stop_old: 'Stopping the old orchestrator',
  preserve: 'Preserving its uncommitted work',
  release: 'Releasing its worktree',
  retire: 'Retiring it',
  spawn: 'Starting the new orchestrator',
  verify: 'Checking the new orchestrator',
  done: 'Done',
};

/** What an orchestrator is started as: its harness, and a digest of its whole launch (null: not known or not resolvable). */
export interface LaunchIdentity {
  agent: string;
  launch: string | null;
}

export interface RestartNeeded {
  configured: string;
  running: string;
  /** `agent`: another harness is configured; `command`: the same harness, started differently (its custom command or arguments changed). */
  reason: 'agent' | 'command';
}

/**
 * "Restart needed" when the project is configured to start its orchestrator
 * differently from how the running one was started: another harness, or the
 * same harness with another command line. A launch that cannot be resolved
 * (null) is compared by harness only.
 */
export function restartNeeded(configured: LaunchIdentity, running: { harness: string; launch: string | null } | null): RestartNeeded | null {
  if (!running) return null;
  if (running.harness !== configured.agent) return { configured: configured.agent, running: running.harness, reason: 'agent' };
  if (configured.launch !== null && running.launch !== null && configured.launch !== running.launch) {
    return { configured: configured.agent, running: running.harness, reason: 'command' };
  }
  return null;
}
