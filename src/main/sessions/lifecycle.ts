import { randomUUID } from 'node:crypto';
import type { PendingRequest, SessionSummary } from '../../shared/contracts/sessions';
import type { ApprovalPolicy } from '../../shared/approval';
import type { HarnessId } from '../../shared/harness';
import { err, fail, ok, type Result } from '../../shared/result';
import { newestActiveOrchestrator } from '../../shared/orchestrator';
import { LIVE_STATES, type SessionState } from '../../shared/session-state';
import { sessionView } from '../../shared/session-view';
import { harnessFor } from '../agents/harness';
import { titleSlug } from '../../shared/slug';
import { customCommandFor, type ProjectRecord } from '../projects/repository';
import { waitUntil } from '../lib/wait';
import { dispatch } from './dispatch';
import type { Hibernation } from './hibernate';
import type { Registry } from './registry';
import type { SessionRecord } from './repository';
import { start, type OpenedHow } from './start';

/** How long a prompt waits for the host of an agent that has just exited to close. */
const HOST_CLOSE_MS = 15_000;

const canStopDirectly = (s: SessionState): boolean => s === 'pending' || s === 'failed' || s === 'interrupted';

/**
 * A session's life as people and the orchestrator drive it: create or launch
 * it, prompt, cancel, stop, retry or continue it, retire it.
 */
