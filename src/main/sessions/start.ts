import type { InitializeResponse, NewSessionResponse } from '@agentclientprotocol/sdk';
import { randomUUID } from 'node:crypto';
import type { JournalRecord } from '../../shared/journal';
import type { Trigger } from '../../shared/session-state';
import { ok } from '../../shared/result';
import { buildTranscript } from '../../shared/transcript';
import { agentEnvironment } from '../agents/harness';
import { sessionMetaFor } from './auto-answer';
import { dispatch } from './dispatch';
import type { Registry } from './registry';

/** How an earlier agent conversation came back: resumed, reloaded, or replaced by a new one primed with context. */
export type OpenedHow = 'new' | 'resume' | 'load';

const OPENED_DETAIL: Record<OpenedHow, string> = {
  resume: "Continued: the agent resumed its conversation (session/resume).",
  load: "Continued: the agent reloaded its conversation (session/load).",
  new: 'Continued in a new agent conversation: this agent cannot resume or reload one, so it was given the original request and the last completed step.',
};

const CLIENT_INFO = { name: 'baton', title: 'Baton', version: '0.1.0' };

/** Spawns the host and agent, initializes ACP and opens the agent session; then sends the first prompt, if any. */
export function start(reg: Registry, id: string, trigger: Trigger, firstPrompt: string | null, prior: string | null = null, promptKey?: string): Promise<OpenedHow | null> {
  return reg.starting(id, () => startNow(reg, id, trigger, firstPrompt, prior, promptKey));
}

async function startNow(reg: Registry, id: string, trigger: Trigger, firstPrompt: string | null, prior: string | null, promptKey: string | undefined): Promise<OpenedHow | null> {
  const { deps, initTimeoutMs, stopGraceMs } = reg;
  const s0 = deps.sessions.get(id);
  if (!s0) return null;
  // Refused: not startable from where it is (someone else started or stopped it); nothing of this start happens.
  if (!reg.transition(id, 'starting', trigger, { from: s0.state }).ok) return null;
  // A start that cannot go on ends failed, with Retry; stale when a person stopped it meanwhile, and then it stays stopped.
  const failStart = (trig: 'spawn_failed' | 'init_timeout', detail: string): void => void reg.transition(id, 'failed', trig, { detail, from: 'starting' });
  const project = deps.projects.get(s0.projectId);
  if (!project) {
    failStart('spawn_failed', 'The project was removed.');
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
    // Its host keeps the agent's stderr for the app to show: these values are replaced there (ADR 0025).
    secretEnv: deps.projects.env(project.id).filter((e) => e.secret).map((e) => e.key),
  });
  if (!launched.ok) {
    failStart('spawn_failed', launched.error.message);
    return null;
  }
  deps.sessions.setHost(id, launched.value);
  const connected = await deps.host.connect(id, deps.dataDir, launched.value);
  if (!connected.ok) {
    failStart('spawn_failed', connected.error.message);
    return null;
  }
  // Stopped while its host was starting: the stop found nothing to signal and stands, so the host this start
  // brought up is stopped here, with its agent, instead of running on unseen (a ghost).
  if (deps.sessions.get(id)?.state !== 'starting') {
    await connected.value.link.stop(stopGraceMs);
    return null;
  }
  const l = reg.attachLive(s0, connected.value.link);
  l.attach(deps.sessions.get(id)?.lastAppliedSeq ?? 0);

  const init = await withTimeout<InitializeResponse>(
    l.acp.agent.request('initialize', {
      protocolVersion: 1,
      // No terminals for the agent to run, but Codex's adapter streams its own commands' output in `_meta` to a
      // client that says it reads it (both names it has used); the transcript shows it (shared/tool-output.ts).
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false, _meta: { terminal_output: true, terminal_output_delta: true } },
      clientInfo: CLIENT_INFO,
    }),
    initTimeoutMs,
  );
  if (!init.ok) {
    failStart('init_timeout', init.error === 'timeout' ? `The agent did not answer initialize within ${Math.round(initTimeoutMs / 1000)} s.` : `The agent failed to initialize: ${init.error}`);
    await l.detachAndStop(connected.value.link, stopGraceMs);
    return null;
  }
  const caps = init.value.agentCapabilities ?? {};
  const servers = deps.mcpServersFor ? await deps.mcpServersFor(s0) : ok([]);
  if (!servers.ok) {
    // An orchestrator without its tools would work blind: the start fails with why, and Retry tries again.
    failStart('spawn_failed', `Baton's tools for this orchestrator could not be set up: ${servers.error.message}`);
    await l.detachAndStop(connected.value.link, stopGraceMs);
    return null;
  }
  const mcpServers = servers.value;
  const meta = sessionMetaFor(s0.harness, mcpServers.map((m) => m.name));
  const opening = { cwd: s0.cwd, mcpServers, ...(meta ? { _meta: meta } : {}) };
  const info = { loadSession: caps.loadSession === true, resume: !!caps.sessionCapabilities?.resume, agentInfo: init.value.agentInfo ?? null };
  // An earlier conversation comes back the best way the agent offers: resume, else load (replayed history is
  // journaled but hidden by the transcript fold), else a new session that the caller primes with context.
  if (prior && info.resume) {
    const r = await withTimeout(l.acp.agent.request('session/resume', { sessionId: prior, ...opening }), initTimeoutMs);
    if (r.ok) return opened(reg, id, prior, info, 'resume', firstPrompt, promptKey);
  }
  if (prior && info.loadSession) {
    const r = await withTimeout(l.acp.agent.request('session/load', { sessionId: prior, ...opening }), initTimeoutMs);
    if (r.ok) return opened(reg, id, prior, info, 'load', firstPrompt, promptKey);
  }
  const newSession = () => withTimeout<NewSessionResponse>(l.acp.agent.request('session/new', opening), initTimeoutMs);
  let created = await newSession();
  const method = init.value.authMethods?.[0];
  if (!created.ok && created.error !== 'timeout' && method) {
    // The agent asked for authentication (it refused session/new): authenticate with its first method, then retry once.
    const auth = await withTimeout(l.acp.agent.request('authenticate', { methodId: method.id }), initTimeoutMs);
    if (!auth.ok) {
      failStart('spawn_failed', `The agent needs you to sign in (${method.name}): ${auth.error}. Sign in with the agent's own CLI, then Retry.`);
      await l.detachAndStop(connected.value.link, stopGraceMs);
      return null;
    }
    created = await newSession();
  }
  if (!created.ok) {
    failStart('spawn_failed', `The agent could not open a session: ${created.error}`);
    await l.detachAndStop(connected.value.link, stopGraceMs);
    return null;
  }
  // A new conversation in place of an earlier one is primed with what that one was about.
  const first = prior && firstPrompt ? primed(deps.events.list(id), firstPrompt) : firstPrompt;
  return opened(reg, id, created.value.sessionId, info, prior ? 'new' : null, first, promptKey);
}

