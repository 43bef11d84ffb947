import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { BATON_MCP_SERVER } from '../../shared/baton-tools';
import { sessionView } from '../../shared/session-view';
import { fail, ok, type Result } from '../../shared/result';
import { MCP_TOKEN_FILE_ARG, ORCHESTRATOR_TOOLS, type OrchestratorToolName, type ToolInput } from '../../shared/tools';
import { buildTranscript, lastAgentMessages } from '../../shared/transcript';
import { tokensEqual } from '../lib/tokens';
import { sessionDir } from '../host/paths';
import type { ReviewService } from '../review/service';
import type { SessionRecord, SessionsRepository } from '../sessions/repository';
import type { SessionsService } from '../sessions/service';
import type { TasksRepository } from './repository';
import type { TasksService } from './service';
import { startWorkerForRun } from './start-worker';
import { MCP_TOOLS_FILE, orchestratorToolListJson } from '../mcp/tool-list';

export interface ToolsDeps {
  dataDir: string;
  /** A machine-local secret (app_meta): tool tokens are derived from it, so main can re-issue them after a restart. */
  secret: string;
  tasks: TasksService;
  tasksRepo: TasksRepository;
  sessions: SessionsRepository;
  sessionsService: SessionsService;
  /** The review domain: a worker's diff and merge, by the same rules as the app's. */
  review: ReviewService;
  /** The SSH destination a session's project lives on; null for this machine. */
  destinationOf: (s: SessionRecord) => string | null;
  /** The bridge on a destination (ADR 0018); absent in a core built without SSH support. */
  remoteBridge?: RemoteBridge;
}

/** What an orchestrator on an SSH destination runs for its tools, all paths there. */
export interface RemoteBridgeFiles {
  node: string;
  script: string;
  /** The end, there, of the link's reverse forward to this app's control socket. */
  socket: string;
  toolsFile: string;
  tokenFile: string;
}

export interface RemoteBridge {
  /** Baton installed there, the control socket forwarded there, and the token written there 0600 through the link's stdin. */
  prepare(destination: string, sessionId: string, token: string): Promise<Result<RemoteBridgeFiles>>;
}

/** The patch an orchestrator gets unless it asks for another size: enough to read, small enough for its context. */
const TOOL_PATCH_BYTES = 60_000;

/** ACP's stdio MCP server entry, as session/new, session/load and session/resume take it. */
export interface McpServerEntry {
  name: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
}

const LAST_MESSAGES = 3;

export function defaultBridgeScript(): string | null {
  if (process.env.BATON_MCP_BRIDGE_SCRIPT) return process.env.BATON_MCP_BRIDGE_SCRIPT;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'mcp-bridge.js'), join(here, '..', 'mcp-bridge.js'), resolve(here, '../../../out/main/mcp-bridge.js')];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * The orchestrator's tools, run in main. Every call names its session and
 * carries that session's token; everything it can see or touch is that
 * session's project, never another's.
 */
