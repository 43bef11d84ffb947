// The orchestrator of a project on an SSH destination: its agent runs there and its Baton tools reach main through the bridge installed there and the link's reverse forward, which comes back after the link drops.
import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { MCP_TOKEN_FILE_ARG } from '../../../src/shared/tools';
import { callerOf, createHarness, git, makeRepo, type Harness } from '../../support/core-harness';
import { scriptedCommand } from '../../support/scripted';
import { HOST_ALIAS } from '../../support/sshd';
import { readyForPrompt, waitUntil } from '../../support/wait';
import { orchestratorTranscript } from '../orchestrator/helpers';
import { useSshdForCores } from './helpers';

const world = useSshdForCores();
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.cleanup();
});

/** Every prompt lists the project's tasks through Baton's MCP server and says how many there were and the first one's title. */
const SCRIPT = { default: { steps: [{ type: 'mcp_call', tool: 'list_tasks', save: 'tasks' }, { type: 'text', text: 'Listed {{tasks.length}}: {{tasks.0.title}}.' }] } };

/** The MCP server entry the agent was given, as journaled with session/new. */
async function mcpEntry(core: Harness['core'], id: string): Promise<{ command: string; args: string[] }> {
  const call = callerOf(core);
  const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id, afterSeq: 0, limit: 10_000 });
  for (const r of records) {
    const m = r.msg as { method?: string; params?: { mcpServers?: { command: string; args: string[] }[] } };
    const entry = m.params?.mcpServers?.[0];
    if (r.dir === 'out' && m.method === 'session/new' && entry) return entry;
  }
  throw new Error(`no MCP server entry in the journal of ${id}`);
}

/** A list_tasks call through the bridge that completed with main's answer naming `title`. */
const listedWith = (items: Awaited<ReturnType<typeof orchestratorTranscript>>['items'], title: string): boolean =>
  items.some((i) => i.type === 'tool' && i.title === 'mcp: list_tasks' && i.status === 'completed' && i.content.join('\n').includes(`"title": "${title}"`));

const argOf = (args: string[], name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/**
 * The frames the app sends at `path` (here: the remote end of the reverse forward, the remote being this machine)
 * up to the `n`th, after sending `frame` (if any) once the hello came; [] when nothing answers.
 */
function framesAt(path: string, n = 1, frame?: unknown): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve) => {
    const s = connect(path);
    const got: Array<Record<string, unknown>> = [];
    let buf = '';
    const done = () => {
      s.destroy();
      resolve(got);
    };
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) got.push(JSON.parse(l) as Record<string, unknown>);
      if (got.length === 1 && frame) s.write(JSON.stringify(frame) + '\n');
      if (got.length >= n) done();
    });
    s.once('error', done);
    s.once('close', done);
  });
}
const helloAt = async (path: string): Promise<boolean> => (await framesAt(path))[0]?.t === 'hello';

/** The tool token main derives for a session (app_meta's secret), to find it where it must and must not be. */
function tokenOf(sessionId: string): string {
  const db = new Database(join(h.dataDir, 'baton.db'), { readonly: true });
  try {
    const { value } = db.prepare<[], { value: string }>("SELECT value FROM app_meta WHERE key = 'secret:mcp'").get() as { value: string };
    return createHmac('sha256', value).update(`mcp:${sessionId}`).digest('base64url');
  } finally {
    db.close();
  }
}

/**
 * A project on the destination whose orchestrator (the scripted agent, there) has started and listed its one task
 * through Baton's tools. No control socket runs: the destination reaches the tools-only socket, forwarded there.
 */
async function orchestratorThere(): Promise<{ project: { id: string }; orch: SessionSummary }> {
  const call = callerOf(h.core);
  const dir = `${world.sshd.remoteHome}/repo-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(dir);
  const repo = makeRepo(dir);
  git(repo, 'switch', '-q', '-c', 'trunk');
  const { project } = await h.must('projects.add', { path: `ssh://${HOST_ALIAS}${repo}` });
  const command = scriptedCommand(h.tempDir(), SCRIPT);
  await h.must('projects.update', { id: project.id, patch: { orchestratorAgent: 'custom', customCommand: command } });
  await h.must('tasks.add', { projectId: project.id, title: 'Remote task' });

  const status = await h.must('orchestrator.status', { projectId: project.id });
  expect(status.startRefusal).toBeNull();
  const orch = await call<SessionSummary>('orchestrator.start', { projectId: project.id });
  // The tool reached main: the agent there read the task main holds (in its handoff turn, and in the wake the task made).
  const first = await waitUntil(() => orchestratorTranscript(call, orch.id), (t) => !t.turnOpen && t.items.some((i) => i.type === 'agent' && i.text.includes('Listed 1: Remote task.')), 30_000, 'a turn that listed the task');
  // (The wake arrives while the handoff turn still runs, and the scripted agent cancels that turn: only completed calls count.)
  expect(listedWith(first.items, 'Remote task')).toBe(true);
  await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), (s) => readyForPrompt(s), 20_000, 'idle');
  return { project, orch };
}