/** `how` is null for a first start; otherwise it says how an earlier conversation came back, for the person who asked. */
function opened(reg: Registry, id: string, agentSessionId: string, info: Record<string, unknown>, how: OpenedHow | null, firstPrompt: string | null, promptKey?: string): OpenedHow | null {
  reg.deps.sessions.setAgent(id, agentSessionId, info);
  // Stale when a person stopped it while it started: the stop stands and no first prompt goes out.
  if (!reg.transition(id, 'idle', 'connected', { detail: how ? OPENED_DETAIL[how] : null, from: 'starting' }).ok) return null;
  if (firstPrompt) {
    const r = dispatch(reg, id, firstPrompt, promptKey ?? `first:${id}:${randomUUID()}`);
    if (!r.ok) console.warn(`[baton] first prompt of ${id}: ${r.error.message}`);
  }
  return how ?? 'new';
}

/** A new agent session knows nothing of the old one: give it the original request and the last completed step. */
export function primed(records: readonly JournalRecord[], next: string): string {
  const t = buildTranscript(records);
  const original = t.items.find((i) => i.type === 'user');
  const lastTool = [...t.items].reverse().find((i) => i.type === 'tool' && i.status === 'completed');
  const parts = ['(Baton) This continues an earlier conversation that could not be resumed.'];
  if (original?.type === 'user') parts.push(`Original request:\n${original.text}`);
  if (lastTool?.type === 'tool') parts.push(`Last completed step: ${lastTool.title}${lastTool.content.length ? `\n${lastTool.content.join('\n').slice(0, 4000)}` : ''}`);
  parts.push(next);
  return parts.join('\n\n');
}

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
