import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databasePath } from '../../../src/main/app/paths';
import { journalPath, sessionDir } from '../../../src/main/host/paths';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { TaskView } from '../../../src/shared/contracts/tasks';
import type { JournalRecord } from '../../../src/shared/journal';
import type { TranscriptItem } from '../../../src/shared/transcript';
import { makeRepo, type Caller, type Harness } from '../../support/core-harness';
import { harnessPerTest } from '../../support/harness-per-test';
import { ORCHESTRATOR_LOOP_STEPS } from '../../support/orchestrator-scripts';
import { fakeHarnessBinary, scriptedCommand, waitUntil } from '../../support/scripted';
import { handoffDone, orchestratorTranscript } from '../orchestrator/helpers';
import { prompts, state, wakePrompts } from './helpers';

/**
 * An orchestrator nobody watches. The scripted agent asks permission before
 * every Baton tool call, as Claude Code does in its default mode; Baton
 * answers those itself (journaled, shown as "allowed: Baton tool"), and
 * leaves every other permission to a person.
 */

let h: Harness;
let call: Caller;
const savedPath = process.env.PATH;
const harness = harnessPerTest({
  beforeCleanup: () => {
    process.env.PATH = savedPath;
  },
});

const BATON_LIST = { toolCallId: 'ask-baton', title: 'mcp__baton__list_tasks', kind: 'other', rawInput: {} };
const CLAUDE_OPTIONS = [
  { kind: 'allow_always', name: 'Always Allow', optionId: 'allow_always' },
  { kind: 'allow_once', name: 'Allow', optionId: 'allow' },
  { kind: 'reject_once', name: 'Reject', optionId: 'reject' },
];

const SCRIPT = {
  askPermission: { mcp: true },
  prompts: [
    { match: 'Wake-up', steps: [...ORCHESTRATOR_LOOP_STEPS] },
    {
      match: 'Implement',
      steps: [
        { type: 'tool_call', id: 'edit', title: 'Edit src/feature.ts', kind: 'edit', status: 'pending' },
        { type: 'tool_update', id: 'edit', status: 'completed', content: 'written' },
        { type: 'text', text: 'Implemented the feature.' },
      ],
    },
    {
      match: 'Ask others',
      steps: [
        // Another server's tool of the same name, and a shell command named like ours (Claude Code titles Bash by its command).
        { type: 'permission', toolCallId: 'other-server', title: 'mcp__other__list_tasks', kind: 'other', rawInput: {}, options: CLAUDE_OPTIONS },
        { type: 'permission', toolCallId: 'shell', title: 'mcp__baton__list_tasks', kind: 'execute', rawInput: { command: 'mcp__baton__list_tasks' }, options: CLAUDE_OPTIONS },
        { type: 'text', text: 'Both answered.' },
      ],
    },
    { match: 'Ask ours', steps: [{ type: 'permission', ...BATON_LIST, options: CLAUDE_OPTIONS }, { type: 'text', text: 'Ours answered.' }] },
    { match: 'Pause, then ask ours', steps: [{ type: 'delay', ms: 1500 }, { type: 'permission', ...BATON_LIST, options: CLAUDE_OPTIONS }, { type: 'text', text: 'Answered after the restart.' }] },
  ],
  default: { steps: [{ type: 'text', text: 'Ready.' }] },
};

const permissionsOf = (items: TranscriptItem[]) => items.flatMap((i) => (i.type === 'permission' ? [i] : []));

/** Every state the session moved to, in order, read from the database itself. */
function statesOf(dataDir: string, id: string): string[] {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    return (db.prepare('SELECT to_state FROM session_transitions WHERE session_id = ? ORDER BY id').all(id) as { to_state: string }[]).map((r) => r.to_state);
  } finally {
    db.close();
  }
}

/** The orchestrator's first turn (its handoff) is over: a prompt now starts a turn of its own. */
async function project(name: string, patch: Record<string, unknown>): Promise<{ id: string; scriptPath: string }> {
  const dir = h.tempDir();
  const command = scriptedCommand(dir, SCRIPT);
  const { project: p } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name });
  await h.must('projects.update', { id: p.id, patch: { orchestratorAgent: 'custom', workerAgent: 'custom', customCommand: command, ...patch } });
  return { id: p.id, scriptPath: join(dir, 'script.json') };
}