describe('the orchestrator of an SSH project', { timeout: 180_000 }, () => {
  it('runs there and its Baton tools reach main through the bridge there; after the link drops the forward comes back and they work again', async () => {
    const call = callerOf(h.core);
    const { project, orch } = await orchestratorThere();

    // Its entry names the remote install's paths: its node, its bundle's bridge and tool list, the forwarded socket, a token file there.
    const root = join(world.sshd.remoteHome, '.baton-remote');
    const entry = await mcpEntry(h.core, orch.id);
    const bundles = readdirSync(root).filter((d) => statSync(join(root, d, 'mcp-bridge.js'), { throwIfNoEntry: false }));
    expect(bundles).toHaveLength(1);
    const bundleDir = bundles[0];
    expect(entry.args[0]).toBe(join(root, bundleDir as string, 'mcp-bridge.js'));
    expect(argOf(entry.args, '--tools')).toBe(join(root, bundleDir as string, 'mcp-tools.json'));
    expect(argOf(entry.args, '--data-dir')).toBeUndefined();
    const socket = argOf(entry.args, '--socket') as string;
    expect(socket).toMatch(new RegExp(`^${root}/ctl/[0-9a-f]{16}\\.sock$`));
    expect(statSync(join(root, 'ctl')).mode & 0o777).toBe(0o700);
    const tokenFile = argOf(entry.args, MCP_TOKEN_FILE_ARG) as string;
    expect(tokenFile).toBe(join(root, 'data', 'sessions', orch.id, 'mcp-token'));
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = tokenOf(orch.id);
    expect(readFileSync(tokenFile, 'utf8')).toBe(token);
    // The entry is journaled and shown: it names the file, never the token.
    expect(JSON.stringify(entry)).not.toContain(token);
    expect(await helloAt(socket)).toBe(true);
    // What is forwarded there answers tool calls only: not the control contract, which takes calls without a token.
    const [, refusedCall] = await framesAt(socket, 2, { t: 'call', id: 1, name: 'projects.list', input: {} });
    expect(refusedCall).toMatchObject({ t: 'error', error: { code: 'unknown_frame' } });
    const [, forged] = await framesAt(socket, 2, { t: 'tool', id: 1, sessionId: orch.id, token: 'not-the-token', name: 'list_tasks', args: {} });
    expect(forged).toMatchObject({ t: 'tool_result', id: 1, ok: false, error: { code: 'forbidden' } });

    // The link goes down: the master's forward goes with it (nothing answers there); back up, the link forwards it again.
    await world.sshd.down();
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), (s) => s.disconnected != null, 30_000, 'the orchestrator to show Disconnected');
    expect(await helloAt(socket)).toBe(false);
    await world.sshd.up();
    await waitUntil(() => helloAt(socket), (v) => v, 30_000, 'the socket forwarded there again');
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), (s) => readyForPrompt(s) && s.disconnected == null, 30_000, 'the orchestrator reattached');

    await h.must('tasks.add', { projectId: project.id, title: 'Second task' });
    await call('sessions.prompt', { id: orch.id, text: 'list again', idempotencyKey: 'remote-orch-again' }).catch(() => undefined);
    const again = await waitUntil(() => orchestratorTranscript(call, orch.id), (t) => !t.turnOpen && t.items.some((i) => i.type === 'agent' && i.text.includes('Listed 2: ')), 40_000, 'a tool call after the link came back');
    expect(listedWith(again.items, 'Second task')).toBe(true);
  });

  it('Baton restarted while it runs there: the new Baton forwards its tools again, and they work', async () => {
    const { project, orch } = await orchestratorThere();
    const socket = argOf((await mcpEntry(h.core, orch.id)).args, '--socket') as string;
    await h.core.close();
    expect(await helloAt(socket)).toBe(false);

    const { core, call } = h.reopen();
    await core.recover();
    // Nothing restarted the orchestrator: the new Baton's first use of the destination forwarded the socket again.
    await waitUntil(() => helloAt(socket), (v) => v, 30_000, 'the socket forwarded there again');
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), (s) => readyForPrompt(s) && s.disconnected == null, 30_000, 'the orchestrator reattached');
    await call('tasks.add', { projectId: project.id, title: 'After restart' });
    const t = await waitUntil(() => orchestratorTranscript(call, orch.id), (x) => !x.turnOpen && x.items.some((i) => i.type === 'agent' && i.text.includes('Listed 2: ')), 40_000, 'a tool call after the restart');
    expect(listedWith(t.items, 'After restart')).toBe(true);
    // The same agent, reattached: it opened one conversation, before the restart.
    const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id: orch.id, afterSeq: 0, limit: 10_000 });
    expect(records.filter((r) => r.dir === 'out' && (r.msg as { method?: string }).method === 'session/new')).toHaveLength(1);
  });

  it('a local project is not refused: its status carries no refusal', async () => {
    const repo = makeRepo(h.tempDir('local-repo-'));
    const { project } = await h.must('projects.add', { path: repo });
    expect((await h.must('orchestrator.status', { projectId: project.id })).startRefusal).toBeNull();
  });
});
