import Database from 'better-sqlite3';
import { createHmac, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { WorktreePanel } from '../../../src/shared/contracts/worktrees';
import { makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { harnessPerTest } from '../../support/harness-per-test';
import { scriptedCommand, waitUntil } from '../../support/scripted';
import { orchestratorTranscript } from '../orchestrator/helpers';

let h: Harness;
let call: Caller;
const harness = harnessPerTest();

/** The orchestrator lists its tasks through Baton's MCP bridge (so the bridge must find its token); workers just answer. */
const SCRIPT = {
  prompts: [{ match: 'Work', steps: [{ type: 'text', text: 'Worked.' }] }],
  default: { steps: [{ type: 'mcp_call', tool: 'list_tasks', save: 'tasks' }, { type: 'text', text: 'Orchestrating.' }] },
};

async function setUp(): Promise<{ projectId: string }> {
  ({ h, call } = harness.fresh());
  await harness.startControl();
  const { project } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'secrets' });
  await h.must('projects.update', {
    id: project.id,
    patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: scriptedCommand(h.tempDir(), SCRIPT), setupCommands: ['echo setup ran'] },
  });
  return { projectId: project.id };
}

/** Every file under `dir` but the database (its text is read column by column) and the token file the bridge reads. */
function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) {
      if (name !== 'worktrees') out.push(...files(p));
    } else if (st.isFile() && !name.startsWith('baton.db') && name !== 'mcp-token') out.push(p);
  }
  return out;
}

/** Every text value in every table, except the one column whose job is to hold the secrets. */
function databaseText(dataDir: string): { where: string; text: string }[] {
  const db = new Database(join(dataDir, 'baton.db'), { readonly: true });
  try {
    const out: { where: string; text: string }[] = [];
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        for (const [col, v] of Object.entries(row)) {
          if (name === 'project_env' && col === 'value') continue;
          if (typeof v === 'string' || Buffer.isBuffer(v)) out.push({ where: `${name}.${col}`, text: v.toString() });
        }
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** Everything a renderer was sent or could fetch: every broadcast, and the answers of the queries the UI makes. */
async function uiPayloads(projectId: string): Promise<{ where: string; text: string }[]> {
  const out = h.events.map((e, i) => ({ where: `event ${i} ${e.name}`, text: JSON.stringify(e.payload) }));
  const sessions = await call<SessionSummary[]>('sessions.list', {});
  out.push({ where: 'sessions.list', text: JSON.stringify(sessions) });
  for (const s of sessions) {
    out.push({ where: `sessions.records ${s.id}`, text: JSON.stringify(await call('sessions.records', { id: s.id, afterSeq: 0, limit: 50_000 })) });
  }
  for (const name of ['projects.get', 'worktrees.list', 'orchestrator.status', 'tasks.list'] as const) {
    const input = name === 'projects.get' ? { id: projectId } : { projectId };
    out.push({ where: name, text: JSON.stringify(await call(name, input)) });
  }
  out.push({ where: 'app.status', text: JSON.stringify(await call('app.status', {})) });
  return out;
}

/** Where any of `needles` shows up: UI payloads, files of the data dir, database text. */
async function leaks(projectId: string, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  const look = (where: string, text: string) => {
    for (const n of needles) if (text.includes(n)) found.push(`${where} holds ${JSON.stringify(n.slice(0, 6))}…`);
  };
  for (const p of await uiPayloads(projectId)) look(p.where, p.text);
  for (const f of files(h.dataDir)) look(f, readFileSync(f, 'utf8'));
  for (const c of databaseText(h.dataDir)) look(c.where, c.text);
  return found;
}

const mcpToken = (sessionId: string): string => {
  const db = new Database(join(h.dataDir, 'baton.db'), { readonly: true });
  try {
    const { value } = db.prepare<[], { value: string }>("SELECT value FROM app_meta WHERE key = 'secret:mcp'").get() as { value: string };
    return createHmac('sha256', value).update(`mcp:${sessionId}`).digest('base64url');
  } finally {
    db.close();
  }
};

const setupDone = (projectId: string) =>
  waitUntil(() => call<WorktreePanel>('worktrees.list', { projectId }), (p) => p.worktrees.every((w) => w.setup.state !== 'running'), 60_000, 'setup to finish');

describe('secrets stay out of the UI, the logs, the journals and the database', () => {
  it('a project secret and the MCP tool token, through an orchestrator (with its tools) and a worker', { timeout: 180_000 }, async () => {
    const { projectId } = await setUp();
    const secret = `s3cret-${randomBytes(12).toString('hex')}`;
    await h.must('projects.setEnv', { id: projectId, key: 'API_TOKEN', value: secret });

    const orch = await call<SessionSummary>('orchestrator.start', { projectId });
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: orch.id }), (s) => s.state === 'idle' && s.lastSeq > 5, 60_000, 'the orchestrator turn');
    // Its tools worked: the bridge read its token from the file.
    const tool = (await orchestratorTranscript(call, orch.id)).items.find((i) => i.type === 'tool');
    expect(tool).toMatchObject({ status: 'completed' });

    const worker = await call<SessionSummary>('sessions.create', { projectId, prompt: 'Work on it', harness: 'custom' });
    await waitUntil(() => call<SessionSummary>('sessions.get', { id: worker.id }), (s) => s.state === 'idle' && s.lastSeq > 3, 60_000, 'the worker turn');
    await setupDone(projectId);

    const token = mcpToken(orch.id);
    expect(readFileSync(join(h.dataDir, 'sessions', orch.id, 'mcp-token'), 'utf8')).toBe(token);
    expect(await leaks(projectId, [secret, token])).toEqual([]);
  });

  it('a stored value no process can carry (NUL) fails the spawn and the setup naming the key, never the value', { timeout: 180_000 }, async () => {
    const { projectId } = await setUp();
    const head = `nul-head-${randomBytes(8).toString('hex')}`;
    const tail = `nul-tail-${randomBytes(8).toString('hex')}`;
    // The contract refuses it, naming the key only.
    const refused = await h.call('projects.setEnv', { id: projectId, key: 'BAD_SECRET', value: `${head}\0${tail}` });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(refused)).not.toContain(head);

    // A database from before that check may still hold one.
    const db = new Database(join(h.dataDir, 'baton.db'));
    db.prepare('INSERT INTO project_env (project_id, key, value, updated_at) VALUES (?, ?, ?, ?)').run(projectId, 'BAD_SECRET', `${head}\0${tail}`, new Date().toISOString());
    db.close();

    const worker = await call<SessionSummary>('sessions.create', { projectId, prompt: 'Work on it', harness: 'custom' });
    const failed = await waitUntil(() => call<SessionSummary>('sessions.get', { id: worker.id }), (s) => s.state === 'failed', 60_000, 'the spawn to fail');
    expect(failed.stateDetail).toContain('"BAD_SECRET"');
    const panel = await setupDone(projectId);
    expect(panel.worktrees.find((w) => w.setup.state === 'failed')?.setup.log).toContain('"BAD_SECRET"');

    expect(await leaks(projectId, [head, tail])).toEqual([]);
  });
});
