import type { InitializeResponse, NewSessionResponse } from '@agentclientprotocol/sdk';
import { randomBytes, randomUUID } from 'node:crypto';
import type { SessionSummary } from '../../shared/contracts/sessions';
import type { HarnessId } from '../../shared/harness';
import { asRpc, idKey, isObject, isRequest, type JournalRecord } from '../../shared/journal';
import { buildTranscript } from '../../shared/transcript';
import { err, fail, ok, type Result } from '../../shared/result';
import { LIVE_STATES, type SessionState, type Trigger } from '../../shared/session-state';
import { agentEnvironment, resolveHarness } from '../agents/harness';
import { slugify } from '../git';
import type { ProjectsRepository } from '../projects/repository';
import type { DivergencesRepository } from '../recovery/divergences-repository';
import type { WorktreesRepository } from '../worktrees/repository';
import type { WorktreesService } from '../worktrees/service';
import type { EventsRepository } from './events-repository';
import type { HostLink, HostPort } from './host-port';
import { LiveSession } from './live';
import { TURN_META_KEY, type Projector } from './projection';
import type { SessionRecord, SessionsRepository } from './repository';
import type { TurnsRepository } from './turns-repository';

export interface SessionsServiceDeps {
  dataDir: string;
  host: HostPort;
  projector: Projector;
  sessions: SessionsRepository;
  events: EventsRepository;
  turns: TurnsRepository;
  divergences: DivergencesRepository;
  projects: ProjectsRepository;
  worktrees: WorktreesRepository;
  worktreesService: WorktreesService;
  emitChanged: (sessionId: string, projectId: string) => void;
  emitRecords: (sessionId: string, records: JournalRecord[]) => void;
  debugPoint: (name: string) => void;
  /** A live session's host vanished without an exit record: reconcile it now rather than at the next start. */
  onHostLost?: (sessionId: string) => void;
  /** MCP servers an agent session is given (the orchestrator's tools); none by default. */
  mcpServersFor?: (s: SessionRecord) => { name: string; command: string; args: string[]; env: { name: string; value: string }[] }[];
  initTimeoutMs?: number;
  stopGraceMs?: number;
}

const CLIENT_INFO = { name: 'baton', title: 'Baton', version: '0.1.0' };