export function createLifecycle(reg: Registry, hibernation: Pick<Hibernation, 'settled'>) {
  const { deps, live, transition, summary, found, current, stopGraceMs } = reg;

  function findProject(id: string): Result<ProjectRecord> {
    const project = deps.projects.get(id);
    return project ? ok(project) : fail('project_not_found', `There is no project ${id}.`);
  }

  /** The command that runs `harness`, looked up now on the project's settings: a fix made there is used at once. */
  const agentCommand = (project: ProjectRecord, harness: HarnessId, role: SessionRecord['role']): Result<SessionRecord['command']> =>
    // On an SSH destination the command is that machine's: taken as configured, found there at launch (ADR 0018).
    harnessFor(project.host.kind, harness, customCommandFor(project, role));

  /** Polls the stored state (the only truth) until it satisfies `done` or time runs out; returns the last state seen. */
  async function waitForState(id: string, done: (s: SessionState | undefined) => boolean, ms: number): Promise<SessionState | undefined> {
    let st: SessionState | undefined;
    await waitUntil(() => done((st = deps.sessions.get(id)?.state)), ms, 50);
    return st;
  }

  function cancel(id: string): Result<{ cancelled: boolean }> {
    const s = deps.sessions.get(id);
    const l = live.get(id);
    if (!s || !l || !s.agentSessionId) return ok({ cancelled: false });
    // Pending permission requests are answered `cancelled`, as ACP requires, then the turn is cancelled.
    l.cancelPermissions();
    void l.acp.agent.notify('session/cancel', { sessionId: s.agentSessionId }).catch(() => undefined);
    return ok({ cancelled: true });
  }

  async function stop(id: string): Promise<Result<SessionSummary>> {
    const got = found(id);
    if (!got.ok) return got;
    const s = got.value;
    const l = live.get(id);
    // Already ended or on its way: stopping again is a no-op, not a refusal.
    if (!sessionView(s).can.stop || s.state === 'stopping') return ok(summary(s));
    // Its host is out of reach: a stop could not reach it, and recording one would leave its agent running there unseen.
    if (s.unreachable && !l) return fail('unreachable', `Session "${s.title}" cannot be stopped now: its host cannot be reached (${s.unreachable.reason}). Baton reconnects by itself; stop it once it is back.`);
    // Recorded before the signal is sent: a crash now still ends in `stopped`, not a ghost.
    const moved = transition(id, canStopDirectly(s.state) ? 'stopped' : 'stopping', 'user_stopped', { from: s.state });
    if (!moved.ok) return fail('illegal_state', `A ${s.state} session cannot be stopped: ${moved.error.message}`);
    if (l) {
      l.cancelPermissions();
      await l.stopHost(stopGraceMs);
    } else if (deps.sessions.get(id)?.state === 'stopping') {
      const connected = s.host ? await deps.host.connect(id, deps.dataDir, s.host) : null;
      if (connected?.ok) await connected.value.link.stop(stopGraceMs);
      // Stale when the stop already ended it (the host journaled its exit): either way it is stopped.
      transition(id, 'stopped', 'reconciliation', { detail: 'The session host was already gone.', from: 'stopping' });
    }
    return current(id);
  }

  return {
    async create(input: { projectId: string; harness?: HarnessId; title?: string; branch?: string; baseBranch?: string; prompt: string }): Promise<Result<SessionSummary>> {
      const project = findProject(input.projectId);
      if (!project.ok) return project;
      const harness = input.harness ?? project.value.workerAgent;
      const command = agentCommand(project.value, harness, 'worker');
      if (!command.ok) return command;
      const id = randomUUID();
      const title = input.title ?? input.prompt.split('\n')[0]!.slice(0, 80);
      const wt = await deps.worktreesService.create(project.value.id, `${titleSlug(title)}-${id.slice(0, 6)}`, 'worker', {
        ...(input.branch ? { branch: input.branch } : {}),
        ...(input.baseBranch ? { baseBranch: input.baseBranch } : {}),
      });
      if (!wt.ok) return err({ code: wt.error.code, message: `Could not create the session's worktree: ${wt.error.message}` });
      const s = deps.sessions.insert({ id, projectId: project.value.id, role: 'worker', harness, command: command.value, title, worktreeId: wt.value.id, cwd: wt.value.path, initialPrompt: input.prompt });
      reg.changed(id);
      reg.track(start(reg, id, 'spawn', input.prompt));
      return ok(summary(s));
    },

    /**
     * Inserts a session under the given id (unless it exists: a saga resumed
     * after a crash re-creates nothing) in an existing worktree, starts it,
     * and resolves once its agent is ready or has failed.
     */
    async launch(input: { id: string; projectId: string; role: SessionRecord['role']; harness: HarnessId; title: string; worktreeId: string; cwd: string; firstPrompt: string | null }): Promise<Result<SessionSummary>> {
      const project = findProject(input.projectId);
      if (!project.ok) return project;
      if (!deps.sessions.get(input.id)) {
        const command = agentCommand(project.value, input.harness, input.role);
        if (!command.ok) return command;
        deps.sessions.insert({ id: input.id, projectId: project.value.id, role: input.role, harness: input.harness, command: command.value, title: input.title, worktreeId: input.worktreeId, cwd: input.cwd });
        reg.changed(input.id);
      }
      if (deps.sessions.get(input.id)?.state === 'pending') await start(reg, input.id, 'spawn', input.firstPrompt);
      return current(input.id);
    },

    /**
     * Idle with its host gone (hibernated, its agent exited, or after a
     * restart): the agent is started again and its conversation resumed first.
     */
    async prompt(id: string, text: string, idempotencyKey: string): Promise<Result<{ turnId: string; duplicate: boolean }>> {
      // A hibernation under way finishes first; an agent that has just exited has its host closing: wait for the close.
      await hibernation.settled(id);
      const ending = live.get(id);
      if (ending?.agentExited) await waitUntil(() => live.get(id) !== ending, HOST_CLOSE_MS, 20);
      const s = deps.sessions.get(id);
      if (s && s.state === 'idle' && !live.has(id) && !deps.turns.byKey(idempotencyKey)) {
        const how = await start(reg, id, 'resume_requested', text, s.agentSessionId, idempotencyKey);
        const turn = deps.turns.byKey(idempotencyKey);
        if (!how || !turn) return fail('resume_failed', deps.sessions.get(id)?.stateDetail ?? 'The agent could not be started again.');
        return ok({ turnId: turn.id, duplicate: false });
      }
      // Right after a restart the database can be behind the host's journal: a turn already there, not yet
      // projected, would still read idle. Decided once what the host had journaled is projected.
      const attached = live.get(id);
      if (attached) await attached.caughtUp();
      return dispatch(reg, id, text, idempotencyKey);
    },

    /** Continue an interrupted session: resume or reload the conversation when the agent can, else prime a new one. */
    async continue(id: string): Promise<Result<{ how: OpenedHow }>> {
      const s = found(id);
      if (!s.ok) return s;
      if (!sessionView(s.value).can.continue) return fail('illegal_state', 'Only an interrupted session can be continued.');
      const how = await start(reg, id, 'continue_requested', 'Your previous turn was interrupted before it finished. Continue where you left off.', s.value.agentSessionId);
      return how ? ok({ how }) : fail('continue_failed', deps.sessions.get(id)?.stateDetail ?? 'The agent could not be started again.');
    },

    retry(id: string): Result<SessionSummary> {
      const got = found(id);
      if (!got.ok) return got;
      const s = got.value;
      if (!sessionView(s).can.retry) return fail('illegal_state', 'Only a failed session can be retried.');
      // The agent's command is looked up again: Retry after fixing the project's settings uses the fix.
      const project = deps.projects.get(s.projectId);
      if (project) {
        const command = agentCommand(project, s.harness as HarnessId, s.role);
        if (!command.ok) return command;
        deps.sessions.setCommand(id, command.value);
      }
      // The prompt that never got an answer goes out again; with no turn at all, the one it was created with.
      const last = deps.turns.last(id);
      const firstPrompt = last ? (last.status !== 'ended' ? last.prompt : null) : s.initialPrompt;
      reg.track(start(reg, id, 'retry', firstPrompt));
      const now = deps.sessions.get(id) ?? s;
      return ok(summary(now));
    },

    /**
     * A stopped session's agent started again, its conversation resumed or
     * reloaded when the agent can (else a new one, told nothing: there is no
     * unanswered prompt to prime it with). The command is looked up again, as Retry does.
     */
    restart(id: string): Result<SessionSummary> {
      const got = found(id);
      if (!got.ok) return got;
      const s = got.value;
      // An orchestrator that another has replaced stays history: two live ones would both take the queue.
      const newest = s.role === 'orchestrator' ? newestActiveOrchestrator(deps.sessions.list(s.projectId), s.projectId) : null;
      const blocked = newest !== null && newest.id !== s.id;
      if (!sessionView({ state: s.state, revivalBlocked: blocked }).can.restart) {
        return fail('illegal_state', blocked ? 'Another orchestrator has replaced this one; restarting it would make two. Open the current orchestrator instead.' : `Only a stopped session can be restarted; this one is ${s.state}.`);
      }
      // Archived: its worktree was released, so there is nowhere for its agent to run.
      if (deps.archivedOf?.(id)) return fail('illegal_state', 'This session is archived: its worktree was released. Start a new session (its preserved work is under its archive ref).');
      const project = deps.projects.get(s.projectId);
      if (project) {
        const command = agentCommand(project, s.harness as HarnessId, s.role);
        if (!command.ok) return command;
        deps.sessions.setCommand(id, command.value);
      }
      reg.track(start(reg, id, 'resume_requested', null, s.agentSessionId));
      return ok(summary(deps.sessions.get(id) ?? s));
    },

    cancel,

    setApprovalPolicy(id: string, policy: ApprovalPolicy | null): Result<SessionSummary> {
      const s = found(id);
      if (!s.ok) return s;
      deps.sessions.setApprovalPolicy(id, policy);
      reg.applyPolicy(id);
      reg.changed(id);
      return current(id);
    },

    /** The project's policy changed: each of its sessions' waiting requests is looked at again. */
    projectPolicyChanged(projectId: string): void {
      for (const s of deps.sessions.list(projectId)) reg.applyPolicy(s.id);
    },

    pending(id: string): Result<PendingRequest[]> {
      const s = found(id);
      return s.ok ? ok(reg.pending(id)) : s;
    },

    answerPermission(id: string, requestKey: string, optionId: string | null): Result<{ answered: boolean }> {
      const l = live.get(id);
      return ok({ answered: l ? l.answer(requestKey, optionId) : false });
    },

    stop,

    /** Stops every session that is not finished (the quit dialog's "Stop all agents"); returns how many were asked to stop. */
    async stopAll(): Promise<number> {
      const open = deps.sessions.listInStates(LIVE_STATES);
      const results = await Promise.all(open.map((s) => stop(s.id)));
      return results.filter((r) => r.ok).length;
    },

    /**
     * The first half of retiring a session: its open turn is cancelled (and
     * given a moment to end), its host and every agent process stopped, then
     * it is marked `retiring`. Repeating it is harmless.
     */
    async beginRetire(id: string, turnGraceMs = 5000): Promise<Result<SessionSummary>> {
      const got = found(id);
      if (!got.ok) return got;
      const s0 = got.value;
      if (s0.state === 'retiring' || s0.state === 'retired') {
        // A retry after a crash: the host may still be there.
        const connected = s0.host ? await deps.host.connect(id, deps.dataDir, s0.host) : null;
        if (connected?.ok) await connected.value.link.stop(stopGraceMs);
        return ok(summary(s0));
      }
      if ((s0.state === 'busy' || s0.state === 'waiting_input') && live.has(id)) {
        cancel(id);
        await waitForState(id, (st) => st !== 'busy' && st !== 'waiting_input', turnGraceMs);
      }
      const stopped = await stop(id);
      if (!stopped.ok) return stopped;
      const st = await waitForState(id, (x) => x !== 'stopping', stopGraceMs + 5000);
      if (st === 'stopping') return fail('stop_failed', 'The old session did not stop in time; its processes may still be running. Retry stops it again.');
      const retiring = transition(id, 'retiring', 'retire_requested');
      if (!retiring.ok) return fail('illegal_state', `A ${String(st)} session cannot be retired: ${retiring.error.message}`);
      return current(id);
    },

    finishRetire(id: string): Result<SessionSummary> {
      const s0 = found(id);
      if (!s0.ok) return s0;
      if (s0.value.state !== 'retired') {
        const retired = transition(id, 'retired', 'retired', { from: s0.value.state });
        if (!retired.ok) return fail('illegal_state', `A ${s0.value.state} session cannot be marked retired: ${retired.error.message}`);
      }
      return current(id);
    },
  };
}