export function createOrchestratorTools(deps: ToolsDeps) {
  const tokenFor = (sessionId: string): string => createHmac('sha256', deps.secret).update(`mcp:${sessionId}`).digest('base64url');

  /**
   * The token goes to the bridge in a 0600 file of the session's dir, not in
   * the MCP entry: that entry is journaled with session/new and shown to the UI
   * (ADR 0011). Rewritten whole on every start; the token is derived, so it never changes.
   */
  function writeTokenFile(sessionId: string): string {
    const dir = sessionDir(deps.dataDir, sessionId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'mcp-token');
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, tokenFor(sessionId), { mode: 0o600 });
    renameSync(tmp, path);
    return path;
  }

  /** The tool list the bridge serves, beside the data dir's other files; rewritten whole (it is the same for a build). */
  function writeToolsFile(): string {
    const path = join(deps.dataDir, MCP_TOOLS_FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, orchestratorToolListJson());
    renameSync(tmp, path);
    return path;
  }

  function caller(sessionId: string, token: string): Result<SessionRecord> {
    if (!tokensEqual(tokenFor(sessionId), token)) return fail('forbidden', 'This tool token does not belong to that session.');
    const s = deps.sessions.get(sessionId);
    if (!s || s.role !== 'orchestrator') return fail('forbidden', 'Only an orchestrator session can use these tools.');
    if (s.state === 'retired' || s.state === 'retiring') return fail('forbidden', 'This orchestrator was replaced; its tools are closed.');
    return ok(s);
  }

  /** A worker of the caller's own project, or an error that says nothing about other projects. */
  function worker(orch: SessionRecord, sessionId: string): Result<SessionRecord> {
    const w = deps.sessions.get(sessionId);
    if (!w || w.projectId !== orch.projectId || w.role !== 'worker') return fail('worker_not_found', `This project has no worker ${sessionId}.`);
    return ok(w);
  }

  const handlers: { [N in OrchestratorToolName]: (orch: SessionRecord, args: ToolInput<N>) => Promise<Result<unknown>> | Result<unknown> } = {
    list_tasks: (orch, a) => deps.tasks.list(orch.projectId, a.status),
    wait_for_changes: async (orch, a) => ok(await deps.tasks.waitForChanges(orch.id, (a.timeoutSeconds ?? 120) * 1000)),
    claim_next_run: (orch) => {
      const claimed = deps.tasksRepo.claimNext(orch.projectId, orch.id, deps.tasks.leaseMs);
      if (claimed) deps.tasks.notifyChanged(orch.projectId);
      return ok(claimed ? { run: claimed.run, task: claimed.task, claimToken: claimed.token } : null);
    },
    heartbeat_run: (orch, a) => inProject(orch, a.runId, () => deps.tasksRepo.heartbeat(a.runId, a.claimToken, deps.tasks.leaseMs)),
    complete_run: (orch, a) => inProject(orch, a.runId, () => changedAfter(orch, deps.tasksRepo.complete(a.runId, a.claimToken, a.summary))),
    fail_run: (orch, a) => inProject(orch, a.runId, () => changedAfter(orch, deps.tasksRepo.fail(a.runId, a.claimToken, a.summary))),
    spawn_worker: (orch, a) =>
      startWorkerForRun({ tasksRepo: deps.tasksRepo, sessionsService: deps.sessionsService, notifyChanged: deps.tasks.notifyChanged, leaseMs: deps.tasks.leaseMs }, orch.projectId, a.runId, a.claimToken, {
        ...(a.prompt ? { prompt: a.prompt } : {}),
        ...(a.title ? { title: a.title } : {}),
      }),
    send_to_worker: async (orch, a) => {
      const w = worker(orch, a.sessionId);
      if (!w.ok) return w;
      return deps.sessionsService.prompt(w.value.id, a.text, `orchestrator:${orch.id}:${Date.now()}:${Math.random().toString(36).slice(2)}`);
    },
    worker_status: (orch, a) => {
      const w = worker(orch, a.sessionId);
      if (!w.ok) return w;
      const rec = deps.sessionsService.records(w.value.id, 0, 1_000_000);
      const t = buildTranscript(rec.ok ? rec.value.records : []);
      return ok({
        sessionId: w.value.id,
        state: w.value.state,
        status: sessionView({ state: w.value.state }).status,
        detail: w.value.stateDetail,
        turnOpen: t.turnOpen,
        lastMessages: lastAgentMessages(t, LAST_MESSAGES),
        run: deps.tasksRepo.runForWorker(w.value.id),
      });
    },
    stop_worker: async (orch, a) => {
      const w = worker(orch, a.sessionId);
      if (!w.ok) return w;
      return deps.sessionsService.stop(w.value.id);
    },
    get_worker_diff: async (orch, a) => {
      const w = worker(orch, a.sessionId);
      if (!w.ok) return w;
      return deps.review.diff({ sessionId: w.value.id, scope: a.scope ?? 'all', stat: a.stat ?? false, maxPatchBytes: a.maxPatchBytes ?? TOOL_PATCH_BYTES });
    },
    merge_worker: async (orch, a) => {
      const w = worker(orch, a.sessionId);
      if (!w.ok) return w;
      return deps.review.merge({ sessionId: w.value.id, mode: a.mode ?? 'merge', ...(a.message ? { message: a.message } : {}) });
    },
  };

  function inProject(orch: SessionRecord, runId: string, fn: () => Result<unknown>): Result<unknown> {
    const run = deps.tasksRepo.run(runId);
    if (!run || run.projectId !== orch.projectId) return fail('run_not_found', `This project has no run ${runId}.`);
    return fn();
  }

  function changedAfter<T>(orch: SessionRecord, r: Result<T>): Result<T> {
    if (r.ok) deps.tasks.notifyChanged(orch.projectId);
    return r;
  }

  return {
    async call(req: { sessionId: string; token: string; name: string; args: unknown }): Promise<Result<unknown>> {
      const who = caller(req.sessionId, req.token);
      if (!who.ok) return who;
      if (!Object.hasOwn(ORCHESTRATOR_TOOLS, req.name)) return fail('unknown_tool', `There is no tool "${req.name}".`);
      const name = req.name as OrchestratorToolName;
      const parsed = ORCHESTRATOR_TOOLS[name].input.safeParse(req.args ?? {});
      if (!parsed.success) return fail('invalid_input', describeIssues(name, parsed.error.issues));
      const handler = handlers[name] as (orch: SessionRecord, args: unknown) => Promise<Result<unknown>> | Result<unknown>;
      return handler(who.value, parsed.data);
    },

    /** The names of the servers mcpServersFor gives, without preparing them (Baton answers its own tools' permission requests). */
    mcpServerNamesFor(s: SessionRecord): string[] {
      if (s.role !== 'orchestrator') return [];
      return deps.destinationOf(s) !== null || defaultBridgeScript() ? [BATON_MCP_SERVER] : [];
    },

    /**
     * What an orchestrator session is given in session/new, /load and /resume: Baton's MCP server, bound to it.
     * On an SSH destination every path is there: its node and bundle, the reverse-forwarded control socket
     * (`--socket`), the tool list shipped with the bundle, and a token file written there (ADR 0018).
     */
    async mcpServersFor(s: SessionRecord): Promise<Result<McpServerEntry[]>> {
      if (s.role !== 'orchestrator') return ok([]);
      const destination = deps.destinationOf(s);
      if (destination !== null) {
        if (!deps.remoteBridge) return fail('remote_not_supported', 'This Baton was built without SSH support, so an orchestrator on an SSH destination cannot get its tools.');
        const r = await deps.remoteBridge.prepare(destination, s.id, tokenFor(s.id));
        if (!r.ok) return r;
        const f = r.value;
        return ok([{ name: BATON_MCP_SERVER, command: f.node, args: [f.script, '--socket', f.socket, '--session', s.id, '--tools', f.toolsFile, MCP_TOKEN_FILE_ARG, f.tokenFile], env: [] }]);
      }
      const script = defaultBridgeScript();
      if (!script) return ok([]);
      const tokenFile = writeTokenFile(s.id);
      const toolsFile = writeToolsFile();
      const env = process.versions.electron ? [{ name: 'ELECTRON_RUN_AS_NODE', value: '1' }] : [];
      return ok([{ name: BATON_MCP_SERVER, command: process.execPath, args: [script, '--data-dir', deps.dataDir, '--session', s.id, '--tools', toolsFile, MCP_TOKEN_FILE_ARG, tokenFile], env }]);
    },
  };
}

/** Says what was wrong in words an agent can act on: an unknown argument is named with the ones the tool takes. */
function describeIssues(name: OrchestratorToolName, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      if (i.code !== 'unrecognized_keys') return `${i.path.join('.') || 'input'}: ${i.message}`;
      const known = Object.keys(ORCHESTRATOR_TOOLS[name].input.shape);
      const unknown = i.keys.map((k) => `"${k}"`).join(', ');
      return `${name} does not take ${unknown}; ${known.length > 0 ? `${name} takes: ${known.join(', ')}` : `${name} takes no arguments`}.`;
    })
    .join('; ');
}

export type OrchestratorTools = ReturnType<typeof createOrchestratorTools>;