export function createSessionsService(deps: SessionsServiceDeps) {
  const live = new Map<string, LiveSession>();
  const epoch = randomBytes(4).toString('hex');
  const initTimeoutMs = deps.initTimeoutMs ?? Number(process.env.BATON_INIT_TIMEOUT_MS ?? 60_000);
  const stopGraceMs = deps.stopGraceMs ?? 3000;
  const background = new Set<Promise<unknown>>();
  let shuttingDown = false;

  const track = (p: Promise<unknown>): void => {
    const t = p.catch((e: unknown) => console.error('[baton] session task failed:', e)).finally(() => background.delete(t));
    background.add(t);
  };

  function summary(s: SessionRecord): SessionSummary {
    const wt = s.worktreeId ? deps.worktrees.get(s.worktreeId) : null;
    const d = deps.divergences.open(s.id);
    return {
      id: s.id,
      projectId: s.projectId,
      role: s.role,
      harness: s.harness,
      title: s.title,
      state: s.state,
      stateDetail: s.stateDetail,
      branch: wt?.branch ?? null,
      worktreePath: wt?.path ?? s.cwd,
      lastSeq: s.lastAppliedSeq,
      divergence: d ? { detail: d.detail, detectedAt: d.detectedAt } : null,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }

  const changed = (id: string): void => {
    const s = deps.sessions.get(id);
    if (s) deps.emitChanged(id, s.projectId);
  };

  function move(id: string, to: SessionState, trigger: Trigger, detail: string | null = null): boolean {
    try {
      deps.sessions.transition(id, to, trigger, detail);
      changed(id);
      return true;
    } catch (e) {
      console.warn(`[baton] session ${id}: ${(e as Error).message}`);
      return false;
    }
  }

  function attachLive(s: SessionRecord, link: HostLink): LiveSession {
    const l = makeLive(s, link);
    live.set(s.id, l);
    return l;
  }

  function makeLive(s: SessionRecord, link: HostLink): LiveSession {
    const l: LiveSession = new LiveSession({
      sessionId: s.id,
      link,
      epoch,
      projector: deps.projector,
      sessions: deps.sessions,
      turns: deps.turns,
      debugPoint: deps.debugPoint,
      onApplied: (records, stateChanged) => {
        if (records.length > 0) deps.emitRecords(s.id, records);
        if (stateChanged || records.length > 0) changed(s.id);
      },
      onExit: () => {
        // After shutdown the database is closed; the next start reconciles this session.
        if (shuttingDown) return;
        // Only this link's own entry: a restarted session has a newer LiveSession under the same id.
        if (live.get(s.id) !== l) return;
        live.delete(s.id);
        changed(s.id);
        // The host went away without an exit record (killed, crashed): the session must not sit busy as a ghost.
        const now = deps.sessions.get(s.id);
        if (now && LIVE_STATES.includes(now.state)) deps.onHostLost?.(s.id);
      },
    });
    return l;
  }

  /** Spawns the host and agent, initializes ACP and opens the agent session; then sends the first prompt, if any. */
  async function start(id: string, trigger: Trigger, firstPrompt: string | null, prior: string | null = null, promptKey?: string): Promise<OpenedHow | null> {
    const s0 = deps.sessions.get(id);
    if (!s0) return null;
    if (!move(id, 'starting', trigger)) return null;
    const project = deps.projects.get(s0.projectId);
    if (!project) {
      move(id, 'failed', 'spawn_failed', 'The project was removed.');
      return null;
    }
    deps.debugPoint('mid_spawn');
    const launched = await deps.host.launch({
      sessionId: id,
      dataDir: deps.dataDir,
      cwd: s0.cwd,
      command: s0.command.command,
      args: s0.command.args,
      env: agentEnvironment(deps.projects.envForAgent(project.id)),
    });
    if (!launched.ok) {
      move(id, 'failed', 'spawn_failed', launched.error.message);
      return null;
    }
    deps.sessions.setHost(id, launched.value);
    const connected = await deps.host.connect(id, deps.dataDir, launched.value);
    if (!connected.ok) {
      move(id, 'failed', 'spawn_failed', connected.error.message);
      return null;
    }
    const l = attachLive(s0, connected.value.link);
    l.attach(deps.sessions.get(id)?.lastAppliedSeq ?? 0);

    const init = await withTimeout<InitializeResponse>(
      l.acp.agent.request('initialize', {
        protocolVersion: 1,
        clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
        clientInfo: CLIENT_INFO,
      }),
      initTimeoutMs,
    );
    if (!init.ok) {
      move(id, 'failed', 'init_timeout', init.error === 'timeout' ? `The agent did not answer initialize within ${Math.round(initTimeoutMs / 1000)} s.` : `The agent failed to initialize: ${init.error}`);
      await l.detachAndStop(connected.value.link, stopGraceMs);
      return null;
    }
    const caps = init.value.agentCapabilities ?? {};
    const mcpServers = deps.mcpServersFor?.(s0) ?? [];
    const info = { loadSession: caps.loadSession === true, resume: !!caps.sessionCapabilities?.resume, agentInfo: init.value.agentInfo ?? null };
    // An earlier conversation comes back the best way the agent offers: resume, else load (replayed history is
    // journaled but hidden by the transcript fold), else a new session that the caller primes with context.
    if (prior && info.resume) {
      const r = await withTimeout(l.acp.agent.request('session/resume', { sessionId: prior, cwd: s0.cwd, mcpServers }), initTimeoutMs);
      if (r.ok) return opened(id, prior, info, 'resume', firstPrompt, promptKey);
    }
    if (prior && info.loadSession) {
      const r = await withTimeout(l.acp.agent.request('session/load', { sessionId: prior, cwd: s0.cwd, mcpServers }), initTimeoutMs);
      if (r.ok) return opened(id, prior, info, 'load', firstPrompt, promptKey);
    }
    const newSession = () => withTimeout<NewSessionResponse>(l.acp.agent.request('session/new', { cwd: s0.cwd, mcpServers }), initTimeoutMs);
    let created = await newSession();
    const method = init.value.authMethods?.[0];
    if (!created.ok && created.error !== 'timeout' && method) {
      // The agent asked for authentication (it refused session/new): authenticate with its first method, then retry once.
      const auth = await withTimeout(l.acp.agent.request('authenticate', { methodId: method.id }), initTimeoutMs);
      if (!auth.ok) {
        move(id, 'failed', 'spawn_failed', `The agent needs you to sign in (${method.name}): ${auth.error}. Sign in with the agent's own CLI, then Retry.`);
        await l.detachAndStop(connected.value.link, stopGraceMs);
        return null;
      }
      created = await newSession();
    }
    if (!created.ok) {
      move(id, 'failed', 'spawn_failed', `The agent could not open a session: ${created.error}`);
      await l.detachAndStop(connected.value.link, stopGraceMs);
      return null;
    }
    return opened(id, created.value.sessionId, info, prior ? 'new' : null, prior ? primed(id, firstPrompt) : firstPrompt, promptKey);
  }

  /** `how` is null for a first start; otherwise it says how an earlier conversation came back, for the person who asked. */
  function opened(id: string, agentSessionId: string, info: Record<string, unknown>, how: OpenedHow | null, firstPrompt: string | null, promptKey?: string): OpenedHow | null {
    deps.sessions.setAgent(id, agentSessionId, info);
    if (!move(id, 'idle', 'connected', how ? OPENED_DETAIL[how] : null)) return null;
    if (firstPrompt) {
      const r = dispatch(id, firstPrompt, promptKey ?? `first:${id}:${randomUUID()}`);
      if (!r.ok) console.warn(`[baton] first prompt of ${id}: ${r.error.message}`);
    }
    return how ?? 'new';
  }

  /** A new agent session knows nothing of the old one: give it the original request and the last completed step. */
  function primed(id: string, next: string | null): string | null {
    if (!next) return null;
    const t = buildTranscript(deps.events.list(id));
    const original = t.items.find((i) => i.type === 'user');
    const lastTool = [...t.items].reverse().find((i) => i.type === 'tool' && i.status === 'completed');
    const parts = ['(Baton) This continues an earlier conversation that could not be resumed.'];
    if (original?.type === 'user') parts.push(`Original request:\n${original.text}`);
    if (lastTool?.type === 'tool') parts.push(`Last completed step: ${lastTool.title}${lastTool.content.length ? `\n${lastTool.content.join('\n').slice(0, 4000)}` : ''}`);
    parts.push(next);
    return parts.join('\n\n');
  }

  /** Checkpoint, then dispatch: the turn row is committed before the prompt leaves main. */
  function dispatch(id: string, text: string, idempotencyKey: string): Result<{ turnId: string; duplicate: boolean }> {
    const existing = deps.turns.byKey(idempotencyKey);
    if (existing) return ok({ turnId: existing.id, duplicate: true });
    const s = deps.sessions.get(id);
    const l = live.get(id);
    if (!s) return fail('session_not_found', `There is no session ${id}.`);
    if (s.state !== 'idle' || !l || !s.agentSessionId) {
      const why = s.state === 'busy' || s.state === 'waiting_input' ? 'it is working on a turn; wait for it or Cancel' : `it is ${s.state}`;
      return fail('session_not_ready', `The agent cannot take a prompt now: ${why}.`);
    }
    const turn = deps.turns.insertDispatching({ id: randomUUID(), sessionId: id, idempotencyKey, prompt: text });
    deps.debugPoint('after_turn_checkpoint');
    deps.debugPoint('before_prompt_send');
    send(l, s.agentSessionId, turn.id, text);
    return ok({ turnId: turn.id, duplicate: false });
  }

  function send(l: LiveSession, agentSessionId: string, turnId: string, text: string): void {
    l.acp.agent
      .request('session/prompt', { sessionId: agentSessionId, prompt: [{ type: 'text', text }], _meta: { [TURN_META_KEY]: turnId } })
      .catch(() => undefined); // The outcome arrives through the journal, whichever process is attached then.
  }

  /** Polls the stored state (the only truth) until it satisfies `done` or time runs out; returns the last state seen. */
  async function waitForState(id: string, done: (s: SessionState | undefined) => boolean, ms: number): Promise<SessionState | undefined> {
    const end = Date.now() + ms;
    let st = deps.sessions.get(id)?.state;
    while (!done(st) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      st = deps.sessions.get(id)?.state;
    }
    return st;
  }

  /** Agent→client requests in the journal that no response answered. */
  function unansweredRequests(id: string): JournalRecord[] {
    const all = deps.events.list(id);
    // Only the current agent process's lines: every process numbers its requests from 0, so an
    // earlier process's answer to its request 0 says nothing about this one's request 0.
    const start = all.findLastIndex((r) => r.dir === 'host' && isObject(r.msg) && isObject(r.msg.started));
    const records = start >= 0 ? all.slice(start) : all;
    const answered = new Set(records.filter((r) => r.dir === 'out').map((r) => idKey(asRpc(r.msg)?.id)));
    return records.filter((r) => {
      const m = asRpc(r.msg);
      return r.dir === 'in' && m !== null && isRequest(m) && !answered.has(idKey(m.id));
    });
  }

  const api = {
    list(projectId?: string): SessionSummary[] {
      return deps.sessions.list(projectId).map(summary);
    },

    get(id: string): Result<SessionSummary> {
      const s = deps.sessions.get(id);
      return s ? ok(summary(s)) : fail('session_not_found', `There is no session ${id}.`);
    },

    async create(input: { projectId: string; harness?: HarnessId; title?: string; prompt: string }): Promise<Result<SessionSummary>> {
      const project = deps.projects.get(input.projectId);
      if (!project) return fail('project_not_found', `There is no project ${input.projectId}.`);
      const harness = input.harness ?? project.workerAgent;
      const resolved = resolveHarness(harness, project.customCommand);
      if (!resolved.ok) return resolved;
      const id = randomUUID();
      const title = input.title ?? input.prompt.split('\n')[0]!.slice(0, 80);
      const wt = await deps.worktreesService.create(project.id, `${slugify(title).slice(0, 30)}-${id.slice(0, 6)}`);
      if (!wt.ok) return err({ code: wt.error.code, message: `Could not create the session's worktree: ${wt.error.message}` });
      const s = deps.sessions.insert({ id, projectId: project.id, role: 'worker', harness, command: resolved.value, title, worktreeId: wt.value.id, cwd: wt.value.path, initialPrompt: input.prompt });
      changed(id);
      track(start(id, 'spawn', input.prompt));
      return ok(summary(s));
    },

    records(id: string, afterSeq: number, limit: number): Result<{ records: JournalRecord[]; lastSeq: number }> {
      const s = deps.sessions.get(id);
      if (!s) return fail('session_not_found', `There is no session ${id}.`);
      return ok({ records: deps.events.list(id, afterSeq, limit), lastSeq: s.lastAppliedSeq });
    },

    /** Idle with its host gone (after a restart): the agent is started again and its conversation resumed first. */
    async prompt(id: string, text: string, idempotencyKey: string): Promise<Result<{ turnId: string; duplicate: boolean }>> {
      const s = deps.sessions.get(id);
      if (s && s.state === 'idle' && !live.has(id) && !deps.turns.byKey(idempotencyKey)) {
        const how = await start(id, 'resume_requested', text, s.agentSessionId, idempotencyKey);
        const turn = deps.turns.byKey(idempotencyKey);
        if (!how || !turn) return fail('resume_failed', deps.sessions.get(id)?.stateDetail ?? 'The agent could not be started again.');
        return ok({ turnId: turn.id, duplicate: false });
      }
      return dispatch(id, text, idempotencyKey);
    },

    /** Continue an interrupted session: resume or reload the conversation when the agent can, else prime a new one. */
    async continue(id: string): Promise<Result<{ how: OpenedHow }>> {
      const s = deps.sessions.get(id);
      if (!s) return fail('session_not_found', `There is no session ${id}.`);
      if (s.state !== 'interrupted') return fail('illegal_state', 'Only an interrupted session can be continued.');
      const how = await start(id, 'continue_requested', 'Your previous turn was interrupted before it finished. Continue where you left off.', s.agentSessionId);
      return how ? ok({ how }) : fail('continue_failed', deps.sessions.get(id)?.stateDetail ?? 'The agent could not be started again.');
    },

    acknowledgeDivergence(id: string): Result<SessionSummary> {
      if (!deps.sessions.get(id)) return fail('session_not_found', `There is no session ${id}.`);
      if (deps.divergences.acknowledge(id) > 0) changed(id);
      const s = deps.sessions.get(id);
      return s ? ok(summary(s)) : fail('session_not_found', `There is no session ${id}.`);
    },

    /**
     * Inserts a session under the given id (unless it exists: a saga resumed
     * after a crash re-creates nothing) in an existing worktree, starts it,
     * and resolves once its agent is ready or has failed.
     */
    async launch(input: { id: string; projectId: string; role: SessionRecord['role']; harness: HarnessId; title: string; worktreeId: string; cwd: string; firstPrompt: string | null }): Promise<Result<SessionSummary>> {
      const project = deps.projects.get(input.projectId);
      if (!project) return fail('project_not_found', `There is no project ${input.projectId}.`);
      if (!deps.sessions.get(input.id)) {
        const resolved = resolveHarness(input.harness, project.customCommand);
        if (!resolved.ok) return resolved;
        deps.sessions.insert({ id: input.id, projectId: project.id, role: input.role, harness: input.harness, command: resolved.value, title: input.title, worktreeId: input.worktreeId, cwd: input.cwd });
        changed(input.id);
      }
      if (deps.sessions.get(input.id)?.state === 'pending') await start(input.id, 'spawn', input.firstPrompt);
      const s = deps.sessions.get(input.id);
      return s ? ok(summary(s)) : fail('session_not_found', `There is no session ${input.id}.`);
    },

    /** Running with its agent initialized and its host attached. */
    isUp(id: string): boolean {
      const s = deps.sessions.get(id);
      return !!s && live.has(id) && (s.state === 'idle' || s.state === 'busy' || s.state === 'waiting_input');
    },

    /**
     * The first half of retiring a session: its open turn is cancelled (and
     * given a moment to end), its host and every agent process stopped, then
     * it is marked `retiring`. Repeating it is harmless.
     */
    async beginRetire(id: string, turnGraceMs = 5000): Promise<Result<SessionSummary>> {
      const s0 = deps.sessions.get(id);
      if (!s0) return fail('session_not_found', `There is no session ${id}.`);
      if (s0.state === 'retiring' || s0.state === 'retired') {
        // A retry after a crash: the host may still be there.
        const connected = s0.host ? await deps.host.connect(id, deps.dataDir, s0.host) : null;
        if (connected?.ok) await connected.value.link.stop(stopGraceMs);
        return ok(summary(s0));
      }
      if ((s0.state === 'busy' || s0.state === 'waiting_input') && live.has(id)) {
        api.cancel(id);
        await waitForState(id, (st) => st !== 'busy' && st !== 'waiting_input', turnGraceMs);
      }
      const stopped = await api.stop(id);
      if (!stopped.ok) return stopped;
      const st = await waitForState(id, (x) => x !== 'stopping', stopGraceMs + 5000);
      if (st === 'stopping') return fail('stop_failed', 'The old session did not stop in time; its processes may still be running. Retry stops it again.');
      if (!move(id, 'retiring', 'retire_requested')) return fail('illegal_state', `A ${String(st)} session cannot be retired.`);
      const s = deps.sessions.get(id);
      return s ? ok(summary(s)) : fail('session_not_found', `There is no session ${id}.`);
    },

    finishRetire(id: string): Result<SessionSummary> {
      const s0 = deps.sessions.get(id);
      if (!s0) return fail('session_not_found', `There is no session ${id}.`);
      if (s0.state !== 'retired' && !move(id, 'retired', 'retired')) return fail('illegal_state', `A ${s0.state} session cannot be marked retired.`);
      const s = deps.sessions.get(id);
      return s ? ok(summary(s)) : fail('session_not_found', `There is no session ${id}.`);
    },

    /** Stops every session that is not finished (the quit dialog's "Stop all agents"); returns how many were asked to stop. */
    async stopAll(): Promise<number> {
      const open = deps.sessions.listInStates(LIVE_STATES);
      const results = await Promise.all(open.map((s) => api.stop(s.id)));
      return results.filter((r) => r.ok).length;
    },

    /**
     * A prompt checkpointed but never journaled (Baton or its host died in
     * between) goes out now, under its own turn: persist, then act, even
     * across a crash. The agent is started again first if its host is gone.
     */
    async resendCheckpointed(id: string): Promise<boolean> {
      const turn = deps.turns.open(id).find((t) => t.status === 'dispatching' && t.requestId === null);
      const s0 = deps.sessions.get(id);
      if (!turn || !s0 || s0.state !== 'idle') return false;
      if (!live.has(id) && !(await start(id, 'resume_requested', null, s0.agentSessionId))) return false;
      const s = deps.sessions.get(id);
      const l = live.get(id);
      if (!s || !l || !s.agentSessionId || s.state !== 'idle') return false;
      send(l, s.agentSessionId, turn.id, turn.prompt);
      return true;
    },

    /** A turn that was open when its host died will never end by itself. */
    interruptTurns(id: string): void {
      for (const t of deps.turns.open(id)) deps.turns.finish(t.id, 'interrupted', 'The session host stopped during the turn.');
    },

    cancel(id: string): Result<{ cancelled: boolean }> {
      const s = deps.sessions.get(id);
      const l = live.get(id);
      if (!s || !l || !s.agentSessionId) return ok({ cancelled: false });
      // Pending permission requests are answered `cancelled`, as ACP requires, then the turn is cancelled.
      l.cancelPermissions();
      void l.acp.agent.notify('session/cancel', { sessionId: s.agentSessionId }).catch(() => undefined);
      return ok({ cancelled: true });
    },

    async stop(id: string): Promise<Result<SessionSummary>> {
      const s = deps.sessions.get(id);
      if (!s) return fail('session_not_found', `There is no session ${id}.`);
      const l = live.get(id);
      if (s.state === 'stopped' || s.state === 'stopping' || s.state === 'retired') return ok(summary(s));
      // Recorded before the signal is sent: a crash now still ends in `stopped`, not a ghost.
      if (!move(id, canStopDirectly(s.state) ? 'stopped' : 'stopping', 'user_stopped')) return fail('illegal_state', `A ${s.state} session cannot be stopped.`);
      if (l) {
        l.cancelPermissions();
        await l.stopHost(stopGraceMs);
      } else if (deps.sessions.get(id)?.state === 'stopping') {
        const connected = s.host ? await deps.host.connect(id, deps.dataDir, s.host) : null;
        if (connected?.ok) await connected.value.link.stop(stopGraceMs);
        move(id, 'stopped', 'reconciliation', 'The session host was already gone.');
      }
      const after = deps.sessions.get(id);
      return after ? ok(summary(after)) : fail('session_not_found', `There is no session ${id}.`);
    },

    answerPermission(id: string, requestKey: string, optionId: string | null): Result<{ answered: boolean }> {
      const l = live.get(id);
      return ok({ answered: l ? l.answer(requestKey, optionId) : false });
    },

    retry(id: string): Result<SessionSummary> {
      const s = deps.sessions.get(id);
      if (!s) return fail('session_not_found', `There is no session ${id}.`);
      if (s.state !== 'failed') return fail('illegal_state', 'Only a failed session can be retried.');
      // The agent's command is looked up again: Retry after fixing the project's settings uses the fix.
      const project = deps.projects.get(s.projectId);
      if (project) {
        const resolved = resolveHarness(s.harness as HarnessId, project.customCommand);
        if (!resolved.ok) return resolved;
        deps.sessions.setCommand(id, resolved.value);
      }
      // The prompt that never got an answer goes out again; with no turn at all, the one it was created with.
      const last = deps.turns.last(id);
      const firstPrompt = last ? (last.status !== 'ended' ? last.prompt : null) : s.initialPrompt;
      track(start(id, 'retry', firstPrompt));
      const now = deps.sessions.get(id) ?? s;
      return ok(summary(now));
    },

    /** Reattaches to a live host after a restart: catch up from the last applied seq, re-offer unanswered requests. */
    reattach(s: SessionRecord, link: HostLink): void {
      const l = attachLive(s, link);
      l.redeliver(unansweredRequests(s.id));
      l.attach(s.lastAppliedSeq);
    },

    /** Moves a session and tells the renderers; used by reconciliation. */
    move,

    isLive: (id: string) => live.has(id),

    /** Lets go of every host without stopping it: the agents keep working while Baton is away. */
    async shutdown(): Promise<void> {
      await Promise.allSettled([...background]);
      shuttingDown = true;
      for (const l of live.values()) l.detach();
      live.clear();
    },
  };
  return api;
}

export type SessionsService = ReturnType<typeof createSessionsService>;

/** How an earlier agent conversation came back: resumed, reloaded, or replaced by a new one primed with context. */
export type OpenedHow = 'new' | 'resume' | 'load';

const OPENED_DETAIL: Record<OpenedHow, string> = {
  resume: "Continued: the agent resumed its conversation (session/resume).",
  load: "Continued: the agent reloaded its conversation (session/load).",
  new: 'Continued in a new agent conversation: this agent cannot resume or reload one, so it was given the original request and the last completed step.',
};

const canStopDirectly = (s: SessionState): boolean => s === 'pending' || s === 'failed' || s === 'interrupted';

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ ok: false; error: string }>((res) => {
    timer = setTimeout(() => res({ ok: false, error: 'timeout' }), ms);
  });
  try {
    return await Promise.race([p.then((value) => ({ ok: true as const, value })), timeout]);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