describe('Baton answers the permission requests of its own tools', () => {
  it(
    'a Claude Code orchestrator runs three tasks with no person answering: each Baton tool call is asked, answered by Baton, journaled and shown',
    { timeout: 300_000 },
    async () => {
      ({ h, call } = harness.fresh());
      await harness.startControl();
      const dir = h.tempDir();
      const scriptPath = join(dir, 'script.json');
      const command = scriptedCommand(dir, SCRIPT);
      // The orchestrator runs as the Claude Code harness (a claude-agent-acp on PATH that is the scripted agent).
      const bin = fakeHarnessBinary(h.tempDir(), 'claude-agent-acp', scriptPath);
      process.env.PATH = `${bin}${delimiter}${savedPath ?? ''}`;
      const { project: p } = await h.must('projects.add', { path: makeRepo(h.tempDir()), name: 'unattended' });
      await h.must('projects.update', { id: p.id, patch: { orchestratorAgent: 'claude-code', workerAgent: 'custom', customCommand: command } });
      const orch = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
      expect(orch.harness).toBe('claude-code');
      await handoffDone(call, orch.id);

      for (let n = 1; n <= 3; n++) {
        await call<TaskView>('tasks.add', { projectId: p.id, title: `Implement feature ${n}`, body: `Add src/feature-${n}.ts` });
        await waitUntil(() => call<TaskView[]>('tasks.list', { projectId: p.id }), (l) => l.filter((t) => t.status === 'done').length === n, 90_000, `task ${n} done`).catch(async (e: unknown) => {
          throw new Error(`${(e as Error).message}\norchestrator: ${JSON.stringify((await orchestratorTranscript(call, orch.id)).items).slice(-3000)}`);
        });
        await waitUntil(() => orchestratorTranscript(call, orch.id), (t) => !t.turnOpen, 30_000, `the orchestrator's turn ${n} to end`);
      }
      const tasks = await call<TaskView[]>('tasks.list', { projectId: p.id });
      expect(tasks.map((t) => [t.status, t.run?.status, t.run?.summary])).toEqual(Array.from({ length: 3 }, () => ['done', 'completed', 'Worker said: Implemented the feature.']));

      // Five Baton tools a loop, three loops: every one asked, every one answered by Baton and shown so.
      const t = await orchestratorTranscript(call, orch.id);
      const asked = permissionsOf(t.items);
      expect(asked).toHaveLength(15);
      expect(new Set(asked.map((a) => a.title))).toEqual(new Set(['mcp__baton__claim_next_run', 'mcp__baton__spawn_worker', 'mcp__baton__wait_for_changes', 'mcp__baton__worker_status', 'mcp__baton__complete_run']));
      for (const a of asked) expect(a.outcome).toEqual({ kind: 'selected', optionId: 'allow', name: 'Allow', automatic: 'baton_tool' });
      expect(t.items.filter((i) => i.type === 'tool' && i.status === 'completed')).toHaveLength(15);

      // The agent got Baton's answers (allow once), as the fixture recorded them.
      const got = readFileSync(join(`${scriptPath}.store`, 'permissions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { outcome: unknown; meta: unknown });
      expect(got).toHaveLength(15);
      for (const g of got) expect(g).toMatchObject({ outcome: { outcome: 'selected', optionId: 'allow' }, meta: { batonAutoAnswer: 'baton_tool' } });

      // Nobody was asked: the orchestrator never waited on a person, not even for a moment.
      expect(statesOf(h.dataDir, orch.id)).not.toContain('waiting_input');

      // Claude Code's own way was used too: Baton's tools pre-allowed in the session's options.
      const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id: orch.id, afterSeq: 0, limit: 50_000 });
      const opened = records.find((r) => r.dir === 'out' && (r.msg as { method?: string }).method === 'session/new')?.msg as { params: { _meta?: { claudeCode?: { options?: { allowedTools?: string[] } } } } };
      expect(opened.params._meta?.claudeCode?.options?.allowedTools).toEqual(expect.arrayContaining(['mcp__baton__list_tasks', 'mcp__baton__claim_next_run', 'mcp__baton__wait_for_changes']));

      // The wake prompt names the tools as Claude Code shows them.
      const wakes = wakePrompts(await prompts(call, orch.id));
      expect(wakes).toHaveLength(3);
      for (const w of wakes) expect(w).toContain('mcp__baton__list_tasks');
    },
  );

  it("a permission for anything else stays with a person: another server's tool, a shell command named like ours, a worker's lookalike", { timeout: 120_000 }, async () => {
    ({ h, call } = harness.fresh());
    const p = await project('others', {});
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    await handoffDone(call, orch.id);
    await call('sessions.prompt', { id: orch.id, text: 'Ask others', idempotencyKey: 'ask-others-1' });

    const pendingOne = async (title: string) => {
      const t = await waitUntil(() => orchestratorTranscript(call, orch.id), (x) => permissionsOf(x.items).some((i) => i.outcome === null && i.title === title), 30_000, `the request for ${title}`);
      expect(await waitUntil(() => state(call, orch.id), (s) => s === 'waiting_input', 10_000, 'waiting on a person')).toBe('waiting_input');
      return permissionsOf(t.items).find((i) => i.outcome === null);
    };
    // Another server's tool of the same name: a person answers, and only then does the agent go on.
    const first = await pendingOne('mcp__other__list_tasks');
    expect(await call('sessions.answerPermission', { id: orch.id, requestKey: first?.requestKey, optionId: 'allow' })).toEqual({ answered: true });
    // A shell command named like our tool: it waits on a person too; the person allows it, and the answer reaches the agent.
    const second = await pendingOne('mcp__baton__list_tasks');
    expect(second?.toolCallId).toBe('shell');
    expect(await call('sessions.answerPermission', { id: orch.id, requestKey: second?.requestKey, optionId: 'allow' })).toEqual({ answered: true });
    const t = await waitUntil(() => orchestratorTranscript(call, orch.id), (x) => !x.turnOpen, 20_000, 'the turn to end');
    expect(permissionsOf(t.items).map((i) => i.outcome)).toEqual([{ kind: 'selected', optionId: 'allow', name: 'Allow' }, { kind: 'selected', optionId: 'allow', name: 'Allow' }]);

    // A worker was not given Baton's server: a request titled like our tool is someone else's.
    const worker = await call<SessionSummary>('sessions.create', { projectId: p.id, prompt: 'Ask ours', harness: 'custom' });
    await waitUntil(() => state(call, worker.id), (s) => s === 'waiting_input', 30_000, "the worker's request to wait on a person");
    const wt = await orchestratorTranscript(call, worker.id);
    expect(permissionsOf(wt.items)).toMatchObject([{ title: 'mcp__baton__list_tasks', outcome: null }]);
  });

  it('after a restart, a Baton-tool request the agent made while Baton was away is answered by Baton', { timeout: 120_000 }, async () => {
    ({ h, call } = harness.fresh());
    const p = await project('restart', {});
    const orch = await call<SessionSummary>('orchestrator.start', { projectId: p.id });
    await handoffDone(call, orch.id);
    await call('sessions.prompt', { id: orch.id, text: 'Pause, then ask ours', idempotencyKey: 'pause-then-ask-1' });
    await waitUntil(() => state(call, orch.id), (s) => s === 'busy', 10_000, 'busy');
    await h.core.close(); // The host and agent keep running; the host holds the request until a main comes back.

    const journal = journalPath(sessionDir(h.dataDir, orch.id));
    await waitUntil(
      () => (existsSync(journal) ? readFileSync(journal, 'utf8') : ''),
      (text) => text.includes('session/request_permission'),
      20_000,
      'the request journaled while no main was attached',
    );
    const second = h.reopen();
    await second.core.recover();
    call = second.call;
    const t = await waitUntil(() => orchestratorTranscript(call, orch.id), (x) => !x.turnOpen && x.items.some((i) => i.type === 'agent' && i.text.includes('Answered after the restart.')), 30_000, 'the turn to end after the restart');
    expect(permissionsOf(t.items).map((i) => i.outcome)).toEqual([{ kind: 'selected', optionId: 'allow', name: 'Allow', automatic: 'baton_tool' }]);
    // Reconcile may first derive "waiting" from the journal's open request (recovery knows no tools); Baton's answer ends it.
    expect(await waitUntil(() => state(call, orch.id), (s) => s === 'idle', 10_000, 'idle')).toBe('idle');
  });
});
